"""An alert's rule and article kept by triggers instead of foreign keys (db.alert_references):
on PostgreSQL checked per statement, as a set, not row by row; deleting a rule or an
article still deletes its alerts. The statements are a copy of db.alert_references' own.
The unique index of (rule, case event) holds only case events' alerts (NULLs are distinct:
the same uniqueness), not an entry for every article's alert.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# SQLite's foreign keys of alerts were made without names: named so that they can be dropped.
_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
_SQLITE_KEYS = (
    ("fk_alerts_rule_id_alert_rules", "alert_rules", "rule_id"),
    ("fk_alerts_article_pk_articles", "articles", "article_pk"),
)
# PostgreSQL's names for the foreign keys it was given unnamed.
_POSTGRES_KEYS = (
    ("alerts_rule_id_fkey", "alert_rules", "rule_id"),
    ("alerts_article_pk_fkey", "articles", "article_pk"),
)
_POSTGRES = (
    "CREATE OR REPLACE FUNCTION alerts_check_references() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  PERFORM 1 FROM alert_rules WHERE id IN (SELECT rule_id FROM changed_alerts) FOR KEY SHARE;"
    "  PERFORM 1 FROM articles WHERE id IN (SELECT article_pk FROM changed_alerts) FOR KEY SHARE;"
    "  IF EXISTS (SELECT 1 FROM changed_alerts AS c"
    "   WHERE NOT EXISTS (SELECT 1 FROM alert_rules AS r WHERE r.id = c.rule_id)"
    "   OR NOT EXISTS (SELECT 1 FROM articles AS a WHERE a.id = c.article_pk)) THEN"
    "   RAISE foreign_key_violation USING MESSAGE = 'an alert names a rule or an article that does not exist';"
    "  END IF;"
    "  RETURN NULL;"
    " END $$",
    "CREATE OR REPLACE TRIGGER alerts_inserted_check AFTER INSERT ON alerts"
    " REFERENCING NEW TABLE AS changed_alerts FOR EACH STATEMENT EXECUTE FUNCTION alerts_check_references()",
    "CREATE OR REPLACE TRIGGER alerts_updated_check AFTER UPDATE ON alerts"
    " REFERENCING NEW TABLE AS changed_alerts FOR EACH STATEMENT EXECUTE FUNCTION alerts_check_references()",
    "CREATE OR REPLACE FUNCTION alerts_of_deleted_rules() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN DELETE FROM alerts WHERE rule_id IN (SELECT id FROM deleted); RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER alert_rules_deleted AFTER DELETE ON alert_rules"
    " REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION alerts_of_deleted_rules()",
    "CREATE OR REPLACE FUNCTION alerts_of_deleted_articles() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN DELETE FROM alerts WHERE article_pk IN (SELECT id FROM deleted); RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER articles_deleted AFTER DELETE ON articles"
    " REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION alerts_of_deleted_articles()",
)
_POSTGRES_DROPS = (
    "DROP TRIGGER articles_deleted ON articles",
    "DROP TRIGGER alert_rules_deleted ON alert_rules",
    "DROP TRIGGER alerts_updated_check ON alerts",
    "DROP TRIGGER alerts_inserted_check ON alerts",
    "DROP FUNCTION alerts_of_deleted_articles()",
    "DROP FUNCTION alerts_of_deleted_rules()",
    "DROP FUNCTION alerts_check_references()",
)
_SQLITE_MISSING = (
    "NOT EXISTS (SELECT 1 FROM alert_rules WHERE id = NEW.rule_id)"
    " OR NOT EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_pk)"
)
_SQLITE = (
    f"CREATE TRIGGER IF NOT EXISTS alerts_inserted_check BEFORE INSERT ON alerts WHEN {_SQLITE_MISSING}"
    " BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END",
    "CREATE TRIGGER IF NOT EXISTS alerts_updated_check BEFORE UPDATE OF rule_id, article_pk ON alerts"
    f" WHEN {_SQLITE_MISSING} BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END",
    "CREATE TRIGGER IF NOT EXISTS alert_rules_deleted AFTER DELETE ON alert_rules"
    " BEGIN DELETE FROM alerts WHERE rule_id = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS articles_deleted AFTER DELETE ON articles"
    " BEGIN DELETE FROM alerts WHERE article_pk = OLD.id; END",
)
_SQLITE_DROPS = (
    "DROP TRIGGER articles_deleted",
    "DROP TRIGGER alert_rules_deleted",
    "DROP TRIGGER alerts_updated_check",
    "DROP TRIGGER alerts_inserted_check",
)


def _event_index(where: str | None) -> None:
    op.drop_index("ix_alerts_rule_event", "alerts")
    op.create_index(
        "ix_alerts_rule_event",
        "alerts",
        ["rule_id", "case_event_id"],
        unique=True,
        sqlite_where=sa.text(where) if where else None,
        postgresql_where=sa.text(where) if where else None,
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for name, _, _ in _POSTGRES_KEYS:
            op.drop_constraint(name, "alerts", type_="foreignkey")
    else:
        with op.batch_alter_table("alerts", naming_convention=_NAMES) as alerts:
            for name, _, _ in _SQLITE_KEYS:
                alerts.drop_constraint(name, type_="foreignkey")
    _event_index("case_event_id IS NOT NULL")  # after SQLite's batch, which makes the table anew
    for statement in _POSTGRES if postgres else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_DROPS if postgres else _SQLITE_DROPS:
        op.execute(statement)
    if postgres:
        for name, table, column in _POSTGRES_KEYS:
            op.create_foreign_key(name, "alerts", table, [column], ["id"], ondelete="CASCADE")
    else:
        with op.batch_alter_table("alerts", naming_convention=_NAMES) as alerts:
            for name, table, column in _SQLITE_KEYS:
                alerts.create_foreign_key(name, table, [column], ["id"], ondelete="CASCADE")
    _event_index(None)
