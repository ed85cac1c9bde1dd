"""Alert rules: standing searches matched once against each new article, their feeds, and
their deliveries by webhook and e-mail digest.

New articles wait in the alert queue (the store adds them in the transaction that inserts
them). `run` matches a batch of them against every rule and removes them from the queue in
one transaction, recording one alert per rule and story (a later copy of a story alerted
already is skipped) and a pending delivery per channel; then it sends what is due. A run
killed at any point loses nothing and repeats nothing: the batch's transaction is undone
whole, and a delivery is marked delivered right after the receiver's acknowledgement."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import select

from db import Archive
from db import alerts as store
from db.models import CrawlRun, HealthEvent
from db.search.results import copy_queued_matches
from db.search.spec import Search
from monitor import settings
from monitor.delivery import Outcome, SmtpSettings, post_webhook, send_email
from monitor.feeds import Entry, Feed, snippet_html
from monitor.query import QueryError, parse_query
from monitor.search import SearchOptions, plan, snippet_of
from pipelines.article import china_time

HEALTH_FEED = "crawl-health"  # built in: the crawl health events
# Letters and digits of any script (稀土-整改 as well as rare-earth): no spaces or slashes,
# since the name is a file name (alerts run --feeds) and, percent-encoded, a URL path segment.
_RULE_NAME = re.compile(r"[^\W_][\w.-]{0,79}")
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+")
FEED_ENTRIES = 50
MATCH_BATCH = 2000  # queued articles matched per transaction


class AlertError(Exception):
    """A request about rules that cannot be done; the message says why."""


@dataclass(frozen=True)
class DeliveryConfig:
    public_url: str = settings.MONITOR_PUBLIC_URL
    retry_base: float = settings.MONITOR_RETRY_BASE
    retry_wait_max: float = settings.MONITOR_RETRY_WAIT_MAX
    attempts: int = settings.MONITOR_DELIVERY_ATTEMPTS
    webhook_timeout: float = settings.MONITOR_WEBHOOK_TIMEOUT
    smtp: SmtpSettings | None = (
        SmtpSettings(
            settings.MONITOR_SMTP_HOST,
            settings.MONITOR_SMTP_PORT,
            settings.MONITOR_SMTP_FROM,
            settings.MONITOR_SMTP_USER,
            settings.MONITOR_SMTP_PASSWORD,
            settings.MONITOR_SMTP_STARTTLS,
        )
        if settings.MONITOR_SMTP_HOST
        else None
    )


@dataclass
class RunReport:
    articles: int = 0  # queued articles matched
    rules: int = 0
    alerts: dict[str, int] = field(default_factory=dict)  # new, by rule
    delivered: dict[str, int] = field(default_factory=dict)  # by channel
    retrying: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)  # channel not configured
    why: dict[str, str] = field(default_factory=dict)  # by channel: its last failed try, and to whom

    def lines(self) -> list[str]:
        """What the run did, as `monitor alerts run` and the schedule's log say it."""
        alerts = sum(self.alerts.values())
        by_rule = ", ".join(f"{name} {n}" for name, n in sorted(self.alerts.items()) if n)
        lines = [
            f"matched {self.articles} new articles against {self.rules} rules: {alerts} alerts"
            + (f" ({by_rule})" if alerts else "")
        ]
        for label, counts in (
            ("delivered", self.delivered),
            ("to retry later", self.retrying),
            ("FAILED (gave up)", self.failed),
            ("waiting (MONITOR_SMTP_HOST not set)", self.waiting),
        ):
            for channel, n in sorted(counts.items()):
                why = f" (last try: {self.why[channel]})" if label != "delivered" and channel in self.why else ""
                lines.append(f"{channel}: {n} {label}{why}")
        return lines


# --- rules -----------------------------------------------------------------------------


def add_rule(
    archive: Archive,
    name: str,
    query: str,
    exact: bool = False,
    webhook: str | None = None,
    secret: str | None = None,
    email: str | None = None,
) -> store.Rule:
    """Store a rule after checking everything about it; AlertError or QueryError if not."""
    if not _RULE_NAME.fullmatch(name) or name == HEALTH_FEED:
        raise AlertError(
            f"bad rule name {name!r}: use 1-80 letters (of any language), digits, '-', '_' or '.', starting with a letter or digit"
            + (f" ({HEALTH_FEED!r} is the built-in health feed)" if name == HEALTH_FEED else "")
        )
    plan(query, SearchOptions(expand=not exact))
    if webhook is not None and (urlsplit(webhook).scheme not in ("http", "https") or not urlsplit(webhook).hostname):
        raise AlertError(f"the webhook must be an http(s) address, not {webhook!r}")
    if secret and not webhook:
        raise AlertError("--secret signs webhook requests: give --webhook too")
    if email is not None and not all(_EMAIL.fullmatch(a.strip()) for a in email.split(",")):
        raise AlertError(f"not an e-mail address (or a comma-separated list of them): {email!r}")
    with archive.transaction() as conn:
        if store.rules(conn, name):
            raise AlertError(f"a rule named {name!r} exists already (remove it first)")
        store.add_rule(conn, name, query, exact, webhook, secret, email)
        return store.rules(conn, name)[0]


