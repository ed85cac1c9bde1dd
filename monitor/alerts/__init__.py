"""Alert rules: standing searches matched once against each new article (rules.py), their
deliveries by webhook and e-mail digest (deliveries.py) and their feeds (feeds.py).

New articles wait in the alert queue (the store adds them in the transaction that inserts
them). `run` matches a batch of them against every rule and removes them from the queue in
one transaction, recording one alert per rule and story (a later copy of a story alerted
already is skipped) and a pending delivery per channel; then it sends what is due. A run
killed at any point loses nothing and repeats nothing: the batch's transaction is undone
whole, and a delivery is marked delivered right after the receiver's acknowledgement.

A rule may instead follow a case, an organisation or a province: db.cases queues each new
stage or figure of a case as a case event, and `run` raises one alert per follow rule and
event, its feed entry and webhook saying which stage or figure it is."""

from __future__ import annotations

from db import Archive
from monitor.alerts.deliveries import deliver_emails, deliver_webhooks
from monitor.alerts.feeds import feed_path, rule_feed
from monitor.alerts.report import RunReport
from monitor.alerts.rules import (
    HEALTH_FEED,
    MATCH_BATCH,
    AlertError,
    add_follow_rule,
    add_rule,
    list_rules,
    match_case_events,
    match_queue,
    remove_rule,
    show_rule,
)
from monitor.settings import DeliverySettings

__all__ = [
    "HEALTH_FEED",
    "AlertError",
    "RunReport",
    "add_follow_rule",
    "add_rule",
    "feed_path",
    "list_rules",
    "match_queue",
    "remove_rule",
    "rule_feed",
    "run",
    "show_rule",
]


def run(archive: Archive, settings: DeliverySettings, batch: int = MATCH_BATCH) -> RunReport:
    """Match the queued articles against every rule and the queued case events against
    the follow rules, then send what is due."""
    report = RunReport()
    match_queue(archive, report, batch)
    match_case_events(archive, report, batch)
    deliver_webhooks(archive, settings, report)
    deliver_emails(archive, settings, report)
    return report
