"""An alert's case event kept by triggers instead of a foreign key (db.alert_references), as
its rule and article are since 0009: PostgreSQL queued a check for every alert inserted, a
NULL case event's too (a tenth of the alert bench's time). The check of a statement's rows,
rule, article and case event, now looks each id they name up once, where it checked every
row. Deleting a case event still deletes its alerts. The statements are a copy of
db.alert_references' own.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Alerts' foreign key to case_events: named so by 0008 (and by the downgrade, for 0008's);
# without a name in an archive made at once from the models, which SQLite's batch names so.
_KEY = "fk_alerts_case_event_id"
_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s"}

_POSTGRES_CHECK = (
    "CREATE OR REPLACE FUNCTION alerts_check_references() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE rule_ids integer[]; article_ids integer[]; event_ids integer[];"
    " BEGIN"
    "  SELECT array_agg(DISTINCT rule_id), array_agg(DISTINCT article_pk),"
    "   array_agg(DISTINCT case_event_id) FILTER (WHERE case_event_id IS NOT NULL)"
    "   INTO rule_ids, article_ids, event_ids FROM changed_alerts;"
    "  IF (SELECT count(*) FROM (SELECT 1 FROM alert_rules WHERE id = ANY (rule_ids) FOR KEY SHARE) AS r) < cardinality(rule_ids)"
    "   OR (SELECT count(*) FROM (SELECT 1 FROM articles WHERE id = ANY (article_ids) FOR KEY SHARE) AS a)"
    "    < cardinality(article_ids)"
    "   OR (SELECT count(*) FROM (SELECT 1 FROM case_events WHERE id = ANY (event_ids) FOR KEY SHARE) AS e)"
    "    < coalesce(cardinality(event_ids), 0)"
    "  THEN"
    "   RAISE foreign_key_violation USING MESSAGE = 'an alert names a rule, an article or a case event that does not exist';"
    "  END IF;"
    "  RETURN NULL;"
    " END $$"
)
# 0009's check, for the downgrade.
_POSTGRES_CHECK_0009 = (
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
    " END $$"
)
_POSTGRES_DELETED = (
    "CREATE OR REPLACE FUNCTION alerts_of_deleted_case_events() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN DELETE FROM alerts WHERE case_event_id IN (SELECT id FROM deleted); RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER case_events_deleted AFTER DELETE ON case_events"
    " REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION alerts_of_deleted_case_events()",
)
_POSTGRES_DELETED_DROPS = (
    "DROP TRIGGER case_events_deleted ON case_events",
    "DROP FUNCTION alerts_of_deleted_case_events()",
)


def _sqlite_checks(with_case_event: bool) -> tuple[str, ...]:
    missing = (
        "NOT EXISTS (SELECT 1 FROM alert_rules WHERE id = NEW.rule_id)"
        " OR NOT EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_pk)"
    )
    columns = "rule_id, article_pk"
    if with_case_event:
        missing += " OR (NEW.case_event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_events WHERE id = NEW.case_event_id))"
        columns += ", case_event_id"
    return (
        "DROP TRIGGER IF EXISTS alerts_inserted_check",
        "DROP TRIGGER IF EXISTS alerts_updated_check",
        f"CREATE TRIGGER alerts_inserted_check BEFORE INSERT ON alerts WHEN {missing}"
        " BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END",
        f"CREATE TRIGGER alerts_updated_check BEFORE UPDATE OF {columns} ON alerts"
        f" WHEN {missing} BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END",
    )


_SQLITE_DELETED = (
    "CREATE TRIGGER IF NOT EXISTS case_events_deleted AFTER DELETE ON case_events"
    " BEGIN DELETE FROM alerts WHERE case_event_id = OLD.id; END"
)
# 0009's triggers on the tables alerts refer to: SQLite's batch drops alerts before it renames
# the new table, which a trigger naming alerts refuses; dropped before, made again after.
_SQLITE_REFERRING = (
    "CREATE TRIGGER IF NOT EXISTS alert_rules_deleted AFTER DELETE ON alert_rules"
    " BEGIN DELETE FROM alerts WHERE rule_id = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS articles_deleted AFTER DELETE ON articles"
    " BEGIN DELETE FROM alerts WHERE article_pk = OLD.id; END",
)
_SQLITE_REFERRING_DROPS = ("DROP TRIGGER IF EXISTS alert_rules_deleted", "DROP TRIGGER IF EXISTS articles_deleted")


def _case_event_key() -> str:
    """The name of alerts' foreign key to case_events (on PostgreSQL, its own when made
    without one; on SQLite, the one the batch gives it)."""
    keys = sa.inspect(op.get_bind()).get_foreign_keys("alerts")
    [key] = [k for k in keys if k["referred_table"] == "case_events"]
    return key["name"] or _KEY


def _event_index() -> None:
    """The partial unique index of (rule, case event), made anew after SQLite's batch."""
    op.drop_index("ix_alerts_rule_event", "alerts")
    where = sa.text("case_event_id IS NOT NULL")
    op.create_index(
        "ix_alerts_rule_event",
        "alerts",
        ["rule_id", "case_event_id"],
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(_case_event_key(), "alerts", type_="foreignkey")
        for statement in (_POSTGRES_CHECK, *_POSTGRES_DELETED):
            op.execute(statement)
        return
    name = _case_event_key()
    for statement in _SQLITE_REFERRING_DROPS:
        op.execute(statement)
    with op.batch_alter_table("alerts", naming_convention=_NAMES) as alerts:
        alerts.drop_constraint(name, type_="foreignkey")
    _event_index()
    for statement in (*_sqlite_checks(with_case_event=True), *_SQLITE_REFERRING, _SQLITE_DELETED):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*_POSTGRES_DELETED_DROPS, _POSTGRES_CHECK_0009):
            op.execute(statement)
        op.create_foreign_key(_KEY, "alerts", "case_events", ["case_event_id"], ["id"], ondelete="CASCADE")
        return
    for statement in ("DROP TRIGGER case_events_deleted", *_SQLITE_REFERRING_DROPS):
        op.execute(statement)
    with op.batch_alter_table("alerts", naming_convention=_NAMES) as alerts:
        alerts.create_foreign_key(_KEY, "case_events", ["case_event_id"], ["id"], ondelete="CASCADE")
    _event_index()
    for statement in (*_sqlite_checks(with_case_event=False), *_SQLITE_REFERRING):
        op.execute(statement)
