"""Crawl health: after each run, whether the site blocked the crawler, stopped yielding
articles from the pages found (its markup changed), or went quiet for longer than usual.

A condition is raised as a HealthEvent (the built-in `crawl-health` feed) when it appears: the
site's previous run that was checked did not have it. It stays open, unraised, while runs
keep finding it, and a run without it clears it; should it come back, it is raised again."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from statistics import median
from urllib.parse import urlsplit

from sqlalchemy import Connection

from db import Archive, sites
from db import health as health_events
from db import runs as run_rows
from monitor.durations import format_duration
from pipelines.article import china_time

KINDS = ("blocked", "extracts_nothing", "selectors_drift", "quiet")
# Broken pages that say nothing about the site's markup: transport, firewall, damaged pages.
PAGE_FAULTS = ("captcha", "truncated", "wrong_charset", "not_html", "download_error", "too_large", "too_slow")
# Fewer failed article pages than this, with none extracted, can be a page or two gone bad.
MIN_FAILED_EXTRACTIONS = 2
# More of a run's article pages than this share whose site selectors missed a field: drift.
DRIFT_SHARE = 0.2
# A derived rhythm: this many times the median gap between the site's newest articles...
RHYTHM_FACTOR = 4
RHYTHM_SAMPLE = 20
MIN_RHYTHM_SAMPLE = 5
# ...but never shorter than this: news sites pause at nights and weekends.
MIN_DERIVED_RHYTHM = timedelta(days=1)


def _broken(stats: dict) -> dict[str, int]:
    return {key.rsplit("/", 1)[1]: n for key, n in stats.items() if key.startswith("monitor/broken/")}


def blocked(stats: dict) -> str | None:
    """List pages answered with a captcha, or at least half the article pages. A captcha now
    and then among good pages is one broken page, not a block."""
    lists_blocked, lists_read = stats.get("monitor/lists/blocked", 0), stats.get("monitor/lists/read", 0)
    if lists_blocked:
        return f"the site answered with a captcha page: {lists_blocked} of {lists_read} list pages"
    captchas = _broken(stats).get("captcha", 0)
    articles = stats.get("monitor/articles/parsed", 0) + sum(_broken(stats).values())
    if captchas and 2 * captchas >= articles:
        return f"the site answered with a captcha page: {captchas} of {articles} article pages"
    return None


def extracts_nothing(stats: dict) -> str | None:
    """Article pages fetched whose every one failed extraction, or list pages read of which
    none linked an article (captcha pages aside: they are `blocked`)."""
    failures = {
        reason: n
        for reason, n in _broken(stats).items()
        if reason not in PAGE_FAULTS and not reason.startswith("http_")
    }
    extracted = sum(stats.get(f"monitor/articles/{k}", 0) for k in ("new", "updated", "unchanged", "store_failed"))
    if sum(failures.values()) >= MIN_FAILED_EXTRACTIONS and not extracted:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(failures.items()))
        return f"{sum(failures.values())} article pages fetched, nothing extracted from them ({reasons}): has the page markup changed?"
    read = stats.get("monitor/lists/read", 0)
    unlinked = stats.get("monitor/lists/empty", 0) - stats.get("monitor/lists/blocked", 0)
    if read and unlinked == read:
        return f"none of the {read} list pages read linked an article: has the list markup changed?"
    return None


def selectors_drift(stats: dict) -> str | None:
    """The site's selectors found no element for some field on more than a fifth of the
    run's articles: its markup drifted, though the articles were still read (from structured
    data or the generic extractor: spiders.fields)."""
    parsed = stats.get("monitor/articles/parsed", 0)
    missed = {key.rsplit("/", 1)[1]: n for key, n in stats.items() if key.startswith("monitor/selectors/missed/")}
    drifted = {name: n for name, n in missed.items() if parsed and n > DRIFT_SHARE * parsed}
    if not drifted:
        return None
    fields = ", ".join(f"{name} ({n} of {parsed})" for name, n in sorted(drifted.items(), key=lambda item: -item[1]))
    ways = ", ".join(
        f"{way} {n}"
        for way in ("structured", "generic")
        if (n := sum(stats.get(f"monitor/fields/{name}/{way}", 0) for name in drifted))
    )
    return (
        f"the site's selectors found nothing for {fields} article pages; the fields were read "
        f"from {ways or 'nowhere'} instead and the articles stored: has the page markup changed?"
    )


def usual_rhythm(archive: Archive, spider: str, base_url: str) -> timedelta | None:
    """The time between the site's new articles, judged from the publication times of its
    newest ones; None while it has too few."""
    with archive.engine.connect() as conn:
        published = sites.newest_publication_times(conn, spider, urlsplit(base_url).netloc, RHYTHM_SAMPLE)
    if len(published) < MIN_RHYTHM_SAMPLE:
        return None
    gaps = [newer - older for newer, older in itertools.pairwise(published)]
    # In seconds: statistics.median is typed for numbers only (it takes timedeltas all the same).
    typical = timedelta(seconds=median(gap.total_seconds() for gap in gaps))
    return max(MIN_DERIVED_RHYTHM, typical * RHYTHM_FACTOR)


def quiet(archive: Archive, spider: str, base_url: str, rhythm: timedelta | None, now: datetime) -> str | None:
    """No new article for longer than the site's rhythm (given, else derived): counted from
    the newest article fetched, or, for a site that never gave one, from its first run."""
    rhythm = rhythm or usual_rhythm(archive, spider, base_url)
    if rhythm is None:
        return None
    with archive.engine.connect() as conn:
        newest = sites.last_fetched(conn, spider, urlsplit(base_url).netloc)
        since = newest or run_rows.first_started(conn, spider, base_url)
    if since is None or now - since <= rhythm:
        return None
    when = (china_time(since) or "")[:19]
    what = f"no new article since {when}" if newest else f"no article at all since the first run, {when}"
    return f"{what} ({format_duration(now - since)}), longer than its usual rhythm of {format_duration(rhythm)}"


def conditions(archive: Archive, spider: str, base_url: str, stats: dict, rhythm: timedelta | None) -> dict[str, str]:
    """This run's health conditions: {kind: what was seen}."""
    found = {
        "blocked": blocked(stats),
        "extracts_nothing": None if blocked(stats) else extracts_nothing(stats),
        "selectors_drift": selectors_drift(stats),
        "quiet": quiet(archive, spider, base_url, rhythm, datetime.now(UTC)),
    }
    return {kind: detail for kind, detail in found.items() if detail}


def raise_new(conn: Connection, run_id: int, spider: str, base_url: str, found: dict[str, str]) -> list[str]:
    """Raise the conditions the site's previous checked run did not have; their kinds."""
    earlier = run_rows.earlier_details(conn, spider, base_url, run_id, limit=50)
    # Runs killed or abandoned were never checked: the last one that was decides.
    previous: dict[str, str] = next((detail["health"] for detail in earlier if "health" in detail), {})
    raised = [kind for kind in found if kind not in previous]
    if raised:
        health_events.add_events(conn, run_id, spider, {kind: found[kind] for kind in raised}, datetime.now(UTC))
    return raised
