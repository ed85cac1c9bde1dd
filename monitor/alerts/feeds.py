"""What the feeds hold: a rule's latest alerts, and the built-in crawl-health feed of the
crawl health events; monitor.feeds renders either in any format."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from db import Archive
from db import alerts as store
from db import health as health_store
from monitor.alerts.case_events import case_link, event_title
from monitor.alerts.deliveries import article_link
from monitor.alerts.rules import HEALTH_FEED, get_rule, rule_marks
from monitor.feeds import Entry, Feed
from monitor.search import snippet_of

FEED_ENTRIES = 50
HEALTH_TITLES = {
    "blocked": "blocked: the site answered with a block page",
    "extracts_nothing": "extracts nothing: article pages found, no article read from them",
    "selectors_drift": "selectors drift: the site's markup changed, its articles read another way",
    "quiet": "quiet: no new articles for longer than the site's rhythm",
}


def feed_path(name: str, fmt: str | None = None) -> str:
    """The path of a rule's feed, its name percent-encoded (a Chinese name stays a valid URL)."""
    return f"/feeds/{quote(name, safe='')}" + (f".{fmt}" if fmt else "")


def rule_feed(archive: Archive, name: str, public_url: str, limit: int = FEED_ENTRIES) -> Feed:
    """A rule's latest alerts as a feed (any format: monitor.feeds.render)."""
    if name == HEALTH_FEED:
        return health_feed(archive, public_url, limit)
    rule = get_rule(archive, name)
    marks = rule_marks(rule)
    with archive.engine.connect() as conn:
        rows = store.recent_alerts(conn, rule.id, limit)
    entries = [
        Entry(
            id=f"{public_url}{feed_path(rule.name)}#alert-{row.alert_id}",
            # A followed case's entry says which new stage or figure, and links to the case.
            title=f"{event_title(row)}: {row.title}" if row.event_kind else row.title,
            link=row.url,
            archive_link=case_link(public_url, row.case_id) if row.event_kind else article_link(public_url, row.id),
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
        description=f"follows {rule.follow_kind} {rule.follow_id}" if rule.follow_kind else rule.query,
        home=_home(rule, public_url),
        self_link=f"{public_url}{feed_path(rule.name)}.{{format}}",
        updated=rows[0].matched_at if rows else rule.created_at,
        entries=entries,
    )


def _home(rule: store.Rule, public_url: str) -> str:
    """The page of what the rule follows, or of its search."""
    if rule.follow_kind == "case":
        return case_link(public_url, int(rule.follow_id or 0))
    if rule.follow_kind:
        return f"{public_url}/#/{rule.follow_kind}/" + quote(rule.follow_id or "", safe="")
    return f"{public_url}/#/search?q=" + quote(rule.query, safe="")


def health_feed(archive: Archive, public_url: str, limit: int = FEED_ENTRIES) -> Feed:
    with archive.engine.connect() as conn:
        rows = health_store.latest_events(conn, limit)
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
