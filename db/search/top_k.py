"""Precomputed top-k lists of FTS5's bm25 (SQLite; "heads" in the commands' words and the
tables' names): for each frequent word, the articles that can lead its matches by BM25,
with the two numbers BM25 needs of each: the word's count in the article weighted by field
(title 5, body 1, parts 0.5: db.search.sqlite.BM25_WEIGHTS) and the article's length in terms;
and the word's bound: the best (count, length) pairs among the articles left out. A
one-word search, filtered or not, scores the heads in SQL and takes those that score
better than the bound does: no article left out can come before them, so they lead the
matches exactly, in FTS5's order. Only when they are too few for the page asked does the
search score every match in FTS5 (2 to 5 us each at 1M articles: 100 ms for a word in
40,000 of them).

Why a few articles suffice: the BM25 of one word rises with its weighted count and falls
with the article's length, whatever the archive's size, average length and the word's
document frequency. The heads keep every article that fewer than KEEP others beat on both
(count at least, length at most; equal ones broken by id, as searches break ties), so the
best article left out lies below KEEP of them: a search without filters finds its first
KEEP or so matches in the heads, a filter that keeps a twentieth of a word's matches some
thirty.

Articles indexed later join the heads as they come. An article indexed again leaves them
and joins them again with its new counts: the articles left out only become fewer, so the
bound stays a bound and searches stay exact, but fewer heads may lie above it, and
`monitor db optimize` makes them anew. The scores are FTS5's own formula (fts5_aux.c,
fts5Bm25Function) over FTS5's counts, computed in the same order; a test holds them equal
to FTS5's bm25(). A filter's terms weigh nothing in BM25 (db.filter_terms), so a word's
score within a filter is its score."""

from __future__ import annotations

import bisect
import heapq
import math
import time
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, bindparam, text

from db.filter_terms import MARK

KEEP = 600  # the heads: every article that fewer than KEEP others beat
STALE = 200  # articles indexed again after which `reprocess` makes the heads anew
MIN_DOCUMENTS = 5_000  # words in fewer are fast enough without heads (FTS5 scores 2-5 us a match)
FIELD_WEIGHTS = {"title": 5.0, "body": 1.0, "parts": 0.5, "filters": 0.0}  # as BM25_WEIGHTS
K1, B = 1.2, 0.75  # FTS5's bm25 constants
TRANSACTION_SECONDS = 0.5  # `db optimize` makes heads in write transactions of about this long
CACHE_KIB = 512 * 1024  # SQLite's page cache while `db optimize` makes heads (its sorts' memory)

ARTICLE_INDEX = "ix_article_fts_heads_article"
DDL = (
    "CREATE TABLE IF NOT EXISTS article_fts_heads (term TEXT NOT NULL, article_pk INTEGER NOT NULL,"
    " weight REAL NOT NULL, length INTEGER NOT NULL, PRIMARY KEY (term, article_pk)) WITHOUT ROWID",
    # An article indexed again leaves the heads of every word (not read by word alone).
    f"CREATE INDEX IF NOT EXISTS {ARTICLE_INDEX} ON article_fts_heads (article_pk)",
    # The words with heads, and in how many articles each is (BM25's idf needs it).
    "CREATE TABLE IF NOT EXISTS article_fts_head_terms (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID",
    # Of the articles left out of a word's heads, those no other one beats (few).
    "CREATE TABLE IF NOT EXISTS article_fts_head_bounds (term TEXT NOT NULL, weight REAL NOT NULL,"
    " length INTEGER NOT NULL, PRIMARY KEY (term, weight, length)) WITHOUT ROWID",
    # One row while heads are kept: for the words in how many articles.
    "CREATE TABLE IF NOT EXISTS article_fts_heads_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " min_documents INTEGER NOT NULL)",
    # The articles indexed again (with other terms) since the heads were begun.
    "CREATE TABLE IF NOT EXISTS article_fts_heads_changed (article_pk INTEGER PRIMARY KEY)",
)
_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"


def create(conn: Connection) -> None:
    for statement in DDL:
        conn.execute(text(statement))


# --- FTS5's numbers ----------------------------------------------------------------------------


def _varints(blob: bytes) -> Iterator[int]:
    """SQLite's variable-length integers, as FTS5 writes its sizes."""
    i = 0
    while i < len(blob):
        value = 0
        for k in range(9):
            byte = blob[i]
            i += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        yield value


def _length(size_record: bytes) -> int:
    """An article's length in terms, all fields (FTS5's xColumnSize(-1))."""
    return sum(_varints(size_record))


