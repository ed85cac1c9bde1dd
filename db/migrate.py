"""Schema versions: the Alembic migrations in db/migrations, upgrading an archive, and the
check made each time one is opened.

Opening an archive happens on every CLI call, so the check is one read of the
alembic_version row against HEAD_REVISION; Alembic itself (some 60 ms to import, and it reads
every migration script) is imported only to create, stamp or upgrade a database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from db.engine import ArchiveError, create_schema, make_engine, printable_url, reason
from db.writing import retried

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# Every revision, oldest first (a test holds them to the scripts). 0001 is the schema of the
# monitor released before migrations existed (commit 8edecd0): its archives have no version.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012")
BASELINE_REVISION, HEAD_REVISION = REVISIONS[0], REVISIONS[-1]
UNVERSIONED = "unversioned"
FTS_TABLE = "article_fts"
# pg_advisory_xact_lock key held while a new archive's schema is made (any constant will do).
CREATE_LOCK = 0x6D6F6E69746F72


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate's filter: the full-text index is made by db.search, not the models, so
    it and SQLite's shadow tables of it (article_fts_data...) are not compared."""
    return not (type_ == "table" and name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")))


def alembic_config(url: str) -> Config:
    """Alembic's configuration for the archive at `url`, without an alembic.ini. The URL goes
    in attributes, not the ini options, whose interpolation would take its %-escapes."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


@contextmanager
def migration_connection(url: str) -> Iterator[Connection]:
    """A connection to the archive at `url` in a transaction that commits on success, so
    that a failed upgrade leaves the archive as it was (both engines have transactional DDL)."""
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(sqlite_immediate=True) as conn:
            if conn.dialect.name == "sqlite":
                # Batch mode (render_as_batch) copies a table and drops the old one; with
                # foreign keys on, SQLite deletes the old table's rows first, and ON DELETE
                # CASCADE would empty every table referring to it. The pragma is ignored in a
                # transaction, so it goes to the driver's connection before BEGIN is sent;
                # the connection is closed with the engine, never reused with the keys off.
                driver = conn.connection.driver_connection
                assert driver is not None  # a live connection, just opened
                driver.execute("PRAGMA foreign_keys=OFF")
            with conn.begin():
                yield conn
    finally:
        engine.dispose()


def stored_revision(conn: Connection) -> str | None:
    """The schema revision of the archive: UNVERSIONED for one made before migrations
    existed (its tables, no version), None for a database that holds no archive."""
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if revision is not None:
            return revision
    return UNVERSIONED if "articles" in tables else None


def outdated(url: str, revision: str) -> ArchiveError:
    """The error for an archive whose schema is not this monitor's."""
    if revision == UNVERSIONED or revision in REVISIONS:
        return ArchiveError(
            f"the archive at {printable_url(url)} was made by an older monitor (schema {revision}): "
            f"run `monitor --db {printable_url(url)} db upgrade` (your data is kept)"
        )
    return ArchiveError(
        f"the archive at {printable_url(url)} has schema {revision}, which this monitor does not know "
        "(made by a newer monitor?): upgrade monitor to open it"
    )


def open_schema(engine: Engine, url: str) -> None:
    """Check that the archive is at the head revision, making the schema of a new one.
    Processes opening a new SQLite archive at once wait on each other's lock, and one may
    outwait its busy timeout under load: it tries again, as a writer does (db.writing)."""
    revision, _ = retried(lambda: _revision_made(engine))
    if revision != HEAD_REVISION:
        raise outdated(url, revision)


def _revision_made(engine: Engine) -> str:
    """The archive's revision, its schema made first if it has none."""
    with engine.connect() as conn:
        revision = stored_revision(conn)
    return revision if revision is not None else _create(engine)


def _create(engine: Engine) -> str:
    """A new archive's schema made at once from the models and stamped with the head
    revision: what running every migration makes (a test compares them), only quicker."""
    with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            # SQLite's BEGIN IMMEDIATE already keeps a second process out until commit.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CREATE_LOCK})
        revision = stored_revision(conn)  # another process may have made it meanwhile
        if revision is None:
            create_schema(conn)
            _stamp(conn, HEAD_REVISION)
            revision = HEAD_REVISION
    return revision


def _stamp(conn: Connection, revision: str) -> None:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    MigrationContext.configure(conn).stamp(ScriptDirectory(str(MIGRATIONS)), revision)


def current(url: str) -> str | None:
    """The schema revision of the archive at `url` (see stored_revision); a missing SQLite
    file is an error, not an archive made to be asked."""
    try:
        engine = make_engine(url, create=False)
        try:
            with engine.connect() as conn:
                return stored_revision(conn)
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError, ImportError) as exc:
        raise ArchiveError(f"cannot open the archive at {printable_url(url)}: {reason(exc)}") from exc


def upgrade(url: str) -> tuple[str | None, str]:
    """Run the migrations that the archive at `url` lacks: (revision before, revision after).
    An archive made before migrations existed is first stamped with the baseline it has."""
    from alembic import command
    from alembic.util import CommandError

    config = alembic_config(url)
    try:
        with migration_connection(url) as conn:
            before = stored_revision(conn)
            if before not in (None, UNVERSIONED, *REVISIONS):
                raise outdated(url, before)
            config.attributes["connection"] = conn  # env.py runs both commands on it
            if before == UNVERSIONED:
                command.stamp(config, BASELINE_REVISION)
            if before != HEAD_REVISION:
                command.upgrade(config, "head")
    except (SQLAlchemyError, CommandError, OSError, ImportError) as exc:
        raise ArchiveError(f"cannot upgrade the archive at {printable_url(url)}: {reason(exc)}") from exc
    return before, HEAD_REVISION
