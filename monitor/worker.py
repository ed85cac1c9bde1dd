"""The distributed crawl's two commands: `monitor crawl --distributed` queues a site's lists
(its start requests) in Redis (`seed`); `monitor worker` crawls whatever sites have requests
queued or leased, a crawl of each in this process, storing into its archive (`Worker`). Any
number of workers, on any machines that reach the Redis and the archive, share the sites."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

import redis
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.log import configure_logging
from scrapy.utils.reactor import install_reactor

from monitor.crawl import CrawlJob, project_settings, spider_loader
from monitor.distributed import encode, fingerprint, worker_spider
from monitor.frontier import Frontier, FrontierError, Site, sites
from monitor.settings import crawl_environment
from spiders.base import SiteSpider

REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
logger = logging.getLogger(__name__)

LOCAL_CONCURRENCY = 16  # a replica's (settings.LOCAL_CRAWL): the fewest a worker asks for at once


def is_local(base_url: str) -> bool:
    """A site on this machine (a replica) is crawled without the politeness delay."""
    host = urlsplit(base_url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_of_job(job: CrawlJob) -> Site:
    """The site a crawl job names, with the politeness a crawl of it has on one machine (a
    replica's: none), which the workers then keep together."""
    from monitor.runs import site_address

    base_url = site_address(job)
    settings = project_settings("sqlite://", local=is_local(base_url))
    return Site(
        job.spider,
        base_url,
        settings.getfloat("DOWNLOAD_DELAY"),
        settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
    )


def seed(server: redis.Redis, prefix: str, site: Site) -> int:
    """Queue the site's start requests (its list pages, feeds, sitemaps) for the workers;
    returns how many were queued: none when a crawl of the site is under way (it has them)."""
    spider_class = cast(type[SiteSpider], spider_loader().load(site.spider))
    spider = spider_class(base_url=site.base_url, max_pages=site.max_pages)
    # In a thread of its own: the caller may be running an event loop (a reactor, a test's).
    with ThreadPoolExecutor(max_workers=1) as thread:
        requests = thread.submit(asyncio.run, _collect(spider.start())).result()
    return Frontier(server, prefix, site).seed(
        (fingerprint(request), -request.priority, encode(request, spider)) for request in requests
    )


async def _collect(requests: AsyncIterator[Any]) -> list[Any]:
    return [request async for request in requests]


@dataclass
class _Crawl:
    site: Site
    runner: AsyncCrawlerRunner
    crawler: Crawler
    future: asyncio.Future


@dataclass
class Worker:
    """Crawls the sites that have work in the frontier, each in a crawl of its own, until
    told to stop or, with `until_idle`, until no site had work for that many seconds."""

    db_url: str
    server: redis.Redis
    until_idle: float | None = None
    log_level: str = "WARNING"
    report: Callable[[Site, dict[str, Any]], None] = lambda site, stats: None
    overrides: dict[str, Any] = field(default_factory=dict)
    stopping: bool = False
    running: dict[str, _Crawl] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)  # sites whose spider this worker has not
    failure: BaseException | None = None  # a crawl that could not run (its archive gone): the worker ends

    def __post_init__(self) -> None:
        environment = crawl_environment()
        self.prefix = str(environment["MONITOR_REDIS_PREFIX"])
        self.poll = float(environment["MONITOR_WORKER_POLL"])

    async def run(self) -> None:
        """Raises FrontierError when Redis is gone, or the error of a crawl that could not run
        (ArchiveError: the archive gone), once the crawls under way have stopped."""
        try:
            await self._look()
        except redis.RedisError as error:
            self.stop()
            await asyncio.gather(*(crawl.future for crawl in self.running.values()), return_exceptions=True)
            self._collect_finished()
            raise FrontierError(f"the distributed crawl's Redis is gone: {error}") from None
        await asyncio.gather(*(crawl.future for crawl in self.running.values()), return_exceptions=True)
        self._collect_finished()
        if self.failure is not None:
            raise self.failure

    async def _look(self) -> None:
        """Start a crawl of each site with work, every `poll` seconds, until stopped or idle."""
        idle_since = time.monotonic()
        while not self.stopping:
            for site in sites(self.server, self.prefix):
                if self.stopping:  # a signal came while Redis was read: no crawl started after it
                    break
                if site.id in self.running or site.id in self.unknown:
                    continue
                if any(Frontier(self.server, self.prefix, site).state()):
                    self._start(site)
            self._collect_finished()
            if self.running:
                idle_since = time.monotonic()
            elif self.until_idle is not None and time.monotonic() - idle_since >= self.until_idle:
                return
            await asyncio.sleep(self.poll)

    def stop(self) -> None:
        """Start no more crawls; stop those under way (their unfinished requests go back)."""
        self.stopping = True
        for crawl in self.running.values():
            deferred_from_coro(crawl.runner.stop())

    def _start(self, site: Site) -> None:
        try:
            spider_class = cast(type[SiteSpider], spider_loader().load(site.spider))
        except KeyError:  # queued by a machine with other spiders (a sites file of its own)
            logger.warning("no spider %r here: its site %s is left to other workers", site.spider, site.base_url)
            self.unknown.add(site.id)
            return
        settings = project_settings(self.db_url, **self._site_settings(site))
        runner = AsyncCrawlerRunner(settings)
        crawler: Crawler = runner.create_crawler(worker_spider(spider_class))
        future = asyncio.ensure_future(runner.crawl(crawler, base_url=site.base_url, max_pages=site.max_pages))
        self.running[site.id] = _Crawl(site, runner, crawler, future)

    def _site_settings(self, site: Site) -> dict[str, Any]:
        middlewares = project_settings(self.db_url).getdict("DOWNLOADER_MIDDLEWARES")
        concurrency = site.concurrency or LOCAL_CONCURRENCY
        return {
            **self.overrides,
            "LOG_LEVEL": self.log_level,
            "MONITOR_SITE": json.dumps(asdict(site)),
            "SCHEDULER": "monitor.distributed.LeasedScheduler",
            "ITEM_PIPELINES": {"monitor.distributed.LeasedStorePipeline": 900},
            "DOWNLOADER_MIDDLEWARES": {**middlewares, "monitor.distributed.PoliteGate": 900},
            # The site's gate in Redis spaces and counts the downloads of all the workers.
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "CONCURRENT_REQUESTS": max(LOCAL_CONCURRENCY, concurrency),
        }

    def _collect_finished(self) -> None:
        for site_id, crawl in list(self.running.items()):
            if crawl.future.done():
                del self.running[site_id]
                self.report(crawl.site, dict(crawl.crawler.stats.get_stats()))
                # Taken, or asyncio logs its traceback; the next look would only start it again.
                error = None if crawl.future.cancelled() else crawl.future.exception()
                if error is not None and self.failure is None:
                    self.failure = error
                    self.stop()


def run_worker(worker: Worker) -> int:
    """Run the worker in this process's reactor until it ends; 130 when a signal stopped it."""
    install_reactor(REACTOR)
    from twisted.internet import reactor as installed

    reactor: Any = installed
    configure_logging(project_settings(worker.db_url, LOG_LEVEL=worker.log_level))
    signalled: list[int] = []
    failed: list[BaseException] = []

    def stop(number: int, _frame: Any) -> None:
        signalled.append(number)
        worker.stopping = True  # at once: a crawl about to start must not (stop() would miss it)
        reactor.callFromThread(worker.stop)

    async def work() -> None:
        try:
            await worker.run()
        except Exception as error:  # raised again once the reactor has stopped
            failed.append(error)
        finally:
            reactor.stop()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)
    reactor.callWhenRunning(lambda: deferred_from_coro(work()))
    reactor.run(installSignalHandlers=False)
    if failed:
        raise failed[0]
    return 130 if signalled else 0
