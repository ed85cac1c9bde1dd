"""The alert tables: rules, the queue of new articles, alerts (one per rule and story),
deliveries by webhook or e-mail and their log. monitor.alerts decides; this stores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update

from db.models import (
    Alert,
    AlertQueue,
    AlertRule,
    Article,
    Case,
    CaseEvent,
    CaseEventQueue,
    Delivery,
    DeliveryAttempt,
    UTCDateTime,
)
from db.search.results import face

# Each delivery channel and the rule column that turns it on (its address).
CHANNELS = {"webhook": "webhook_url", "email": "email_to"}


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    query: str
    exact: bool
    webhook_url: str | None
    webhook_secret: str | None
    email_to: str | None
    created_at: datetime
    follow_kind: str | None  # case, org, place: the rule follows cases, its query is empty
    follow_id: str | None

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(channel for channel, column in CHANNELS.items() if getattr(self, column))


def _now() -> datetime:
    return datetime.now(UTC)


def rules(conn: Connection, name: str | None = None) -> list[Rule]:
    query = select(AlertRule).order_by(AlertRule.id)
    if name is not None:
        query = query.where(AlertRule.name == name)
    return [Rule(**{c: getattr(r, c) for c in Rule.__dataclass_fields__}) for r in conn.execute(query)]


def add_rule(
    conn: Connection,
    name: str,
    query: str,
    exact: bool = False,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    email_to: str | None = None,
    follow: tuple[str, str] | None = None,
) -> None:
    """A rule matching `query`, or following (kind, id) a case, organisation or place."""
    conn.execute(
        insert(AlertRule).values(
            name=name,
            query=query,
            exact=exact,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            email_to=email_to,
            created_at=_now(),
            follow_kind=follow[0] if follow else None,
            follow_id=follow[1] if follow else None,
        )
    )


def remove_rule(conn: Connection, name: str) -> bool:
    """Remove a rule with its alerts and deliveries (foreign keys cascade on both engines;
    deleted explicitly too, for SQLite connections made without the foreign-key pragma)."""
    rule_id = conn.execute(select(AlertRule.id).where(AlertRule.name == name)).scalar()
    if rule_id is None:
        return False
    alert_ids = select(Alert.id).where(Alert.rule_id == rule_id)
    deliveries = select(Delivery.id).where(Delivery.alert_id.in_(alert_ids))
    conn.execute(delete(DeliveryAttempt).where(DeliveryAttempt.delivery_id.in_(deliveries)))
    conn.execute(delete(Delivery).where(Delivery.alert_id.in_(alert_ids)))
    conn.execute(delete(Alert).where(Alert.rule_id == rule_id))
    conn.execute(delete(AlertRule).where(AlertRule.id == rule_id))
    return True


def queued_batch(conn: Connection, size: int) -> list[int]:
    """The oldest queued article ids, at most `size`."""
    return list(conn.execute(select(AlertQueue.article_pk).order_by(AlertQueue.article_pk).limit(size)).scalars())


# The batch's matches, rule by rule, before they become alerts (a temporary table: the
# matching stays in the database, whatever the number of matches).
BATCH_TABLE = "alert_batch"
_BATCH_DDL = {
    "sqlite": "CREATE TEMP TABLE IF NOT EXISTS alert_batch (rule_id INTEGER, article_pk INTEGER,"
    " story_id INTEGER, garbled BOOLEAN, published_at DATETIME)",
    "postgresql": "CREATE TEMP TABLE IF NOT EXISTS alert_batch (rule_id INTEGER, article_pk INTEGER,"
    " story_id INTEGER, garbled BOOLEAN, published_at TIMESTAMP WITHOUT TIME ZONE)",
}
# Each (rule, story)'s best copy in the batch, beside the story's alert if it has one
# already: the alerts to add and the ones to show a better copy, found in one pass.
_FACES_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS alert_faces (rule_id INTEGER, story_id INTEGER, article_pk INTEGER,"
    " alert_id INTEGER, alerted_pk INTEGER)"
)
# A batch's matches sorted by rule and story (some 142,000 rows of 2,000 articles on the
# bench's rules) in memory, not in files (PostgreSQL's default work_mem, 4 MB, spills them).
_BATCH_WORK_MEM = "64MB"
# The batch's documents (a temporary table) are in this backend's memory: a page read at
# random costs as little as one in order. At the default (4), the planner read every
# document of the batch for a rule whose GIN lookup finds a few hundred, re-checking each
# document (a phrase, an expanded OR): the rules took three times as long.
_BATCH_RANDOM_PAGE_COST = 1.1
# pg_advisory_xact_lock key: one alert runner records at a time (SQLite's write lock does that).
RUNNER_LOCK = 0x616C65727473
# Each (rule, story)'s best copy among the batch's matches, as db.search.results.face picks it.
_FACES = (
    "SELECT rule_id, story_id, article_pk, garbled, published_at FROM ("
    " SELECT b.*, ROW_NUMBER() OVER (PARTITION BY rule_id, story_id"
    "  ORDER BY garbled, published_at IS NULL, published_at, article_pk) AS n FROM alert_batch AS b) AS ranked"
    " WHERE n = 1"
)


def begin_batch(conn: Connection) -> None:
    """Prepare the batch table (and on PostgreSQL the planner) in this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RUNNER_LOCK})
        conn.execute(text(f"SET LOCAL work_mem = '{_BATCH_WORK_MEM}'"))
        conn.execute(text(f"SET LOCAL random_page_cost = {_BATCH_RANDOM_PAGE_COST}"))
    else:
        conn.execute(text(_FACES_DDL))
        conn.execute(text("DELETE FROM alert_faces"))
    conn.execute(text(_BATCH_DDL[conn.dialect.name]))
    conn.execute(text(f"DELETE FROM {BATCH_TABLE}"))


