"""Heads on PostgreSQL: for each frequent word, the articles that lead its matches by
ts_rank, with their scores, and the word's bound (a score no article left out reaches). A one-word search, filtered or not, reads the heads above the bound, best first:
no article left out can come before them, so they lead the matches exactly, in ts_rank's
order, without ts_rank reading every match's document (some 20 us each at 1M articles:
a word in 100,000 articles took 1.6 s). Only when too few heads lie above the bound and
within the filters does the search rank every match.

Why this is simpler than SQLite's heads (db.search.top_k): ts_rank of one word depends on
the article alone, the weights of the word's positions in it and its length (normalization
1: divided by log2(1 + its positions)), never on the rest of the archive; and one
occurrence in the title (weight 1.0) outweighs any number in the body (0.2) or parts (0.1):
their sum in ts_rank is at most (0.2 + 0.2 pi^2/6) / (pi^2/6) = 0.32 (`NOT_TITLE`), one in the
title at least 1. So a word's heads are the articles with it in the title, scored by
ts_rank itself, and one bound serves every word: NOT_TITLE over log2(1 + the fewest terms of
any article), the most any article without the word in its title can score. On news, whose
articles have some hundred terms or more, every title match scores above it (1 / (pi^2/6) /
log2(1 + 900) = 0.062 against 0.32 / log2(1 + 126) = 0.046 on the generated archive). One
pass over the documents makes them (`monitor db optimize`): each read once, its title's
words ranked on its copy in memory.

Articles indexed later join the heads of the words they hold when they score above the
bound (ts_rank itself, in the statement that indexes them); an article indexed again leaves
them first. The bound stays a bound, so searches stay exact; but fewer heads may lie above
it, and `monitor db optimize` makes them anew (`stale`, as on SQLite). No count is kept
(concurrent writers would all update the same rows): a search counts its matches in the
GIN index, which needs no document read."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from db.filter_terms import MARK
from db.search.expression import lexeme
from db.search.pg_filters import filter_documents
from db.search.spec import Match, Search
from db.search.statement import Statement, filter_rows

SAMPLE = 20_000  # articles of the sample that says which words are frequent
# Words in fewer rank every match (ts_rank: 20 to 80 us a match on a busy machine, so 5,000
# took 100 to 400 ms). Lower than SQLite's: the heads cost one pass over the documents
# whatever the minimum (at 200,000 articles 500 gave 14,140 words heads in 32 s).
MIN_DOCUMENTS = 500
SCAN = 2_000  # heads a filtered search reads at most (then it ranks every match)
STALE = 200  # articles indexed again after which `reprocess` makes the heads anew
PI2_6 = 1.64493406685  # ts_rank's divisor of a word's sum, the limit of sum(1/i^2)
# The most a word's positions can sum to in ts_rank (before the length) in an article where
# none is in the title (weights 0.2 and less): the largest weight plus 0.2 * sum(1/i^2).
NOT_TITLE = (0.2 + 0.2 * PI2_6) / PI2_6

DDL = (
    "CREATE TABLE IF NOT EXISTS article_fts_heads (term TEXT NOT NULL, article_pk INTEGER NOT NULL,"
    " score REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_article_fts_heads_rank ON article_fts_heads (term, score DESC, article_pk DESC)",
    # An article indexed again leaves the heads of every word.
    "CREATE INDEX IF NOT EXISTS ix_article_fts_heads_article ON article_fts_heads (article_pk)",
    # The words with heads and their bounds (NULL: no article left out).
    "CREATE TABLE IF NOT EXISTS article_fts_head_terms (term TEXT PRIMARY KEY, bound REAL)",
    # One row while heads are kept: for the words in how many articles.
    "CREATE TABLE IF NOT EXISTS article_fts_heads_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " min_documents INTEGER NOT NULL)",
    # The articles indexed again (with other terms) since the heads were made.
    "CREATE TABLE IF NOT EXISTS article_fts_heads_changed (article_pk INTEGER PRIMARY KEY)",
)
_RANK_WEIGHTS = "CAST('{0.1, 0.1, 0.2, 1.0}' AS float4[])"  # as db.search.postgres.TS_RANK_WEIGHTS


def create(conn: Connection) -> None:
    for statement in DDL:
        conn.execute(text(statement))


# --- making them ----------------------------------------------------------------------------


def _frequent(conn: Connection, min_documents: int) -> None:
    """The temporary table heads_words (term): the words in at least `min_documents`
    articles, as a sample of about SAMPLE articles counts them."""
    articles = conn.execute(text("SELECT COUNT(*) FROM article_fts")).scalar_one()
    every = max(1, articles // SAMPLE)
    conn.execute(text("DROP TABLE IF EXISTS heads_words"))
    conn.execute(
        text(
            "CREATE TEMP TABLE heads_words AS SELECT w.term FROM article_fts AS f"
            " CROSS JOIN LATERAL unnest(tsvector_to_array(f.document)) AS w(term)"
            " WHERE f.article_pk % :every = 0 AND w.term NOT LIKE :mark"
            " GROUP BY w.term HAVING COUNT(*) * :every >= :min"
        ),
        {"every": every, "mark": MARK + "%", "min": min_documents},
    )
    conn.execute(text("CREATE UNIQUE INDEX ON heads_words (term)"))
    conn.execute(text("ANALYZE heads_words"))


def build(conn: Connection, min_documents: int) -> int:
    """The heads anew into the tables article_fts_heads_next and article_fts_head_terms_next
    (then swapped in): every article with a frequent word in its title, scored by ts_rank,
    in one pass over the documents (each read once: ts_rank of the copy made in memory).
    The bound, the same for every word: the most an article without the word in its title
    can score, over the fewest terms any article has. Returns how many words have heads."""
    _frequent(conn, min_documents)
    conn.execute(text("DROP TABLE IF EXISTS heads_found"))
    conn.execute(
        text(
            "CREATE TEMP TABLE heads_found AS SELECT f.article_pk, length(d.document) AS lexemes, w.term,"
            f" ts_rank({_RANK_WEIGHTS}, d.document, CAST({_QUOTED.format(term='w.term')} AS tsquery), 1) AS score"
            " FROM article_fts AS f CROSS JOIN LATERAL (SELECT f.document || CAST('' AS tsvector) AS document OFFSET 0) AS d"
            " LEFT JOIN LATERAL unnest(tsvector_to_array(ts_filter(d.document, '{a}'))) AS w(term) ON TRUE"
        )
    )
    fewest = conn.execute(text("SELECT MIN(NULLIF(lexemes, 0)) FROM heads_found")).scalar()
    # Above by a little more than single precision's rounding of a score.
    bound = None if fewest is None else NOT_TITLE / math.log2(fewest + 1) * (1 + 1e-5)
    conn.execute(text("DROP TABLE IF EXISTS article_fts_heads_next"))
    conn.execute(text("DROP TABLE IF EXISTS article_fts_head_terms_next"))
    conn.execute(
        text(
            "CREATE TABLE article_fts_heads_next AS SELECT h.term, h.article_pk, h.score FROM heads_found AS h"
            " JOIN heads_words AS w ON w.term = h.term"
        )
    )
    conn.execute(
        text("CREATE TABLE article_fts_head_terms_next AS SELECT term, CAST(:bound AS real) AS bound FROM heads_words"),
        {"bound": bound},
    )
    conn.execute(text("DROP TABLE heads_found"))
    return conn.execute(text("SELECT COUNT(*) FROM article_fts_head_terms_next")).scalar_one()


_NEXT_INDEXES = (
    "CREATE INDEX ix_article_fts_heads_next_rank ON article_fts_heads_next (term, score DESC, article_pk DESC)",
    "CREATE UNIQUE INDEX ix_article_fts_head_terms_next ON article_fts_head_terms_next (term)",
)


def refresh(conn: Connection, min_documents: int | None = None) -> tuple[int, int]:
    """Heads anew for every word in at least `min_documents` articles (by default as many as
    the last time, or MIN_DOCUMENTS). Returns (words with heads, min_documents). `conn` is
    outside a transaction. They are made from one snapshot while crawls write on, then
    swapped in, in a short transaction that also adds the articles written meanwhile
    (writers wait for it: they write heads too)."""
    with conn.begin():
        create(conn)
        stored = conn.execute(text("SELECT min_documents FROM article_fts_heads_state")).scalar()
    min_documents = min_documents or stored or MIN_DOCUMENTS
    with conn.begin():
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        snapshot = conn.execute(text("SELECT CAST(pg_current_snapshot() AS text)")).scalar_one()
        words = build(conn, min_documents)
        for statement in _NEXT_INDEXES:
            conn.execute(text(statement))
    with conn.begin():
        _swap(conn, snapshot, min_documents)
    with conn.begin():
        conn.execute(text("ANALYZE article_fts_heads"))
        conn.execute(text("ANALYZE article_fts_head_terms"))
    return words, min_documents


def _swap(conn: Connection, snapshot: str, min_documents: int) -> None:
    """The heads made into the tables searches and writers use, with the articles written
    since the snapshot they were made from ranked into them."""
    conn.execute(text("LOCK TABLE article_fts_heads IN EXCLUSIVE MODE"))  # writers wait
    since = _written_since(conn, snapshot)
    if since:
        conn.execute(text("DELETE FROM article_fts_heads_next WHERE article_pk = ANY(:pks)"), {"pks": since})
        conn.execute(
            text(
                "INSERT INTO article_fts_heads_next (term, article_pk, score) SELECT t.term, f.article_pk, r.score"
                f" FROM article_fts AS f {_ranked('article_fts_head_terms_next')}"
                " WHERE f.article_pk = ANY(:pks) AND (t.bound IS NULL OR r.score > t.bound)"
            ),
            {"pks": since},
        )
    conn.execute(text("TRUNCATE article_fts_heads, article_fts_head_terms, article_fts_heads_changed"))
    conn.execute(text("DROP INDEX ix_article_fts_heads_rank"))
    conn.execute(
        text(
            "INSERT INTO article_fts_heads (term, article_pk, score) SELECT term, article_pk, score FROM article_fts_heads_next"
        )
    )
    conn.execute(text(DDL[1]))
    conn.execute(
        text("INSERT INTO article_fts_head_terms (term, bound) SELECT term, bound FROM article_fts_head_terms_next")
    )
    conn.execute(text("DROP TABLE article_fts_heads_next, article_fts_head_terms_next"))
    conn.execute(
        text(
            "INSERT INTO article_fts_heads_state (id, min_documents) VALUES (1, :n)"
            " ON CONFLICT (id) DO UPDATE SET min_documents = excluded.min_documents"
        ),
        {"n": min_documents},
    )


def _written_since(conn: Connection, snapshot: str) -> list[int]:
    """The articles indexed (new, or again) by transactions the snapshot does not see: those
    whose row's xmin is at or after its xmax or among its transactions in progress, compared
    as PostgreSQL compares 32-bit transaction ids (modulo 2^32). A frozen row's xmin (2)
    reads as old."""
    low, high, running = snapshot.split(":")
    del low
    xmax = int(high) % 2**32
    xip = [int(x) % 2**32 for x in running.split(",") if x]
    return list(
        conn.execute(
            text(
                "SELECT article_pk FROM (SELECT article_pk, CAST(CAST(xmin AS text) AS bigint) AS x FROM article_fts) AS r"
                " WHERE r.x >= 3 AND (((r.x - :xmax) % 4294967296 + 4294967296) % 4294967296 < 2147483648"
                " OR r.x = ANY(:xip))"
            ),
            {"xmax": xmax, "xip": xip},
        ).scalars()
    )


# A word as a tsquery (db.search.expression.lexeme in SQL: quoted, taken as it is).
_QUOTED = "chr(39) || replace(replace({term}, chr(92), chr(92) || chr(92)), chr(39), chr(39) || chr(39)) || chr(39)"


def _ranked(terms: str) -> str:
    """Each word with heads (`terms`: the words' table) of the document `f.document`, scored
    as searches score it."""
    return (
        "CROSS JOIN LATERAL unnest(tsvector_to_array(f.document)) AS w(term)"
        f" JOIN {terms} AS t ON t.term = w.term"
        f" CROSS JOIN LATERAL (SELECT ts_rank({_RANK_WEIGHTS}, f.document,"
        f" CAST({_QUOTED.format(term='t.term')} AS tsquery), 1) AS score) AS r"
    )


def on_index(conn: Connection, pk: int, document: str, again: bool) -> None:
    """An article indexed (`again`: it was before, with other terms): it leaves the heads,
    and joins those of its words where it scores above the bound. `document`: its tsvector
    literal, parsed once here rather than read back from the table for each word."""
    if again:
        conn.execute(text("DELETE FROM article_fts_heads WHERE article_pk = :pk"), {"pk": pk})
        conn.execute(
            text(
                "INSERT INTO article_fts_heads_changed (article_pk) SELECT :pk"
                " WHERE EXISTS (SELECT 1 FROM article_fts_heads_state) ON CONFLICT DO NOTHING"
            ),
            {"pk": pk},
        )
    conn.execute(
        text(
            "INSERT INTO article_fts_heads (term, article_pk, score) SELECT t.term, :pk, r.score"
            " FROM (SELECT CAST(:document AS tsvector) AS document) AS f"
            f" {_ranked('article_fts_head_terms')} WHERE t.bound IS NULL OR r.score > t.bound"
        ),
        {"pk": pk, "document": document},
    )


def stale(conn: Connection) -> bool:
    """Whether so many articles were indexed again since the heads were made that they
    serve fewer searches (`reprocess` then makes them anew)."""
    return conn.execute(text("SELECT COUNT(*) FROM article_fts_heads_changed")).scalar_one() > STALE


# --- searching ---------------------------------------------------------------------------------

# The articles of stories with several copies (few: ix_articles_copies lists the later copies).
_COPIES = "SELECT id FROM articles WHERE story_id != id UNION SELECT story_id FROM articles WHERE story_id != id"


def best(conn: Connection, search: Search, term: str, count: int, stories: int | None) -> list[Match] | None:
    """The first `count` matches of the one-word search (the word `term`) within its filters,
    best first, from the word's heads above its bound, with the total of matches (stories
    when collapsed); None when the word has no heads or too few of them lie above the bound
    and within the filters for the page (fewer than `count`, or than `stories` stories)."""
    word = conn.execute(text("SELECT bound FROM article_fts_head_terms WHERE term = :t"), {"t": term}).first()
    if word is None:
        return None
    sql = Statement()
    heads = "term = " + sql.param(term)
    if word.bound is not None:  # strictly: one left out as good might come first by its id
        heads += f" AND score > CAST({sql.param(word.bound)} AS real)"
    filter_rows(sql, search.filters)
    filtered = bool(sql.where)
    # Filtered, only the first SCAN heads are read: a word in many titles has many heads,
    # of which a narrow filter keeps few.
    limit = sql.param(SCAN if filtered else count)
    rows = conn.execute(
        sql.clause(
            "SELECT h.article_pk AS id, a.story_id, -h.score AS rank FROM (SELECT article_pk, score"
            f" FROM article_fts_heads WHERE {heads} ORDER BY score DESC, article_pk DESC LIMIT {limit}) AS h"
            f" JOIN articles AS a ON a.id = h.article_pk{sql.conditions()}"
            f" ORDER BY h.score DESC, h.article_pk DESC LIMIT {sql.param(count)}"
        ),
        sql.params,
    ).all()
    articles, total = _total(conn, search, term)
    enough = len(rows) == count or (stories is not None and len({r.story_id for r in rows}) >= stories)
    if not (enough or len(rows) == articles):  # else every match is among them
        return None
    return [Match(r.id, r.story_id, float(r.rank), total) for r in rows]


@contextmanager
def _copies_by_index(conn: Connection) -> Iterator[None]:
    """The copies read from their partial index (ix_articles_copies, a few rows): the planner,
    which cannot estimate `story_id != id`, takes it to keep nearly every article and reads
    them all (0.7 s at 100,000 articles) unless told not to, for this statement only."""
    before = conn.execute(
        text("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
    ).scalar_one()
    try:
        yield
    finally:
        conn.execute(text("SELECT set_config('enable_seqscan', :before, true)"), {"before": before})


def _total(conn: Connection, search: Search, term: str) -> tuple[int, int]:
    """How many articles match the word within the filters, and how many stories when
    collapsed (else articles): the GIN indexes find them (the words' and the filter terms'),
    reading no document, nor any row unless the filters cannot be filter terms."""
    sql = Statement()
    sql.where.append(f"f.document @@ CAST({sql.param(lexeme(term))} AS tsquery)")
    as_terms = filter_documents(conn, sql, search.filters, "f.filters")
    source = "article_fts AS f" + ("" if as_terms else " JOIN articles AS a ON a.id = f.article_pk")
    articles = total = conn.execute(
        sql.clause(f"SELECT COUNT(*) FROM {source}{sql.conditions()}"), sql.params
    ).scalar_one()
    if search.collapse:  # less the copies beyond the first of their story among the matches
        with _copies_by_index(conn):
            copies = list(conn.execute(text(_COPIES)).scalars())
        if copies:
            sql.where.append(f"f.article_pk = ANY({sql.param(copies)})")
            total -= conn.execute(
                sql.clause(
                    "SELECT COUNT(*) - COUNT(DISTINCT a.story_id)"
                    f" FROM article_fts AS f JOIN articles AS a ON a.id = f.article_pk{sql.conditions()}"
                ),
                sql.params,
            ).scalar_one()
    return int(articles), int(total)
