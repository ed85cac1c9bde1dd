"""Hosts that cannot be resolved: offline, or a mistyped address. A DNS failure is not worth
retrying within a crawl (each retry waits out the politeness delay: minutes for a site's
list pages), so the first one marks the host and every later request to it fails at once,
each with a one-line warning from the spider rather than a traceback from Scrapy."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

logger = logging.getLogger(__name__)


class UnresolvedHost(Exception):
    """A request not sent: its host could not be resolved earlier in the crawl."""


class UnresolvableHosts:
    """A downloader middleware placed nearer the downloader than RetryMiddleware, so that it
    sees a DNS failure first and can keep it from being retried."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnresolvableHosts:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname
        if host in self.hosts:
            raise UnresolvedHost(f"{host} cannot be resolved (offline, or a mistyped address): not fetched")

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, CannotResolveHostError | DNSLookupError):
            return
        host = urlparse_cached(request).hostname or ""
        if host not in self.hosts:
            self.hosts.add(host)
            self.crawler.stats.inc_value("monitor/hosts/unresolved")
            logger.warning("%s cannot be resolved (offline, or a mistyped address): %s", host, exception)
        if request.meta.get("dont_obey_robotstxt"):
            # robots.txt's own request: RobotsTxtMiddleware prints a traceback for any error
            # but this one, and goes on as without robots.txt, as after any error.
            raise IgnoreRequest(str(exception))
        request.meta["dont_retry"] = True  # the spider's errback says it in one line