def remove_rule(archive: Archive, name: str) -> None:
    with archive.transaction() as conn:
        if not store.remove_rule(conn, name):
            raise AlertError(f"no rule named {name!r}")


def get_rule(archive: Archive, name: str) -> store.Rule:
    with archive.engine.connect() as conn:
        found = store.rules(conn, name)
    if not found:
        raise AlertError(f"no rule named {name!r}")
    return found[0]


def list_rules(archive: Archive) -> list[dict[str, Any]]:
    with archive.engine.connect() as conn:
        counts = store.rule_counts(conn)
        return [
            {
                **_rule_dict(rule),
                "alerts": counts.get(rule.id, (0, None))[0],
                "last_alert": china_time(counts.get(rule.id, (0, None))[1]),
            }
            for rule in store.rules(conn)
        ]


def show_rule(archive: Archive, name: str, limit: int = 20) -> dict[str, Any]:
    rule = get_rule(archive, name)
    with archive.engine.connect() as conn:
        deliveries = store.delivery_counts(conn, rule.id)
        recent = store.recent_alerts(conn, rule.id, limit)
    return {
        **_rule_dict(rule),
        "deliveries": [{"channel": c, "status": s, "count": n} for (c, s), n in sorted(deliveries.items())],
        "recent": [
            {
                "alert": r.alert_id,
                "matched_at": china_time(r.matched_at),
                "article": r.id,
                "title": r.title,
                "url": r.url,
                "published_at": china_time(r.published_at),
            }
            for r in recent
        ],
    }


def _rule_dict(rule: store.Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "query": rule.query,
        "exact": rule.exact,
        "webhook": rule.webhook_url,
        "signed": bool(rule.webhook_secret),
        "email": rule.email_to,
        "created_at": china_time(rule.created_at),
    }


# --- matching --------------------------------------------------------------------------


def _searches(rules: list[store.Rule]) -> dict[int, Search]:
    """Each rule's search. A rule whose query no longer reads (the vocabulary lost a tag it
    names) is left out of matching until it is fixed; `alerts list` still shows it."""
    out = {}
    for rule in rules:
        try:
            out[rule.id] = plan(rule.query, SearchOptions(expand=not rule.exact))[1]
        except QueryError:
            continue
    return out


def match_queue(archive: Archive, report: RunReport, batch: int = MATCH_BATCH) -> None:
    with archive.engine.connect() as conn:
        rules = store.rules(conn)
    searches = _searches(rules)
    report.rules = len(searches)
    names = {rule.id: rule.name for rule in rules}
    while True:
        with archive.transaction() as conn:
            ids = store.queued_batch(conn, batch)
            if not ids:
                return
            last_alert = store.begin_batch(conn)
            for rule_id, search in searches.items():
                copy_queued_matches(conn, search, ids[0], ids[-1], store.BATCH_TABLE, rule_id)
            fresh = store.record_batch(conn, last_alert)
            store.dequeue(conn, ids)
        for rule_id, name in names.items():
            report.alerts[name] = report.alerts.get(name, 0) + fresh.get(rule_id, 0)
        report.articles += len(ids)


# --- delivering ------------------------------------------------------------------------


def article_link(public_url: str, article_id: int) -> str:
    return f"{public_url}/#/article/{article_id}"


def _marks(rule: store.Rule) -> tuple[tuple[str, ...], ...]:
    try:
        return parse_query(rule.query, expand=not rule.exact).marks
    except QueryError:
        return ()


