"""Engines and schema: SQLite (WAL, busy timeout, immediate write transactions) or any URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from db import alert_references
from db.models import Base
from db.search.engines import index_for


class ArchiveError(Exception):
    """A problem with the archive that the user can act on (bad URL, unreadable file...)."""


def printable_url(url: str) -> str:
    """A database URL fit to print: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def reason(exc: Exception) -> str:
    """The first line of what the database driver (or else the exception) says."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def make_engine(url: str, create: bool = True) -> Engine:
    """An engine for the archive at `url`, creating the SQLite file's folder when needed.
    With `create` false a missing SQLite file is an error: a mistyped path given to a command
    that only reads must not leave folders and an empty archive behind."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser()
        if not create and not path.is_file():
            raise ArchiveError(
                f"no archive at {printable_url(url)} (only crawl, demo, reprocess --into, "
                "db copy --into and db upgrade make one; check --db)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        parsed = parsed.set(database=str(path))
    engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    # The SQLAlchemy recipe: take over BEGIN from pysqlite so that writers can ask for
    # BEGIN IMMEDIATE (no SQLITE_BUSY on read-then-write), readers stay deferred.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_schema(conn: Connection) -> None:
    """The models' tables and the full-text index, as the migrations leave them."""
    Base.metadata.create_all(conn)
    alert_references.create(conn)
    index_for(conn).create(conn)
