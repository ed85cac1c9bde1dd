"""SMM English news.metal.com. Its CSS classes carry build hashes (newsItem___wZtKx):
select on the stable prefix only."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse

from pipelines.article import Article, BrokenPage
from pipelines.dates import parse_english_datetime
from spiders.base import SiteSpider
from spiders.parsing import (
    canonical_url,
    paragraphs_of,
    text_of,
)

METALS = ("copper", "aluminum", "zinc", "nickel", "tin", "precious-metals", "rare-earth", "lithium")
_ARTICLE_ID = re.compile(r"/newscontent/(\d{6,})")
_CONTACT = re.compile(r"For queries, please contact (.+?) at \S+@\S+")
_OG_SUFFIX = " - Shanghai Metals Market"


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
            found = _ARTICLE_ID.search(href)
            if found:
                request = self.article_request(response.urljoin(href), found.group(1))
                if request is not None:
                    yield request

    def extract(self, response: TextResponse) -> Article:
        detail = response.css('[class*="newsDetail___"]')
        title = text_of(detail.css("h1")[0]) if detail.css("h1") else ""
        if not title:
            og_title = response.css('meta[property="og:title"]::attr(content)').get("")
            title = og_title.removesuffix(_OG_SUFFIX).strip()
        if not title:
            raise BrokenPage("no_title", "no title in the page")
        paragraphs = paragraphs_of(next(iter(detail.css('[class*="content___"]')), None))
        contact = next((m for m in map(_CONTACT.match, paragraphs) if m), None)
        source_line = text_of(detail.css('[class*="source___"]')[0]) if detail.css('[class*="source___"]') else ""
        found_id = _ARTICLE_ID.search(response.url)
        return self.new_article(
            response,
            canonical_url=canonical_url(response),
            site_article_id=found_id.group(1) if found_id else "",
            title=title,
            published_at=parse_english_datetime(text_of(detail.css('[class*="info___"]')[0]) if detail.css('[class*="info___"]') else ""),
            author=contact.group(1) if contact else "",
            # No Source line: SMM's own reporting.
            source=source_line.split(":", 1)[1].strip() if ":" in source_line else "SMM",
            page_tags=[text_of(a) for a in detail.css('[class*="tags___"] a')],
            paragraphs=paragraphs,
        )

    @classmethod
    def recognises(cls, url: str, response: TextResponse) -> bool:
        return super().recognises(url, response) or bool(response.css('[class*="newsDetail___"]'))


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["page"] = str(page)
    return urlunsplit(parts._replace(query=urlencode(query)))
