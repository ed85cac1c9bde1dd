"""Engines and schema: SQLite (WAL, busy timeout, immediate write transactions) or any URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from db.models import Base

# The full-text index over segmented text: jieba tokens joined by spaces, so unicode61
# splits them exactly there; porter stems the English words.
FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def make_engine(url: str) -> Engine:
    """An engine for the archive at `url`, creating the SQLite file's folder when needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser()
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


def create_schema(engine: Engine) -> None:
    """Create missing tables (and the FTS5 index on SQLite); existing data is kept."""
    Base.metadata.create_all(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text(FTS_DDL))


def missing_columns(engine: Engine) -> list[str]:
    """Columns the models have and the database's tables lack (an archive made by an older
    version), as table.column."""
    found = inspect(engine)
    return [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for existing in [{c["name"] for c in found.get_columns(table.name)}]
        for column in table.columns
        if column.name not in existing
    ]
