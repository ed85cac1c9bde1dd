"""The full-text index on PostgreSQL: a tsvector per article (the terms with their
positions, each field weighted) in a GIN index, searched by tsquery, ranked by ts_rank."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, text

from db.search.expression import lexeme, split_top, tsquery_expression
from db.search.index import SearchIndex
from db.search.spec import Search
from db.search.statement import Matches, Statement, filter_rows

DDL = (
    "CREATE TABLE IF NOT EXISTS article_fts ("
    " article_pk INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
    " document TSVECTOR NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_article_fts_document ON article_fts USING GIN (document)",
)
# ts_rank weights {D, C, B, A}: parts C, body B, title A, in the proportions of SQLite's
# bm25 weights (db.search.sqlite.BM25_WEIGHTS).
TS_RANK_WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"
# PostgreSQL keeps positions up to 16383 and 256 of them per word.
MAX_POSITION, MAX_POSITIONS = 16383, 256
FIELD_GAP = 8  # positions between fields, so a phrase never runs from title into body


def tsvector_literal(title: str, body: str, parts: str) -> str:
    """A tsvector in its input form: each term with its positions and field weight."""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 1
    for weight, terms in (("A", title), ("B", body), ("C", parts)):
        for term in terms.split():
            slots = positions[term]
            if len(slots) < MAX_POSITIONS:
                slots.append(f"{min(position, MAX_POSITION)}{weight}")
            position += 1
        position += FIELD_GAP
    return " ".join(f"{lexeme(term)}:{','.join(slots)}" for term, slots in positions.items())


def fields_of(occurrences: list[tuple[str, list[int], list[str]]]) -> tuple[str, str, str] | None:
    """The title, body and parts terms that tsvector_literal made a document of, from its
    lexemes' (term, positions, weights); None when it may have left some out (a position
    past MAX_POSITION, MAX_POSITIONS of one word): each field's positions then do not run
    on one by one from where the field starts."""
    slots: dict[str, dict[int, str]] = {"A": {}, "B": {}, "C": {}}
    for term, positions, weights in occurrences:
        if len(positions) >= MAX_POSITIONS:
            return None
        for position, weight in zip(positions, weights, strict=True):
            if position >= MAX_POSITION or weight not in slots:
                return None
            slots[weight][position] = term
    fields, start = [], 1
    for weight in "ABC":
        found = slots[weight]
        if sorted(found) != list(range(start, start + len(found))):
            return None
        fields.append(" ".join(found[position] for position in sorted(found)))
        start += len(found) + FIELD_GAP
    return fields[0], fields[1], fields[2]


class PostgresIndex(SearchIndex):
    month_sql = "to_char(m.published_at + INTERVAL '8 hours', 'YYYY-MM')"

    def create(self, conn: Connection) -> None:
        for statement in DDL:
            conn.execute(text(statement))

    def write(self, conn: Connection, pk: int, title: str, body: str, parts: str, filters: str) -> None:
        """The filters are read from the article's row: `filters` goes unused."""
        conn.execute(
            text(
                "INSERT INTO article_fts (article_pk, document) VALUES (:pk, CAST(:document AS tsvector))"
                " ON CONFLICT (article_pk) DO UPDATE SET document = excluded.document"
            ),
            {"pk": pk, "document": tsvector_literal(title, body, parts)},
        )

    def indexed_terms(self, conn: Connection, pks: list[int]) -> dict[int, tuple[str, str, str]]:
        """Read back from each document's lexemes and positions (fields_of)."""
        occurrences: dict[int, list[tuple[str, list[int], list[str]]]] = defaultdict(list)
        rows = conn.execute(
            text(
                "SELECT f.article_pk, t.lexeme, t.positions, t.weights FROM article_fts AS f, unnest(f.document) AS t"
                " WHERE f.article_pk = ANY(:pks)"
            ),
            {"pks": pks},
        )
        for pk, term, positions, weights in rows:
            occurrences[pk].append((term, positions, weights))
        return {pk: fields for pk, found in occurrences.items() if (fields := fields_of(found)) is not None}

    def optimize(self, conn: Connection, min_documents: int | None = None) -> tuple[int, int]:
        """Refresh the planner's statistics of the index (it keeps no top-k lists: (0, 0))."""
        with conn.begin():
            conn.execute(text("ANALYZE article_fts"))
        return 0, 0

    def matches(self, conn: Connection, search: Search) -> Matches:
        sql = Statement()
        found, left_out = split_top(search.node) if search.node is not None else (None, None)
        if found is not None:
            query = f"CAST({sql.param(tsquery_expression(found))} AS tsquery)"
            rank = f"-ts_rank(CAST('{TS_RANK_WEIGHTS}' AS float4[]), f.document, {query}, 1)"
            sql.where.append(f"f.document @@ {query}")
            matches = Matches(sql, "article_fts AS f JOIN articles AS a ON a.id = f.article_pk", rank)
        else:
            if left_out is not None:
                sql.where.append(
                    "a.id NOT IN (SELECT article_pk FROM article_fts"
                    f" WHERE document @@ CAST({sql.param(tsquery_expression(left_out))} AS tsquery))"
                )
            matches = Matches(sql, "articles AS a", "0.0")
        filter_rows(sql, search.filters)
        return matches
