"""The crawl's seen filter: article pages already in the archive are not downloaded again.

An article is known by the host it was fetched from and the site's article id (one id has
several URL forms). Backed by the archive itself, so an article counts as seen only once it
is stored."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.spiders import Spider

from pipelines.archive_access import archive_for

logger = logging.getLogger(__name__)


class SkipArchivedMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SkipArchivedMiddleware":
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.seen = archive_for(self.crawler).archived_keys(spider.name)
        logger.info("%d %s articles already archived: not fetching them again", len(self.seen), spider.name)

    def process_request(self, request: Request) -> None:
        article_id = request.meta.get("site_article_id")
        if article_id and (urlsplit(request.url).netloc, article_id) in self.seen:
            self.crawler.stats.inc_value("monitor/articles/skipped_archived")
            raise IgnoreRequest(f"already archived: {request.url}")
