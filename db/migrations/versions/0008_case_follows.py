"""Following cases, and facts tied to who and where: `case_events` (a case's new stages and
figures) and their queue, rules that follow a case, an organisation or a province
(`alert_rules.follow_kind`, `follow_id`), alerts for case events (`alerts.case_event_id`,
`story_id` then empty), and the party and place of each fact (`facts.party`, `place`).
Facts stored before have neither until `monitor reprocess` reads them again.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("value", sa.BigInteger()),
        sa.Column("article_pk", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])
    op.create_table(
        "case_event_queue",
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("case_events.id", ondelete="CASCADE"), primary_key=True),
    )
    with op.batch_alter_table("alert_rules") as rules:
        rules.add_column(sa.Column("follow_kind", sa.String(8)))
        rules.add_column(sa.Column("follow_id", sa.String(80)))
    with op.batch_alter_table("alerts") as alerts:
        alerts.alter_column("story_id", existing_type=sa.Integer(), nullable=True)
        alerts.add_column(sa.Column("case_event_id", sa.Integer()))
        alerts.create_foreign_key(
            "fk_alerts_case_event_id", "case_events", ["case_event_id"], ["id"], ondelete="CASCADE"
        )
    op.create_index("ix_alerts_rule_event", "alerts", ["rule_id", "case_event_id"], unique=True)
    with op.batch_alter_table("facts") as facts:
        facts.add_column(sa.Column("party", sa.String(80)))
        facts.add_column(sa.Column("place", sa.String(80)))
    op.create_index("ix_facts_party", "facts", ["party"])
    op.create_index("ix_facts_place", "facts", ["place"])


def downgrade() -> None:
    op.drop_index("ix_facts_place", "facts")
    op.drop_index("ix_facts_party", "facts")
    with op.batch_alter_table("facts") as facts:
        facts.drop_column("place")
        facts.drop_column("party")
    op.drop_index("ix_alerts_rule_event", "alerts")
    op.execute("DELETE FROM alerts WHERE case_event_id IS NOT NULL")
    with op.batch_alter_table("alerts") as alerts:
        alerts.drop_constraint("fk_alerts_case_event_id", type_="foreignkey")
        alerts.drop_column("case_event_id")
        alerts.alter_column("story_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("alert_rules") as rules:
        rules.drop_column("follow_id")
        rules.drop_column("follow_kind")
    op.drop_table("case_event_queue")
    op.drop_table("case_events")
