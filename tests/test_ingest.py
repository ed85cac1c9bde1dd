"""Crawls at full speed into SQLite and PostgreSQL store every article exactly once, a slow
archive included: the crawl waits for the writer's bounded queue instead of losing articles."""

from __future__ import annotations

import subprocess
import sys

import pytest
import pytest_twisted
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import func, select

from db import Archive
from db.models import Article
from monitor.crawl import project_settings
from monitor.replica.catalog import CNMN_PAGE_SIZE, pages_of
from tests.conftest import ROOT, postgres_schema

ARTICLES = 3000
FULL_SPEED = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "LOG_LEVEL": "WARNING",
}
# A slow archive: the writer sleeps before each small batch (at most 50 articles a second
# stored), so the crawl outruns it.
SLOW_STORE = {"MONITOR_STORE_BATCH": 25, "MONITOR_STORE_QUEUE": 2, "MONITOR_STORE_DELAY": 0.5}


@pytest.fixture(scope="module")
def big_replica():
    """A CNMN replica of ARTICLES generated articles (and the seed), in a process of its own."""
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor.replica", "--articles", str(ARTICLES), "--sites", "cnmn"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        site, address = process.stdout.readline().split()
        assert site == "cnmn"
        yield address
    finally:
        process.terminate()
        process.wait()


async def _crawled(address: str, db_url: str, **settings) -> tuple[dict, list[str]]:
    """The crawl's stats and the site article ids stored, one entry per row."""
    runner = AsyncCrawlerRunner(project_settings(db_url, local=True, **FULL_SPEED, **settings))
    crawler = runner.create_crawler("cnmn")
    # The all-news channel lists every article, CNMN_PAGE_SIZE a page.
    await runner.crawl(crawler, base_url=address, max_pages=ARTICLES // CNMN_PAGE_SIZE + 2)
    stats = dict(crawler.stats.get_stats())
    archive = Archive(db_url)
    with archive.engine.connect() as conn:
        ids = list(conn.scalars(select(Article.site_article_id)))
        assert conn.scalar(select(func.count(func.distinct(Article.identity)))) == len(ids)
    archive.engine.dispose()
    return stats, ids


def _every_article_once(stats: dict, ids: list[str]) -> None:
    expected = sorted(page.article_id for page in pages_of("cnmn", ARTICLES))
    assert len(expected) == ARTICLES + 1  # the seed report besides the generated ones
    assert sorted(ids) == expected
    assert stats.get("monitor/articles/store_failed", 0) == 0
    assert stats["monitor/articles/new"] == ARTICLES + 1


@pytest_twisted.ensureDeferred
async def test_a_full_speed_crawl_into_postgres_stores_every_article_once(big_replica):
    with postgres_schema("monitor_ingest") as url:
        stats, ids = await deferred_from_coro(_crawled(big_replica, url))
    _every_article_once(stats, ids)


@pytest_twisted.ensureDeferred
async def test_a_full_speed_crawl_waits_for_a_slow_sqlite_store_and_loses_nothing(big_replica, tmp_path):
    stats, ids = await deferred_from_coro(
        _crawled(big_replica, f"sqlite:///{tmp_path / 'archive.sqlite3'}", **SLOW_STORE)
    )
    _every_article_once(stats, ids)
    # The queue filled to its bound, never past it, and the crawl waited for room.
    assert stats["monitor/store/queue_peak"] == SLOW_STORE["MONITOR_STORE_QUEUE"]
    assert stats["monitor/store/waits"] > 0
