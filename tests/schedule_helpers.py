"""What the schedule and health tests share: schedule files, archives to run into, the runs
recorded, a replica that answers slowly, and a scheduler run in a thread of the test's."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from db import Archive
from db.models import CrawlRun
from monitor.replica.server import ReplicaSite, _handler_for, serving
from monitor.schedule import Scheduler


def write_schedule(path: Path, *sites: dict[str, str]) -> Path:
    """A schedule file with these [[site]] entries (string values only)."""
    tables = ["[[site]]\n" + "".join(f'{key} = "{value}"\n' for key, value in site.items()) for site in sites]
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


def copy_of_archive(db_url: str, folder: Path) -> str:
    """A copy of a SQLite archive (the session's crawled replicas), to run more crawls into."""
    target = folder / "copy.sqlite3"
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def runs_of(url: str, site: str | None = None) -> list[CrawlRun]:
    """The runs recorded, oldest first."""
    archive = Archive(url)
    query = select(*CrawlRun.__table__.columns).order_by(CrawlRun.id)
    if site:
        query = query.where(CrawlRun.site == site)
    with archive.engine.connect() as conn:
        rows = conn.execute(query).all()
    archive.engine.dispose()
    return rows


def wait_for(condition, timeout: float = 20.0, step: float = 0.1):
    """Poll until `condition()` is true (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"still not so after {timeout} s: {condition}")


@contextmanager
def slow_replica(site: str, delay: float) -> Iterator[str]:
    """A replica that takes `delay` seconds over every page but robots.txt; yields its address."""
    handler = _handler_for(ReplicaSite(site))

    class Slow(handler):
        def do_GET(self) -> None:
            if self.path != "/robots.txt":
                time.sleep(delay)
            super().do_GET()

    with serving(Slow) as address:
        yield address


def schedule_until(scheduler: Scheduler, condition, timeout: float = 20.0):
    """Run the scheduler in a thread until `condition()` is true (returned), then stop it and
    wait for its runs."""
    stop, halt = threading.Event(), threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop, halt), daemon=True)
    thread.start()
    try:
        return wait_for(condition, timeout)
    finally:
        stop.set()
        thread.join(timeout)
