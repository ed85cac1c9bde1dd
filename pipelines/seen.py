"""The crawl's seen filter: article pages already in the archive are not downloaded again.

An article is known by its identity (pipelines.article.Article.identity): the site, the host
it was fetched from and the site's article id (one id has several URL forms). A replica on
this machine is known by the live host it stands for, which it names in a header of every
answer (robots.txt and the lists come before any article): a replica that got another port
today finds its articles seen all the same. Backed by the archive itself, so an article
counts as seen only once it is stored. The identities are kept as 64-bit digests in one
sorted array, 8 bytes an archived article (a set of strings takes some 150): a crawl's memory
stays flat however large the archive (a new article taken for an archived one by its digest:
about one chance in 10^13 at a million archived, and it costs that article its fetch)."""

from __future__ import annotations

import hashlib
import logging
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spiders import Spider

from pipelines.archive_access import archive_for
from pipelines.article import REPLICA_HEADER, id_identity

logger = logging.getLogger(__name__)


def digest(identity: str) -> int:
    return int.from_bytes(hashlib.blake2b(identity.encode("utf-8"), digest_size=8).digest(), "big")


class SeenIdentities:
    """Identities, as their digests in a sorted array: membership by binary search."""

    def __init__(self, identities: Iterable[str]) -> None:
        self.digests = array("Q", sorted({digest(identity) for identity in identities}))

    def __len__(self) -> int:
        return len(self.digests)

    def __contains__(self, identity: str) -> bool:
        key = digest(identity)
        at = bisect_left(self.digests, key)
        return at < len(self.digests) and self.digests[at] == key


class SkipArchivedMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen = SeenIdentities(())
        self.spider_name = ""  # the crawl's spider, once open
        self.stands_for: dict[str, str] = {}  # a replica's address (host:port): the host it stands for

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipArchivedMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.spider_name = spider.name
        self.seen = SeenIdentities(archive_for(self.crawler).archived_identities(spider.name))
        logger.info("%d %s articles already archived: not fetching them again", len(self.seen), spider.name)

    def process_request(self, request: Request) -> None:
        article_id = request.meta.get("site_article_id")
        host = urlsplit(request.url).netloc
        if article_id and id_identity(self.spider_name, host, self.stands_for.get(host, ""), article_id) in self.seen:
            self.crawler.stats.inc_value("monitor/articles/skipped_archived")
            raise IgnoreRequest(f"already archived: {request.url}")

    def process_response(self, request: Request, response: Response) -> Response:
        stands_for = response.headers.get(REPLICA_HEADER)
        if stands_for:
            self.stands_for[urlsplit(response.url).netloc] = stands_for.decode("ascii", "replace")
        return response