def record_batch(conn: Connection) -> dict[int, int]:
    """Alerts from the batch's matches: one per rule and story not alerted yet, for its
    best copy, with a pending delivery per channel of the rule; returns the new alerts'
    count by rule id. A story alerted already raises none, but its alert shows the new
    copy when that is the better face (the original, where the mirror's copy came first)."""
    if conn.dialect.name == "postgresql":
        return _record_batch_postgres(conn)
    last_alert = _last_alert(conn)
    conn.execute(
        text(
            "INSERT INTO alert_faces (rule_id, story_id, article_pk, alert_id, alerted_pk)"
            f" SELECT f.rule_id, f.story_id, f.article_pk, o.id, o.article_pk FROM ({_FACES}) AS f"
            " LEFT JOIN alerts AS o ON o.rule_id = f.rule_id AND o.story_id = f.story_id"
        )
    )
    _show_better_faces(
        conn,
        conn.execute(
            text(
                "SELECT alert_id, article_pk AS new_pk FROM alert_faces"
                " WHERE alert_id IS NOT NULL AND article_pk != alerted_pk"
            )
        ).all(),
    )
    conn.execute(
        text(
            "INSERT INTO alerts (rule_id, story_id, article_pk, matched_at)"
            # Not ON CONFLICT: PostgreSQL's speculative insertion of each row costs as much
            # as the insert (one runner records at a time: nothing comes in between).
            " SELECT rule_id, story_id, article_pk, :now FROM alert_faces WHERE alert_id IS NULL"
        ).bindparams(bindparam("now", _now(), type_=UTCDateTime))
    )
    _add_deliveries(conn, last_alert)
    rows = conn.execute(select(Alert.rule_id, func.count()).where(Alert.id > last_alert).group_by(Alert.rule_id))
    return dict(rows.all())  # not dict(rows): a result has keys(), dict() would take it for a mapping


# On PostgreSQL, one statement: the faces beside their stories' alerts kept in memory (a
# materialised CTE) where a table of them was written and read again; the new alerts made
# from them and their deliveries from the rows the insert returns (read back from the
# alerts' index by id, they cost as much as the insert when the plan was not the best);
# and, as its rows, the new alerts' count by rule and the alerted stories' faces to compare
# (alert_id, new_pk).
_DELIVERIES_OF_ADDED = " UNION ALL ".join(
    f"(SELECT n.id, '{channel}', 'pending', 0, CAST(:now AS TIMESTAMP) FROM added AS n"
    f" JOIN alert_rules AS r ON r.id = n.rule_id WHERE r.{column} IS NOT NULL ORDER BY n.id)"
    for channel, column in CHANNELS.items()
)
_RECORD_POSTGRES = (
    "WITH f AS MATERIALIZED (SELECT f.rule_id, f.story_id, f.article_pk, o.id AS alert_id, o.article_pk AS alerted_pk"
    f" FROM ({_FACES}) AS f LEFT JOIN alerts AS o ON o.rule_id = f.rule_id AND o.story_id = f.story_id),"
    " added AS (INSERT INTO alerts (rule_id, story_id, article_pk, matched_at)"
    "  SELECT rule_id, story_id, article_pk, :now FROM f WHERE alert_id IS NULL RETURNING id, rule_id),"
    " sent AS (INSERT INTO deliveries (alert_id, channel, status, attempts, next_attempt_at)"
    f" {_DELIVERIES_OF_ADDED})"
    " SELECT rule_id, COUNT(*) AS added, NULL AS alert_id, NULL AS new_pk FROM f WHERE alert_id IS NULL"
    " GROUP BY rule_id"
    " UNION ALL SELECT NULL, NULL, alert_id, article_pk FROM f WHERE alert_id IS NOT NULL AND article_pk != alerted_pk"
)


