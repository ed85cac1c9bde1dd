"""The full-text index on SQLite: an FTS5 table ranked by bm25. A fourth field holds each
article's filter terms (db.filter_terms), so that filtered searches too are answered by
the index; the precomputed top-k lists of frequent words (db.search.top_k) rank one-word
searches without scoring every match."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, text

from db.filter_terms import china_day, restrict
from db.models import Article
from db.search import top_k
from db.search.expression import Term, fts5_expression, is_positive, split_top
from db.search.index import IndexEntry, SearchIndex
from db.search.spec import Match, Search
from db.search.statement import Matches, Statement, filter_rows

DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5("
    "title, body, parts, filters, tokenize = 'unicode61 remove_diacritics 0')"
)
# bm25 column weights: a match in the title counts five times one in the body; filter
# terms count nothing.
BM25_WEIGHTS = "5.0, 1.0, 0.5, 0.0"

# Matches beyond the first of their story: only articles of stories with several copies can
# be one (the partial index ix_articles_copies lists those, a few).
_COPIES = (
    "c(id, story_id) AS MATERIALIZED ("
    " SELECT id, story_id FROM articles INDEXED BY ix_articles_copies WHERE story_id != id"
    " UNION SELECT story_id, story_id FROM articles INDEXED BY ix_articles_copies WHERE story_id != id)"
)
_REPEATED = "SELECT COUNT(*) - COUNT(DISTINCT c.story_id) FROM c WHERE c.id IN ({matches})"
_INDEXED = text("SELECT rowid, title, body, parts, filters FROM article_fts WHERE rowid IN :pks").bindparams(
    bindparam("pks", expanding=True)
)
_UNINDEX = text("DELETE FROM article_fts WHERE rowid IN :pks").bindparams(bindparam("pks", expanding=True))
_INDEX = text(
    "INSERT INTO article_fts (rowid, title, body, parts, filters) VALUES (:pk, :title, :body, :parts, :filters)"
)


def fts5_match(conn: Connection, search: Search) -> str | None:
    """The FTS5 expression finding what the search finds within its filters (a search with
    something to find); None when its filters cannot be filter terms."""
    found, _ = split_top(search.node) if search.node is not None else (None, None)
    assert found is not None
    dated = None
    if search.filters.since is not None or search.filters.until is not None:
        # Two scalar subqueries: SQLite reads one end of the date index for each (for
        # MIN and MAX in one SELECT it would read every row).
        first, last = conn.execute(
            select(
                select(func.min(Article.published_at)).scalar_subquery(),
                select(func.max(Article.published_at)).scalar_subquery(),
            )
        ).one()
        dated = (china_day(first), china_day(last)) if first is not None and last is not None else None
    return restrict(fts5_expression(found), search.filters, dated)


class SqliteIndex(SearchIndex):
    month_sql = "strftime('%Y-%m', m.published_at, '+8 hours')"

    def create(self, conn: Connection) -> None:
        conn.execute(text(DDL))
        top_k.create(conn)

    def write_many(self, conn: Connection, entries: Sequence[IndexEntry]) -> None:
        """Three statements for a store's whole batch, not three an article: the entries
        already indexed read at once, those that changed dropped at once, the new and
        changed ones inserted at once; the heads (db.search.top_k) told of each."""
        if not entries:
            return
        old = {row[0]: tuple(row[1:]) for row in conn.execute(_INDEXED, {"pks": [entry[0] for entry in entries]})}
        fresh = [entry for entry in entries if old.get(entry[0]) != entry[1:]]
        if not fresh:
            return
        if replaced := [entry[0] for entry in fresh if entry[0] in old]:
            conn.execute(_UNINDEX, {"pks": replaced})
        conn.execute(
            _INDEX,
            [
                {"pk": pk, "title": title, "body": body, "parts": parts, "filters": filters}
                for pk, title, body, parts, filters in fresh
            ],
        )
        if top_k.heads_kept(conn):
            for pk, *fields in fresh:
                top_k.on_index(conn, pk, (fields[0], fields[1], fields[2], fields[3]), old.get(pk))

    def indexed_terms(self, conn: Connection, pks: list[int]) -> dict[int, tuple[str, str, str]]:
        """FTS5 keeps each field's text as written."""
        rows = conn.execute(
            text("SELECT rowid, title, body, parts FROM article_fts WHERE rowid IN :pks").bindparams(
                bindparam("pks", expanding=True)
            ),
            {"pks": pks},
        )
        return {pk: (title, body, parts) for pk, title, body, parts in rows}

    def optimize(self, conn: Connection, min_documents: int | None = None) -> tuple[int, int]:
        """Merge the index into one b-tree, make the top-k lists of the words in at least
        `min_documents` articles anew, as db.search.top_k.refresh does."""
        with conn.execution_options(sqlite_immediate=True).begin():
            conn.execute(text("INSERT INTO article_fts (article_fts) VALUES ('optimize')"))
        return top_k.refresh(conn, min_documents)

    def stale(self, conn: Connection) -> bool:
        return top_k.stale(conn)

    def prepare_queued(self, conn: Connection, searches: Iterable[Search], low: int, high: int) -> None:
        """Nothing: each search's index lookup seeks to the batch's rowid range itself."""

    def matches(self, conn: Connection, search: Search, part_of: Statement | None = None) -> Matches:
        sql = Statement(part_of)
        found, left_out = split_top(search.node) if search.node is not None else (None, None)
        if found is None:
            if left_out is not None:
                sql.where.append(
                    "a.id NOT IN (SELECT rowid FROM article_fts"
                    f" WHERE article_fts MATCH {sql.param(fts5_expression(left_out))})"
                )
            filter_rows(sql, search.filters)
            return Matches(sql, "articles AS a", "0.0")
        # The index holds the filters too, unless they cannot be filter terms.
        match = fts5_match(conn, search)
        sql.where.append("article_fts MATCH " + sql.param(fts5_expression(found) if match is None else match))
        if match is None:
            filter_rows(sql, search.filters)
        # FTS first (CROSS JOIN fixes the order): else SQLite may walk a date index and
        # probe the full-text index once per row. Each match is then looked up in the
        # narrow covering index, not the wide row: three times faster on a large archive.
        source = "article_fts CROSS JOIN articles AS a INDEXED BY ix_articles_search ON a.id = article_fts.rowid"
        return Matches(sql, source, f"bm25(article_fts, {BM25_WEIGHTS})", rowid="article_fts.rowid")

    def best(self, conn: Connection, search: Search, limit: int, offset: int, stories: int | None) -> list[Any]:
        """From the index alone when it can rank the matches (BM25 order, something to
        find, filters that are filter terms): then no article row is read but the page's;
        a one-word search from the word's top-k list when it leads enough of them."""
        match = (
            fts5_match(conn, search)
            if search.sort == "relevance" and search.node is not None and is_positive(search.node)
            else None
        )
        if match is None:
            return super().best(conn, search, limit, offset, stories)
        led = _best_by_top_k(conn, search, match, limit, offset, stories)
        return led if led is not None else _best_by_index(conn, search, match, limit, offset)


