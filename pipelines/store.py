"""Store: articles buffered and written in batches, off the crawl's event loop."""

from __future__ import annotations

import asyncio
import logging

from scrapy.crawler import Crawler

from pipelines.archive_access import archive_for
from pipelines.article import Article

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archive = archive_for(crawler)
        self.batch_size = crawler.settings.getint("MONITOR_STORE_BATCH", 50)
        self.buffer: list[dict] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        return cls(crawler)

    async def process_item(self, item: Article) -> Article:
        self.buffer.append(item.record())
        if len(self.buffer) >= self.batch_size:
            await self._flush()
        return item

    async def close_spider(self) -> None:
        await self._flush()

    async def _flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        stats = self.crawler.stats
        result = await asyncio.to_thread(self.archive.store_batch, batch)
        for identity, reason in result.failed:
            logger.error("article not stored: %s: %s", identity, reason)
        if result.failed:
            stats.inc_value("monitor/articles/store_failed", len(result.failed))
        stats.inc_value("monitor/articles/new", result.new)
        stats.inc_value("monitor/articles/updated", result.updated)
        stats.inc_value("monitor/articles/unchanged", result.unchanged)
