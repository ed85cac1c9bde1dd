"""Heads with bounds (db.search.top_k): each frequent word's heads come with the best of the
articles left out, so that a search takes from the heads only what they certainly lead,
filtered searches too, and each word with heads with the number of articles it is in.
Heads made before have neither: they are emptied, and the next `monitor db optimize`
makes them anew. PostgreSQL keeps no heads and is not changed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

HEADS = ("article_fts_heads", "article_fts_heads_state", "article_fts_heads_changed")
TERMS = {
    "0004": "CREATE TABLE article_fts_head_terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
    "0005": "CREATE TABLE article_fts_head_terms (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE article_fts_head_bounds (term TEXT NOT NULL, weight REAL NOT NULL,"
        " length INTEGER NOT NULL, PRIMARY KEY (term, weight, length)) WITHOUT ROWID"
    )
    _empty_heads("0005")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE article_fts_head_bounds")
    _empty_heads("0004")


def _empty_heads(revision: str) -> None:
    """The heads emptied (not kept until `monitor db optimize`), their words' table as of `revision`."""
    for table in HEADS:
        op.execute(f"DELETE FROM {table}")
    op.execute("DROP TABLE article_fts_head_terms")
    op.execute(TERMS[revision])
