"""Alert rules, standing searches: stored after every check, listed and shown with their
alerts, and matched against the queue of new articles."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from db import Archive
from db import alerts as store
from db.search.results import copy_queued_matches
from db.search.spec import Search
from monitor.alerts.report import RunReport
from monitor.query import QueryError, parse_query
from monitor.search import SearchOptions, plan
from pipelines.article import china_time

HEALTH_FEED = "crawl-health"  # built in: the crawl health events
# Letters and digits of any script (稀土-整改 as well as rare-earth): no spaces or slashes,
# since the name is a file name (alerts run --feeds) and, percent-encoded, a URL path segment.
_RULE_NAME = re.compile(r"[^\W_][\w.-]{0,79}")
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+")
MATCH_BATCH = 2000  # queued articles matched per transaction


class AlertError(Exception):
    """A request about rules that cannot be done; the message says why."""


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


def rule_marks(rule: store.Rule) -> tuple[tuple[str, ...], ...]:
    """The terms a rule's snippets mark; none for a rule whose query no longer reads."""
    try:
        return parse_query(rule.query, expand=not rule.exact).marks
    except QueryError:
        return ()


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
