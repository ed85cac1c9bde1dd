"""The full-text index's interface: what either engine's index does (db.search.sqlite,
db.search.postgres). Both index the same terms, computed in Python
(pipelines.segment.terms), so a query finds the same articles on either. Three fields: the
title's terms, the body's terms, and the dictionary words inside long Chinese tokens
("parts"), which words match and phrases do not (phrases need the text's own order)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from db.search.spec import Search
from db.search.statement import Matches, Statement

# What one article is indexed with: (id, title terms, body terms, parts, filter terms).
IndexEntry = tuple[int, str, str, str, str]


class SearchIndex(ABC):
    # The month of m.published_at in China time, as SQL (facets).
    month_sql: str

    @abstractmethod
    def create(self, conn: Connection) -> None:
        """The index's tables, if missing."""

    def write(self, conn: Connection, pk: int, title: str, body: str, parts: str, filters: str) -> None:
        """Index (or re-index) one article from its space-separated terms and filter terms
        (db.filter_terms.filter_terms)."""
        self.write_many(conn, [(pk, title, body, parts, filters)])

    @abstractmethod
    def write_many(self, conn: Connection, entries: Sequence[IndexEntry]) -> None:
        """Index (or re-index) many articles, each as `write` does one, in a few statements
        for them all (a store's batch)."""

    @contextmanager
    def loading(self, conn: Connection) -> Iterator[None]:
        """Many articles written into an empty index in this transaction (a copy): whatever
        makes that faster, undone when the block ends."""
        yield

    @abstractmethod
    def indexed_terms(self, conn: Connection, pks: list[int]) -> dict[int, tuple[str, str, str]]:
        """The terms (title, body, parts) these articles were indexed with, of those whose
        entry keeps them all (an index copied without segmenting the text again)."""

    @abstractmethod
    def optimize(self, conn: Connection, min_documents: int | None = None) -> tuple[int, int]:
        """Make the index fast to read again; (words with top-k lists, min_documents).
        `conn` is outside a transaction: each step takes its own."""

    def stale(self, conn: Connection) -> bool:
        """Whether so many articles were indexed again that `optimize` is due."""
        return False

    @abstractmethod
    def matches(self, conn: Connection, search: Search, part_of: Statement | None = None) -> Matches:
        """The articles the search matches, within its filters, scored (`part_of`: a
        statement whose parameters its own join)."""

    @abstractmethod
    def prepare_queued(self, conn: Connection, searches: Iterable[Search], low: int, high: int) -> None:
        """Ready `queued_matches` of these searches for the queued articles with ids from
        `low` to `high`, in this transaction (alert matching: each rule against a batch)."""

    def queued_matches(self, conn: Connection, search: Search, low: int, high: int, part_of: Statement) -> Matches:
        """The queued articles with ids from `low` to `high` that the search matches,
        unscored, as a part of the statement `part_of`."""
        return self.matches(conn, search, part_of).unscored().queued(low, high)

    def best(self, conn: Connection, search: Search, limit: int, offset: int, stories: int | None) -> list[Any]:
        """The best matches (id, story_id, rank, total: how many stories (collapsed) or
        articles match); fewer than `limit` when they are all, or (offset 0) when they
        hold `stories` stories. One pass over the matches: they are kept (materialised),
        counted, and only the best of them sorted (a bounded sort)."""
        matches = self.matches(conn, search)
        counted = "(SELECT COUNT(DISTINCT story_id) FROM m)" if search.collapse else "COUNT(*) OVER ()"
        sql = matches.sql
        statement = (
            f"WITH m AS MATERIALIZED ({matches.select(RANKED)}) SELECT m.*, {counted} AS total FROM m"
            f" ORDER BY {order(search)} LIMIT {sql.param(limit)} OFFSET {sql.param(offset)}"
        )
        return list(conn.execute(sql.clause(statement), sql.params).all())


RANKED = "a.id, a.story_id, a.garbled, a.published_at, CAST(a.relevant AS INTEGER) AS relevant"


def order(search: Search) -> str:
    if search.sort == "date":
        return "published_at DESC NULLS LAST, id DESC"
    return "rank, id DESC"