def _best_by_top_k(
    conn: Connection, search: Search, expression: str, limit: int, offset: int, stories: int | None
) -> list[Match] | None:
    """The best matches of a one-word search from the word's top-k list, or None when the
    word has none or it leads too few of its matches for the page."""
    if not isinstance(search.node, Term):
        return None
    word = fts5_expression(search.node)
    led = top_k.best(conn, search.node.term, offset + limit, None if expression == word else expression)
    if led is None:
        return None
    best, matches = led
    story_of = _stories(conn, [pk for pk, _ in best])
    if not (
        len(best) == min(offset + limit, matches) or (stories is not None and len(set(story_of.values())) >= stories)
    ):
        return None
    # Read for the archive's copies of stories only: without any, no match is read here.
    repeated = (
        conn.execute(
            text(
                f"WITH {_COPIES} {_REPEATED.format(matches='SELECT rowid FROM article_fts WHERE article_fts MATCH :q')}"
            ),
            {"q": expression},
        ).scalar_one()
        if search.collapse
        else 0
    )
    return [Match(pk, story_of[pk], float(rank), matches - repeated) for pk, rank in best[offset:]]


def _best_by_index(conn: Connection, search: Search, expression: str, limit: int, offset: int) -> list[Match]:
    """The best matches, ranked by FTS5 (one pass over the matches: kept (materialised),
    counted, only the best sorted)."""
    rows = conn.execute(
        text(
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(article_fts, {BM25_WEIGHTS}) AS rank FROM article_fts"
            f" WHERE article_fts MATCH :q), {_COPIES} SELECT m.id, m.rank, (SELECT COUNT(*) FROM m) AS matches, "
            + (f"({_REPEATED.format(matches='SELECT id FROM m')})" if search.collapse else "0")
            + " AS repeated FROM m ORDER BY m.rank, m.id DESC LIMIT :limit OFFSET :offset"
        ),
        {"q": expression, "limit": limit, "offset": offset},
    ).all()
    matches, repeated = (rows[0].matches, rows[0].repeated) if rows else (0, 0)
    story_of = _stories(conn, [row.id for row in rows])
    return [Match(row.id, story_of[row.id], float(row.rank), matches - repeated) for row in rows]


def _stories(conn: Connection, ids: list[int]) -> dict[int, int]:
    return dict(
        conn.execute(
            text("SELECT id, story_id FROM articles WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": ids or [0]},
        ).all()
    )
