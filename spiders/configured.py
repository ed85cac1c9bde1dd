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
from scrapy.http import Response, TextResponse
from scrapy.spiderloader import SpiderLoader

from monitor.settings import SHIPPED_SITES, sites_paths
from monitor.sites import FIELDS, SiteConfig, SitesError, load_sites
from pipelines.article import Article, BrokenPage
from pipelines.byline import chinese_byline
from pipelines.dates import parse_human_datetime
from pipelines.generic import extract_generic
from spiders.cnmn import CnmnSpider
from spiders.feeds import Entry
from spiders.parsing import canonical_url, paragraphs_of, text_of
from spiders.smm import SmmSpider
from spiders.smm_cn import SmmCnSpider
from spiders.sources import FeedSiteSpider

BUILT_IN = frozenset(spider.name for spider in (SmmSpider, CnmnSpider, SmmCnSpider))
REQUIRED = ("title", "body")  # without them a page is not the article the site was configured for
NO_VALUES = {"published_at": None, "author": "", "source": ""}


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
        """The pagination links, each list page once, up to max_pages pages per list."""
        if self.site.next_page is None:
            return
        hrefs = response.css(self.site.next_page).xpath("descendant-or-self::a/@href").getall()
        for url in dict.fromkeys(response.urljoin(href.strip()) for href in hrefs):
            if url in self._listed:
                continue
            if self._more_pages[root] + 1 >= self.max_list_pages:
                return
            self._listed.add(url)
            self._more_pages[root] += 1
            yield self.list_request(url, root=root)

    # --- articles ---

    def extract(self, response: TextResponse) -> Article:
        css = self.site.selectors
        generic = self._generic(response) if set(FIELDS) - set(css) else None
        values = {
            **NO_VALUES,
            **({name: _generic_field(generic, name) for name in FIELDS} if generic else {}),
            **{name: self._selected(response, name, selector) for name, selector in css.items()},
        }
        if "source" in css and "author" not in css and values["author"] == values["source"]:
            values["author"] = ""  # the generic extractor's last-resort author is the source, given apart here
        return self.new_article(
            response,
            canonical_url=generic.canonical_url if generic else canonical_url(response),
            site_article_id=self._article_id(response),
            title=values["title"],
            published_at=values["published_at"],
            author=values["author"],
            source=values["source"],
            editor=generic.editor if generic else "",
            paragraphs=values["body"],
        )

    def _generic(self, response: TextResponse) -> Article | None:
        """The generic extractor's reading; a page it cannot read still has the fields the
        required selectors give, without the others."""
        try:
            return extract_generic(response, self.name, datetime.now(UTC))
        except BrokenPage:
            if all(name in self.site.selectors for name in REQUIRED):
                return None
            raise

    def _selected(self, response: TextResponse, name: str, selector: str) -> Any:
        found = response.css(selector)
        if name == "body":
            paragraphs = paragraphs_of(found[0]) if found else []
            if not paragraphs:
                raise BrokenPage("empty_body", f"no text in {selector}")
            return paragraphs
        text = text_of(found[0]) if found else ""
        if name == "title" and not text:
            raise BrokenPage("no_title", f"no {selector}")
        if name == "published_at":
            return parse_human_datetime(text, datetime.now(UTC)) if text else None
        if name in ("author", "source"):  # "来源：生态环境部": the labelled value, else the text
            return chinese_byline(text).get(name) or text
        return text

    def _article_id(self, response: TextResponse) -> str:
        """The id the article was requested by, which the seen filter knows it by (a redirect
        may end on another URL); a page read outside a crawl: its URL's."""
        requested = response.request.meta.get("site_article_id") if response.request else None
        return requested or self.article_id_of(response.url) or ""

    @classmethod
    def recognises(cls, url: str, response: TextResponse) -> bool:
        """By the live host, or by the markup: every selector matches (there must be title
        and body selectors)."""
        css = cls.site.selectors
        if super().recognises(url, response):
            return True
        return all(name in css for name in REQUIRED) and all(response.css(selector) for selector in css.values())


def _generic_field(article: Article, name: str) -> Any:
    return article.paragraphs if name == "body" else getattr(article, name)


def _spider_class(site: SiteConfig) -> type[ConfiguredSpider]:
    attributes = {
        "__module__": __name__,  # the spider loader takes the classes defined in this module
        "__doc__": f"The configured site {site.name} ({site.base_url}).",
        "name": site.name,
        "site": site,
        "live_base_url": site.base_url,
        "list_paths": site.lists,
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
