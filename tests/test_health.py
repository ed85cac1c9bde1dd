"""Crawl health: the rules on a crawl's counts, raising each condition once, the site's rhythm;
then real runs: a replica whose article markup changes between two runs, and the SMM replica
answering a self-declared bot with its captcha."""

from __future__ import annotations

import itertools
import re
import sqlite3
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from statistics import median

import feedparser
import pytest
from sqlalchemy import func, select

from db import Archive
from db.models import Article, HealthEvent, RawPage
from monitor import health
from monitor.alerts.feeds import HEALTH_TITLES
from monitor.durations import format_duration
from monitor.replica.catalog import manifest as build_manifest
from monitor.runs import RunResult, finish_run, list_runs, start_run
from pipelines.article import CHINA_TZ, china_time
from tests.conftest import monitor_main, run_monitor
from tests.schedule_helpers import runs_of, write_schedule

SITE = ("smm", "http://127.0.0.1:9")
# A healthy crawl of the SMM replica (its broken pages included), and ways to break it.
HEALTHY = {
    "monitor/lists/read": 21,
    "monitor/articles/parsed": 66,
    "monitor/articles/new": 65,
    "monitor/broken/captcha": 1,
    "monitor/broken/empty_body": 1,
    "monitor/broken/http_500": 1,
    "monitor/broken/truncated": 1,
}
BLOCKED_LISTS = {"monitor/lists/read": 17, "monitor/lists/empty": 17, "monitor/lists/blocked": 17}
BLOCKED_ARTICLES = {
    "monitor/lists/read": 5,
    "monitor/broken/captcha": 6,
    "monitor/articles/parsed": 4,
    "monitor/articles/new": 4,
}
MARKUP_CHANGED = {
    "monitor/lists/read": 21,
    "monitor/articles/skipped_archived": 60,
    "monitor/broken/no_title": 5,
    "monitor/articles/parsed": 1,
    "monitor/broken/empty_body": 1,
    "monitor/broken/http_500": 1,
}
LISTS_CHANGED = {"monitor/lists/read": 3, "monitor/lists/empty": 3}


@pytest.mark.parametrize(
    "stats, kind, detail",
    [
        (HEALTHY, None, None),
        (BLOCKED_LISTS, "blocked", "the site answered with a captcha page: 17 of 17 list pages"),
        (BLOCKED_ARTICLES, "blocked", "the site answered with a captcha page: 6 of 10 article pages"),
        (
            MARKUP_CHANGED,
            "extracts_nothing",
            "6 article pages fetched, nothing extracted from them (empty_body 1, no_title 5): has the page markup changed?",
        ),
        (
            LISTS_CHANGED,
            "extracts_nothing",
            "none of the 3 list pages read linked an article: has the list markup changed?",
        ),
        # One bad page with nothing new is a second crawl of an unchanged site, not a redesign.
        ({"monitor/lists/read": 21, "monitor/articles/parsed": 1, "monitor/broken/empty_body": 1}, None, None),
    ],
)
def test_rules(stats, kind, detail):
    found = {
        k: v for k, v in (("blocked", health.blocked(stats)), ("extracts_nothing", health.extracts_nothing(stats))) if v
    }
    assert found == ({kind: detail} if kind else {})


