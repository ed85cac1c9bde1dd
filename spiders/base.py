"""What every site spider shares: the base URL argument, list walking, article requests,
broken-page accounting. A site spider supplies its list paths and its page parsers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pipelines.article import Article, BrokenPage, count_broken
from spiders.parsing import check_page, is_captcha

DEFAULT_MAX_LIST_PAGES = 50


class SiteSpider(scrapy.Spider):
    live_base_url: str = ""
    list_paths: tuple[str, ...] = ()

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
        return scrapy.Request(
            url, callback=callback or self.parse_list, errback=self.list_failed, cb_kwargs=cb_kwargs
        )

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
        self.logger.warning("list page failed: %s: %s", failure.request.url, failure.getErrorMessage())

    def article_request(self, url: str, article_id: str) -> scrapy.Request | None:
        """A request for an article page, once per article per crawl (lists repeat them, and
        one article has several URL forms)."""
        if article_id in self._requested:
            return None
        self._requested.add(article_id)
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={"site_article_id": article_id},
        )

    # --- articles ---

    def parse_article(self, response: Response) -> Iterator[Article]:
        try:
            check_page(response)
            article = self.extract(response)
        except BrokenPage as broken:
            self.count_broken(broken.reason, response.url, str(broken))
            return
        self.crawler.stats.inc_value("monitor/articles/parsed")
        yield article

    def extract(self, response: TextResponse) -> Article:
        raise NotImplementedError

    def new_article(self, response: TextResponse, **fields: Any) -> Article:
        return Article(
            url=response.url,
            site=self.name,
            html=response.body,
            encoding=response.encoding,
            status=response.status,
            fetched_at=datetime.now(timezone.utc),
            **fields,
        )

    def article_failed(self, failure: Failure) -> None:
        request = failure.request
        if failure.check(HttpError):  # a subclass of IgnoreRequest: test it first
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

