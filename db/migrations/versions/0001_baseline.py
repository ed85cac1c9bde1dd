"""The schema of the monitor released before migrations (commit 8edecd0), written out.

Archives made by that release have these tables and no alembic_version: `monitor db upgrade`
stamps them 0001 before upgrading. On SQLite the full-text index was an FTS5 table over the
segmented Simplified title and body, stemmed by porter; PostgreSQL had none.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

RELEASED_FTS5_DDL = (
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def upgrade() -> None:
    _create_articles()
    op.create_table(
        "story_links",
        sa.Column("story_a", sa.Integer(), nullable=False),
        sa.Column("story_b", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("story_a", "story_b"),
    )
    op.create_table(
        "term_stats",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )
    _create_article_children()
    if op.get_bind().dialect.name == "sqlite":
        op.execute(RELEASED_FTS5_DDL)


def _create_articles() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=1000), nullable=False),
        sa.Column("canonical_url", sa.String(length=1000), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("site", sa.String(length=40), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("site_article_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),  # UTC, without a zone
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("editor", sa.String(length=200), nullable=False),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("page_tags", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_simplified", sa.Text(), nullable=True),
        sa.Column("body_simplified", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("script", sa.String(length=8), nullable=True),
        sa.Column("garbled", sa.Boolean(), nullable=False),
        sa.Column("relevant", sa.Boolean(), nullable=False),
        sa.Column("relevance_label", sa.String(length=16), nullable=False),
        sa.Column("relevance_score", sa.Float(), nullable=False),
        sa.Column("relevance_terms", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("minhash", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title_key", sa.String(length=200), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.Column("segmenter", sa.String(length=80), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identity"),
    )
    for column in ("canonical_url", "fingerprint", "story_id", "title_key", "url"):
        op.create_index(f"ix_articles_{column}", "articles", [column])
    op.create_index("ix_articles_published", "articles", ["published_at"])
    op.create_index("ix_articles_site_article", "articles", ["site", "site_article_id"])


def _article_pk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["article_pk"], ["articles.id"], ondelete="CASCADE")


def _create_article_children() -> None:
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=True),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("as_of", sa.String(length=10), nullable=True),
        sa.Column("batches", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        _article_pk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_facts_article_pk", "facts", ["article_pk"])
    op.create_index("ix_facts_kind", "facts", ["kind"])
    op.create_table(
        "lsh_bands",
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("band", sa.BigInteger(), nullable=False),
        _article_pk(),
        sa.PrimaryKeyConstraint("article_pk", "band"),
    )
    op.create_index("ix_lsh_bands_band", "lsh_bands", ["band"])
    op.create_table(
        "raw_pages",
        sa.Column("article_pk", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=False),
        sa.Column("html_zlib", sa.LargeBinary(), nullable=False),
        _article_pk(),
        sa.PrimaryKeyConstraint("article_pk"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE article_fts")
    for table in ("raw_pages", "lsh_bands", "facts", "term_stats", "story_links", "articles"):
        op.drop_table(table)  # their indexes go with them
