"""Crawls at full speed into SQLite and PostgreSQL store every article exactly once, a slow
archive included: the crawl waits for the writer's bounded queue instead of losing articles.
The two crawls run at once, the slow one in a process of its own (a core each)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import pytest_twisted
from scrapy.crawler import AsyncCrawlerRunner, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import func, select

from db import Archive
from db.models import Article
from monitor.crawl import project_settings
from monitor.replica import cases
from monitor.replica.catalog import CNMN_PAGE_SIZE, pages_of
from tests.conftest import ROOT, postgres_schema

ARTICLES = 3000
# Every page the replica serves: the generated articles, the seed, the written case articles.
PAGES = ARTICLES + 1 + len(cases.of_site("cnmn"))
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
# The all-news channel lists every article, CNMN_PAGE_SIZE a page.
MAX_PAGES = PAGES // CNMN_PAGE_SIZE + 2

pytestmark = pytest.mark.slow  # the whole module: README's fast command leaves it out


@pytest.fixture(scope="module")
def big_replica():
    """A CNMN replica of ARTICLES generated articles (and the seed and the written case
    articles), in a process of its own."""
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


async def _crawled(address: str, db_url: str) -> tuple[dict, list[str]]:
    """The crawl's stats and the site article ids stored, one entry per row."""
    runner = AsyncCrawlerRunner(project_settings(db_url, local=True, **FULL_SPEED))
    crawler = runner.create_crawler("cnmn")
    await runner.crawl(crawler, base_url=address, max_pages=MAX_PAGES)
    return dict(crawler.stats.get_stats()), _stored_ids(db_url)


def _stored_ids(db_url: str) -> list[str]:
    archive = Archive(db_url)
    with archive.engine.connect() as conn:
        ids = list(conn.scalars(select(Article.site_article_id)))
        assert conn.scalar(select(func.count(func.distinct(Article.identity)))) == len(ids)
    archive.engine.dispose()
    return ids


def crawl_into_a_slow_store(address: str, db_url: str) -> None:
    """The slow-store crawl in this process (`python -m tests.test_ingest ADDRESS DB_URL`): its
    stats printed as JSON."""
    process = CrawlerProcess(project_settings(db_url, local=True, **FULL_SPEED, **SLOW_STORE))
    crawler = process.create_crawler("cnmn")
    process.crawl(crawler, base_url=address, max_pages=MAX_PAGES)
    process.start()
    print(json.dumps(dict(crawler.stats.get_stats()), default=str))


@dataclass
class SlowStoreCrawl:
    process: subprocess.Popen
    db_url: str


@pytest.fixture(scope="module")
def slow_store_crawl(big_replica, tmp_path_factory) -> Iterator[SlowStoreCrawl]:
    """The slow-store crawl into SQLite, started and left running beside the PostgreSQL one."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('slow') / 'archive.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.test_ingest", big_replica, db_url], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        yield SlowStoreCrawl(process, db_url)
    finally:
        process.kill()
        process.wait()


def _every_article_once(stats: dict, ids: list[str]) -> None:
    expected = sorted(page.article_id for page in pages_of("cnmn", ARTICLES))
    assert len(expected) == PAGES == 3017
    assert sorted(ids) == expected
    assert stats.get("monitor/articles/store_failed", 0) == 0
    assert stats["monitor/articles/new"] == PAGES


@pytest.mark.usefixtures("slow_store_crawl")  # started first: the two crawls run at once
@pytest_twisted.ensureDeferred
async def test_a_full_speed_crawl_into_postgres_stores_every_article_once(big_replica):
    with postgres_schema("monitor_ingest") as url:
        stats, ids = await deferred_from_coro(_crawled(big_replica, url))
    _every_article_once(stats, ids)


def test_a_full_speed_crawl_waits_for_a_slow_sqlite_store_and_loses_nothing(slow_store_crawl):
    output, _ = slow_store_crawl.process.communicate(timeout=600)
    assert slow_store_crawl.process.returncode == 0
    stats = json.loads(output)
    _every_article_once(stats, _stored_ids(slow_store_crawl.db_url))
    # The queue filled to its bound, never past it, and the crawl waited for room.
    assert stats["monitor/store/queue_peak"] == SLOW_STORE["MONITOR_STORE_QUEUE"]
    assert stats["monitor/store/waits"] > 0


if __name__ == "__main__":
    crawl_into_a_slow_store(*sys.argv[1:])
