"""SMM English news.metal.com. Its CSS classes carry build hashes (newsItem___wZtKx):
select on the stable prefix only."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse

from pipelines.dates import parse_english_datetime
from spiders.base import SiteSpider
from spiders.fields import Fields, Markup
from spiders.parsing import paragraphs_of, text_of

METALS = ("copper", "aluminum", "zinc", "nickel", "tin", "precious-metals", "rare-earth", "lithium")
_ARTICLE_ID = re.compile(r"/newscontent/(\d{6,})")
_CONTACT = re.compile(r"For queries, please contact (.+?) at \S+@\S+")


@dataclass(frozen=True)
class Layout:
    """Where one of the site's article layouts puts each part (CSS selectors)."""

    marker: str  # an element only this layout has
    title: str
    time: str
    source: str
    body: str
    tags: str
    contact: str = ""  # the "For queries, please contact ..." lines, when outside the body


# Newest first: today's Next.js pages by the stable prefixes of their CSS-module classes (the
# hash suffixes change with every build), then the 2013-2017 server-rendered layouts.
_DETAIL = '[class*="newsDetail___"]'
LAYOUTS = (
    Layout(
        _DETAIL,
        f"{_DETAIL} h1",
        f'{_DETAIL} [class*="info___"]',
        f'{_DETAIL} [class*="source___"]',
        f'{_DETAIL} [class*="content___"]',
        f'{_DETAIL} [class*="tags___"] a',
    ),
    Layout(
        "div.news_detail",
        "h1.news_detail_title",
        "span.news_detail_time",
        "span.news_detail_source",
        "div.news_detail_content",
        "div.news_detail_tags a",
        "div.news_detail_contact",
    ),
    Layout(
        "#newsContent",
        "div.news_title > h1",
        "span.news_date",
        "span.news_source",
        "#newsContent",
        "div.news_tags a",
        "div.news_contact",
    ),
)


class SmmSpider(SiteSpider):
    name = "smm"
    live_base_url = "https://news.metal.com"
    list_paths = ("/en/",) + tuple(f"/list/{kind}/{metal}" for kind in ("industry", "latest") for metal in METALS)

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        hrefs = response.css('[class*="newsItem___"] a::attr(href)').getall()
        self.list_links(response, hrefs)
        yield from self._article_requests(response, hrefs)
        more = response.css('[class*="more___"] button::attr(data-api)').get()
        if more:
            yield self.list_request(response.urljoin(more), self.parse_more, batch=2)

    def parse_more(self, response: Response, batch: int) -> Iterator[scrapy.Request]:
        """The "More News" button's JSON: the next batch of a list."""
        try:
            data = json.loads(response.text)["data"]
            hrefs = [item["url"] for item in data["list"]]
            has_more = bool(data.get("hasMore"))
        except (ValueError, KeyError, TypeError, AttributeError):
            self.crawler.stats.inc_value("monitor/lists/failed")
            self.logger.warning("More News answer not understood: %s: %.200s", response.url, response.text)
            return
        self.list_links(response, hrefs)
        yield from self._article_requests(response, hrefs)
        if has_more and batch < self.max_list_pages:
            yield self.list_request(_with_page(response.url, batch + 1), self.parse_more, batch=batch + 1)

    def _article_requests(self, response: Response, hrefs: list[str]) -> Iterator[scrapy.Request]:
        for href in hrefs:
            article_id = self.article_id_of(href)
            if article_id:
                request = self.article_request(response.urljoin(href), article_id)
                if request is not None:
                    yield request

    def article_id_of(self, url: str) -> str | None:
        found = _ARTICLE_ID.search(url)
        return found.group(1) if found else None

    def read_markup(self, response: TextResponse) -> Markup:
        """The article's elements in the layout the page has (LAYOUTS): all missing when it
        has none of them."""
        layout = next((layout for layout in LAYOUTS if response.css(layout.marker)), None)
        if layout is None:
            return Markup()
        found: dict[str, Any] = {}
        title = response.css(layout.title)
        if title:
            found["title"] = text_of(title[0])
        stamp = response.css(layout.time)
        if stamp:
            found["published_at"] = parse_english_datetime(text_of(stamp[0]))
            source_line = text_of(response.css(layout.source)[0]) if response.css(layout.source) else ""
            # No Source line: SMM's own reporting.
            found["source"] = source_line.split(":", 1)[1].strip() if ":" in source_line else "SMM"
        body = response.css(layout.body)
        if body:
            found["body"] = paragraphs_of(body[0])
            contact = response.css(layout.contact) if layout.contact else []
            found["author"] = _contact(found["body"] + (paragraphs_of(contact[0]) if contact else []))
        tags = [text_of(a) for a in response.css(layout.tags)]
        return Markup(found, {"page_tags": tags} if tags else {})

    def finish(self, fields: Fields) -> None:
        """SMM names its reporter in the body's closing contact line, whichever way the body came."""
        contact = _contact(fields.values["body"])
        if contact and fields.values["author"] != contact:
            fields.values["author"], fields.sources["author"] = contact, fields.sources["body"]

    @classmethod
    def recognises(cls, url: str, response: TextResponse) -> bool:
        return super().recognises(url, response) or bool(response.css(_DETAIL))


def _contact(paragraphs: list[str]) -> str:
    found = next((m for m in map(_CONTACT.match, paragraphs) if m), None)
    return found.group(1) if found else ""


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["page"] = str(page)
    return urlunsplit(parts._replace(query=urlencode(query)))