def _run(archive: Archive, stats: dict) -> RunResult:
    result = RunResult(start_run(archive, *SITE), *SITE, "finished", stats)
    finish_run(archive, result, None)
    return result


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_a_condition_is_raised_once_until_a_healthy_run_clears_it(engine, tmp_path, request):
    url = f"sqlite:///{tmp_path / 'health.sqlite3'}" if engine == "sqlite" else request.getfixturevalue("postgres_url")
    archive = Archive(url)
    sequence = (BLOCKED_LISTS, BLOCKED_LISTS, HEALTHY, BLOCKED_LISTS, LISTS_CHANGED, {"monitor/lists/read": 1})
    results = [_run(archive, stats) for stats in sequence]
    assert [r.raised for r in results] == [["blocked"], [], [], ["blocked"], ["extracts_nothing"], []]
    with archive.engine.connect() as conn:
        events = conn.execute(
            select(HealthEvent.run_id, HealthEvent.site, HealthEvent.kind).order_by(HealthEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        (results[0].run_id, "smm", "blocked"),
        (results[3].run_id, "smm", "blocked"),
        (results[4].run_id, "smm", "extracts_nothing"),
    ]
    listed = list_runs(archive, "smm", limit=3)
    assert [(r["id"], list(r["health"]), [e["kind"] for e in r["raised"]]) for r in listed] == [
        (results[5].run_id, [], []),
        (results[4].run_id, ["extracts_nothing"], ["extracts_nothing"]),
        (results[3].run_id, ["blocked"], ["blocked"]),
    ]
    assert listed[1]["detail"]["monitor/lists/empty"] == 3 and listed[1]["pages_fetched"] == 0
    assert list_runs(archive, "127.0.0.1:9", limit=1)[0]["id"] == results[5].run_id
    assert list_runs(archive, "cnmn") == []
    archive.engine.dispose()


def test_quiet_counts_from_the_first_run_of_a_site_without_articles(tmp_path):
    archive = Archive(f"sqlite:///{tmp_path / 'quiet.sqlite3'}")
    start_run(archive, *SITE)
    [first] = runs_of(archive.url)
    assert health.quiet(archive, *SITE, timedelta(hours=1), first.started_at + timedelta(minutes=59)) is None
    assert health.quiet(archive, *SITE, timedelta(hours=1), first.started_at + timedelta(hours=2)) == (
        f"no article at all since the first run, {china_time(first.started_at)[:19]} (2h), "
        "longer than its usual rhythm of 1h"
    )
    assert health.quiet(archive, *SITE, None, first.started_at + timedelta(days=400)) is None  # no rhythm known


def test_the_usual_rhythm_is_read_from_the_archive(archive, replicas, manifest):
    published = sorted(
        (datetime.fromisoformat(a["published_at"]) for a in manifest["articles"] if a["site"] == "smm"), reverse=True
    )[:20]
    expected = max(timedelta(days=1), 4 * median(a - b for a, b in itertools.pairwise(published)))
    address = replicas.addresses["smm"]
    assert health.usual_rhythm(archive, "smm", address) == expected
    newest = max(a.fetched_at for a in archive.articles(site="smm"))
    assert health.quiet(archive, "smm", address, None, newest + expected) is None
    assert health.quiet(archive, "smm", address, None, newest + expected + timedelta(hours=1)) == (
        f"no new article since {china_time(newest)[:19]} ({format_duration(expected + timedelta(hours=1))}), "
        f"longer than its usual rhythm of {format_duration(expected)}"
    )


def _set_markup(address: str, version: int, after: int = 0) -> None:
    with urllib.request.urlopen(f"{address}/_replica/markup?version={version}&after={after}") as reply:
        assert reply.status == 200


DRIFT = re.compile(
    r"the site's selectors found nothing for (?P<fields>.+) article pages; the fields were read from "
    r"(?P<ways>.+) instead and the articles stored: has the page markup changed\?"
)


@pytest.mark.parametrize(("site", "after"), [("smm", 30), ("mee", 12)])
@pytest.mark.slow
def test_a_redesign_mid_crawl_loses_no_article_and_raises_selectors_drift_once(
    site, after, replicas, tmp_path, monkeypatch
):
    """The site switches to another build of its markup in the middle of a crawl (after
    `after` requests): every article is still stored with the manifest's fields, from
    structured data or the generic extractor, and selectors_drift is raised; the next run,
    on the old markup again, clears it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'drift.sqlite3'}"
    address = replicas.addresses[site]
    config = str(write_schedule(tmp_path / "schedule.toml", {"spider": site, "base_url": address, "every": "1h"}))
    _set_markup(address, 2, after=after)
    try:
        output = run_monitor("run", site, "--config", config, db_url=url).stdout.splitlines()
    finally:
        _set_markup(address, 1)
    truth = {a["article_id"]: a for a in build_manifest()["articles"] if a["site"] == site}
    archive = Archive(url)
    rows = {row.site_article_id: row for row in archive.articles()}
    assert rows.keys() == truth.keys()
    for article_id, row in rows.items():
        for name in ("title", "author", "source", "body"):
            assert getattr(row, name) == truth[article_id][name], (article_id, name)
        assert row.published_at.astimezone(CHINA_TZ).isoformat() == truth[article_id]["published_at"]
    ways = Counter(way for row in rows.values() for way in row.field_sources.values())
    assert ways["selectors"] and ways["structured"]  # before and after the switch
    archive.engine.dispose()

    [run] = runs_of(url)
    found = DRIFT.fullmatch(run.detail["health"]["selectors_drift"])
    parsed = run.detail["monitor/articles/parsed"]
    assert (run.status, run.new_articles, parsed) == ("finished", len(truth), len(truth))
    assert {field.split(" (")[0] for field in found["fields"].split(", ")} >= {"title", "published_at", "source"}
    assert all(field.endswith(f" of {parsed})") for field in found["fields"].split(", "))
    assert output[1] == f"  HEALTH selectors_drift: {run.detail['health']['selectors_drift']} (alert raised)"
    assert health_feed(url) == [
        (f"{site} {HEALTH_TITLES['selectors_drift']}", address, run.detail["health"]["selectors_drift"])
    ]

    # The old markup again, and the ten newest articles new to the archive: read by the selectors.
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(
            "DELETE FROM articles WHERE id IN (SELECT id FROM articles ORDER BY CAST(site_article_id AS INTEGER) DESC LIMIT 10)"
        )
    again = run_monitor("run", site, "--config", config, db_url=url).stdout
    assert "HEALTH" not in again
    runs = runs_of(url)
    assert [(r.new_articles, list(r.detail["health"])) for r in runs] == [(len(truth), ["selectors_drift"]), (10, [])]
    assert len(health_feed(url)) == 1


@pytest.mark.slow
def test_captcha_raises_the_alert_and_archives_nothing(replicas, tmp_path, monkeypatch):
    """SMM's firewall answers an agent calling itself a bot with a captcha page, status 200."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("MONITOR_USER_AGENT", "MonitorBot/0.1 (+https://example.org/bot)")
    url = f"sqlite:///{tmp_path / 'blocked.sqlite3'}"
    address = replicas.addresses["smm"]
    config = str(write_schedule(tmp_path / "schedule.toml", {"spider": "smm", "base_url": address, "every": "1h"}))
    output = run_monitor("run", "smm", "--config", config, db_url=url).stdout.splitlines()
    assert output[1] == "  HEALTH blocked: the site answered with a captcha page: 17 of 17 list pages (alert raised)"
    archive = Archive(url)
    with archive.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Article)) == 0
        assert conn.scalar(select(func.count()).select_from(RawPage)) == 0
        events = conn.execute(select(HealthEvent.kind, HealthEvent.detail)).all()
    assert [tuple(e) for e in events] == [("blocked", "the site answered with a captcha page: 17 of 17 list pages")]
    [run] = runs_of(url)
    assert (run.status, run.new_articles, run.pages_fetched) == ("finished", 0, 18)  # robots.txt and 17 lists
    archive.engine.dispose()
    assert health_feed(url) == [
        (f"smm {HEALTH_TITLES['blocked']}", address, "the site answered with a captcha page: 17 of 17 list pages")
    ]


def health_feed(url: str) -> list[tuple[str, str, str]]:
    """(title, link, summary) of the built-in crawl-health feed's entries, as feedparser reads them."""
    parsed = feedparser.parse(monitor_main("alerts", "feed", "crawl-health", db_url=url).stdout)
    assert parsed.bozo == 0
    return [(e.title, e.link, e.summary) for e in parsed.entries]
