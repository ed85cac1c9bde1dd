"""Filter terms in the SQLite full-text index (db.filter_terms): a fourth field holding each
article's language, site, host, relevance, tags and day of publication as reserved terms,
so that filtered searches are answered by the index. The FTS5 table is made again with the
new field and filled from the old one (its terms are kept as they are) and the articles'
rows, the filter terms written as this revision writes them (frozen here, not read from
db.filter_terms, which may change). And the tables of the frequent words' heads (db.search.top_k),
empty until `monitor db optimize` fills them. PostgreSQL filters on the rows and is not
changed.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 500  # articles at a time, so a large archive is never held in memory
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"
FIELDS = {"0003": "title, body, parts", "0004": "title, body, parts, filters"}
HEADS = (  # db.search.top_k as of this revision
    "CREATE TABLE article_fts_heads (term TEXT NOT NULL, article_pk INTEGER NOT NULL,"
    " weight REAL NOT NULL, length INTEGER NOT NULL, PRIMARY KEY (term, article_pk)) WITHOUT ROWID",
    "CREATE INDEX ix_article_fts_heads_article ON article_fts_heads (article_pk)",
    "CREATE TABLE article_fts_head_terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE article_fts_heads_state (id INTEGER PRIMARY KEY CHECK (id = 1), min_documents INTEGER NOT NULL)",
    "CREATE TABLE article_fts_heads_changed (article_pk INTEGER PRIMARY KEY)",
)

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

# --- the filter terms as this revision writes them ---
MARK = "\ue000"  # a private-use character: no search term starts with one
CHINA = timezone(timedelta(hours=8))  # an article's day and year are China's


def _term(kind: str, value: str, year: int | None = None) -> str:
    return f"{MARK}{kind}{value.encode().hex()}" + ("" if year is None else f"{MARK}{year}")


def filter_terms(
    lang: str,
    site: str,
    host: str,
    relevance_label: str,
    relevant: bool,
    published_at: datetime | None,  # UTC without a zone, as stored
    tags: Iterable[str],
) -> str:
    day = published_at.replace(tzinfo=UTC).astimezone(CHINA).date() if published_at is not None else None
    pairs = [("l", lang), ("s", site), ("h", host), ("r", relevance_label)]
    pairs += [("t", tag) for tag in sorted(set(tags))] + ([("v", "")] if relevant else [])
    terms = [_term(kind, value) for kind, value in pairs]
    if day is not None:
        terms += [_term(kind, value, day.year) for kind, value in pairs]
        terms += [f"{MARK}y{day:%Y}", f"{MARK}m{day:%Y%m}", f"{MARK}d{day:%Y%m%d}"]
    return " ".join(terms)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    _make_index("0004")
    last = 0
    while rows := conn.execute(
        sa.text("SELECT rowid, title, body, parts FROM article_fts_prev WHERE rowid > :last ORDER BY rowid LIMIT :n"),
        {"last": last, "n": BATCH},
    ).all():
        last = rows[-1].rowid
        filters = _filter_terms(conn, [row.rowid for row in rows])
        conn.execute(
            sa.text(
                "INSERT INTO article_fts (rowid, title, body, parts, filters) VALUES (:pk, :title, :body, :parts, :filters)"
            ),
            [
                {"pk": r.rowid, "title": r.title, "body": r.body, "parts": r.parts, "filters": filters.get(r.rowid, "")}
                for r in rows
            ],
        )
    op.execute("DROP TABLE article_fts_prev")
    for statement in HEADS:
        op.execute(statement)


def _filter_terms(conn: Connection, ids: list[int]) -> dict[int, str]:
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


def _make_index(revision: str) -> None:
    """The index of `revision`, empty, the one before it kept as article_fts_prev."""
    op.execute("ALTER TABLE article_fts RENAME TO article_fts_prev")
    op.execute(f"CREATE VIRTUAL TABLE article_fts USING fts5({FIELDS[revision]}, {TOKENIZE})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in (
        "article_fts_heads",
        "article_fts_head_terms",
        "article_fts_heads_state",
        "article_fts_heads_changed",
    ):
        op.execute(f"DROP TABLE {table}")
    _make_index("0003")
    op.execute(
        "INSERT INTO article_fts (rowid, title, body, parts) SELECT rowid, title, body, parts FROM article_fts_prev"
    )
    op.execute("DROP TABLE article_fts_prev")
