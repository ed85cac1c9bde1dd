"""The full-text index and its queries, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Both engines index the same terms, computed in Python (pipelines.segment.terms): SQLite's
unicode61 tokenizer and PostgreSQL's tsvector input take them as they are, so a query
finds the same articles on either. Three fields: the title's terms, the body's terms, and
the dictionary words inside long Chinese tokens ("parts"), which words match and phrases
do not (phrases need the text's own order). On SQLite a fourth field holds the article's
filter terms (db.filter_terms), so that filtered searches too are answered by the index."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, TextClause, bindparam, func, select, text

from db import heads
from db.filter_terms import china_day, restrict
from db.models import Article, UTCDateTime

FTS5_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5("
    "title, body, parts, filters, tokenize = 'unicode61 remove_diacritics 0')"
)
POSTGRES_DDL = (
    "CREATE TABLE IF NOT EXISTS article_fts ("
    " article_pk INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
    " document TSVECTOR NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_article_fts_document ON article_fts USING GIN (document)",
)

# bm25 column weights: a match in the title counts five times one in the body; filter
# terms count nothing.
BM25_WEIGHTS = "5.0, 1.0, 0.5, 0.0"
# ts_rank weights {D, C, B, A}: parts C, body B, title A, in the same proportions.
TS_RANK_WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"
# PostgreSQL keeps positions up to 16383 and 256 of them per word.
MAX_POSITION, MAX_POSITIONS = 16383, 256
FIELD_GAP = 8  # positions between fields, so a phrase never runs from title into body


# --- the index ---------------------------------------------------------------------------


def create_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text(FTS5_DDL))
        heads.create(conn)
    else:
        for statement in POSTGRES_DDL:
            conn.execute(text(statement))


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
    return " ".join(f"{_lexeme(term)}:{','.join(slots)}" for term, slots in positions.items())


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def write_index(conn: Connection, pk: int, title: str, body: str, parts: str, filters: str) -> None:
    """Index (or re-index) one article from its space-separated terms and filter terms
    (db.filter_terms.filter_terms; PostgreSQL filters on the article's row)."""
    if conn.dialect.name == "sqlite":
        old = conn.execute(
            text("SELECT title, body, parts, filters FROM article_fts WHERE rowid = :pk"), {"pk": pk}
        ).first()
        if old is not None and tuple(old) == (title, body, parts, filters):
            return
        if old is not None:
            conn.execute(text("DELETE FROM article_fts WHERE rowid = :pk"), {"pk": pk})
        conn.execute(
            text(
                "INSERT INTO article_fts (rowid, title, body, parts, filters) VALUES (:pk, :title, :body, :parts, :filters)"
            ),
            {"pk": pk, "title": title, "body": body, "parts": parts, "filters": filters},
        )
        heads.on_index(conn, pk, (title, body, parts, filters), None if old is None else tuple(old))
    else:
        conn.execute(
            text(
                "INSERT INTO article_fts (article_pk, document) VALUES (:pk, CAST(:document AS tsvector))"
                " ON CONFLICT (article_pk) DO UPDATE SET document = excluded.document"
            ),
            {"pk": pk, "document": tsvector_literal(title, body, parts)},
        )


def optimize(conn: Connection, min_documents: int | None = None) -> tuple[int, int]:
    """SQLite: merge the index into one b-tree, make the heads of the words in at least
    `min_documents` articles anew and return (words with heads, min_documents) as
    db.heads.refresh does. PostgreSQL: refresh the planner's statistics of the index (it
    keeps no heads: (0, 0)). `conn` is outside a transaction: each step takes its own."""
    if conn.dialect.name != "sqlite":
        with conn.begin():
            conn.execute(text("ANALYZE article_fts"))
        return 0, 0
    with conn.execution_options(sqlite_immediate=True).begin():
        conn.execute(text("INSERT INTO article_fts (article_fts) VALUES ('optimize')"))
    return heads.refresh(conn, min_documents)


# --- search expressions -------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    term: str


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    """Index words starting with `start` (in the title, body or parts)."""

    start: str


@dataclass(frozen=True)
class Near:
    """Two phrases (of one term or more) within `distance` words of each other, in either
    order, in one field (title or body): `distance` words or fewer between them."""

    phrases: tuple[tuple[str, ...], tuple[str, ...]]
    distance: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | Prefix | Near | And | Or | Not


def is_positive(node: Node) -> bool:
    """Whether the node names articles to find (not only ones to leave out)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(is_positive(c) for c in node.children)
    if isinstance(node, Or):
        return all(is_positive(c) for c in node.children)
    return True


def split_top(node: Node) -> tuple[Node | None, Node | None]:
    """(what to find, what to leave out) at the top: a query of only exclusions finds
    every article (within the filters) but those."""
    if is_positive(node):
        return node, None
    if isinstance(node, Not):
        return None, node.child
    assert isinstance(node, And) and all(isinstance(c, Not) for c in node.children)
    excluded = tuple(c.child for c in node.children)  # type: ignore[union-attr]
    return None, excluded[0] if len(excluded) == 1 else Or(excluded)


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts5_expression(node: Node) -> str:
    """An FTS5 MATCH expression; every term a quoted string, so no input is syntax."""
    if isinstance(node, Term):
        return _fts5_string(node.term)
    if isinstance(node, Phrase):
        return "{title body} : " + _fts5_string(" ".join(node.terms))
    if isinstance(node, Prefix):  # not the filters column, whose terms any prefix might begin
        return "{title body parts} : " + _fts5_string(node.start) + " *"
    if isinstance(node, Near):
        first, second = (_fts5_string(" ".join(p)) for p in node.phrases)
        return f"{{title body}} : NEAR({first} {second}, {node.distance})"
    if isinstance(node, Or):
        return "(" + " OR ".join(fts5_expression(c) for c in node.children) + ")"
    if isinstance(node, And):
        found = [fts5_expression(c) for c in node.children if not isinstance(c, Not)]
        left = [fts5_expression(c.child) for c in node.children if isinstance(c, Not)]
        expression = "(" + " AND ".join(found) + ")"
        return f"({expression} NOT ({' OR '.join(left)}))" if left else expression
    raise ValueError("an exclusion needs something to exclude from")


def tsquery_expression(node: Node) -> str:
    """The same expression as a tsquery in its input form (lexemes taken as they are)."""
    if isinstance(node, Term):
        return _lexeme(node.term)
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(_lexeme(t) + ":AB" for t in node.terms) + ")"
    if isinstance(node, Prefix):
        return _lexeme(node.start) + ":*"
    if isinstance(node, Near):
        return _tsquery_near(node)
    if isinstance(node, Or):
        return "(" + " | ".join(tsquery_expression(c) for c in node.children) + ")"
    if isinstance(node, And):
        return "(" + " & ".join(tsquery_expression(c) for c in node.children) + ")"
    return "!" + tsquery_expression(node.child)


def _tsquery_near(node: Near) -> str:
    """FTS5's NEAR in tsquery terms: `<d>` puts the second phrase's start exactly d
    positions after the first phrase's end, so "within N words, either order" is every d
    from 1 to N + 1 in both orders; each within one field (weights A: title, B: body), as
    FTS5 matches within one column (the fields are FIELD_GAP positions apart only)."""
    alternatives = []
    for weight in "AB":
        first, second = (" <-> ".join(_lexeme(t) + ":" + weight for t in p) for p in node.phrases)
        for left, right in ((first, second), (second, first)):
            alternatives += [f"(({left}) <{d}> ({right}))" for d in range(1, node.distance + 2)]
    return "(" + " | ".join(alternatives) + ")"


# --- filters and searches -------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a search keeps besides its words. Within one kind, values are alternatives
    (site:smm site:cnmn is either); each tag group must hold (a tag with its narrower ones)."""

    sites: tuple[str, ...] = ()  # spider names (cnmn) or hosts (www.cnmn.com.cn)
    not_sites: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    not_langs: tuple[str, ...] = ()
    relevance: tuple[str, ...] = ()  # labels, or "relevant" for supervision and rectification
    not_relevance: tuple[str, ...] = ()
    tags: tuple[tuple[str, ...], ...] = ()
    not_tags: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class Search:
    node: Node | None
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # or "date"
    collapse: bool = True  # one result per story


@dataclass(frozen=True)
class Ranked:
    id: int  # the result: an article, or the face of a story
    story_id: int


class _Sql:
    """Collects SQL fragments and their parameters."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.where: list[str] = []
        self._typed: list = []

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        if isinstance(value, datetime):
            self._typed.append(bindparam(name, type_=UTCDateTime()))
        return ":" + name

    def statement(self, sql: str) -> TextClause:
        return text(sql).bindparams(*self._typed)

    def values(self, values: tuple[str, ...]) -> str:
        return "(" + ", ".join(self.param(v) for v in values) + ")"


def _filter_sql(sql: _Sql, filters: Filters) -> None:
    def either(column_sets: tuple[str, ...], values: tuple[str, ...]) -> str:
        return "(" + " OR ".join(f"{column} IN {sql.values(values)}" for column in column_sets) + ")"

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


def _matches(
    conn: Connection,
    search: Search,
    columns: str,
    among: list[int] | None = None,
    queued: tuple[int, int] | None = None,
    scored: bool = True,
) -> tuple[str, _Sql]:
    """FROM ... WHERE ... selecting the matching articles, with `rank` (lower is better;
    0.0 for all unless `scored`: the score costs a read of every match's terms, and on
    SQLite, with `among`, a count of each word's matches per id); only those with the ids
    `among`, or those in the alert queue with ids in the range `queued` (both ends
    included), when given."""
    sql = _Sql()
    if queued is not None:
        low, high = sql.param(queued[0]), sql.param(queued[1])
    found, left_out = split_top(search.node) if search.node is not None else (None, None)
    sqlite = conn.dialect.name == "sqlite"
    # On SQLite the index holds the filters too, unless they cannot be filter terms.
    match = fts5_match(conn, search) if found is not None and sqlite else None
    if found is not None and sqlite:
        # FTS first (CROSS JOIN fixes the order): else SQLite may walk a date index and
        # probe the full-text index once per row. Each match is then looked up in the
        # narrow covering index, not the wide row: three times faster on a large archive.
        rank = f"bm25(article_fts, {BM25_WEIGHTS})" if scored else "0.0"
        source = (
            f"SELECT {columns}, {rank} AS rank FROM article_fts"
            " CROSS JOIN articles AS a INDEXED BY ix_articles_search ON a.id = article_fts.rowid"
        )
        sql.where.append("article_fts MATCH " + sql.param(fts5_expression(found) if match is None else match))
        if among is not None:  # on the FTS5 rowid, so that it looks up these rows only
            sql.where.append(f"article_fts.rowid IN {sql.values(tuple(among))}")
            among = None
        if queued is not None:  # a rowid range FTS5 seeks to, instead of reading every match
            sql.where.append(f"article_fts.rowid BETWEEN {low} AND {high}")
    elif found is not None:
        query = sql.param(tsquery_expression(found))
        rank = (
            f"-ts_rank(CAST('{TS_RANK_WEIGHTS}' AS float4[]), f.document, CAST({query} AS tsquery), 1)"
            if scored
            else "0.0"
        )
        source = f"SELECT {columns}, {rank} AS rank FROM article_fts AS f JOIN articles AS a ON a.id = f.article_pk"
        sql.where.append(f"f.document @@ CAST({query} AS tsquery)")
    else:
        source = f"SELECT {columns}, 0.0 AS rank FROM articles AS a"
        if left_out is not None and sqlite:
            sql.where.append(
                f"a.id NOT IN (SELECT rowid FROM article_fts WHERE article_fts MATCH {sql.param(fts5_expression(left_out))})"
            )
        elif left_out is not None:
            sql.where.append(
                "a.id NOT IN (SELECT article_pk FROM article_fts"
                f" WHERE document @@ CAST({sql.param(tsquery_expression(left_out))} AS tsquery))"
            )
    if among is not None:
        sql.where.append(f"a.id IN {sql.values(tuple(among))}")
    if queued is not None:
        sql.where.append(f"a.id BETWEEN {low} AND {high} AND a.id IN (SELECT article_pk FROM alert_queue)")
    if match is None:
        _filter_sql(sql, search.filters)
    where = (" WHERE " + " AND ".join(sql.where)) if sql.where else ""
    return source + where, sql


def fts5_match(conn: Connection, search: Search) -> str | None:
    """The FTS5 expression finding what the search finds within its filters (SQLite, a
    search with something to find); None when its filters cannot be filter terms."""
    found, _ = split_top(search.node)
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
        dated = (china_day(first), china_day(last)) if first is not None else None
    return restrict(fts5_expression(found), search.filters, dated)


def _order(search: Search) -> str:
    if search.sort == "date":
        return "published_at DESC NULLS LAST, id DESC"
    return "rank, id DESC"


_RANKED = "a.id, a.story_id, a.garbled, a.published_at, CAST(a.relevant AS INTEGER) AS relevant"


def ranked(conn: Connection, search: Search, limit: int, offset: int = 0) -> tuple[list[Ranked], int]:
    """One page of matches, best first, and how many there are in all (stories when
    collapsed: a story ranks where its best copy does, and shows its earliest matching
    copy that is not a garbled mirror copy).

    One pass over the matches: they are kept (materialised), counted, and only the best
    of them sorted (a bounded sort); a second pass only when the best hold too few stories."""
    if not search.collapse:
        rows = _best(conn, search, limit, offset)
        total = rows[0].total if rows else (count(conn, search) if offset else 0)
        return [Ranked(r.id, r.story_id) for r in rows], total
    wanted, fetch = offset + limit, (offset + limit) * 2 + 20
    while True:
        rows = _best(conn, search, fetch, stories=wanted)
        stories = list(dict.fromkeys(r.story_id for r in rows))
        if len(stories) >= wanted or len(rows) < fetch:
            break
        fetch *= 4
    total = rows[0].total if rows else 0
    page = stories[offset:wanted]
    members = _matching_copies(conn, search, page)
    return [Ranked(face(members[story]).id, story) for story in page], total


def every_ranked(conn: Connection, search: Search) -> list[Ranked]:
    """Every match in the order `ranked` pages through them, in one pass (exports)."""
    matches, sql = _matches(conn, search, _RANKED)
    rows = conn.execute(sql.statement(f"SELECT * FROM ({matches}) AS m ORDER BY {_order(search)}"), sql.params).all()
    if not search.collapse:
        return [Ranked(r.id, r.story_id) for r in rows]
    stories: dict[int, list] = {}
    for row in rows:  # in order: a story first appears at its best copy
        stories.setdefault(row.story_id, []).append(row)
    return [Ranked(face(copies).id, story) for story, copies in stories.items()]


@dataclass(frozen=True)
class _Match:
    id: int
    story_id: int
    rank: float
    total: int


def _best(conn: Connection, search: Search, limit: int, offset: int = 0, stories: int | None = None) -> list:
    """The best matches, each with `total`: how many stories (collapsed) or articles match;
    fewer than `limit` when they are all, or (offset 0) when they hold `stories` stories."""
    match = _index_alone(conn, search)
    if match is not None:
        led = _best_by_heads(conn, search, match, limit, offset, stories)
        return led if led is not None else _best_by_index(conn, search, match, limit, offset)
    matches, sql = _matches(conn, search, _RANKED)
    counted = "(SELECT COUNT(DISTINCT story_id) FROM m)" if search.collapse else "COUNT(*) OVER ()"
    statement = (
        f"WITH m AS MATERIALIZED ({matches}) SELECT m.*, {counted} AS total FROM m"
        f" ORDER BY {_order(search)} LIMIT {sql.param(limit)} OFFSET {sql.param(offset)}"
    )
    return conn.execute(sql.statement(statement), sql.params).all()


def _index_alone(conn: Connection, search: Search) -> str | None:
    """The FTS5 expression when the full-text index alone can rank the matches (SQLite,
    BM25 order, something to find, filters that are filter terms): then no article row is
    read but the page's."""
    if (
        conn.dialect.name != "sqlite"
        or search.sort != "relevance"
        or search.node is None
        or not is_positive(search.node)
    ):
        return None
    return fts5_match(conn, search)


def _best_by_heads(
    conn: Connection,
    search: Search,
    expression: str,
    limit: int,
    offset: int,
    stories: int | None,
) -> list[_Match] | None:
    """The best matches of a one-word search from the word's heads (db.heads), or None
    when the word has none or they lead too few of its matches for the page."""
    if not isinstance(search.node, Term):
        return None
    word = fts5_expression(search.node)
    led = heads.best(conn, search.node.term, offset + limit, None if expression == word else expression)
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
    return [_Match(pk, story_of[pk], float(rank), matches - repeated) for pk, rank in best[offset:]]


def _best_by_index(conn: Connection, search: Search, expression: str, limit: int, offset: int) -> list[_Match]:
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
    return [_Match(row.id, story_of[row.id], float(row.rank), matches - repeated) for row in rows]


def _stories(conn: Connection, ids: list[int]) -> dict[int, int]:
    return dict(
        conn.execute(
            text("SELECT id, story_id FROM articles WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": ids or [0]},
        ).all()
    )


# Matches beyond the first of their story: only articles of stories with several copies can
# be one (the partial index ix_articles_copies lists those, a few).
_COPIES = (
    "c(id, story_id) AS MATERIALIZED ("
    " SELECT id, story_id FROM articles INDEXED BY ix_articles_copies WHERE story_id != id"
    " UNION SELECT story_id, story_id FROM articles INDEXED BY ix_articles_copies WHERE story_id != id)"
)
_REPEATED = "SELECT COUNT(*) - COUNT(DISTINCT c.story_id) FROM c WHERE c.id IN ({matches})"


def _matching_copies(conn: Connection, search: Search, stories: list[int]) -> dict[int, list]:
    """The matching articles of these stories, by story."""
    if not stories:
        return {}
    ids = [
        row.id
        for row in conn.execute(
            text("SELECT id FROM articles WHERE story_id IN :stories").bindparams(bindparam("stories", expanding=True)),
            {"stories": stories},
        )
    ]
    matches, sql = _matches(conn, search, _RANKED, among=ids, scored=False)
    out: dict[int, list] = {}
    for row in conn.execute(sql.statement(matches), sql.params):
        out.setdefault(row.story_id, []).append(row)
    return out


def copy_queued_matches(conn: Connection, search: Search, low: int, high: int, table: str, rule_id: int) -> None:
    """Copy the queued articles with ids from `low` to `high` that match into `table`
    (rule_id, article_pk, story_id, garbled, published_at), in the database: alert
    matching (db.alerts) then works on them as a set."""
    matches, sql = _matches(
        conn, search, "a.id, a.story_id, a.garbled, a.published_at", queued=(low, high), scored=False
    )
    rule = sql.param(rule_id)
    conn.execute(
        sql.statement(
            f"INSERT INTO {table} (rule_id, article_pk, story_id, garbled, published_at)"
            f" SELECT {rule}, m.id, m.story_id, m.garbled, m.published_at FROM ({matches}) AS m"
        ),
        sql.params,
    )


def face(copies: list):
    """The copy a story shows: the earliest that is not a garbled mirror copy."""
    far_future = datetime.max
    return min(copies, key=lambda r: (bool(r.garbled), r.published_at is None, r.published_at or far_future, r.id))


def count(conn: Connection, search: Search) -> int:
    matches, sql = _matches(conn, search, "a.id, a.story_id", scored=False)
    counted = "COUNT(DISTINCT m.story_id)" if search.collapse else "COUNT(*)"
    return conn.execute(sql.statement(f"SELECT {counted} FROM ({matches}) AS m"), sql.params).scalar_one()


def facets(conn: Connection, search: Search, top_tags: int = 30) -> dict[str, list[tuple[str, int]]]:
    """Counts of the matches by site host, language, month (China time) and tag: the
    biggest first, months in order. Collapsed, they count what the total counts, stories,
    each by the copy it shows (`face`): a story's mirror copies add nothing."""
    matches, sql = _matches(conn, search, "a.id, a.story_id, a.host, a.lang, a.published_at, a.garbled", scored=False)
    if conn.dialect.name == "sqlite":
        month = "strftime('%Y-%m', m.published_at, '+8 hours')"
    else:
        month = "to_char(m.published_at + INTERVAL '8 hours', 'YYYY-MM')"
    shown = (
        (  # face() in SQL: the earliest copy that is not garbled
            "SELECT * FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.story_id"
            " ORDER BY c.garbled, c.published_at IS NULL, c.published_at, c.id) AS nth FROM c) AS f WHERE f.nth = 1"
        )
        if search.collapse
        else "SELECT * FROM c"
    )
    statement = (
        f"WITH c AS MATERIALIZED ({matches}), m AS MATERIALIZED ({shown})"
        f" SELECT 'site' AS facet, m.host AS value, COUNT(*) AS n FROM m GROUP BY m.host"
        f" UNION ALL SELECT 'lang', m.lang, COUNT(*) FROM m GROUP BY m.lang"
        f" UNION ALL SELECT 'month', {month}, COUNT(*) FROM m WHERE m.published_at IS NOT NULL GROUP BY {month}"
        f" UNION ALL SELECT 'tag', t.tag, COUNT(*) FROM m JOIN article_tags AS t ON t.article_pk = m.id GROUP BY t.tag"
    )
    out: dict[str, list[tuple[str, int]]] = {"site": [], "lang": [], "month": [], "tag": []}
    for row in conn.execute(sql.statement(statement), sql.params):
        out[row.facet].append((row.value, row.n))
    for name in ("site", "lang", "tag"):
        out[name].sort(key=lambda item: (-item[1], item[0]))
    out["tag"] = out["tag"][:top_tags]
    out["month"].sort()
    return out