def _averages(block: bytes) -> tuple[int, int]:
    """(articles indexed, terms in all of them), from FTS5's averages record (its block 1)."""
    rows, *sizes = _varints(block)
    return rows, sum(sizes)


def _weights(conn: Connection, title: str, body: str, parts: str, filters: str) -> dict[str, float]:
    """Each term's field-weighted count in one article, tokenized by FTS5 itself (a
    one-row table in the connection's temporary schema)."""
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.heads_article USING fts5(title, body, parts, filters, {_TOKENIZE})"
        )
    )
    conn.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.heads_article_terms USING fts5vocab(temp, heads_article, 'instance')"
        )
    )
    conn.execute(text("DELETE FROM temp.heads_article"))
    conn.execute(
        text("INSERT INTO temp.heads_article (title, body, parts, filters) VALUES (:title, :body, :parts, :filters)"),
        {"title": title, "body": body, "parts": parts, "filters": filters},
    )
    weights: dict[str, float] = {}
    for term, field in conn.execute(text("SELECT term, col FROM temp.heads_article_terms")):
        weights[term] = weights.get(term, 0.0) + FIELD_WEIGHTS[field]
    return weights


# FTS5's bm25() of one phrase (fts5_aux.c, fts5Bm25Function), operation for operation, so
# that every double comes out the same; the constants are bound, not SQL literals.
SCORE_SQL = "-1.0 * (0.0 + :idf * ((weight * (:k1 + 1.0)) / (weight + :k1 * (1 - :b + :b * length / :average))))"


def idf(rows: int, hits: int) -> float:
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


# --- keeping the heads -------------------------------------------------------------------------


def _kept(conn: Connection) -> bool:
    return conn.execute(text("SELECT 1 FROM article_fts_heads_state")).first() is not None


def heads_kept(conn: Connection) -> bool:
    """Whether the archive keeps heads (made by `db optimize`): writers must tell on_index."""
    return _kept(conn)


def on_index(
    conn: Connection, pk: int, fields: tuple[str, str, str, str], old: tuple[str, str, str, str] | None
) -> None:
    """Keep the heads right for an article just written to the index: its fields (title,
    body, parts, filters), and `old`, those it was indexed with before, if it was."""
    if not _kept(conn):
        return
    weights = _weights(conn, *fields)
    before = set(_weights(conn, *old)) if old is not None else set()
    if old is not None:
        conn.execute(text("DELETE FROM article_fts_heads WHERE article_pk = :pk"), {"pk": pk})
        conn.execute(text("INSERT OR IGNORE INTO article_fts_heads_changed (article_pk) VALUES (:pk)"), {"pk": pk})
    heads = set(
        conn.execute(
            text("SELECT term FROM article_fts_head_terms WHERE term IN :terms").bindparams(
                bindparam("terms", expanding=True)
            ),
            {"terms": list(weights.keys() | before) or [""]},
        ).scalars()
    )
    changes = [
        {"term": term, "change": (term in weights) - (term in before)}
        for term in heads
        if (term in weights) != (term in before)
    ]
    if changes:
        conn.execute(
            text("UPDATE article_fts_head_terms SET documents = documents + :change WHERE term = :term"), changes
        )
    if heads & weights.keys():
        length = _length(
            conn.execute(text("SELECT sz FROM article_fts_docsize WHERE id = :pk"), {"pk": pk}).scalar_one()
        )
        conn.execute(
            text(
                "INSERT INTO article_fts_heads (term, article_pk, weight, length) VALUES (:term, :pk, :weight, :length)"
            ),
            [{"term": term, "pk": pk, "weight": weights[term], "length": length} for term in heads & weights.keys()],
        )


Match = tuple[int, float, int]  # (article, weight, length)


def skyband(matches: Iterable[Match], depth: int) -> tuple[list[Match], list[tuple[float, int]]]:
    """Of (article, weight, length): those fewer than `depth` others beat on both counts;
    and of the rest, the (weight, length) pairs no other beats. Taken in order of weight
    (desc), length, id (desc), an article is beaten exactly by those before it that are not
    longer, so it is kept while fewer than `depth` of those are; one of the rest is among
    their best when it is shorter than every one of the rest before it."""
    kept: list[Match] = []
    shortest: list[int] = []  # the `depth` shortest lengths seen, as a max-heap
    bound: list[tuple[float, int]] = []
    for pk, weight, length in sorted(matches, key=lambda m: (-m[1], m[2], -m[0])):
        if len(shortest) < depth:
            kept.append((pk, weight, length))
            heapq.heappush(shortest, -length)
        elif length < -shortest[0]:
            kept.append((pk, weight, length))
            heapq.heapreplace(shortest, -length)
        elif not bound or length < bound[-1][1]:
            bound.append((weight, length))
    return kept, bound


