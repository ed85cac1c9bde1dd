"""One run of a site at a time. A lock file per site, held with flock(2), covers this machine;
on a PostgreSQL archive, which several machines may share, an advisory lock held by a
connection of the run's own covers them all. The kernel drops the one and the server the other
when their holder dies, so a crashed or killed run never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import Self

from sqlalchemy import Connection, text

from db import Archive
from monitor.settings import data_dir


def site_key(spider: str, base_url: str) -> str:
    """A site is a spider at an address: cnmn at the CNMN site and at a mirror are two."""
    return f"{spider} {base_url}"


def lock_dir() -> Path:
    return data_dir() / "locks"


class SiteLock:
    def __init__(self, archive: Archive, spider: str, base_url: str) -> None:
        key = site_key(spider, base_url)
        digest = hashlib.sha256(key.encode()).digest()
        self.path = lock_dir() / f"{spider}-{digest[:8].hex()}.lock"
        self.advisory_key = int.from_bytes(digest[:8], "big", signed=True)
        self.archive = archive
        self._file: int | None = None
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        """Take the lock if no other run holds it; False if one does."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            return False
        if self.archive.engine.dialect.name == "postgresql" and not self._advisory_lock():
            self.release()
            return False
        return True

    def _advisory_lock(self) -> bool:
        self._connection = self.archive.engine.connect()
        taken = self._connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": self.advisory_key}
        ).scalar_one()
        self._connection.commit()  # the lock is the session's, not the transaction's
        return bool(taken)

    def release(self) -> None:
        if self._connection is not None:
            # Unlocked by hand: closing only returns the connection, session and lock, to the pool.
            self._connection.execute(text("SELECT pg_advisory_unlock_all()"))
            self._connection.close()
            self._connection = None
        if self._file is not None:
            os.close(self._file)  # closing the last descriptor drops the flock
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.release()
