"""A crawl of a site serving hostile pages beside ordinary ones (monitor.replica.hostile): the
ordinary pages archived, each hostile one archived right or counted broken by its kind, no
traceback, the crawl ending in time; and SIGTERM ending such a crawl within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import pytest_twisted
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from db import Archive
from db.engine import ArchiveError
from monitor.extract import extract_page
from monitor.replica.hostile import TITLE, ordinary_titles, pages, serve_hostile, sites_file
from pipelines.article import BrokenPage
from spiders.smm import SmmSpider
from tests.conftest import ROOT, parsed_article_page, run_monitor
from tests.schedule_helpers import runs_of, wait_for, write_schedule

# Hostile pages that are articles, as they must be archived: their titles.
ARCHIVED = {
    "one-character": TITLE,
    "deep": TITLE,
    "megabyte-title": "督察" * 250,  # the title's first 500 characters
    "megabyte-og-title": TITLE,
    "utf8-declared-gbk": TITLE,
    "utf8-declared-utf16": TITLE,
    "big5-declared-latin1": "中央生態環境保護督察組通報典型案例",
    "stray-bytes": TITLE,
    "control-characters": TITLE,
}
BROKEN = {"too_large": 2, "captcha": 1, "truncated": 1, "empty_body": 1, "http_500": 1}


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """The hostile site served, and a sites file naming it (the crawl's subprocesses read it)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with serve_hostile() as address:
        sites = tmp_path / "sites.toml"
        sites.write_text(sites_file(address), encoding="utf-8")
        monkeypatch.setenv("MONITOR_SITES", str(sites))
        yield address


@pytest.mark.slow
def test_the_ordinary_pages_are_archived_and_each_hostile_one_archived_right_or_counted_broken(hostile, tmp_path):
    url = f"sqlite:///{tmp_path / 'hostile.sqlite3'}"
    config = write_schedule(
        tmp_path / "schedule.toml", {"spider": "hostile", "base_url": hostile, "every": "1h", "time_limit": "2m"}
    )
    result = run_monitor("run", "hostile", "--config", str(config), db_url=url)
    assert "Traceback" not in result.stdout + result.stderr
    archive = Archive(url)
    stored = {row.site_article_id: row for row in archive.articles()}
    archive.engine.dispose()
    assert sorted(row.title for key, row in stored.items() if key.startswith("a")) == sorted(ordinary_titles())
    hostile_rows = {key.removeprefix("h-"): row for key, row in stored.items() if key.startswith("h-")}
    assert {kind: row.title for kind, row in hostile_rows.items()} == ARCHIVED
    assert {row.lang for row in hostile_rows.values()} == {"zh"}
    assert "督" * 100 in hostile_rows["one-character"].body
    [run] = runs_of(url)
    broken = Counter({key.rsplit("/", 1)[1]: n for key, n in run.detail.items() if key.startswith("monitor/broken/")})
    assert (run.status, run.new_articles, dict(broken)) == ("finished", 50 + len(ARCHIVED), BROKEN)


@pytest.mark.slow
def test_sigterm_ends_a_crawl_within_seconds(hostile, tmp_path):
    """Paced as a live site is (a second between requests), the crawl is under way when
    SIGTERM comes: it stops within ten seconds, recorded as interrupted, what it read stored."""
    url = f"sqlite:///{tmp_path / 'stopped.sqlite3'}"
    env = {**os.environ, "MONITOR_DB_URL": url, "MONITOR_DOWNLOAD_DELAY": "1", "MONITOR_STORE_BATCH": "1"}
    crawl = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "crawl", f"hostile={hostile}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: os.path.exists(tmp_path / "stopped.sqlite3") and _stored(url) >= 3, timeout=60)
        crawl.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, errors = crawl.communicate(timeout=30)
        stopped_after = time.monotonic() - started
    finally:
        crawl.kill()
    assert stopped_after < 10
    assert "Traceback" not in errors
    [run] = runs_of(url)
    assert run.status == "interrupted" and 3 <= run.new_articles < 50 + len(ARCHIVED)


def _stored(url: str) -> int:
    try:
        archive = Archive(url)
    except ArchiveError:  # the crawl is still making it
        return 0
    try:
        return archive.count()
    finally:
        archive.engine.dispose()


# What `monitor extract` makes of each hostile page (no site spider knows 127.0.0.1: the
# generic extractor reads them; a saved page is not held to its closing tags).
EXTRACTED = {
    **{kind: ("archived", title) for kind, title in ARCHIVED.items() if kind != "megabyte-title"},
    "truncated": ("archived", TITLE),
    "megabyte-title": ("broken", "too_large"),  # the heading counts as text: a megabyte of it
    "many-elements": ("broken", "too_large"),
    "ten-megabytes": ("broken", "too_large"),
    "captcha": ("broken", "captcha"),
    "empty-body": ("broken", "empty_body"),
    "server-error": ("broken", "empty_body"),
}


def test_extract_reads_each_hostile_page_right_or_says_why_not():
    found = {}
    for path, page in pages().items():
        if "/h-" not in path:
            continue
        try:
            article = extract_page(page.body, "http://127.0.0.1:8746" + path, encoding=page.charset)
            found[path.removeprefix("/news/h-").removesuffix(".html")] = ("archived", article.title)
        except BrokenPage as broken:
            found[path.removeprefix("/news/h-").removesuffix(".html")] = ("broken", broken.reason)
    assert found == EXTRACTED


@pytest_twisted.ensureDeferred
async def test_a_page_over_its_time_budget_is_counted_too_slow_and_not_stored():
    spider = SmmSpider.from_crawler(get_crawler(SmmSpider, {"MONITOR_PAGE_BUDGET": 0}))
    url = "http://127.0.0.1:8746/news/a0.html"
    response = HtmlResponse(url, body=pages()["/news/a0.html"].body, encoding="utf-8", request=Request(url))
    assert await parsed_article_page(spider, response) == []
    assert spider.crawler.stats.get_value("monitor/broken/too_slow") == 1
