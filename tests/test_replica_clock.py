"""The replicas' clock (server.py, `GET /_replica/clock`, `--today`): a site as it was at the
end of a day. Its article pages and their related links in-process; then real crawls of every
site with the clock set, and again with it moved forward, checked against the manifest."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from urllib.parse import urlsplit

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro

from db import Archive
from monitor.crawl import crawl_async
from monitor.replica.catalog import SITES, manifest, pages_of
from monitor.replica.server import ReplicaSite
from pipelines.article import CHINA_TZ
from tests.conftest import ROOT, replica_process

ARTICLES = 8  # generated articles a site: the crawls stay short
FIRST_DAY, SECOND_DAY = "2022-06-30", "2024-12-31"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0"  # no "Bot": SMM's firewall lets it by
ARTICLE_ID = re.compile(r"\d{6,}")


def _control(site: ReplicaSite, query: str = "") -> tuple[int, dict]:
    reply = site.answer(f"/_replica/clock{query}", BROWSER, "127.0.0.1")
    return reply.status, json.loads(reply.body)


def test_the_clock_is_set_read_and_taken_away():
    site = ReplicaSite("cnmn", ARTICLES)
    assert _control(site) == (200, {"site": "cnmn", "today": None})
    assert _control(site, "?today=2022-06-30") == (200, {"site": "cnmn", "today": "2022-06-30"})
    assert _control(site, "?today=2022-6-30") == (400, {"error": "today: a day (YYYY-MM-DD), not '2022-6-30'"})
    assert _control(site, "?today=2022-02-30") == (400, {"error": "today: a day (YYYY-MM-DD), not '2022-02-30'"})
    assert _control(site) == (200, {"site": "cnmn", "today": "2022-06-30"})  # a refusal leaves it
    assert _control(site, "?today=") == (200, {"site": "cnmn", "today": None})


@pytest.mark.parametrize("site_name", SITES)
def test_an_article_after_the_clock_is_a_404_and_linked_from_no_article(site_name):
    site = ReplicaSite(site_name, ARTICLES, today=date.fromisoformat(FIRST_DAY))
    pages = pages_of(site_name, ARTICLES)
    out = [p for p in pages if p.published_at.astimezone(CHINA_TZ).date() <= site.today]
    later = [p for p in pages if p not in out]
    assert out and later  # the day splits every site's articles
    for page in later:
        assert site.answer(page.path, BROWSER, "127.0.0.1").status == 404
    for page in out:
        reply = site.answer(page.path, BROWSER, "127.0.0.1")
        assert reply.status == 200
        assert not [p.path for p in later if p.path.encode() in reply.body], page.path
    site.today = None
    assert all(site.answer(p.path, BROWSER, "127.0.0.1").status == 200 for p in later)


def _truth_by_day(day: str, after: str | None = None) -> dict[str, set[str]]:
    """Each site's article ids published by `day` (and after `after`), by the manifest."""
    published = {site: set() for site in SITES}
    for article in manifest(ARTICLES)["articles"]:
        published_on = article["published_at"][:10]
        if published_on <= day and (after is None or published_on > after):
            published[article["site"]].add(article["article_id"])
    return published


def _stored(archive: Archive, replicas) -> dict[str, set[str]]:
    site_of_host = {urlsplit(address).netloc: site for site, address in replicas.addresses.items()}
    stored: dict[str, set[str]] = {site: set() for site in SITES}
    for row in archive.articles():
        stored[site_of_host[row.host]].add(row.site_article_id)
    return stored


def _articles_asked(replicas, since: dict[str, int]) -> dict[str, set[str]]:
    """The manifest's article ids each site was asked for after its `since`-th request."""
    ids = {site: {a["article_id"] for a in manifest(ARTICLES)["articles"] if a["site"] == site} for site in SITES}
    return {
        site: {found for path in replicas.requests(site)[since[site] :] for found in ARTICLE_ID.findall(path)}
        & ids[site]
        for site in SITES
    }


@pytest_twisted.ensureDeferred
async def test_a_crawl_stores_what_is_out_by_the_clock_and_the_next_only_what_came_out_since(tmp_path):
    url = f"sqlite:///{tmp_path / 'clock.sqlite3'}"
    with replica_process(SITES, "--articles", str(ARTICLES), "--today", FIRST_DAY) as replicas:
        jobs = replicas.jobs(SITES)
        first = await deferred_from_coro(crawl_async(jobs, url, local=True))
        archive = Archive(url)
        assert _stored(archive, replicas) == _truth_by_day(FIRST_DAY)
        assert _articles_asked(replicas, dict.fromkeys(SITES, 0)) == _truth_by_day(FIRST_DAY)
        assert all("monitor/broken/http_404" not in stats for stats in first)  # no list links a page not out

        replicas.set_clock(SECOND_DAY)
        asked_before = {site: len(replicas.requests(site)) for site in SITES}
        second = await deferred_from_coro(crawl_async(jobs, url, local=True))
        new = _truth_by_day(SECOND_DAY, after=FIRST_DAY)
        assert _articles_asked(replicas, asked_before) == new  # the new articles alone were fetched
        assert _stored(archive, replicas) == _truth_by_day(SECOND_DAY)
        assert [stats.get("monitor/articles/new", 0) for stats in second] == [len(new[site]) for site in SITES]
        archive.engine.dispose()


def test_a_start_day_that_is_no_day_is_refused():
    refused = subprocess.run(
        [sys.executable, "-m", "monitor.replica", "--today", "30.6.2022"], capture_output=True, text=True, cwd=ROOT
    )
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        1,
        "",
        "monitor: --today: not a day (YYYY-MM-DD): '30.6.2022'\n",
    )
