"""Inspection cases: `case_readings` (what each article says of its case), `cases`,
`case_articles`, `case_stages` and `case_figures` (db.cases keeps them). Articles stored
before have no reading until `monitor reprocess` reads them again.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _article(nullable: bool = False, primary_key: bool = False) -> sa.Column:
    return sa.Column(
        "article_pk",
        sa.Integer(),
        sa.ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=nullable,
        primary_key=primary_key,
    )


def _case() -> sa.Column:
    return sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "case_readings",
        _article(primary_key=True),
        sa.Column("family", sa.String(80), nullable=False),
        sa.Column("reading", sa.JSON(), nullable=False),
    )
    op.create_index("ix_case_readings_family", "case_readings", ["family"])
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("family", sa.String(80), nullable=False),
        sa.Column("party", sa.String(80), nullable=False),
        sa.Column("party_kind", sa.String(16), nullable=False),
        sa.Column("round", sa.Integer()),
        sa.Column("batch", sa.Integer()),
        sa.Column("team", sa.Integer()),
        sa.Column("stationed", sa.String(10)),
        sa.Column("first_day", sa.String(10), nullable=False),
        sa.Column("last_day", sa.String(10), nullable=False),
    )
    op.create_index("ix_cases_family", "cases", ["family"])
    op.create_index("ix_cases_party", "cases", ["party"])
    op.create_table(
        "case_articles",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        _article(primary_key=True),
    )
    op.create_index("ix_case_articles_article_pk", "case_articles", ["article_pk"])
    op.create_table(
        "case_stages",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        _article(),
        sa.Column("sentence", sa.Text(), nullable=False),
    )
    op.create_index("ix_case_stages_case_id", "case_stages", ["case_id"])
    op.create_table(
        "case_figures",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        _article(),
        sa.Column("sentence", sa.Text(), nullable=False),
    )
    op.create_index("ix_case_figures_case_id", "case_figures", ["case_id"])


def downgrade() -> None:
    for table in ("case_figures", "case_stages", "case_articles", "cases", "case_readings"):
        op.drop_table(table)
