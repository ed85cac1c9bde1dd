"""A site spider that finds its articles through what the site publishes for machines: its
RSS and Atom feeds and its sitemaps, those it is told of and those the site names (robots.txt
`Sitemap:` lines, `<link rel="alternate">` on its home page). A subclass says which URLs are
articles (`article_id_of`) and how to read them (`extract`), like any SiteSpider."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator

import scrapy
from scrapy.http import Response, TextResponse

from spiders.base import SiteSpider
from spiders.feeds import (
    Entry,
    NotAFeed,
    feeds_on_page,
    read_feed,
    read_sitemap,
    sitemaps_in_robots,
)


class FeedSiteSpider(SiteSpider):
    feed_paths: tuple[str, ...] = ()
    sitemap_paths: tuple[str, ...] = ()
    discovery_paths: tuple[str, ...] = ("/",)  # pages whose <link rel="alternate"> name feeds
    robots_sitemaps: bool = True  # follow the sitemaps robots.txt names

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in super().start():
            yield request
        if self.robots_sitemaps:  # without a robots.txt a site names no sitemap: nothing failed
            yield scrapy.Request(self.base_url + "/robots.txt", callback=self.parse_robots)
        for path in self.discovery_paths:
            yield self.list_request(self.base_url + path, self.parse_discovery)
        # Named here and found again by discovery: the scheduler drops the second request.
        for path in self.feed_paths:
            yield self.list_request(self.base_url + path, self.parse_feed)
        for path in self.sitemap_paths:
            yield self.list_request(self.base_url + path, self.parse_sitemap)

    def article_id_of(self, url: str) -> str | None:
        """The site's article id in an article's URL; None for any other URL (feeds and
        sitemaps also link section pages, tags, other sitemaps)."""
        raise NotImplementedError

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in sitemaps_in_robots(response.body, response.url):
            yield self.list_request(url, self.parse_sitemap)

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):  # not a page: it names no feeds
            return
        for url in feeds_on_page(response):
            yield self.list_request(url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            entries = read_feed(response.body, response.url)
        except NotAFeed as error:
            self.source_unreadable(response, error)
            return
        yield from self.entry_requests(response, entries)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            is_index, entries = read_sitemap(response.body, response.url)
        except NotAFeed as error:
            self.source_unreadable(response, error)
            return
        if not is_index:
            yield from self.entry_requests(response, entries)
            return
        self.list_links(response, [entry.url for entry in entries])
        for entry in entries:
            yield self.list_request(entry.url, self.parse_sitemap)

    def entry_requests(self, response: Response, entries: Iterable[Entry]) -> Iterator[scrapy.Request]:
        """Requests for the entries that are articles, each article once per crawl."""
        articles = [(entry.url, article_id) for entry in entries if (article_id := self.article_id_of(entry.url))]
        self.list_links(response, [url for url, _ in articles])
        for url, article_id in articles:
            request = self.article_request(url, article_id)
            if request is not None:
                yield request

    def source_unreadable(self, response: Response, error: NotAFeed) -> None:
        """A feed or sitemap that is something else (the site changed, or blocks us)."""
        self.crawler.stats.inc_value("monitor/lists/failed")
        self.logger.warning("feed or sitemap not readable: %s: %s", response.url, error)
