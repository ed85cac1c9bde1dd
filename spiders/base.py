"""What every site spider shares: the base URL argument, list walking, article requests,
broken-page accounting. A site spider supplies its list paths and its page parsers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pipelines.archive_access import archive_for
from pipelines.article import Article, BrokenPage, count_broken
from pipelines.generic import extract_generic
from pipelines.keywords import UNIFORM, DocumentFrequencies
from pipelines.stages import process
from pipelines.store import reading_room
from spiders.fields import FIELDS, Fields, Markup, layer
from spiders.parsing import canonical_url, check_page, decided, is_captcha, within_parser_depth
from spiders.reading import off_reactor
from spiders.structured import structured_fields

DEFAULT_MAX_LIST_PAGES = 50
# Article pages go before list pages: what a list page found is fetched before the walk goes
# on, so the requests waiting in the scheduler stay a list page's worth, not a whole walk's.
ARTICLE_PRIORITY = 1


class SiteSpider(scrapy.Spider):
    live_base_url: str = ""
    list_paths: tuple[str, ...] = ()
    page_budget: float = 20.0  # seconds: settings.MONITOR_PAGE_BUDGET in a crawl
    frequencies: DocumentFrequencies = UNIFORM  # the archive's, for keywords' IDF, in a crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.page_budget = crawler.settings.getfloat("MONITOR_PAGE_BUDGET", cls.page_budget)
        crawler.signals.connect(spider.load_frequencies, signal=signals.spider_opened)
        return spider

    def load_frequencies(self) -> None:
        """The archive's document frequencies as the crawl starts, for keywords' IDF."""
        self.frequencies = DocumentFrequencies(*archive_for(self.crawler).document_frequencies())

    def __init__(self, base_url: str | None = None, max_pages: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = (base_url or self.live_base_url).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) address, not {self.base_url!r}")
        self.allowed_domains = [parts.hostname]
        self.max_list_pages = int(max_pages or DEFAULT_MAX_LIST_PAGES)
        self._requested: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for path in self.list_paths:
            yield self.list_request(self.base_url + path)

    # --- lists ---

    def list_request(self, url: str, callback=None, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback or self.parse_list, errback=self.list_failed, cb_kwargs=cb_kwargs)

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        raise NotImplementedError

    def list_links(self, response: Response, hrefs: list[str]) -> None:
        """Note a list page that links no article: the site changed, or blocks us."""
        self.crawler.stats.inc_value("monitor/lists/read")
        if not hrefs:
            self.crawler.stats.inc_value("monitor/lists/empty")
            if is_captcha(response.body):  # a block, not a change of markup: crawl health tells them apart
                self.crawler.stats.inc_value("monitor/lists/blocked")
                self.logger.warning("list page answered with a captcha: %s", response.url)
            else:
                self.logger.warning("list page without article links: %s", response.url)

    def list_failed(self, failure: Failure) -> None:
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return
        self.crawler.stats.inc_value("monitor/lists/failed")
        self.logger.warning("list page failed: %s: %s", failed_request(failure).url, failure.getErrorMessage())

    def article_request(self, url: str, article_id: str) -> scrapy.Request | None:
        """A request for an article page, once per article per crawl (lists repeat them, and
        one article has several URL forms), ahead of the lists (ARTICLE_PRIORITY)."""
        if article_id in self._requested:
            return None
        self._requested.add(article_id)
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={"site_article_id": article_id},
            priority=ARTICLE_PRIORITY,
        )

    # --- articles ---

    async def parse_article(self, response: Response) -> AsyncIterator[Article]:
        try:
            async with reading_room(self.crawler):
                article = await off_reactor(self.read_fetched, response)
        except BrokenPage as broken:
            self.count_broken(broken.reason, response.url, str(broken))
            return
        self.count_fields(article)
        yield article

    def read_fetched(self, response: Response) -> Article:
        """A fetched page, decoded as extract decodes it and checked whole, read (a BrokenPage
        when it cannot be an article). Read from a copy: its parse goes with it, not held on
        the response while the article waits to be stored."""
        response = decided(response.replace())
        check_page(response)
        assert isinstance(response, TextResponse)  # check_page said not_html otherwise
        return self.read(response)

    def read(self, response: TextResponse) -> Article:
        """The article on the page through the text stages, within the page's time budget."""
        deadline = time.monotonic() + self.page_budget
        return process(self.extract(within_parser_depth(response)), self.frequencies, deadline)

    def count_fields(self, article: Article) -> None:
        """Where the article's fields came from, and which selectors found nothing: crawl
        health tells from these whether the site's markup drifted."""
        stats = self.crawler.stats
        stats.inc_value("monitor/articles/parsed")
        for name, way in article.field_sources.items():
            stats.inc_value(f"monitor/fields/{name}/{way}")
        for name in article.selectors_missed:
            stats.inc_value(f"monitor/selectors/missed/{name}")
        if article.selectors_missed:
            stats.inc_value("monitor/selectors/missed")

    # --- reading an article page ---

    selected_fields: tuple[str, ...] = FIELDS  # the fields the site's selectors are for

    def extract(self, response: TextResponse) -> Article:
        """The article, each field from the most stable place the page has it (spiders.fields)."""
        markup = self.read_markup(response)
        structured = structured_fields(response)
        fields = layer(structured, markup, self.selected_fields, partial(self.generic, response))
        self.finish(fields)
        values = fields.values
        extras = {"page_tags": structured.get("tags", []), **markup.extras, **fields.extras}
        return self.new_article(
            response,
            canonical_url=canonical_url(response),
            site_article_id=self.article_id(response),
            title=values["title"],
            published_at=values["published_at"],
            author=values["author"],
            source=values["source"],
            paragraphs=values["body"],
            field_sources=fields.sources,
            selectors_missed=fields.missed,
            **extras,
        )

    def read_markup(self, response: TextResponse) -> Markup:
        """What the site's own selectors find on an article page."""
        raise NotImplementedError

    def finish(self, fields: Fields) -> None:
        """Fields the site derives from others (an author named in the body's last lines)."""

    def generic(self, response: TextResponse) -> Article | None:
        """The generic extractor's reading of the page; None where it finds no article."""
        try:
            return extract_generic(response, self.name, datetime.now(UTC))
        except BrokenPage:
            return None

    def article_id_of(self, url: str) -> str | None:
        """The site's article id in an article's URL; None for any other URL."""
        raise NotImplementedError

    def article_id(self, response: TextResponse) -> str:
        """The id the article was requested by, which the seen filter knows it by (a redirect
        may end on another URL); a page read outside a crawl: its URL's."""
        requested = response.request.meta.get("site_article_id") if response.request else None
        return requested or self.article_id_of(response.url) or ""

    def new_article(self, response: TextResponse, **fields: Any) -> Article:
        return Article(
            url=response.url,
            site=self.name,
            html=response.body,
            encoding=response.encoding,
            status=response.status,
            fetched_at=datetime.now(UTC),
            **fields,
        )

    def article_failed(self, failure: Failure) -> None:
        request = failed_request(failure)
        if isinstance(failure.value, HttpError):  # a subclass of IgnoreRequest: test it first
            reason = f"http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            return  # already archived, or forbidden by robots.txt: counted where decided
        else:
            reason = "download_error"
        self.count_broken(reason, request.url, failure.getErrorMessage())

    def count_broken(self, reason: str, url: str, detail: str) -> None:
        count_broken(self.crawler.stats, reason, url, detail)

    @classmethod
    def recognises(cls, url: str, response: TextResponse) -> bool:
        """Whether this spider's parser fits a page: by the live host, or by its markup
        (mirrors serve the site's pages under other names)."""
        return urlsplit(url).hostname == urlsplit(cls.live_base_url).hostname


def failed_request(failure: Failure) -> scrapy.Request:
    """The request of a failed download: Scrapy sets it on the failure."""
    return failure.request  # type: ignore[attr-defined]