def stale(conn: Connection) -> bool:
    """Whether so many articles were indexed again since the heads were made that they
    serve fewer searches (`reprocess` then makes them anew)."""
    return _changes(conn) > STALE


def _changes(conn: Connection) -> int:
    return conn.execute(text("SELECT COUNT(*) FROM article_fts_heads_changed")).scalar_one()


def refresh(conn: Connection, min_documents: int | None = None) -> tuple[int, int]:
    """Heads for every word in at least `min_documents` articles (by default as many as
    the last time, or MIN_DOCUMENTS): all made anew if an article was indexed again since
    they were begun, else only those of the words that have none yet. Returns (how many
    words have heads, min_documents). `conn` is outside a transaction: the heads are made
    a few words at a time, each few in a write transaction of about TRANSACTION_SECONDS,
    and serve searches from then on, so crawls and searches go on meanwhile."""
    # A frequent word's occurrences are sorted by article (millions at 1M articles): sorts
    # larger than the page cache go to temporary files, merged back.
    driver = conn.connection.driver_connection  # outside SQLAlchemy's transactions
    assert driver is not None
    cache = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        return _refresh(conn, min_documents)
    finally:
        driver.execute(f"PRAGMA cache_size = {int(cache)}")  # the pooled connection's own again


def _refresh(conn: Connection, min_documents: int | None) -> tuple[int, int]:
    with _writing(conn):
        create(conn)
        stored = conn.execute(text("SELECT min_documents FROM article_fts_heads_state")).scalar()
        min_documents = min_documents or stored or MIN_DOCUMENTS
        anew = stored is None or _changes(conn) > 0
        if anew:
            # The index by article made once at the end, not row by row: each few words' heads
            # are all over it, and every transaction would rewrite most of its pages.
            conn.execute(text(f"DROP INDEX IF EXISTS {ARTICLE_INDEX}"))
            for table in (
                "article_fts_heads",
                "article_fts_head_bounds",
                "article_fts_head_terms",
                "article_fts_heads_changed",
            ):
                conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DROP TABLE IF EXISTS temp.heads_lengths"))  # a pooled connection's, of a refresh before
        # Kept from now on: articles indexed meanwhile join the words done.
        conn.execute(
            text("INSERT OR REPLACE INTO article_fts_heads_state (id, min_documents) VALUES (1, :n)"),
            {"n": min_documents},
        )
    with _reading(conn):  # the connection's own temporary tables: no lock on the archive
        conn.execute(
            text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.heads_rows USING fts5vocab(main, article_fts, 'row')")
        )
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.heads_instances USING fts5vocab(main, article_fts, 'instance')"
            )
        )
        done = set(conn.execute(text("SELECT term FROM article_fts_head_terms")).scalars())
        missing = [
            term
            for term in conn.execute(
                text("SELECT term FROM temp.heads_rows WHERE doc >= :n"), {"n": min_documents}
            ).scalars()
            if not term.startswith(MARK) and term not in done
        ]
    left = missing[::-1]
    layout = _Layout()
    while left:  # a few words a transaction: a commit costs as much as a small word's heads
        with _writing(conn):
            _copy_lengths(conn, layout)
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            began, made = time.perf_counter(), [_make_heads(cursor, left.pop(), layout)]
            while left and time.perf_counter() - began < TRANSACTION_SECONDS:
                made.append(_make_heads(cursor, left.pop(), layout))
            _write_heads(cursor, made)
    if anew:
        with _writing(conn):
            create(conn)
    return len(done) + len(missing), min_documents


def _writing(conn: Connection):
    return conn.execution_options(sqlite_immediate=True).begin()


def _reading(conn: Connection):
    return conn.execution_options(sqlite_immediate=False).begin()


class _Layout:
    """How one integer holds an article's (weight, length, id) as a sort key (_KEYS): the
    bits of the longest article and of the highest id copied so far; both only grow."""

    def __init__(self) -> None:
        self.length_bits = 1
        self.id_bits = 1
        self.negative = False  # an id below 0 (SQLite allows them): no key holds it

    def grow(self, pk: int, length: int) -> None:
        self.length_bits = max(self.length_bits, length.bit_length())
        self.id_bits = max(self.id_bits, pk.bit_length())
        self.negative = self.negative or pk < 0

    @property
    def shift(self) -> int:  # the weight's bits start here
        return self.length_bits + self.id_bits

    @property
    def top(self) -> int:
        """The largest doubled weight a key holds; 0 when none does (every word then goes
        the window function's way)."""
        return 0 if self.negative else (1 << max(0, 63 - self.shift)) - 1


