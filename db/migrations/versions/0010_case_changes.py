"""Case upkeep coalesced: `case_changes` (family, article_pk), the readings stored with
their articles whose families' cases are not assembled again yet (db.cases). Empty at
first: the cases of an archive upgraded are those its readings made.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_changes",
        sa.Column("family", sa.String(80), primary_key=True),
        sa.Column("article_pk", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("case_changes")
