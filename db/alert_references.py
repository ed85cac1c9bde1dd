"""An alert's rule, article and case event, kept by triggers instead of foreign keys: an
alert names a rule, an article and (a case event's alert) a case event that exist, and goes
when any of them is deleted (as ON DELETE CASCADE did).

Why: PostgreSQL checks a foreign key row by row, a lookup and a row lock for each inserted
row; a batch of 2,000 articles raises some 142,000 alerts on the alert bench's rules, and
those checks were three quarters of their insert. Even a NULL case event is a queued check
per row (a tenth of the alert bench's time on PostgreSQL). The triggers check each
statement's rows as a set, locking each rule, article and case event once. SQLite has only
row triggers: the same checks, row by row, as its foreign keys made them. Migrations 0009
and 0012 hold copies of these statements (migrations never import the project's code)."""

from __future__ import annotations

from sqlalchemy import Connection

# The alerts' columns these triggers keep, and the table each refers to (what a foreign key
# would say: db.copy maps them as it maps foreign keys).
REFERENCES = {"rule_id": "alert_rules", "article_pk": "articles", "case_event_id": "case_events"}

_POSTGRES = (
    # The distinct ids named, each looked up once (a batch's 142,000 alerts name 1,000 rules
    # and 2,000 articles; checking every row took six times as long); a shortfall is a missing
    # one. FOR KEY SHARE, as a foreign key's check: a rule, an article or a case event cannot
    # go before the inserting transaction ends.
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
    "CREATE OR REPLACE FUNCTION alerts_of_deleted_case_events() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN DELETE FROM alerts WHERE case_event_id IN (SELECT id FROM deleted); RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER case_events_deleted AFTER DELETE ON case_events"
    " REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION alerts_of_deleted_case_events()",
)
_SQLITE_MISSING = (
    "NOT EXISTS (SELECT 1 FROM alert_rules WHERE id = NEW.rule_id)"
    " OR NOT EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_pk)"
    " OR (NEW.case_event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_events WHERE id = NEW.case_event_id))"
)
_SQLITE = (
    f"CREATE TRIGGER IF NOT EXISTS alerts_inserted_check BEFORE INSERT ON alerts WHEN {_SQLITE_MISSING}"
    " BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END",
    "CREATE TRIGGER IF NOT EXISTS alerts_updated_check BEFORE UPDATE OF rule_id, article_pk, case_event_id ON alerts"
    f" WHEN {_SQLITE_MISSING} BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed'); END",
    "CREATE TRIGGER IF NOT EXISTS alert_rules_deleted AFTER DELETE ON alert_rules"
    " BEGIN DELETE FROM alerts WHERE rule_id = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS articles_deleted AFTER DELETE ON articles"
    " BEGIN DELETE FROM alerts WHERE article_pk = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS case_events_deleted AFTER DELETE ON case_events"
    " BEGIN DELETE FROM alerts WHERE case_event_id = OLD.id; END",
)
STATEMENTS = {"postgresql": _POSTGRES, "sqlite": _SQLITE}


def create(conn: Connection) -> None:
    """The triggers, if missing."""
    for statement in STATEMENTS[conn.dialect.name]:
        conn.exec_driver_sql(statement)