def _record_batch_postgres(conn: Connection) -> dict[int, int]:
    rows = conn.execute(text(_RECORD_POSTGRES).bindparams(bindparam("now", _now(), type_=UTCDateTime))).all()
    _show_better_faces(conn, [row for row in rows if row.alert_id is not None])
    return {row.rule_id: row.added for row in rows if row.rule_id is not None}


def _last_alert(conn: Connection) -> int:
    return conn.execute(select(func.coalesce(func.max(Alert.id), 0))).scalar_one()


def _add_deliveries(conn: Connection, last_alert: int) -> None:
    """A pending delivery per channel of its rule for each alert after `last_alert`."""
    for channel, column in CHANNELS.items():
        conn.execute(
            text(
                "INSERT INTO deliveries (alert_id, channel, status, attempts, next_attempt_at)"
                " SELECT a.id, :channel, 'pending', 0, :now FROM alerts AS a JOIN alert_rules AS r ON r.id = a.rule_id"
                f" WHERE a.id > :last AND r.{column} IS NOT NULL"
            ).bindparams(bindparam("now", _now(), type_=UTCDateTime)),
            {"channel": channel, "last": last_alert},
        )


# --- case events: what follow rules match ------------------------------------------------


def case_party(conn: Connection, case_id: int) -> str | None:
    """A case's party; None when there is no such case."""
    return conn.execute(select(Case.party).where(Case.id == case_id)).scalar()


def queued_case_events(conn: Connection, size: int) -> list[Any]:
    """The oldest queued case events with their case's party and family, at most `size`."""
    return list(
        conn.execute(
            select(
                CaseEvent.id, CaseEvent.case_id, CaseEvent.article_pk, CaseEvent.recorded_at, Case.party, Case.family
            )
            .join(CaseEventQueue, CaseEventQueue.event_id == CaseEvent.id)
            .join(Case, Case.id == CaseEvent.case_id)
            .order_by(CaseEvent.id)
            .limit(size)
        ).all()
    )