def _copy_lengths(conn: Connection, layout: _Layout) -> None:
    """Every article's length into the connection's temporary table heads_lengths: at the
    first call of a refresh all, then those indexed since (new, or again: the heads were
    begun first)."""
    conn.execute(text("CREATE TEMP TABLE IF NOT EXISTS heads_lengths (id INTEGER PRIMARY KEY, sz INTEGER NOT NULL)"))
    last = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM temp.heads_lengths")).scalar_one()
    sizes = conn.execute(
        text(
            "SELECT id, sz FROM article_fts_docsize WHERE id > :last"
            " UNION ALL SELECT d.id, d.sz FROM article_fts_docsize AS d JOIN article_fts_heads_changed AS c ON c.article_pk = d.id"
            " WHERE d.id <= :last"
        ),
        {"last": last},
    )
    while batch := sizes.fetchmany(10_000):
        lengths = [{"id": pk, "sz": _length(size)} for pk, size in batch]
        for row in lengths:
            layout.grow(row["id"], row["sz"])
        conn.execute(text("INSERT OR REPLACE INTO temp.heads_lengths (id, sz) VALUES (:id, :sz)"), lengths)


_WEIGHTED = " ".join(f"WHEN '{field}' THEN {weight}" for field, weight in FIELD_WEIGHTS.items())
# Per weight the KEEP + 1 shortest articles of a word (the others are beaten by KEEP at their
# own weight and by the one left out there, so neither the heads nor the bound need them).
_SHORTEST = (
    "SELECT pk, weight, length FROM (SELECT m.pk, m.weight, s.sz AS length,"
    "  ROW_NUMBER() OVER (PARTITION BY m.weight ORDER BY s.sz, m.pk DESC) AS n"
    f" FROM (SELECT doc AS pk, SUM(CASE col {_WEIGHTED} END) AS weight"
    "  FROM temp.heads_instances WHERE term = ? GROUP BY doc) AS m JOIN temp.heads_lengths AS s ON s.id = m.pk)"
    " WHERE n <= ?"
)


# Every article of a word as one integer, its sort key, in one string: a row a match, read
# into Python or sorted by SQLite's window function, cost more than finding the word's
# counts (1 to 2 us a match; here 0.2). Ascending, the keys run by weight (desc), length,
# id (desc), as the skyband takes them; the doubled weight is an integer (weights are
# multiples of 0.5) and must fit its bits, else the word goes the way of _SHORTEST.
_W2 = " ".join(f"WHEN '{field}' THEN {int(weight * 2)}" for field, weight in FIELD_WEIGHTS.items())
_KEYS = (
    "SELECT group_concat(((:top - m.w2) << :shift) | (s.sz << :id_bits) | (:id_mask - m.pk)), MAX(m.w2), COUNT(*)"
    f" FROM (SELECT doc AS pk, SUM(CASE col {_W2} END) AS w2 FROM temp.heads_instances WHERE term = :term GROUP BY doc)"
    " AS m JOIN temp.heads_lengths AS s ON s.id = m.pk"
)


Heads = tuple[str, list[Match], list[tuple[float, int]], int]  # (word, heads, bound, documents)


def _make_heads(cursor: Any, term: str, layout: _Layout) -> Heads:
    """One word's heads and bound, the skyband of its shortest articles per weight, and
    in how many articles it is. Through the driver's own cursor (`db optimize` does this
    for thousands of words at a million articles), rows as plain tuples."""
    id_mask = (1 << layout.id_bits) - 1
    keys, most, documents = cursor.execute(
        _KEYS,
        {"term": term, "top": layout.top, "shift": layout.shift, "id_bits": layout.id_bits, "id_mask": id_mask},
    ).fetchone()
    if keys is None:  # none when its articles went meanwhile
        return term, [], [], 0
    if most > layout.top:
        kept, bound = skyband(_by_window(cursor, term), KEEP)
    else:
        kept, bound = _skyband_of_keys(sorted(map(int, keys.split(","))), layout, KEEP)
    return term, kept, bound, documents


def _by_window(cursor: Any, term: str) -> list[Match]:
    """_SHORTEST's rows: for a word whose weight does not fit the keys."""
    return cursor.execute(_SHORTEST, (term, KEEP + 1)).fetchall()


