"""Tags in a table of their own, and the full-text index of the new search on both engines.

article_tags is filled from each article's tags JSON. The index (db.search) now holds
search terms computed in Python, in three fields (title, body, the dictionary words inside
long tokens): on SQLite it replaces the released FTS5 table, whose porter tokenizer would
stem the terms a second time; PostgreSQL gets a tsvector table with a GIN index. The index
is made empty: its terms come from the segmenter of the day (jieba, the vocabulary,
Snowball), which would make this migration's result change with them. `monitor db upgrade`
indexes the articles it lacks once the migrations have run (db.unindexed).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection

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
articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("tags", sa.JSON))
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
        tags = [{"article_pk": row.id, "tag": tag} for row in rows for tag in sorted({t["id"] for t in row.tags or []})]
        if tags:
            conn.execute(sa.insert(article_tags), tags)


def _batches(conn: Connection) -> Iterator[list[sa.Row]]:
    last = 0
    while rows := list(
        conn.execute(
            sa.select(articles.c.id, articles.c.tags).where(articles.c.id > last).order_by(articles.c.id).limit(BATCH)
        )
    ):
        last = rows[-1].id
        yield rows


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
