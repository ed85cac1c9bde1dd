"""Each engine's full-text index, chosen once by the connection's dialect."""

from __future__ import annotations

from sqlalchemy import Connection

from db.search.index import SearchIndex
from db.search.postgres import PostgresIndex
from db.search.sqlite import SqliteIndex

_INDEXES: dict[str, SearchIndex] = {"sqlite": SqliteIndex(), "postgresql": PostgresIndex()}


def index_for(conn: Connection) -> SearchIndex:
    return _INDEXES[conn.dialect.name]