def _skyband_of_keys(keys: list[int], layout: _Layout, depth: int) -> tuple[list[Match], list[tuple[float, int]]]:
    """skyband() of the articles whose sorted keys these are. Within a weight the keys run
    by length, and what makes an article kept or bound only tightens, so the first
    article of a weight that is neither ends it (by the KEEP + 2nd at the latest: the
    weight's own beat it): the rest of that weight is skipped unread."""
    shift, id_bits = layout.shift, layout.id_bits
    id_mask, length_mask = (1 << id_bits) - 1, (1 << layout.length_bits) - 1
    kept: list[Match] = []
    shortest: list[int] = []  # the `depth` shortest lengths kept, as a max-heap
    bound: list[tuple[float, int]] = []
    at = 0
    while at < len(keys):
        level = keys[at] >> shift
        weight = (layout.top - level) / 2
        end = bisect.bisect_left(keys, (level + 1) << shift, at)
        for key in keys[at : min(end, at + depth + 2)]:
            length = (key >> id_bits) & length_mask
            if len(shortest) < depth:
                heapq.heappush(shortest, -length)
            elif length < -shortest[0]:
                heapq.heapreplace(shortest, -length)
            elif not bound or length < bound[-1][1]:
                bound.append((weight, length))
                continue
            else:
                break
            kept.append((id_mask - (key & id_mask), weight, length))
        at = end
    return kept, bound


def _write_heads(cursor: Any, made: list[Heads]) -> None:
    """Several words' heads in order of article: each word's are all over the index by
    article (ix_article_fts_heads_article), and written word by word they would rewrite
    most of its pages for every word, a cost growing with the words that have heads."""
    cursor.executemany(
        "INSERT INTO article_fts_heads (term, article_pk, weight, length) VALUES (?, ?, ?, ?)",
        sorted(((term, pk, weight, length) for term, rows, _, _ in made for pk, weight, length in rows), key=_article),
    )
    cursor.executemany(
        "INSERT INTO article_fts_head_bounds (term, weight, length) VALUES (?, ?, ?)",
        [(term, weight, length) for term, _, bound, _ in made for weight, length in bound],
    )
    cursor.executemany(
        "INSERT INTO article_fts_head_terms (term, documents) VALUES (?, ?)",
        [(term, documents) for term, _, _, documents in made],
    )


def _article(row: tuple[str, int, float, int]) -> int:
    return row[1]


# --- searching ---------------------------------------------------------------------------------


def best(
    conn: Connection, term: str, count: int, within: str | None = None
) -> tuple[list[tuple[int, float]], int] | None:
    """The best matches of the word `term`, or of those matching the FTS5 expression
    `within` (the word and filter terms), as (article, rank), best first: of the first
    `count`, those that lie above the bound (fewer when the filter keeps few of the heads,
    `count` goes deeper than the heads, or many articles were indexed again); and how many
    articles match. None when the word has no heads."""
    word = conn.execute(
        text(
            "SELECT t.documents, d.block FROM article_fts_head_terms AS t JOIN article_fts_data AS d ON d.id = 1 WHERE t.term = :t"
        ),
        {"t": term},
    ).first()
    if word is None:
        return None
    rows, terms = _averages(word.block)
    scoring = {"t": term, "idf": idf(rows, word.documents), "average": terms / rows, "k1": K1, "b": B, "count": count}
    bound = f"(SELECT MIN({SCORE_SQL}) FROM article_fts_head_bounds WHERE term = :t)"  # None: none left out
    scored = f"SELECT article_pk, {SCORE_SQL} AS rank FROM article_fts_heads WHERE term = :t"
    if within is None:
        found = conn.execute(
            text(
                f"SELECT :documents AS matches, {bound} AS bound, h.* FROM ({scored}) AS h ORDER BY rank, article_pk DESC LIMIT :count"
            ),
            {**scoring, "documents": word.documents},
        ).all()
    else:  # the matches within the filters found once: counted, and the heads among them
        found = conn.execute(
            text(
                "WITH m AS MATERIALIZED (SELECT rowid AS id FROM article_fts WHERE article_fts MATCH :within),"
                f" h AS ({scored} AND article_pk IN (SELECT id FROM m) ORDER BY rank, article_pk DESC LIMIT :count)"
                f" SELECT (SELECT COUNT(*) FROM m) AS matches, {bound} AS bound, h.article_pk, h.rank"
                " FROM (SELECT 1) LEFT JOIN h ON 1 ORDER BY h.rank, h.article_pk DESC"
            ),
            {**scoring, "within": within},
        ).all()
    if not found:  # no heads rows: the word's articles went
        return [], word.documents
    # Strictly better than the best left out: one as good might come first by its id.
    led = [
        (pk, rank) for _, bound_rank, pk, rank in found if pk is not None and (bound_rank is None or rank < bound_rank)
    ]
    return led, found[0].matches
