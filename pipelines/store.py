"""Store: articles buffered into batches, which one writer stores in turn, off the event loop.

Full batches wait in a bounded queue (MONITOR_STORE_QUEUE batches) for the writer; while the
queue is full, fetched pages wait unread (spiders.base: reading_room) and read articles wait
to be buffered, and Scrapy downloads no more while they wait: a slow archive slows the crawl
down instead of piling up batches, threads, transactions or parsed pages. The writer runs each batch on the one store thread of its database (all the
crawls of a process share it): writers never queue for SQLite's lock behind one another, and
none outlives its busy timeout. A spider closes once its last batch is stored."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler

from pipelines.archive_access import archive_for
from pipelines.article import Article

if TYPE_CHECKING:
    from db.archive import StoreResult

logger = logging.getLogger(__name__)

# Each article's record beside its case reading (pipelines.cases), kept once it is stored.
Batch = list[tuple[dict[str, Any], dict[str, Any]]]

# The pipelines whose spider has not closed yet. A second Ctrl-C (Scrapy's forced stop) stops
# the reactor under them, close_spider never comes, and their batches would be lost:
# store_leftovers writes them once the reactor has stopped.
_open: weakref.WeakSet[StorePipeline] = weakref.WeakSet()
# Each crawl's store pipeline, for the spiders to wait on (room_to_read).
_of_crawler: weakref.WeakKeyDictionary[Crawler, StorePipeline] = weakref.WeakKeyDictionary()

# One store thread per database URL, for every crawl of the process.
_store_threads: dict[str, ThreadPoolExecutor] = {}
_store_threads_lock = threading.Lock()
# Each database call of the store thread lets go of the GIL, and getting it back from the text
# worker (pure Python, never waiting) takes up to the interpreter's switch interval, 5 ms by
# default: with a dozen calls an article, storing waited ten times longer than it worked. The
# store thread asks for the GIL back within this.
SWITCH_INTERVAL = 0.0005


def store_thread(url: str) -> ThreadPoolExecutor:
    with _store_threads_lock:
        if url not in _store_threads:
            _store_threads[url] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-store")
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        return _store_threads[url]


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        from pipelines.case_upkeep import CaseUpkeep

        self.crawler = crawler
        self.archive = archive_for(crawler)
        settings = crawler.settings
        self.batch_size = max(1, settings.getint("MONITOR_STORE_BATCH", 50))
        self.bound = max(1, settings.getint("MONITOR_STORE_QUEUE", 4))  # batches waiting for the writer
        self.delay = settings.getfloat("MONITOR_STORE_DELAY", 0.0)  # seconds a batch: a slow archive, for tests
        self.thread = store_thread(self.archive.url)
        self.cases = CaseUpkeep(self.archive.engine)  # on the store thread only
        self.buffer: Batch = []
        self.queue: deque[Batch] = deque()
        # Each batch's result, put here by the store thread and counted on the crawl's: a batch
        # stored while a forced stop halts the reactor is counted by store_leftovers instead.
        self.results: deque[StoreResult] = deque()
        # At most a batch of pages read at once (their articles may all have to wait for room,
        # held in memory); the others wait their turn, unread, woken one at a time.
        self.read_turns = asyncio.Semaphore(self.batch_size)
        self.changed = asyncio.Event()  # set when the queue shrinks: waiters look again
        self.work = asyncio.Event()  # set when the writer has a batch to store, or is to stop
        self.closing = False
        self.writer: asyncio.Task | None = None
        _open.add(self)
        _of_crawler[crawler] = self

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.writer = asyncio.get_running_loop().create_task(self._write())

    async def process_item(self, item: Article) -> Article:
        await self._until(self._has_room)
        self.buffer.append((item.record(), item.case_reading))
        if len(self.buffer) >= self.batch_size:
            self._enqueue()
        return item

    def _has_room(self) -> bool:
        return len(self.queue) < self.bound

    async def _until(self, ready: Callable[[], bool]) -> None:
        if not ready():
            self.crawler.stats.inc_value("monitor/store/waits")  # pages and articles that waited
        while True:
            self.changed.clear()  # before looking: a change after the look sets it again
            if ready():
                return
            await self.changed.wait()

    @asynccontextmanager
    async def reading_room(self) -> AsyncIterator[None]:
        """Let a page be read once the store can take its article soon."""
        async with self.read_turns:
            await self._until(self._has_room)
            yield

    async def close_spider(self) -> None:
        if self.buffer:
            self._enqueue()
        self.closing = True
        self.work.set()
        if self.writer is not None:
            await self.writer
        _open.discard(self)

    def _enqueue(self) -> None:
        """The buffer, as a batch, to the writer (process_item made room for it)."""
        self.queue.append(self.buffer)
        self.buffer = []
        self.crawler.stats.max_value("monitor/store/queue_peak", len(self.queue))
        self.work.set()

    async def _write(self) -> None:
        """The writer: each batch in turn on the store thread, until the spider closes, and
        the cases assembled when due (pipelines.case_upkeep), or idle and due, and at the end."""
        loop = asyncio.get_running_loop()
        while self.queue or not self.closing:
            if not self.queue:
                self.work.clear()
                if await self._idle(self.cases.due_in()):
                    await loop.run_in_executor(self.thread, self._assemble_cases)
                continue
            batch = self.queue.popleft()
            self.changed.set()
            started = time.monotonic()
            await loop.run_in_executor(self.thread, self._store, batch)
            self._count_results()
            self.crawler.stats.inc_value("monitor/store/ms", round(1000 * (time.monotonic() - started)))
        await loop.run_in_executor(self.thread, self._assemble_cases)

    async def _idle(self, due_in: float | None) -> bool:
        """Wait for work; whether the cases' assembly came due first."""
        try:
            await asyncio.wait_for(self.work.wait(), due_in)
        except TimeoutError:
            return True
        return False

    def _store(self, batch: Batch) -> None:
        from db.archive import StoreResult

        if self.delay:
            time.sleep(self.delay)
        try:
            # The readings go with their articles: the cases are assembled from them when due.
            result = self.archive.store_batch(
                [record for record, _ in batch], {record["identity"]: reading for record, reading in batch}
            )
        except Exception as exc:  # the writer outlives any batch: the crawl must not wait for it forever
            logger.exception("a batch of %d articles could not be stored", len(batch))
            failed = [(record["identity"], f"{type(exc).__name__}: {exc}") for record, _ in batch]
            self.results.append(StoreResult(failed=failed))
            return
        self.results.append(result)
        self.cases.stored()
        if self.cases.due():
            self._assemble_cases()

    def _assemble_cases(self) -> None:
        """The inspection cases brought up to date with the articles stored since they last
        were; a failure here is logged, the changes stay noted for the next assembly."""
        try:
            self.cases.assemble()
        except Exception:
            logger.exception("the cases of the articles stored could not be assembled")
            self.crawler.stats.inc_value("monitor/cases/failed")

    def store_leftovers(self) -> None:
        """Store what is queued and buffered, from this thread: for a crawl whose reactor has stopped."""
        if self.buffer:
            self.queue.append(self.buffer)
            self.buffer = []
        while self.queue:
            self.thread.submit(self._store, self.queue.popleft()).result()
        # After the batch the writer had under way, if any: the store thread runs one thing at a time.
        self.thread.submit(self._assemble_cases).result()
        self._count_results()

    def _count_results(self) -> None:
        while self.results:
            self._count(self.results.popleft())

    def _count(self, result: StoreResult) -> None:
        stats = self.crawler.stats
        for identity, reason in result.failed:
            logger.error("article not stored: %s: %s", identity, reason)
        if result.failed:
            stats.inc_value("monitor/articles/store_failed", len(result.failed))
        stats.inc_value("monitor/articles/new", result.new)
        stats.inc_value("monitor/articles/updated", result.updated)
        stats.inc_value("monitor/articles/unchanged", result.unchanged)
        if result.retries:  # transactions tried again after another writer's deadlock (db.writing)
            stats.inc_value("monitor/store/retries", result.retries)


@asynccontextmanager
async def reading_room(crawler: Crawler) -> AsyncIterator[None]:
    """Hold a page unread while the crawl's store is full: a page is read (parsed, its
    article made) only when the article can be stored soon, so a slow archive keeps the
    pages waiting small and the crawl's memory flat. No store pipeline: no waiting."""
    pipeline = _of_crawler.get(crawler)
    if pipeline is None:
        yield
        return
    async with pipeline.reading_room():
        yield


def store_leftovers() -> None:
    """Write what the pipelines of crawls stopped by force still hold."""
    for pipeline in list(_open):
        pipeline.store_leftovers()
        _open.discard(pipeline)
