"""Spiders of the sites files (spiders.sites), no Python written: one subclass of
ConfiguredSpider per configured site, made by the project's spider loader
(ConfiguredSpiderLoader, settings.SPIDER_LOADER_CLASS) from the files its
MONITOR_SITES_FILES setting names, so that `monitor crawl NAME` and `scrapy crawl NAME` find
them like any other spider.

A broken sites file makes no spider and breaks nothing else: the other files' sites still
load, and the loader holds the file's one-line error (sites_error), which `monitor crawl`
and Scrapy's "spider not found" report."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from pipelines.byline import chinese_byline
from pipelines.dates import parse_human_datetime
from spiders.cnmn import CnmnSpider
from spiders.feeds import Entry
from spiders.fields import GENERIC, SELECTORS, Fields, Markup
from spiders.parsing import paragraphs_of, text_of
from spiders.sites import SiteConfig, SitesError, default_sites_files, read_sites_file
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
            hrefs += self.scripted_pages(response, self.site.page_count)
        for url in dict.fromkeys(response.urljoin(href.strip()) for href in hrefs):
            if url in self._listed:
                continue
            if self._more_pages[root] + 1 >= self.max_list_pages:
                return
            self._listed.add(url)
            self._more_pages[root] += 1
            yield self.list_request(url, root=root)

    def scripted_pages(self, response: Response, page_count: re.Pattern[str]) -> list[str]:
        """The further pages of a list whose pager a script writes from a page count
        (`var countPage = 31`: index_1.shtml ... index_30.shtml)."""
        found = page_count.search(response.text)
        if found is None:
            self.logger.warning("list page without its page count (%s): %s", page_count.pattern, response.url)
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
        "__module__": __name__,
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


@dataclass(frozen=True)
class ConfiguredSites:
    spiders: tuple[type[ConfiguredSpider], ...]
    error: str | None  # the one-line errors of the files not used, if any


def configured_sites(files: Sequence[str | Path]) -> ConfiguredSites:
    """A spider for each site of the sites files, in order (a later file's site replaces an
    earlier one of its name; none named: spiders.sites.default_sites_files). A file that
    cannot be used adds no site and is named in the error."""
    sites: dict[str, SiteConfig] = {}
    errors = []
    for path in [Path(file).expanduser() for file in files] or default_sites_files():
        try:
            sites.update(read_sites_file(path, BUILT_IN))
        except SitesError as error:
            errors.append(str(error))
    return ConfiguredSites(tuple(_spider_class(site) for site in sites.values()), "; ".join(errors) or None)


class ConfiguredSpiderLoader(SpiderLoader):
    """Scrapy's spider loader (settings.SPIDER_LOADER_CLASS): the spiders of SPIDER_MODULES
    and one for each site of the sites files MONITOR_SITES_FILES names; a spider not found
    names a sites file not used."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        configured = configured_sites(settings.getlist("MONITOR_SITES_FILES"))
        self.sites_error = configured.error
        for spider in configured.spiders:
            self._spiders[spider.name] = spider  # Scrapy's table of the spiders it found

    def load(self, spider_name: str) -> type[scrapy.Spider]:
        try:
            return super().load(spider_name)
        except KeyError:
            if self.sites_error is None:
                raise
            raise KeyError(f"Spider not found: {spider_name} (a sites file is not used: {self.sites_error})") from None
