"""Alert rules, standing searches: stored after every check, listed and shown with their
alerts, and matched against the queue of new articles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from db import Archive
from db import alerts as store
from db.search.results import copy_queued_matches, prepare_queued_matches
from db.search.spec import Search
from monitor.alerts.report import RunReport
from monitor.cases import CaseError, named_party, parties
from monitor.query import QueryError, parse_query
from monitor.search import SearchOptions, plan
from pipelines.article import china_time

HEALTH_FEED = "crawl-health"  # built in: the crawl health events
# Letters and digits of any script (稀土-整改 as well as rare-earth): no spaces or slashes,
# since the name is a file name (alerts run --feeds) and, percent-encoded, a URL path segment.
_RULE_NAME = re.compile(r"[^\W_][\w.-]{0,79}")
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+")
MATCH_BATCH = 2000  # queued articles (and case events) matched per transaction
FOLLOWS = ("case", "org", "place")


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
    _check_name(name)
    plan(query, SearchOptions(expand=not exact))
    _check_channels(webhook, secret, email)
    with archive.transaction() as conn:
        _check_new(conn, name)
        store.add_rule(conn, name, query, exact, webhook, secret, email)
        return store.rules(conn, name)[0]


def add_follow_rule(
    archive: Archive,
    name: str,
    kind: str,
    followed: str,
    webhook: str | None = None,
    secret: str | None = None,
    email: str | None = None,
) -> store.Rule:
    """Store a rule that follows a case (kind "case", its id), an organisation ("org") or a
    province or city ("place", a concept id or name): each new stage or figure of its cases
    raises an alert. AlertError if it cannot be."""
    _check_name(name)
    if kind not in FOLLOWS:
        raise AlertError(f"a rule follows one of {', '.join(FOLLOWS)}, not {kind!r}")
    _check_channels(webhook, secret, email)
    with archive.transaction() as conn:
        _check_new(conn, name)
        if kind == "case":
            if not followed.isdigit() or store.case_party(conn, int(followed)) is None:
                raise AlertError(f"no case {followed} (`monitor cases` lists them)")
        else:
            try:
                followed = named_party(followed, kind)  # by its id, whatever name it was given by
            except CaseError as error:
                raise AlertError(str(error)) from None
        store.add_rule(conn, name, "", False, webhook, secret, email, follow=(kind, followed))
        return store.rules(conn, name)[0]


def _check_name(name: str) -> None:
    if not _RULE_NAME.fullmatch(name) or name == HEALTH_FEED:
        raise AlertError(
            f"bad rule name {name!r}: use 1-80 letters (of any language), digits, '-', '_' or '.', starting with a letter or digit"
            + (f" ({HEALTH_FEED!r} is the built-in health feed)" if name == HEALTH_FEED else "")
        )


def _check_channels(webhook: str | None, secret: str | None, email: str | None) -> None:
    if webhook is not None and (urlsplit(webhook).scheme not in ("http", "https") or not urlsplit(webhook).hostname):
        raise AlertError(f"the webhook must be an http(s) address, not {webhook!r}")
    if secret and not webhook:
        raise AlertError("--secret signs webhook requests: give --webhook too")
    if email is not None and not all(_EMAIL.fullmatch(a.strip()) for a in email.split(",")):
        raise AlertError(f"not an e-mail address (or a comma-separated list of them): {email!r}")


def _check_new(conn, name: str) -> None:
    if store.rules(conn, name):
        raise AlertError(f"a rule named {name!r} exists already (remove it first)")


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
        "follows": f"{rule.follow_kind} {rule.follow_id}" if rule.follow_kind else None,
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
        if rule.follow_kind:  # follows cases: matched against case events, not articles
            continue
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
            store.begin_batch(conn)
            prepare_queued_matches(conn, searches.values(), ids[0], ids[-1])
            copy_queued_matches(conn, searches, ids[0], ids[-1], store.BATCH_TABLE)
            fresh = store.record_batch(conn)
            store.dequeue(conn, ids)
        for rule_id, name in names.items():
            report.alerts[name] = report.alerts.get(name, 0) + fresh.get(rule_id, 0)
        report.articles += len(ids)


# --- following cases ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Followed:
    """What a follow rule follows: a case id, or concepts (the organisation or place and
    those below it); told of the events found after it was added."""

    kind: str
    ids: frozenset[str]
    since: datetime

    def told_of(self, event: Any) -> bool:
        if event.recorded_at < self.since:
            return False
        if self.kind == "case":
            return str(event.case_id) in self.ids
        return event.party in self.ids or event.family in self.ids


def _followed(rules: list[store.Rule]) -> dict[int, _Followed]:
    """Each follow rule's _Followed; one whose organisation or place the vocabulary lost is
    left out."""
    out = {}
    for rule in rules:
        if rule.follow_kind == "case":
            out[rule.id] = _Followed("case", frozenset({rule.follow_id or ""}), rule.created_at)
        elif rule.follow_kind:
            try:
                out[rule.id] = _Followed(
                    rule.follow_kind, parties(rule.follow_id or "", rule.follow_kind), rule.created_at
                )
            except CaseError:
                continue
    return out


def match_case_events(archive: Archive, report: RunReport, batch: int = MATCH_BATCH) -> None:
    """Each queued case event (a case's new stage or figure) against the follow rules: one
    alert per rule that follows its case, its party or a party above it."""
    with archive.engine.connect() as conn:
        rules = store.rules(conn)
    followed = _followed(rules)
    names = {rule.id: rule.name for rule in rules}
    report.follow_rules = len(followed)
    while True:
        with archive.transaction() as conn:
            events = store.queued_case_events(conn, batch)
            if not events:
                return
            matches = [(rule_id, event) for event in events for rule_id, f in followed.items() if f.told_of(event)]
            fresh = store.record_case_alerts(conn, matches, [event.id for event in events])
        for rule_id, count in fresh.items():
            report.alerts[names[rule_id]] = report.alerts.get(names[rule_id], 0) + count
        report.case_events += len(events)
