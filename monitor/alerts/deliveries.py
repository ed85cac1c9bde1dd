"""Delivering alerts: the due deliveries of each channel composed (a JSON document per alert
for its webhook, a digest per rule by e-mail), sent by monitor.delivery, and tried again
later when they fail; each try is logged, and a delivery is marked delivered right after
the receiver's acknowledgement."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape

from db import Archive
from db import alerts as store
from monitor.alerts.case_events import event_document, event_title
from monitor.alerts.report import RunReport
from monitor.alerts.rules import rule_marks
from monitor.delivery import Outcome, post_webhook, send_email
from monitor.feeds import snippet_html
from monitor.search import snippet_of
from monitor.settings import DeliverySettings
from pipelines.article import china_time


def article_link(public_url: str, article_id: int) -> str:
    return f"{public_url}/#/article/{article_id}"


def webhook_body(pending: store.Pending, public_url: str) -> bytes:
    """The alert as JSON: "event" is "alert" for an article matching a rule, "case_stage" or
    "case_figure" for a followed case's new stage or figure (then under "case" and "stage"
    or "figure"), its article the one that shows it."""
    row = pending.article
    document = {
        "event": f"case_{row.event_kind}" if row.event_kind else "alert",
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
        "snippet": snippet_of(row, rule_marks(pending.rule)),
    }
    if row.event_kind:
        document.update(event_document(row, public_url))
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


class _Sender:
    """Sends one run's deliveries by one channel. The run spends up to `retry_wait_max`
    seconds in all on failing receivers, the pauses before retries and the failed tries
    themselves (one that never answers takes its whole deadline); a receiver (a webhook
    address, the SMTP server) still failing then is left alone for the rest of the run, its
    deliveries due later, so that one receiver that is down never holds up the others."""

    def __init__(self, archive: Archive, settings: DeliverySettings, channel: str, report: RunReport) -> None:
        self.archive, self.settings, self.channel, self.report = archive, settings, channel, report
        self.wait_left = settings.retry_wait_max
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
            wait = self.settings.retry_base * 2 ** (attempts - 1)
            give_up = outcome.permanent or attempts >= self.settings.attempts
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


def deliver_webhooks(archive: Archive, settings: DeliverySettings, report: RunReport) -> None:
    with archive.engine.connect() as conn:
        due = store.due(conn, "webhook", datetime.now(UTC))
    sender = _Sender(archive, settings, "webhook", report)
    for pending in due:
        body = webhook_body(pending, settings.public_url)
        url = pending.rule.webhook_url or ""

        def send(pending: store.Pending = pending, body: bytes = body, url: str = url) -> Outcome:
            return post_webhook(url, pending.rule.webhook_secret, body, pending.delivery_id, settings.webhook_timeout)

        sender.send(url, [pending.delivery_id], pending.attempts, send)


def digest(rule: store.Rule, items: list[store.Pending], public_url: str) -> tuple[str, str, str]:
    """(subject, text, html) of one rule's e-mail digest."""
    marks = rule_marks(rule)
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
        event = event_title(row)
        text_parts.append(
            (f"\n{event}" if event else "")
            + f"\n{row.title}\n{china_time(row.published_at) or ''} {row.url}\n{snippet}\n"
            + (f"tags: {tags}\n" if tags else "")
            + f"in the archive: {link}\n"
        )
        html_parts.append(
            (f"<h2>{escape(event)}</h2>" if event else "")
            + f'<h3><a href="{escape(row.url)}">{escape(row.title)}</a></h3><p>{escape(china_time(row.published_at) or "")}</p>'
            f"<p>{snippet_html(snippet)}</p>"
            + (f"<p>Tags: {escape(tags)}</p>" if tags else "")
            + f'<p><a href="{escape(link)}">In the archive</a></p>'
        )
    return subject, "".join(text_parts), "".join(html_parts)


def deliver_emails(archive: Archive, settings: DeliverySettings, report: RunReport) -> None:
    with archive.engine.connect() as conn:
        due = store.due(conn, "email", datetime.now(UTC))
    smtp = settings.smtp
    if smtp is None:
        if due:
            report.waiting["email"] = len(due)
        return
    sender = _Sender(archive, settings, "email", report)
    by_rule: dict[int, list[store.Pending]] = {}
    for pending in due:
        by_rule.setdefault(pending.rule.id, []).append(pending)
    for items in by_rule.values():
        rule = items[0].rule
        subject, text, html = digest(rule, items, settings.public_url)
        recipients = [a.strip() for a in (rule.email_to or "").split(",")]

        def send(
            recipients: list[str] = recipients, subject: str = subject, text: str = text, html: str = html
        ) -> Outcome:
            return send_email(smtp, recipients, subject, text, html)

        sender.send("smtp", [p.delivery_id for p in items], max(p.attempts for p in items), send)
