"""Spiders of the sites files (monitor.sites), no Python written: one subclass of
ConfiguredSpider per configured site, made when this module is imported, so that Scrapy's
spider loader (`monitor crawl NAME`, `scrapy crawl NAME`) finds them like any other.

A broken user sites file makes no spider and breaks nothing else: the shipped sites still
load, and LOAD_ERROR holds the file's one-line error, which `monitor crawl` and Scrapy's
"spider not found" report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse
from scrapy.spiderloader import SpiderLoader

from monitor.settings import SHIPPED_SITES, sites_paths
from monitor.sites import SiteConfig, SitesError, load_sites
from pipelines.byline import chinese_byline
from pipelines.dates import parse_human_datetime
from spiders.cnmn import CnmnSpider
from spiders.feeds import Entry
from spiders.fields import GENERIC, SELECTORS, Fields, Markup
from spiders.parsing import paragraphs_of, text_of
from spiders.smm import SmmSpider
from spiders.smm_cn import SmmCnSpider
from spiders.sources import FeedSiteSpider

BUILT_IN = frozenset(spider.name for spider in (SmmSpider, CnmnSpider, SmmCnSpider))
REQUIRED = ("title", "body")  # a site recognised by its markup has selectors for both


class ConfiguredSpider(FeedSiteSpider):
    """A site's lists, feeds and sitemaps (FeedSiteSpider) as its configuration names them;
    an article is a URL its article_pattern matches, read by its selectors and, for the
    fields without one, by the generic extractor."""

    site: SiteConfig

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listed = {self.base_url + path for path in self.list_paths}
        self._more_pages: Counter[str] = Counter()  # pages followed beyond each list's first

    def article_id_of(self, url: str) -> str | None:
        found = self.site.article_pattern.search(url)
        if found is None:
            return None
        if found.re.groups and found.group(1):
            return found.group(1)
        # No id in the URL: its path and query stand for one, so the seen filter still works.
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    # --- lists ---

    def parse_list(self, response: Response, root: str | None = None) -> Iterator[scrapy.Request]:
        links = [Entry(response.urljoin(href.strip())) for href in response.css("a::attr(href)").getall()]
        yield from self.entry_requests(response, links)
        yield from self.next_pages(response, root or response.url)

    def next_pages(self, response: Response, root: str) -> Iterator[scrapy.Request]:
        """The pagination links, or the pages a script would write, each list page once, up
        to max_pages pages per list."""
        hrefs = (
            response.css(self.site.next_page).xpath("descendant-or-self::a/@href").getall()
            if self.site.next_page
            else []
        )
        if self.site.page_count is not None and root == response.url:
            hrefs += self.scripted_pages(response)
        for url in dict.fromkeys(response.urljoin(href.strip()) for href in hrefs):
            if url in self._listed:
                continue
            if self._more_pages[root] + 1 >= self.max_list_pages:
                return
            self._listed.add(url)
            self._more_pages[root] += 1
            yield self.list_request(url, root=root)

    def scripted_pages(self, response: Response) -> list[str]:
        """The further pages of a list whose pager a script writes from a page count
        (`var countPage = 31`: index_1.shtml ... index_30.shtml)."""
        found = self.site.page_count.search(response.text)
        if found is None:
            self.logger.warning("list page without its page count (%s): %s", self.site.page_count.pattern, response.url)
            return []
        first = self.site.page_first
        return [self.site.page_url.replace("{n}", str(n)) for n in range(first, first + int(found.group(1)) - 1)]

    # --- articles ---

    def read_markup(self, response: TextResponse) -> Markup:
        found: dict[str, Any] = {}
        for name, selector in self.site.selectors.items():
            elements = response.css(selector)
            if elements:
                found[name] = _value(elements[0], name)
        return Markup(found)

    def finish(self, fields: Fields) -> None:
        values, sources = fields.values, fields.sources
        if (
            sources.get("author") == GENERIC
            and sources.get("source") == SELECTORS
            and values["author"] == values["source"]
        ):
            values["author"] = ""  # the generic extractor's last-resort author is the source, given apart here
            del sources["author"]
        if fields.generic is not None:  # its closing editor line, when it read the page anyway
            fields.extras["editor"] = fields.generic.editor

    @classmethod
    def recognises(cls, url: str, response: TextResponse) -> bool:
        """By the live host, or by the markup: every selector matches (there must be title
        and body selectors)."""
        css = cls.site.selectors
        if super().recognises(url, response):
            return True
        return all(name in css for name in REQUIRED) and all(response.css(selector) for selector in css.values())


def _value(element: Selector, name: str) -> Any:
    """A field's value in its element: a meta tag's content (meta[name=PubDate]), else the
    element's text."""
    if element.root.tag == "meta":
        text = " ".join(element.attrib.get("content", "").split())
        paragraphs = [text] if text else []
    else:
        text = text_of(element)
        paragraphs = paragraphs_of(element) if name == "body" else []
    if name == "body":
        return paragraphs
    if name == "published_at":
        return parse_human_datetime(text, datetime.now(UTC)) if text else None
    if name in ("author", "source"):  # "来源：生态环境部": the labelled value, else the text
        return chinese_byline(text).get(name) or text
    return text


def _spider_class(site: SiteConfig) -> type[ConfiguredSpider]:
    attributes = {
        "__module__": __name__,  # the spider loader takes the classes defined in this module
        "__doc__": f"The configured site {site.name} ({site.base_url}).",
        "name": site.name,
        "site": site,
        "live_base_url": site.base_url,
        "list_paths": site.lists,
        "selected_fields": tuple(site.selectors),
        "feed_paths": site.feeds,
        "sitemap_paths": site.sitemaps,
        "discovery_paths": ("/",) if site.discover else (),
        "robots_sitemaps": site.discover,
    }
    class_name = "Configured" + "".join(part.title() for part in site.name.split("_")) + "Spider"
    return type(class_name, (ConfiguredSpider,), attributes)


def _load() -> tuple[dict[str, SiteConfig], str | None]:
    """The sites of every sites file; when the user's is broken, the shipped ones and why."""
    try:
        return load_sites(sites_paths(), BUILT_IN), None
    except SitesError as error:
        return load_sites([SHIPPED_SITES], BUILT_IN), str(error)


SITES, LOAD_ERROR = _load()
SPIDERS: tuple[type[ConfiguredSpider], ...] = tuple(_spider_class(site) for site in SITES.values())
globals().update((spider.__name__, spider) for spider in SPIDERS)


class ConfiguredSpiderLoader(SpiderLoader):
    """Scrapy's spider loader (settings.SPIDER_LOADER_CLASS), naming a broken sites file
    when a spider is not found."""

    def load(self, spider_name: str) -> type[scrapy.Spider]:
        try:
            return super().load(spider_name)
        except KeyError:
            if LOAD_ERROR is None:
                raise
            raise KeyError(f"Spider not found: {spider_name} (a sites file is not used: {LOAD_ERROR})") from None
