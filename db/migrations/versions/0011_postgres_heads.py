"""Heads and filter terms on PostgreSQL (db.search.pg_heads, db.search.pg_filters): the
tables of the frequent words' heads, empty until `monitor db optimize` fills them
(searches rank every match meanwhile, as before); and each article's filter terms as a
tsvector of their own in the index's table (article_fts.filters) with a GIN index, filled
from the articles' rows, written as this revision writes them (frozen here, not read from
db.filter_terms, which may change). SQLite is not changed.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 2000  # articles at a time, so a large archive is never held in memory
HEADS = (  # db.search.pg_heads as of this revision
    "CREATE TABLE IF NOT EXISTS article_fts_heads (term TEXT NOT NULL, article_pk INTEGER NOT NULL,"
    " score REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_article_fts_heads_rank ON article_fts_heads (term, score DESC, article_pk DESC)",
    "CREATE INDEX IF NOT EXISTS ix_article_fts_heads_article ON article_fts_heads (article_pk)",
    "CREATE TABLE IF NOT EXISTS article_fts_head_terms (term TEXT PRIMARY KEY, bound REAL)",
    "CREATE TABLE IF NOT EXISTS article_fts_heads_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " min_documents INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS article_fts_heads_changed (article_pk INTEGER PRIMARY KEY)",
)
TABLES = ("article_fts_heads", "article_fts_head_terms", "article_fts_heads_state", "article_fts_heads_changed")
FILTERS_INDEX = "CREATE INDEX IF NOT EXISTS ix_article_fts_filters ON article_fts USING GIN (filters)"

articles = sa.table(
    "articles",
    sa.column("id", sa.Integer),
    sa.column("lang", sa.String),
    sa.column("site", sa.String),
    sa.column("host", sa.String),
    sa.column("relevance_label", sa.String),
    sa.column("relevant", sa.Boolean),
    sa.column("published_at", sa.DateTime),  # UTC without a zone
)
article_tags = sa.table("article_tags", sa.column("article_pk", sa.Integer), sa.column("tag", sa.String))

# --- the filter terms as this revision writes them (as 0004's) ---
MARK = "\ue000"
CHINA = timezone(timedelta(hours=8))


def _term(kind: str, value: str, year: int | None = None) -> str:
    return f"{MARK}{kind}{value.encode().hex()}" + ("" if year is None else f"{MARK}{year}")


def filter_terms(
    lang: str,
    site: str,
    host: str,
    relevance_label: str,
    relevant: bool,
    published_at: datetime | None,
    tags: Iterable[str],
) -> list[str]:
    day = published_at.replace(tzinfo=UTC).astimezone(CHINA).date() if published_at is not None else None
    pairs = [("l", lang), ("s", site), ("h", host), ("r", relevance_label)]
    pairs += [("t", tag) for tag in sorted(set(tags))] + ([("v", "")] if relevant else [])
    terms = [_term(kind, value) for kind, value in pairs]
    if day is not None:
        terms += [_term(kind, value, day.year) for kind, value in pairs]
        terms += [f"{MARK}y{day:%Y}", f"{MARK}m{day:%Y%m}", f"{MARK}d{day:%Y%m%d}"]
    return terms


def _tsvector(terms: list[str]) -> str:
    return " ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for statement in HEADS:
        op.execute(statement)
    op.execute("ALTER TABLE article_fts SET (toast_tuple_target = 128)")  # the filters out of line
    op.execute("ALTER TABLE article_fts ADD COLUMN IF NOT EXISTS filters TSVECTOR NOT NULL DEFAULT ''")
    fill_filters(conn)
    op.execute(FILTERS_INDEX)


def fill_filters(conn: Connection) -> None:
    """Every indexed article's filter terms, from its row and tags."""
    last = 0
    while ids := list(
        conn.execute(
            sa.text("SELECT article_pk FROM article_fts WHERE article_pk > :last ORDER BY article_pk LIMIT :n"),
            {"last": last, "n": BATCH},
        ).scalars()
    ):
        last = ids[-1]
        conn.execute(
            sa.text(
                "UPDATE article_fts AS f SET filters = CAST(v.filters AS tsvector)"
                " FROM unnest(CAST(:pks AS integer[]), CAST(:filters AS text[])) AS v(pk, filters)"
                " WHERE f.article_pk = v.pk"
            ),
            {"pks": list(terms), "filters": [_tsvector(t) for t in terms.values()]}
            if (terms := _filter_terms(conn, ids))
            else {"pks": [], "filters": []},
        )


def _filter_terms(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    for pk, tag in conn.execute(
        sa.select(article_tags.c.article_pk, article_tags.c.tag).where(article_tags.c.article_pk.in_(ids))
    ):
        tags[pk].append(tag)
    rows = conn.execute(
        sa.select(
            articles.c.id,
            articles.c.lang,
            articles.c.site,
            articles.c.host,
            articles.c.relevance_label,
            articles.c.relevant,
            articles.c.published_at,
        ).where(articles.c.id.in_(ids))
    )
    return {row.id: filter_terms(*row[1:], tags=tags[row.id]) for row in rows}


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_fts_filters")
    op.execute("ALTER TABLE article_fts DROP COLUMN IF EXISTS filters")
    op.execute("DROP TABLE IF EXISTS " + ", ".join(TABLES))
