"""The full-text index on PostgreSQL: a tsvector per article (the terms with their
positions, each field weighted) in a GIN index, searched by tsquery, ranked by ts_rank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from db.models import Base
from db.search import pg_heads
from db.search.expression import Term, lexeme, split_top, tsquery_expression, vocabulary
from db.search.index import IndexEntry, SearchIndex
from db.search.pg_filters import filter_documents, tsvector_filters
from db.search.spec import Search
from db.search.statement import Matches, Statement, filter_rows

DDL = (
    "CREATE TABLE IF NOT EXISTS article_fts ("
    " article_pk INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
    " document TSVECTOR NOT NULL, filters TSVECTOR NOT NULL DEFAULT '')"
    # Both out of line (TOAST): the rows stay a few dozen bytes, so that counting a word's
    # matches in the GIN index, which visits their rows, reads few pages.
    " WITH (toast_tuple_target = 128)",
    "CREATE INDEX IF NOT EXISTS ix_article_fts_document ON article_fts USING GIN (document)",
    # The filter terms (db.search.pg_filters).
    "CREATE INDEX IF NOT EXISTS ix_article_fts_filters ON article_fts USING GIN (filters)",
)
# A batch's documents (one entry an article: ON CONFLICT may touch a row once), each row
# back with whether it is new and whether its terms changed (its heads then change).
_UPSERT = text(
    "WITH entry AS (SELECT * FROM unnest(CAST(:pks AS integer[]), CAST(:documents AS tsvector[]),"
    " CAST(:filters AS tsvector[])) AS e (pk, document, filters)),"
    " old AS (SELECT f.article_pk, f.document FROM article_fts AS f JOIN entry ON f.article_pk = entry.pk)"
    " INSERT INTO article_fts (article_pk, document, filters) SELECT pk, document, filters FROM entry"
    " ON CONFLICT (article_pk) DO UPDATE SET document = excluded.document, filters = excluded.filters"
    " WHERE (article_fts.document, article_fts.filters) IS DISTINCT FROM (excluded.document, excluded.filters)"
    " RETURNING article_fts.article_pk, xmax = 0 AS new,"
    " (SELECT old.document FROM old WHERE old.article_pk = article_fts.article_pk)"
    " IS DISTINCT FROM article_fts.document AS terms"
)
# A batch of queued articles' documents, cut down to the rules' terms, with their own GIN
# index (alert matching): each rule then looks up the batch's documents, not the whole
# archive's, where a phrase or a weighted term re-reads every candidate's whole document
# (compressed, out of line) of any date; cut down, the documents are a fifth of their size
# and their index some twentieth of the time to build.
QUEUED_DOCUMENTS = "alert_batch_documents"
# What searches filter, sort and collapse by: the columns of the articles' narrow index.
_SEARCH_COLUMNS = next(
    index for index in Base.metadata.tables["articles"].indexes if index.name == "ix_articles_search"
).columns.keys()
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


# Each document's fields (weights) as runs of positions: their terms in order, how many, the
# first and last position, and the most positions a term of the field has. `{documents}`: a
# query of (pk, document) rows.
FIELD_RUNS = (
    "SELECT d.pk, p.weight, string_agg(u.lexeme, ' ' ORDER BY p.position) AS terms, COUNT(*) AS n,"
    " MIN(p.position) AS first, MAX(p.position) AS last, MAX(cardinality(u.positions)) AS most"
    " FROM ({documents}) AS d(pk, document)"
    " CROSS JOIN LATERAL unnest(d.document) AS u"
    " CROSS JOIN LATERAL unnest(u.positions, u.weights) AS p(position, weight)"
    " GROUP BY d.pk, p.weight"
)


def read_fields(conn: Connection, documents: str, parameters: dict[str, Any]) -> dict[int, tuple[str, str, str]]:
    """The title, body and parts terms that tsvector_literal made each document of, where the
    document keeps them all: not where a position is past MAX_POSITION or a word has
    MAX_POSITIONS (some may have been left out), which shows as a field whose positions do
    not run on one by one from where it starts."""
    runs: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in conn.execute(text(FIELD_RUNS.format(documents=documents)), parameters).all():
        runs[row.pk][row.weight] = row
    return {pk: fields for pk, found in runs.items() if (fields := _whole(found)) is not None}


def _whole(runs: dict[str, Any]) -> tuple[str, str, str] | None:
    if not runs.keys() <= {"A", "B", "C"}:
        return None
    fields, start = [], 1
    for weight in "ABC":  # title, body, parts, FIELD_GAP apart
        run = runs.get(weight)
        if run is None:
            fields.append("")
        elif (
            (run.first, run.last) != (start, start + run.n - 1) or run.last >= MAX_POSITION or run.most >= MAX_POSITIONS
        ):
            return None
        else:
            fields.append(run.terms)
        start += (run.n if run is not None else 0) + FIELD_GAP
    return fields[0], fields[1], fields[2]


class PostgresIndex(SearchIndex):
    month_sql = "to_char(m.published_at + INTERVAL '8 hours', 'YYYY-MM')"

    def create(self, conn: Connection) -> None:
        for statement in DDL:
            conn.execute(text(statement))
        pg_heads.create(conn)

    def write_many(self, conn: Connection, entries: Sequence[IndexEntry]) -> None:
        """One statement for the documents; each article whose terms changed then joins
        the heads of its frequent words where it leads them (db.search.pg_heads)."""
        documents = {
            pk: (tsvector_literal(title, body, parts), tsvector_filters(filters))
            for pk, title, body, parts, filters in entries
        }
        if not documents:
            return
        written = conn.execute(
            _UPSERT,
            {
                "pks": list(documents),
                "documents": [document for document, _ in documents.values()],
                "filters": [filters for _, filters in documents.values()],
            },
        )
        for pk, new, terms in written:
            if terms:  # else indexed already with these terms
                pg_heads.on_index(conn, pk, documents[pk][0], again=not new)

    @contextmanager
    def loading(self, conn: Connection) -> Iterator[None]:
        """The GIN index made once the documents are in, as PostgreSQL's manual advises for
        a bulk load ("Populating a Database"): quicker than growing it one document at a time."""
        conn.execute(text("DROP INDEX ix_article_fts_document"))
        conn.execute(text("DROP INDEX ix_article_fts_filters"))
        yield
        conn.execute(text(DDL[1]))
        conn.execute(text(DDL[2]))

    def indexed_terms(self, conn: Connection, pks: list[int]) -> dict[int, tuple[str, str, str]]:
        """Read back from each document's lexemes and positions (read_fields)."""
        return read_fields(
            conn, "SELECT article_pk, document FROM article_fts WHERE article_pk = ANY(:pks)", {"pks": pks}
        )

    def optimize(self, conn: Connection, min_documents: int | None = None) -> tuple[int, int]:
        """Refresh the planner's statistics of the index, make the heads of the words in at
        least `min_documents` articles anew (db.search.pg_heads)."""
        with conn.begin():
            conn.execute(text("ANALYZE article_fts"))
        return pg_heads.refresh(conn, min_documents)

    def stale(self, conn: Connection) -> bool:
        return pg_heads.stale(conn)

    def best(self, conn: Connection, search: Search, limit: int, offset: int, stories: int | None) -> list[Any]:
        """A one-word search ranked by relevance from the word's heads when they lead enough
        of its matches; else every match ranked by ts_rank."""
        if search.sort == "relevance" and isinstance(search.node, Term):
            led = pg_heads.best(conn, search, search.node.term, offset + limit, stories)
            if led is not None:
                return led[offset:]
        return super().best(conn, search, limit, offset, stories)

    def prepare_queued(self, conn: Connection, searches: Iterable[Search], low: int, high: int) -> None:
        """The queued articles' search columns and documents, with only the terms the
        searches read (at their positions, so that each search matches as on the whole
        document), in a temporary table dropped at commit."""
        words: set[str] = set()
        starts: set[str] = set()
        for search in searches:
            if search.node is not None:
                more_words, more_starts = vocabulary(search.node)
                words |= more_words
                starts |= more_starts
        conn.execute(text(f"DROP TABLE IF EXISTS {QUEUED_DOCUMENTS}"))
        conn.execute(
            text(
                f"CREATE TEMP TABLE {QUEUED_DOCUMENTS} ON COMMIT DROP AS"
                f" SELECT {', '.join('a.' + c for c in _SEARCH_COLUMNS)}, ts_delete(f.document, ARRAY("
                "  SELECT t FROM unnest(tsvector_to_array(f.document)) AS t"
                "  WHERE NOT (t = ANY(CAST(:words AS text[])) OR t ^@ ANY(CAST(:starts AS text[]))))) AS document"
                " FROM alert_queue AS q JOIN articles AS a ON a.id = q.article_pk"
                " LEFT JOIN article_fts AS f ON f.article_pk = q.article_pk"
                " WHERE q.article_pk BETWEEN :low AND :high"
            ),
            {"words": sorted(words), "starts": sorted(starts), "low": low, "high": high},
        )
        conn.execute(text(f"CREATE INDEX ON {QUEUED_DOCUMENTS} USING GIN (document)"))
        conn.execute(text(f"ANALYZE {QUEUED_DOCUMENTS}"))

    def queued_matches(self, conn: Connection, search: Search, low: int, high: int, part_of: Statement) -> Matches:
        return _matches(None, search, Statement(part_of), _QUEUED).unscored()

    def matches(self, conn: Connection, search: Search, part_of: Statement | None = None) -> Matches:
        return _matches(conn, search, Statement(part_of), _INDEXED)


