"""Alert rules with their queue, alerts and deliveries; crawl runs and health events.

Articles stored before this revision are not queued: rules see what arrives after them.
Times are UTC without a zone, as in 0001.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _alerts()
    _runs()


def _alerts() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False),
        sa.Column("webhook_url", sa.String(1000)),
        sa.Column("webhook_secret", sa.String(200)),
        sa.Column("email_to", sa.String(1000)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "alert_queue",
        sa.Column("article_pk", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule_id", sa.Integer(), sa.ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("article_pk", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("matched_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_alerts_rule_story", "alerts", ["rule_id", "story_id"], unique=True)
    op.create_index("ix_alerts_rule_id", "alerts", ["rule_id", "id"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alert_id", sa.Integer(), sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime()),
        sa.Column("delivered_at", sa.DateTime()),
    )
    op.create_index("ix_deliveries_alert_channel", "deliveries", ["alert_id", "channel"], unique=True)
    op.create_index("ix_deliveries_status", "deliveries", ["status", "channel"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
    )
    op.create_index("ix_delivery_attempts_delivery_id", "delivery_attempts", ["delivery_id"])


def _runs() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("base_url", sa.String(1000), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("new_articles", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_crawl_runs_site", "crawl_runs", ["site"])
    op.create_table(
        "health_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("crawl_runs.id", ondelete="SET NULL")),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_health_events_site", "health_events", ["site"])


def downgrade() -> None:
    for table in (
        "health_events",
        "crawl_runs",
        "delivery_attempts",
        "deliveries",
        "alerts",
        "alert_queue",
        "alert_rules",
    ):
        op.drop_table(table)
