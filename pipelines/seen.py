"""The crawl's seen filter: article pages already in the archive are not downloaded again.

An article is known by its identity (pipelines.article.Article.identity): the site, the host
it was fetched from and the site's article id (one id has several URL forms). A replica on
this machine is known by the live host it stands for, which it names in a header of every
answer (robots.txt and the lists come before any article): a replica that got another port
today finds its articles seen all the same. Backed by the archive itself, so an article
counts as seen only once it is stored."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spiders import Spider

from pipelines.archive_access import archive_for
from pipelines.article import REPLICA_HEADER, id_identity

logger = logging.getLogger(__name__)


class SkipArchivedMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()  # identities
        self.stands_for: dict[str, str] = {}  # a replica's address (host:port): the host it stands for

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipArchivedMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.seen = archive_for(self.crawler).archived_identities(spider.name)
        logger.info("%d %s articles already archived: not fetching them again", len(self.seen), spider.name)

    def process_request(self, request: Request) -> None:
        article_id = request.meta.get("site_article_id")
        host = urlsplit(request.url).netloc
        if (
            article_id
            and id_identity(self.crawler.spider.name, host, self.stands_for.get(host, ""), article_id) in self.seen
        ):
            self.crawler.stats.inc_value("monitor/articles/skipped_archived")
            raise IgnoreRequest(f"already archived: {request.url}")

    def process_response(self, request: Request, response: Response) -> Response:
        stands_for = response.headers.get(REPLICA_HEADER)
        if stands_for:
            self.stands_for[urlsplit(response.url).netloc] = stands_for.decode("ascii", "replace")
        return response