def record_case_alerts(conn: Connection, matches: list[tuple[int, Any]], event_ids: list[int]) -> dict[int, int]:
    """An alert per (rule id, event) matched, with its pending deliveries; the events leave
    the queue in the same transaction. Returns the new alerts' count by rule id."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RUNNER_LOCK})
    last_alert = _last_alert(conn)
    now = _now()
    if matches:
        conn.execute(
            insert(Alert),
            [
                {
                    "rule_id": rule_id,
                    "story_id": None,
                    "article_pk": event.article_pk,
                    "matched_at": now,
                    "case_event_id": event.id,
                }
                for rule_id, event in matches
            ],
        )
        _add_deliveries(conn, last_alert)
    conn.execute(delete(CaseEventQueue).where(CaseEventQueue.event_id.in_(event_ids)))
    counts: dict[int, int] = {}
    for rule_id, _ in matches:
        counts[rule_id] = counts.get(rule_id, 0) + 1
    return counts


def _show_better_faces(conn: Connection, rows: Sequence[Any]) -> None:
    """The alerts of stories alerted already (alert_id) whose copy in the batch (new_pk)
    is another: few in a batch (later copies), compared in Python."""
    if not rows:
        return
    alerts = {
        r.id: r.article_pk
        for r in conn.execute(select(Alert.id, Alert.article_pk).where(Alert.id.in_([r.alert_id for r in rows])))
    }
    ids = set(alerts.values()) | {r.new_pk for r in rows}
    copies = {
        r.id: r
        for r in conn.execute(select(Article.id, Article.garbled, Article.published_at).where(Article.id.in_(ids)))
    }
    for row in rows:
        if face([copies[alerts[row.alert_id]], copies[row.new_pk]]).id == row.new_pk:
            conn.execute(update(Alert).where(Alert.id == row.alert_id).values(article_pk=row.new_pk))


def dequeue(conn: Connection, ids: list[int]) -> None:
    conn.execute(delete(AlertQueue).where(AlertQueue.article_pk.in_(ids)))


def queue_length(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(AlertQueue)).scalar_one()


# --- deliveries ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    delivery_id: int
    alert_id: int
    attempts: int
    rule: Rule
    article: Any  # the articles row: id, title, url, published_at, ...
    matched_at: datetime


_ARTICLE = (
    Article.id,
    Article.title,
    Article.title_simplified,
    Article.body,
    Article.body_simplified,
    Article.url,
    Article.site,
    Article.host,
    Article.lang,
    Article.published_at,
    Article.tags,
    Article.relevance_label,
)
# The case event an alert is about (all None for an article's alert): outer-joined.
_EVENT = (
    CaseEvent.kind.label("event_kind"),
    CaseEvent.name.label("event_name"),
    CaseEvent.day.label("event_day"),
    CaseEvent.value.label("event_value"),
    Case.id.label("case_id"),
    Case.key.label("case_key"),
    Case.party.label("case_party"),
)


def due(conn: Connection, channel: str, now: datetime) -> list[Pending]:
    """Pending deliveries by this channel whose next attempt is due, oldest alert first."""
    by_id = {r.id: r for r in rules(conn)}
    rows = conn.execute(
        select(
            Delivery.id.label("delivery_id"),
            Delivery.attempts,
            Alert.id.label("alert_id"),
            Alert.rule_id,
            Alert.matched_at,
            *_ARTICLE,
            *_EVENT,
        )
        .join(Alert, Alert.id == Delivery.alert_id)
        .join(Article, Article.id == Alert.article_pk)
        .outerjoin(CaseEvent, CaseEvent.id == Alert.case_event_id)
        .outerjoin(Case, Case.id == CaseEvent.case_id)
        .where(Delivery.channel == channel, Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Alert.id)
    ).all()
    return [Pending(r.delivery_id, r.alert_id, r.attempts, by_id[r.rule_id], r, r.matched_at) for r in rows]


def log_attempt(
    conn: Connection,
    delivery_ids: Iterable[int],
    status_code: int | None,
    error: str,
    seconds: float,
    delivered: bool,
    retry_in: timedelta | None,
) -> None:
    """Record one try for these deliveries (a digest is one try for several): delivered,
    due again after `retry_in`, or given up (failed) when that is None."""
    ids = list(delivery_ids)
    now = _now()
    conn.execute(
        insert(DeliveryAttempt),
        [
            {
                "delivery_id": d,
                "attempted_at": now,
                "status_code": status_code,
                "error": error[:2000],
                "seconds": seconds,
            }
            for d in ids
        ],
    )
    values: dict[str, Any] = {"attempts": Delivery.attempts + 1}
    if delivered:
        values.update(status="delivered", delivered_at=now)
    elif retry_in is not None:
        values.update(next_attempt_at=now + retry_in)
    else:
        values.update(status="failed")
    conn.execute(update(Delivery).where(Delivery.id.in_(ids)).values(**values))


# --- reading alerts back ---------------------------------------------------------------


def recent_alerts(conn: Connection, rule_id: int, limit: int) -> list[Any]:
    """A rule's latest alerts with their article, newest first."""
    return list(
        conn.execute(
            select(Alert.id.label("alert_id"), Alert.matched_at, *_ARTICLE, *_EVENT)
            .join(Article, Article.id == Alert.article_pk)
            .outerjoin(CaseEvent, CaseEvent.id == Alert.case_event_id)
            .outerjoin(Case, Case.id == CaseEvent.case_id)
            .where(Alert.rule_id == rule_id)
            .order_by(Alert.id.desc())
            .limit(limit)
        ).all()
    )


def rule_counts(conn: Connection) -> dict[int, tuple[int, datetime | None]]:
    """(alerts, time of the last) by rule id."""
    rows = conn.execute(select(Alert.rule_id, func.count(), func.max(Alert.matched_at)).group_by(Alert.rule_id))
    return {r[0]: (r[1], r[2]) for r in rows}


def delivery_counts(conn: Connection, rule_id: int) -> dict[tuple[str, str], int]:
    """Deliveries of a rule's alerts by (channel, status)."""
    rows = conn.execute(
        select(Delivery.channel, Delivery.status, func.count())
        .join(Alert, Alert.id == Delivery.alert_id)
        .where(Alert.rule_id == rule_id)
        .group_by(Delivery.channel, Delivery.status)
    )
    return {(c, s): n for c, s, n in rows}
