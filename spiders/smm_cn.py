"""SMM Chinese news.smm.cn: no HTML list walking; its articles are found through its RSS
feeds, its sitemaps and its JSON list API (on its own host, platform.smm.cn, live), each
article fetched once whichever of them links it first."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from pipelines.dates import parse_chinese_datetime
from spiders.fields import Markup
from spiders.parsing import paragraphs_of, text_of
from spiders.sources import FeedSiteSpider

FEEDS = ("original", "industry", "copper", "aluminum", "mining")
API_CHANNELS = ("要闻", "铜")
API_PAGE_LIMIT = 30
API_OK = 100000
# /news/<id>, and the older /r/YYYY-MM-DD/<id>.html.
_ARTICLE_ID = re.compile(r"/(?:news|r/\d{4}-\d{2}-\d{2})/(\d{6,})(?:\.html)?/?$")
_SOURCE = re.compile(r"来源\s*[:：]\s*(.*)$")


class SmmCnSpider(FeedSiteSpider):
    name = "smm_cn"
    live_base_url = "https://news.smm.cn"
    live_api_url = "https://platform.smm.cn"
    feed_paths = tuple(f"/rss/{feed}" for feed in FEEDS)
    sitemap_paths = ("/sitemap.xml",)

    def __init__(self, base_url: str | None = None, api_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(base_url, **kwargs)
        # A replica or mirror serves the API beside the pages; the live site on its own host.
        default_api = self.live_api_url if self.base_url == self.live_base_url else self.base_url
        self.api_url = (api_url or default_api).rstrip("/")
        api_host = urlsplit(self.api_url).hostname
        if api_host:
            self.allowed_domains.append(api_host)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in super().start():
            yield request
        for channel in API_CHANNELS:
            yield self.api_request(channel, 1)

    def article_id_of(self, url: str) -> str | None:
        found = _ARTICLE_ID.search(urlsplit(url).path)
        return found.group(1) if found else None

    # --- the JSON list API ---

    def api_request(self, channel: str, page: int) -> scrapy.Request:
        url = f"{self.api_url}/newscenter/news/list/{quote(channel)}/{page}?page_limit={API_PAGE_LIMIT}"
        return self.list_request(url, self.parse_api, channel=channel, page=page)

    def parse_api(self, response: Response, channel: str, page: int) -> Iterator[scrapy.Request]:
        """One page of a channel; the next page follows until one comes back empty."""
        try:
            answer = json.loads(response.text)
            if answer["code"] != API_OK:
                raise ValueError(f"code {answer['code']}")
            article_ids = [str(int(item["ID"])) for item in answer["data"]]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            self.crawler.stats.inc_value("monitor/lists/failed")
            self.logger.warning("list API answer not understood (%s): %s: %.200s", error, response.url, response.text)
            return
        if article_ids or page == 1:  # an empty page after the first is the list's end, no problem
            self.list_links(response, article_ids)
        for article_id in article_ids:
            request = self.article_request(f"{self.base_url}/news/{article_id}", article_id)
            if request is not None:
                yield request
        if article_ids and page < self.max_list_pages:
            yield self.api_request(channel, page + 1)

    # --- articles ---

    def read_markup(self, response: TextResponse) -> Markup:
        found: dict[str, Any] = {}
        heading = response.css(".news-title > h1")
        if heading:
            found["title"] = text_of(heading[0])
        notes = response.css(".news-title > div.note")
        if notes:
            note = text_of(notes[0])
            stamp = notes.css("time::attr(datetime)").get() or notes.css("time::text").get() or note
            found["published_at"] = parse_chinese_datetime(stamp)
            source = _SOURCE.search(note)
            found["source"] = source.group(1).strip() if source else ""
        body = response.css(".news-detail")
        if body:
            found["body"] = paragraphs_of(body[0])
        author = response.css(".author-card .author-name")  # the card after the body
        if author:
            found["author"] = text_of(author[0])
        return Markup(found)
