"""The distributed crawl's Scrapy side (README: "Distributed crawling"): a scheduler over the
frontier of monitor.frontier (scrapy-redis's, with its encoding and fingerprints), with leases.

A worker's crawl of a site takes requests from the site's queue in Redis. Each one is leased
to the worker until it is finished: a list page once the requests it found are queued, an
article page once its article is stored (or found broken, failed, already archived). While
the worker lives it renews its leases; a worker killed leaves them to run out, and then they
go back to the queue for another. A request finished twice (a lease that ran out under a
worker too slow to renew it) is stored once: the archive knows its articles by identity.

Politeness is the site's, not the worker's: before each download the worker waits for the
site's gate in Redis (at most `concurrency` downloads under way, `delay` seconds between
starts), whatever the number of workers. A site's crawl ends when its queue is empty and no
request is leased: the worker's spider then closes."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import os
import socket
import threading
import uuid
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task
from twisted.python.failure import Failure

from monitor.frontier import Frontier, Site, connect
from pipelines.article import Article
from pipelines.store import Batch, StorePipeline
from spiders.base import SiteSpider

logger = logging.getLogger(__name__)

# Meta keys of a leased request: its lease (the request as queued), its own callback and
# errback by name (the worker's spider calls them), its download slot's token; of a request a
# leased callback found: that callback's lease (finished once the requests it found are queued).
LEASE, CALLBACK, ERRBACK, SLOT = "monitor_lease", "monitor_callback", "monitor_errback", "monitor_slot"
FOUND_BY = "monitor_found_by"
SLOT_MARGIN = 10.0  # seconds a download slot outlives DOWNLOAD_TIMEOUT (a worker killed mid-download)
GATE_POLL = 0.02  # seconds between looks at a site's gate while its slots are all busy

_leases: weakref.WeakKeyDictionary[Crawler, Leases] = weakref.WeakKeyDictionary()


def holder_name() -> str:
    """This worker, as its leases name it: the machine, the process, and a random part (a
    pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def fingerprint(request: scrapy.Request) -> str:
    """An article request by the site's article id (one article has several URL forms), any
    other by scrapy-redis's fingerprint of its method, URL and body."""
    article_id = request.meta.get("site_article_id")
    if article_id:
        return "article:" + hashlib.sha1(str(article_id).encode()).hexdigest()
    return RFPDupeFilter.request_fingerprint(None, request)  # a method that uses nothing of its filter


def encode(request: scrapy.Request, spider: scrapy.Spider) -> bytes:
    """A request as the queue holds it (scrapy-redis's encoding: callbacks by name)."""
    return picklecompat.dumps(request.to_dict(spider=spider))


def decode(data: bytes, spider: scrapy.Spider) -> scrapy.Request:
    return request_from_dict(picklecompat.loads(data), spider=spider)


def site_of(crawler: Crawler) -> Site:
    return Site(**json.loads(crawler.settings["MONITOR_SITE"]))


def redis_lost(crawler: Crawler, error: redis.RedisError) -> None:
    """Redis gone mid-crawl: the crawl can neither take, finish nor renew a request, so it
    stops, said once in a line, not a traceback at every call (the leases it holds run out
    and go back to the queue; the worker, finding Redis gone too, ends with a `monitor:` line)."""
    from twisted.internet import reactor

    leases = _leases.get(crawler)
    if leases is None or leases.lost:
        return
    leases.lost = True
    logger.error("the distributed crawl's Redis is gone (%s): this crawl stops", error)
    crawler.stats.set_value("monitor/redis_lost", 1)
    reactor.callFromThread(lambda: deferred_from_coro(crawler.stop_async()))


def without_redis(default: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A method of an object with a `crawler` that gives `default` when Redis is gone
    (redis_lost): Scrapy and the store thread would log its every call's traceback."""

    def guard(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except redis.RedisError as error:
                redis_lost(self.crawler, error)
                return default

        return guarded

    return guard


class Leases:
    """The requests a worker's crawl of a site has taken and not finished, and the articles
    whose storing finishes theirs. Used from the reactor and from the store thread."""

    def __init__(self, crawler: Crawler, frontier: Frontier, holder: str, lease: float) -> None:
        self.crawler, self.frontier, self.holder, self.lease = crawler, frontier, holder, lease
        self.lost = False  # Redis gone (redis_lost)
        self.lock = threading.Lock()
        self.held: set[bytes] = set()
        self.storing: dict[str, list[bytes]] = {}  # article identity -> leases finished once it is stored
        # A leased callback's lease -> its requests found and not yet queued, and 1 while it runs:
        # Scrapy reads a callback's output ahead of scheduling it (a queue of CONCURRENT_ITEMS * 2),
        # so the callback's end is not the queueing of all it found (a worker killed between the
        # two would lose them).
        self.finding: dict[bytes, int] = {}

    def took(self, lease: bytes) -> None:
        with self.lock:
            self.held.add(lease)

    @without_redis(None)
    def done(self, *leases: bytes) -> None:
        with self.lock:
            self.held.difference_update(leases)
            for lease in leases:
                self.finding.pop(lease, None)
        self.frontier.settle(self.holder, "ack", list(leases))

    def expect(self, lease: bytes) -> None:
        """The lease waits for one more thing: its callback's end, or a request it found queued."""
        with self.lock:
            self.finding[lease] = self.finding.get(lease, 0) + 1

    def fulfil(self, lease: bytes) -> None:
        """One thing the lease waited for is through; with none left, it is finished."""
        with self.lock:
            if lease not in self.finding:  # finished already (an orphan), or given back
                return
            self.finding[lease] -= 1
            if self.finding[lease] > 0:
                return
        self.done(lease)

    def finished_when_stored(self, identity: str, lease: bytes) -> None:
        with self.lock:
            self.storing.setdefault(identity, []).append(lease)

    def stored(self, identities: list[str]) -> None:
        with self.lock:
            leases = [lease for identity in identities for lease in self.storing.pop(identity, [])]
        self.done(*leases)

    @without_redis(None)  # a LoopingCall whose call raises stops: renewing would end unseen
    def renew(self) -> None:
        with self.lock:
            held = list(self.held)
        self.frontier.settle(self.holder, "renew", held, self.lease)

    def orphans(self) -> list[bytes]:
        """Leases held for no request under way and no article waiting to be stored: asked
        when the crawl is idle, they are finished."""
        with self.lock:
            waiting = {lease for leases in self.storing.values() for lease in leases}
            return list(self.held - waiting)

    @without_redis(0)
    def release_all(self) -> int:
        """Every lease still held back to the queue (the crawl stops before finishing them)."""
        with self.lock:
            held, self.held = list(self.held), set()
            self.storing.clear()
            self.finding.clear()
        return self.frontier.settle(self.holder, "release", held)


def leases_of(crawler: Crawler) -> Leases:
    return _leases[crawler]


class LeasedScheduler(Scheduler):
    """scrapy-redis's scheduler over the site's frontier: requests taken are leased,
    requests queued pass the site's duplicate filter; the crawl stays open while the site has
    requests queued or leased anywhere."""

    def __init__(self, crawler: Crawler, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        settings = crawler.settings
        self.crawler = crawler
        self.frontier = Frontier(self.server, settings["MONITOR_REDIS_PREFIX"], site_of(crawler))
        self.lease = settings.getfloat("MONITOR_LEASE")
        self.leases = _leases[crawler] = Leases(crawler, self.frontier, holder_name(), self.lease)
        self.renewing = task.LoopingCall(self.leases.renew)
        # Scrapy's engine looks for requests every 5 s when it has none under way; another
        # worker's list page may have queued some meanwhile.
        crawler.engine._SLOT_HEARTBEAT_INTERVAL = settings.getfloat("MONITOR_WORKER_POLL")
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        settings = crawler.settings
        return cls(
            crawler,
            server=connect(settings["MONITOR_REDIS_URL"]),
            persist=True,  # the queue is the site's, not this worker's
        )

    def open(self, spider: scrapy.Spider) -> None:
        self.spider = spider
        self.stats = self.crawler.stats
        self.renewing.start(self.lease / 3, now=False)

    def close(self, reason: str) -> None:
        if self.renewing.running:
            self.renewing.stop()
        released = self.leases.release_all()  # the store has written what it held: the rest is unfinished
        if released:
            self.stats.inc_value("monitor/leases/released", released)

    @without_redis(0)
    def __len__(self) -> int:
        return self.frontier.state()[0]

    def has_pending_requests(self) -> bool:
        return len(self) > 0

    @without_redis(False)
    def enqueue_request(self, request: scrapy.Request) -> bool:
        """Queue a request in Redis unless the site's crawl has seen it. A leased request
        coming back (a retry, a redirect: the filter knows an article by its id, not its URL)
        is queued anew, unfiltered, and its lease finished."""
        found_by = request.meta.pop(FOUND_BY, None)  # not queued with it
        lease = request.meta.get(LEASE)
        if lease is not None:
            request = self._unleased(request)
        if lease is not None or request.dont_filter:
            self.frontier.push(-request.priority, encode(request, self.spider))
            queued = True
        else:  # seen and queued at once (frontier._ADD)
            queued = self.frontier.add([(fingerprint(request), -request.priority, encode(request, self.spider))]) == 1
        if queued:
            self.stats.inc_value("scheduler/enqueued/redis")
        if lease is not None:
            self.leases.done(lease)
        if found_by is not None:
            self.leases.fulfil(found_by)
        return queued

    def _unleased(self, request: scrapy.Request) -> scrapy.Request:
        meta = {k: v for k, v in request.meta.items() if k not in (LEASE, CALLBACK, ERRBACK, SLOT, FOUND_BY)}
        callback, errback = request.meta.get(CALLBACK), request.meta.get(ERRBACK)
        return request.replace(
            meta=meta,
            callback=getattr(self.spider, callback) if callback else None,
            errback=getattr(self.spider, errback) if errback else None,
        )

    @without_redis(None)
    def next_request(self) -> scrapy.Request | None:
        taken = self.frontier.take(self.leases.holder, self.lease)
        if taken is None:
            return None
        self.leases.took(taken)
        request = decode(taken, self.spider)
        self.stats.inc_value("scheduler/dequeued/redis")
        # The worker's spider calls the request's own callback, then finishes its lease.
        request.meta.update(
            {
                LEASE: taken,
                CALLBACK: request.callback.__name__ if request.callback else None,
                ERRBACK: request.errback.__name__ if request.errback else None,
            }
        )
        spider = self.spider
        assert isinstance(spider, WorkerSpider)
        request.callback, request.errback = spider.leased_callback, spider.leased_errback
        return request

    @without_redis(None)
    def idle(self, **_: Any) -> None:  # **_: Scrapy gives a guarded handler every argument of its signal
        """Keep the crawl open while the site has requests queued or leased by anyone: a
        list page under way elsewhere may queue more, a killed worker's leases come back."""
        queued, leased = self.frontier.state()
        if not queued and leased:
            orphans = self.leases.orphans()  # idle here: nothing under way holds them
            if orphans:
                logger.warning("%d leases held by no request under way: finished", len(orphans))
                self.stats.inc_value("monitor/leases/orphaned", len(orphans))
                self.leases.done(*orphans)
                queued, leased = self.frontier.state()
        if queued or leased:
            raise DontCloseSpider


class WorkerSpider(SiteSpider):
    """A site spider as a worker runs it (worker_spider makes one of each spider class): no
    start requests of its own (the lists are queued by `monitor crawl --distributed`), and
    each request's lease finished once its callback or errback is through with it."""

    async def start(self) -> AsyncIterator[scrapy.Request]:
        return
        yield

    async def leased_callback(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        lease: bytes = response.meta[LEASE]
        leases = leases_of(self.crawler)
        leases.expect(lease)  # its end
        articles = 0
        try:
            output = getattr(self, response.meta[CALLBACK] or "parse")(response, **kwargs)
            if output is None:
                return
            if hasattr(output, "__aiter__"):
                async for value in output:
                    articles += self._note(value, lease, leases)
                    yield value
            else:
                for value in output:
                    articles += self._note(value, lease, leases)
                    yield value
        finally:
            if not articles:  # finished once the requests it found are queued (LeasedScheduler.enqueue_request)
                leases.fulfil(lease)

    @staticmethod
    def _note(value: Any, lease: bytes, leases: Leases) -> int:
        if isinstance(value, Article):
            leases.finished_when_stored(value.identity, lease)
            return 1
        if isinstance(value, scrapy.Request):  # one a spider middleware drops: an orphan when idle
            value.meta[FOUND_BY] = lease
            leases.expect(lease)
        return 0

    def leased_errback(self, failure: Failure) -> Any:
        request = failure.request  # type: ignore[attr-defined]
        engine = self.crawler.engine
        if (engine is not None and not engine.running) or leases_of(self.crawler).lost:
            return None  # dropped as the worker stops: its lease goes back to the queue at close
        try:
            errback = request.meta[ERRBACK]
            if errback is None:
                failure.raiseException()  # logged by Scrapy as any download error
            return getattr(self, errback)(failure)
        finally:
            leases_of(self.crawler).done(request.meta[LEASE])


def worker_spider(spider_class: type[SiteSpider]) -> type[SiteSpider]:
    """The spider class as a worker runs it."""
    return type(f"Worker{spider_class.__name__}", (WorkerSpider, spider_class), {})


class LeasedStorePipeline(StorePipeline):
    """The store, finishing the leases of the articles of each batch once it is stored (or
    failed: a failed article is counted, as in any crawl). When the crawl is idle it stores
    what it buffers: the leases of those articles keep every worker's crawl of the site open."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        crawler.signals.connect(self.flush, signal=signals.spider_idle)

    def flush(self) -> None:
        if self.buffer:
            self._enqueue()

    def _store(self, batch: Batch) -> None:
        super()._store(batch)
        leases_of(self.crawler).stored([record["identity"] for record, _ in batch])


class PoliteGate:
    """A downloader middleware, last before the downloader: each download waits for the
    site's gate in Redis (its concurrency and delay, for all workers together); its slot is
    given back when the download is over. One request of this worker looks at a time; as the
    worker stops, those waiting are dropped (their leases go back to the queue)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.turn = asyncio.Lock()
        self.slot_time = crawler.settings.getfloat("DOWNLOAD_TIMEOUT") + SLOT_MARGIN
        crawler.signals.connect(self.left, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteGate:
        return cls(crawler)

    async def process_request(self, request: scrapy.Request) -> None:
        frontier = leases_of(self.crawler).frontier
        token = uuid.uuid4().hex
        async with self.turn:
            while (wait := self._enter(frontier, token)) is not None:
                if not self.crawler.engine.running or wait < 0:  # stopping: not worth the site's wait
                    raise IgnoreRequest("the crawl is stopping")
                await asyncio.sleep(max(wait, GATE_POLL))
        request.meta[SLOT] = token

    @without_redis(-1.0)
    def _enter(self, frontier: Frontier, token: str) -> float | None:
        return frontier.enter(token, self.slot_time)

    @without_redis(None)
    def left(self, request: scrapy.Request, **_: Any) -> None:  # **_: as idle's
        token = request.meta.pop(SLOT, None)
        if token is not None:
            leases_of(self.crawler).frontier.leave(token)
