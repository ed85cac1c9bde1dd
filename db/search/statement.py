"""The statement selecting a search's matches, built in named steps on either engine: the
parameters it binds, the filters on the articles' rows, and the `Matches` builder (an
engine's index sets where the matches come from and how they rank)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, text

from db.models import UTCDateTime
from db.search.spec import Filters


class Statement:
    """SQL conditions and the parameters they bind. `part_of`: the statement this one is a
    part of (several searches in one SQL statement): their parameters are bound together,
    each part keeps its own conditions."""

    def __init__(self, part_of: Statement | None = None) -> None:
        self.params: dict[str, Any] = part_of.params if part_of else {}
        self.where: list[str] = []
        self._typed: list = part_of._typed if part_of else []

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        if isinstance(value, datetime):
            self._typed.append(bindparam(name, type_=UTCDateTime()))
        return ":" + name

    def values(self, values: Sequence[Any]) -> str:
        return "(" + ", ".join(self.param(v) for v in values) + ")"

    def clause(self, sql: str) -> TextClause:
        return text(sql).bindparams(*self._typed)

    def conditions(self) -> str:
        return (" WHERE " + " AND ".join(self.where)) if self.where else ""


def filter_rows(sql: Statement, filters: Filters) -> None:
    """The filters as conditions on the articles' rows (`a`)."""

    def either(columns: tuple[str, ...], values: tuple[str, ...]) -> str:
        return "(" + " OR ".join(f"{column} IN {sql.values(values)}" for column in columns) + ")"

    if filters.sites:
        sql.where.append(either(("a.site", "a.host"), filters.sites))
    if filters.not_sites:
        sql.where.append("NOT " + either(("a.site", "a.host"), filters.not_sites))
    if filters.langs:
        sql.where.append(either(("a.lang",), filters.langs))
    if filters.not_langs:
        sql.where.append("NOT " + either(("a.lang",), filters.not_langs))
    for values, negate in ((filters.relevance, ""), (filters.not_relevance, "NOT ")):
        if values:
            labels = tuple(v for v in values if v != "relevant")
            parts = (["a.relevant = " + sql.param(True)] if "relevant" in values else []) + (
                [f"a.relevance_label IN {sql.values(labels)}"] if labels else []
            )
            sql.where.append(negate + "(" + " OR ".join(parts) + ")")
    for group in filters.tags:
        sql.where.append(f"a.id IN (SELECT article_pk FROM article_tags WHERE tag IN {sql.values(group)})")
    if filters.not_tags:
        sql.where.append(
            f"a.id NOT IN (SELECT article_pk FROM article_tags WHERE tag IN {sql.values(filters.not_tags)})"
        )
    if filters.since:
        sql.where.append("a.published_at >= " + sql.param(filters.since))
    if filters.until:
        sql.where.append("a.published_at < " + sql.param(filters.until))


class Matches:
    """SELECT <columns>, rank FROM ... WHERE ...: the articles a search matches (`a`), with
    `rank` (lower is better). An engine's index makes it (`rank_sql` the score, `rowid` the
    index's own id column when the index leads, so that it looks up the rows asked for
    only); the steps below narrow or cheapen it."""

    def __init__(self, sql: Statement, source: str, rank_sql: str, rowid: str | None = None) -> None:
        self.sql, self._source, self._rank, self._rowid = sql, source, rank_sql, rowid

    def unscored(self) -> Matches:
        """Every rank 0.0: the score costs a read of every match's terms."""
        self._rank = "0.0"
        return self

    def among(self, ids: list[int]) -> Matches:
        """Only the articles with these ids."""
        self.sql.where.append(f"{self._rowid or 'a.id'} IN {self.sql.values(ids)}")
        return self

    def queued(self, low: int, high: int) -> Matches:
        """Only the articles in the alert queue with ids from `low` to `high`: a range the
        index seeks to, when it leads, instead of reading every match; the queue then is
        probed by id. Else the queue is read within the range only (PostgreSQL would hash
        all of it for every rule)."""
        first, last = self.sql.param(low), self.sql.param(high)
        queue = "alert_queue"
        if self._rowid is not None:
            self.sql.where.append(f"{self._rowid} BETWEEN {first} AND {last}")
        else:
            queue += f" WHERE article_pk BETWEEN {first} AND {last}"
        self.sql.where.append(f"a.id BETWEEN {first} AND {last} AND a.id IN (SELECT article_pk FROM {queue})")
        return self

    def select(self, columns: str) -> str:
        return f"SELECT {columns}, {self._rank} AS rank FROM {self._source}{self.sql.conditions()}"
