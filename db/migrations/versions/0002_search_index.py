"""Tags in a table of their own, and the full-text index of the new search on both engines.

article_tags is filled from each article's tags JSON. The index (db.fulltext) now holds
search terms computed in Python, in three fields (title, body, the dictionary words inside
long tokens): on SQLite it replaces the released FTS5 table, whose porter tokenizer would
stem the terms a second time; PostgreSQL gets a tsvector table with a GIN index. Every
stored article is re-segmented into it, as the crawl's segment stage would.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection

from db.search.postgres import tsvector_literal

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 500  # articles read at a time, so a large archive is never held in memory

FTS5_DDL = "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, parts, tokenize = 'unicode61 remove_diacritics 0')"
POSTGRES_DDL = (
    (
        "CREATE TABLE article_fts ("
        " article_pk INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
        " document TSVECTOR NOT NULL)"
    ),
    "CREATE INDEX ix_article_fts_document ON article_fts USING GIN (document)",
)
RELEASED_FTS5_DDL = (  # as 0001 made it
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)

# The columns read here, as they are at this revision (the models may change later).
articles = sa.table(
    "articles",
    sa.column("id", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("title_simplified", sa.Text),
    sa.column("body", sa.Text),
    sa.column("body_simplified", sa.Text),
    sa.column("tags", sa.JSON),
)
article_tags = sa.table("article_tags", sa.column("article_pk", sa.Integer), sa.column("tag", sa.String))


def upgrade() -> None:
    op.create_table(
        "article_tags",
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["article_pk"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_pk", "tag"),
    )
    op.create_index("ix_article_tags_tag", "article_tags", ["tag", "article_pk"])
    op.create_index(
        "ix_articles_copies",
        "articles",
        ["story_id", "id"],
        sqlite_where=sa.text("story_id != id"),
        postgresql_where=sa.text("story_id != id"),
    )
    op.create_index(
        "ix_articles_search",
        "articles",
        ["id", "story_id", "published_at", "lang", "site", "host", "relevant", "relevance_label", "garbled"],
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_fts")
        op.execute(FTS5_DDL)
    else:
        for statement in POSTGRES_DDL:
            op.execute(statement)
    for rows in _batches(conn):
        _fill(conn, rows)


def _batches(conn: Connection) -> Iterator[list[sa.Row]]:
    last = 0
    while True:
        rows = conn.execute(
            sa.select(
                articles.c.id,
                articles.c.tags,
                sa.func.coalesce(articles.c.title_simplified, articles.c.title).label("title"),
                sa.func.coalesce(articles.c.body_simplified, articles.c.body).label("body"),
            )
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        yield rows


def _fill(conn: Connection, rows: list[sa.Row]) -> None:
    # The segmenter of today (jieba, the vocabulary, Snowball), imported only here: loading
    # its dictionary takes a second, and only this upgrade needs it.
    from pipelines.segment import cut, index_terms

    tags = [{"article_pk": row.id, "tag": tag} for row in rows for tag in sorted({t["id"] for t in row.tags or []})]
    if tags:
        conn.execute(sa.insert(article_tags), tags)
    for row in rows:
        title_terms, title_parts = index_terms(cut(row.title))
        body_terms, body_parts = index_terms(cut(row.body))
        _write_index(conn, row.id, " ".join(title_terms), " ".join(body_terms), " ".join(title_parts + body_parts))


def _write_index(conn: Connection, pk: int, title: str, body: str, parts: str) -> None:
    """One article into the index as this revision makes it."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            sa.text("INSERT INTO article_fts (rowid, title, body, parts) VALUES (:pk, :title, :body, :parts)"),
            {"pk": pk, "title": title, "body": body, "parts": parts},
        )
    else:
        conn.execute(
            sa.text("INSERT INTO article_fts (article_pk, document) VALUES (:pk, CAST(:document AS tsvector))"),
            {"pk": pk, "document": tsvector_literal(title, body, parts)},
        )


def downgrade() -> None:
    op.drop_table("article_tags")  # its index goes with it
    op.drop_index("ix_articles_search", "articles")
    op.drop_index("ix_articles_copies", "articles")
    op.execute("DROP TABLE article_fts")
    if op.get_bind().dialect.name == "sqlite":
        # The released monitor filled its index with a segmenter that is gone, so it is
        # left empty here. Clearing the content hashes makes that monitor's `monitor
        # reprocess` see every article as changed and index it again.
        op.execute(RELEASED_FTS5_DDL)
        op.execute("UPDATE articles SET content_hash = ''")
