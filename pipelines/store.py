"""Store: articles buffered and written in batches, off the crawl's event loop."""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import TYPE_CHECKING

from scrapy.crawler import Crawler

from pipelines.archive_access import archive_for
from pipelines.article import Article

if TYPE_CHECKING:
    from db.archive import StoreResult

logger = logging.getLogger(__name__)

# The pipelines whose spider has not closed yet. A second Ctrl-C (Scrapy's forced stop) stops
# the reactor under them, close_spider never comes, and their buffers would be lost:
# store_leftovers writes them once the reactor has stopped.
_open: weakref.WeakSet[StorePipeline] = weakref.WeakSet()


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archive = archive_for(crawler)
        self.batch_size = crawler.settings.getint("MONITOR_STORE_BATCH", 50)
        self.buffer: list[dict] = []
        _open.add(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: Article) -> Article:
        self.buffer.append(item.record())
        if len(self.buffer) >= self.batch_size:
            await self._flush()
        return item

    async def close_spider(self) -> None:
        await self._flush()
        _open.discard(self)

    async def _flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if batch:
            self._count(await asyncio.to_thread(self.archive.store_batch, batch))

    def flush_now(self) -> None:
        """Store the buffer in this thread: for a crawl whose reactor has stopped."""
        batch, self.buffer = self.buffer, []
        if batch:
            self._count(self.archive.store_batch(batch))

    def _count(self, result: StoreResult) -> None:
        stats = self.crawler.stats
        for identity, reason in result.failed:
            logger.error("article not stored: %s: %s", identity, reason)
        if result.failed:
            stats.inc_value("monitor/articles/store_failed", len(result.failed))
        stats.inc_value("monitor/articles/new", result.new)
        stats.inc_value("monitor/articles/updated", result.updated)
        stats.inc_value("monitor/articles/unchanged", result.unchanged)


def store_leftovers() -> None:
    """Write what the pipelines of crawls stopped by force still hold."""
    for pipeline in list(_open):
        pipeline.flush_now()
        _open.discard(pipeline)