@dataclass(frozen=True)
class _Documents:
    """Where a search's matches come from: `found` when it has something to find (its
    tsquery against `document`), else `every` article but those `excluded` (a condition
    with {query} in it)."""

    found: str
    document: str
    every: str
    excluded: str


_INDEXED = _Documents(
    "article_fts AS f JOIN articles AS a ON a.id = f.article_pk",
    "f.document",
    "articles AS a",
    "a.id NOT IN (SELECT article_pk FROM article_fts WHERE document @@ {query})",
)
# A batch's table holds its articles' search columns too: no article row is read.
_QUEUED = _Documents(
    f"{QUEUED_DOCUMENTS} AS a", "a.document", f"{QUEUED_DOCUMENTS} AS a", "NOT COALESCE(a.document @@ {query}, FALSE)"
)


def _matches(conn: Connection | None, search: Search, sql: Statement, documents: _Documents) -> Matches:
    """`conn`: where the filters may be read as filter terms (a search with something to
    find in the index's documents); None: on the rows."""
    found, left_out = split_top(search.node) if search.node is not None else (None, None)
    if found is not None:
        query = f"CAST({sql.param(tsquery_expression(found))} AS tsquery)"
        rank = f"-ts_rank(CAST('{TS_RANK_WEIGHTS}' AS float4[]), {documents.document}, {query}, 1)"
        sql.where.append(f"{documents.document} @@ {query}")
        matches = Matches(sql, documents.found, rank)
        if conn is not None:
            filter_documents(conn, sql, search.filters, "f.filters")
            return matches
    else:
        if left_out is not None:
            query = f"CAST({sql.param(tsquery_expression(left_out))} AS tsquery)"
            sql.where.append(documents.excluded.format(query=query))
        matches = Matches(sql, documents.every, "0.0")
    filter_rows(sql, search.filters)
    return matches