def webhook_body(pending: store.Pending, public_url: str) -> bytes:
    row = pending.article
    document = {
        "event": "alert",
        "delivery": pending.delivery_id,
        "alert": pending.alert_id,
        "rule": {"name": pending.rule.name, "query": pending.rule.query},
        "matched_at": china_time(pending.matched_at),
        "article": {
            "id": row.id,
            "title": row.title,
            "url": row.url,
            "site": row.site,
            "host": row.host,
            "lang": row.lang,
            "published_at": china_time(row.published_at),
            "tags": [t["id"] for t in row.tags or []],
            "archive_url": article_link(public_url, row.id),
        },
        "snippet": snippet_of(row, _marks(pending.rule)),
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


class _Sender:
    """Sends one run's deliveries by one channel. The run spends up to `retry_wait_max`
    seconds in all on failing receivers, the pauses before retries and the failed tries
    themselves (one that never answers takes its whole deadline); a receiver (a webhook
    address, the SMTP server) still failing then is left alone for the rest of the run, its
    deliveries due later, so that one receiver that is down never holds up the others."""

    def __init__(self, archive: Archive, config: DeliveryConfig, channel: str, report: RunReport) -> None:
        self.archive, self.config, self.channel, self.report = archive, config, channel, report
        self.wait_left = config.retry_wait_max
        self.down: set[str] = set()

    def send(self, receiver: str, ids: list[int], attempts: int, send: Callable[[], Outcome]) -> None:
        """Try, log each try, wait and try again while the run's waiting allows; else leave
        the deliveries due later (or failed, once they have had all their tries)."""
        if receiver in self.down:
            self._count(self.report.retrying, ids)
            return
        while True:
            outcome = send()
            attempts += 1
            wait = self.config.retry_base * 2 ** (attempts - 1)
            give_up = outcome.permanent or attempts >= self.config.attempts
            retry_in = None if outcome.delivered or give_up else timedelta(seconds=wait)
            with self.archive.transaction() as conn:
                store.log_attempt(
                    conn, ids, outcome.status_code, outcome.error, outcome.seconds, outcome.delivered, retry_in
                )
            if not outcome.delivered:
                self.report.why[self.channel] = f"{receiver}: {outcome.error or f'HTTP {outcome.status_code}'}"
            if outcome.delivered or give_up:
                self._count(self.report.delivered if outcome.delivered else self.report.failed, ids)
                return
            self.wait_left -= outcome.seconds
            if wait > self.wait_left:
                self.down.add(receiver)
                self._count(self.report.retrying, ids)
                return
            self.wait_left -= wait
            time.sleep(wait)

    def _count(self, counts: dict[str, int], ids: list[int]) -> None:
        counts[self.channel] = counts.get(self.channel, 0) + len(ids)


def deliver_webhooks(archive: Archive, config: DeliveryConfig, report: RunReport) -> None:
    with archive.engine.connect() as conn:
        due = store.due(conn, "webhook", datetime.now(UTC))
    sender = _Sender(archive, config, "webhook", report)
    for pending in due:
        body = webhook_body(pending, config.public_url)
        url = pending.rule.webhook_url or ""

        def send(pending: store.Pending = pending, body: bytes = body, url: str = url) -> Outcome:
            return post_webhook(url, pending.rule.webhook_secret, body, pending.delivery_id, config.webhook_timeout)

        sender.send(url, [pending.delivery_id], pending.attempts, send)


def digest(rule: store.Rule, items: list[store.Pending], public_url: str) -> tuple[str, str, str]:
    """(subject, text, html) of one rule's e-mail digest."""
    marks = _marks(rule)
    subject = f"monitor: {len(items)} new article{'s' if len(items) != 1 else ''} for {rule.name}"
    text_parts, html_parts = (
        [f"Rule {rule.name}: {rule.query}\n"],
        [f"<p>Rule <b>{escape(rule.name)}</b>: {escape(rule.query)}</p>"],
    )
    for item in items:
        row = item.article
        snippet = snippet_of(row, marks)
        tags = ", ".join(t["id"] for t in row.tags or [])
        link = article_link(public_url, row.id)
        text_parts.append(
            f"\n{row.title}\n{china_time(row.published_at) or ''} {row.url}\n{snippet}\n"
            + (f"tags: {tags}\n" if tags else "")
            + f"in the archive: {link}\n"
        )
        html_parts.append(
            f'<h3><a href="{escape(row.url)}">{escape(row.title)}</a></h3><p>{escape(china_time(row.published_at) or "")}</p>'
            f"<p>{snippet_html(snippet)}</p>"
            + (f"<p>Tags: {escape(tags)}</p>" if tags else "")
            + f'<p><a href="{escape(link)}">In the archive</a></p>'
        )
    return subject, "".join(text_parts), "".join(html_parts)


def deliver_emails(archive: Archive, config: DeliveryConfig, report: RunReport) -> None:
    with archive.engine.connect() as conn:
        due = store.due(conn, "email", datetime.now(UTC))
    if due and config.smtp is None:
        report.waiting["email"] = len(due)
        return
    sender = _Sender(archive, config, "email", report)
    by_rule: dict[int, list[store.Pending]] = {}
    for pending in due:
        by_rule.setdefault(pending.rule.id, []).append(pending)
    for items in by_rule.values():
        rule = items[0].rule
        subject, text, html = digest(rule, items, config.public_url)
        recipients = [a.strip() for a in (rule.email_to or "").split(",")]

        def send(
            recipients: list[str] = recipients, subject: str = subject, text: str = text, html: str = html
        ) -> Outcome:
            assert config.smtp is not None
            return send_email(config.smtp, recipients, subject, text, html)

        sender.send("smtp", [p.delivery_id for p in items], max(p.attempts for p in items), send)


def run(archive: Archive, config: DeliveryConfig | None = None, batch: int = MATCH_BATCH) -> RunReport:
    """Match the queued articles against every rule, then send what is due."""
    config = config or DeliveryConfig()
    report = RunReport()
    match_queue(archive, report, batch)
    deliver_webhooks(archive, config, report)
    deliver_emails(archive, config, report)
    return report


# --- feeds -----------------------------------------------------------------------------


def feed_path(name: str, fmt: str | None = None) -> str:
    """The path of a rule's feed, its name percent-encoded (a Chinese name stays a valid URL)."""
    return f"/feeds/{quote(name, safe='')}" + (f".{fmt}" if fmt else "")


def rule_feed(archive: Archive, name: str, public_url: str, limit: int = FEED_ENTRIES) -> Feed:
    """A rule's latest alerts as a feed (any format: monitor.feeds.render)."""
    if name == HEALTH_FEED:
        return health_feed(archive, public_url, limit)
    rule = get_rule(archive, name)
    marks = _marks(rule)
    with archive.engine.connect() as conn:
        rows = store.recent_alerts(conn, rule.id, limit)
    entries = [
        Entry(
            id=f"{public_url}{feed_path(rule.name)}#alert-{row.alert_id}",
            title=row.title,
            link=row.url,
            archive_link=article_link(public_url, row.id),
            published=row.published_at,
            updated=row.matched_at,
            snippet=snippet_of(row, marks),
            tags=tuple(t["id"] for t in row.tags or []),
        )
        for row in rows
    ]
    return Feed(
        id=f"{public_url}{feed_path(rule.name)}",
        title=f"monitor: {rule.name}",
        description=rule.query,
        home=f"{public_url}/#/search?q=" + quote(rule.query, safe=""),
        self_link=f"{public_url}{feed_path(rule.name)}.{{format}}",
        updated=rows[0].matched_at if rows else rule.created_at,
        entries=entries,
    )


HEALTH_TITLES = {
    "blocked": "blocked: the site answered with a block page",
    "extracts_nothing": "extracts nothing: article pages found, no article read from them",
    "selectors_drift": "selectors drift: the site's markup changed, its articles read another way",
    "quiet": "quiet: no new articles for longer than the site's rhythm",
}


def health_feed(archive: Archive, public_url: str, limit: int = FEED_ENTRIES) -> Feed:
    with archive.engine.connect() as conn:
        rows = conn.execute(
            select(
                HealthEvent.id,
                HealthEvent.site,
                HealthEvent.kind,
                HealthEvent.detail,
                HealthEvent.raised_at,
                CrawlRun.base_url,
            )
            .outerjoin(CrawlRun, CrawlRun.id == HealthEvent.run_id)
            .order_by(HealthEvent.id.desc())
            .limit(limit)
        ).all()
    entries = [
        Entry(
            id=f"{public_url}/feeds/{HEALTH_FEED}#event-{row.id}",
            title=f"{row.site} {HEALTH_TITLES.get(row.kind, row.kind)}",
            link=row.base_url or public_url,
            archive_link=f"{public_url}/feeds/{HEALTH_FEED}.atom",
            published=row.raised_at,
            updated=row.raised_at,
            snippet=row.detail,
            tags=(row.site, row.kind),
        )
        for row in rows
    ]
    return Feed(
        id=f"{public_url}/feeds/{HEALTH_FEED}",
        title="monitor: crawl health",
        description="Sites that blocked the crawler, changed their markup, or went quiet",
        home=public_url + "/",
        self_link=f"{public_url}/feeds/{HEALTH_FEED}.{{format}}",
        updated=rows[0].raised_at if rows else datetime.now(UTC),
        entries=entries,
    )
