"""Heads with bounds (db.heads): each frequent word's heads come with the best of the
articles left out, so that a search takes from the heads only what they certainly lead,
filtered searches too. Heads made before have no bound: they are emptied, and the next
`monitor db optimize` makes them anew. PostgreSQL keeps no heads and is not changed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

HEADS = ("article_fts_heads", "article_fts_head_terms", "article_fts_heads_state", "article_fts_heads_changed")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE article_fts_head_bounds (term TEXT NOT NULL, weight REAL NOT NULL,"
        " length INTEGER NOT NULL, PRIMARY KEY (term, weight, length)) WITHOUT ROWID"
    )
    for table in HEADS:
        op.execute(f"DELETE FROM {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE article_fts_head_bounds")
