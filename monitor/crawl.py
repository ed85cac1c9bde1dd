"""Running crawls in this process: the CLI's `crawl` and `demo` use `run_crawls`, code that
already runs a reactor (tests, later the scheduler) awaits `crawl_async`. `scrapy crawl` is
the same spiders under Scrapy's own command."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import (
    AsyncCrawlerRunner,
    Crawler,
    CrawlerProcess,
    CrawlerRunnerBase,
)
from scrapy.settings import Settings

from monitor import settings as monitor_settings
from pipelines.store import store_leftovers
from spiders.configured import ConfiguredSpiderLoader


@dataclass(frozen=True)
class CrawlJob:
    spider: str
    base_url: str | None = None  # None: the live site


def project_settings(db_url: str, local: bool = False, **overrides: Any) -> Settings:
    settings = Settings()
    settings.setmodule(monitor_settings, priority="project")
    settings.set("MONITOR_DB_URL", db_url, priority="cmdline")
    if local:
        settings.update(monitor_settings.LOCAL_CRAWL, priority="cmdline")
    settings.update(overrides, priority="cmdline")
    return settings


def spider_loader() -> ConfiguredSpiderLoader:
    """The project's spiders: the built-in ones and those of the sites files."""
    return ConfiguredSpiderLoader.from_settings(project_settings("sqlite://"))


def spider_names() -> list[str]:
    return sorted(spider_loader().list())


def _start(runner: CrawlerRunnerBase, jobs: list[CrawlJob]) -> list[tuple[Crawler, Any]]:
    started = []
    for job in jobs:
        crawler = runner.create_crawler(job.spider)
        kwargs = {"base_url": job.base_url} if job.base_url else {}
        started.append((crawler, runner.crawl(crawler, **kwargs)))
    return started


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Ctrl-C and SIGTERM held off, for what must finish once the crawls have stopped (their
    last buffers stored, their runs recorded): one more press would lose them."""
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_crawls(jobs: list[CrawlJob], db_url: str, local: bool = False, **overrides: Any) -> list[dict]:
    """Run the jobs side by side until all finish; returns each crawl's stats."""
    process = CrawlerProcess(project_settings(db_url, local, **overrides))
    started = _start(process, jobs)
    process.start()
    with uninterrupted():
        store_leftovers()  # a forced stop (a second Ctrl-C) closed no spider: their buffers are stored here
    return [dict(crawler.stats.get_stats()) for crawler, _ in started]


async def crawl_async(jobs: list[CrawlJob], db_url: str, local: bool = False, **overrides: Any) -> list[dict]:
    """The same, inside a running asyncio reactor."""
    started = _start(AsyncCrawlerRunner(project_settings(db_url, local, **overrides)), jobs)
    await asyncio.gather(*(task for _, task in started))
    return [dict(crawler.stats.get_stats()) for crawler, _ in started]
