"""The article item: what a spider yields and each pipeline stage fills in further."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from common.china_time import CHINA_TZ

if TYPE_CHECKING:  # a search or an extract should not pay for importing Scrapy
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger("monitor.broken")
# Article.record: working state, and the case reading, which db.cases keeps in its own table.
_NOT_STORED = ("words", "selectors_missed", "case_reading")


@dataclass(repr=False)
class Article:
    # From the spider: the page and the fields its markup gives.
    url: str
    site: str
    html: bytes
    encoding: str
    status: int
    fetched_at: datetime
    canonical_url: str
    site_article_id: str
    title: str
    published_at: datetime | None
    author: str = ""
    # What the page states of published_at: "second" (a full date, with or without its time)
    # or "month" (a year and month only: published_at is the month's first instant, China time).
    published_precision: str = "second"
    source: str = ""
    category: str = ""
    editor: str = ""
    views: int | None = None
    page_tags: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    # Where each field came from: structured (data the page states for machines), selectors
    # (the site's markup) or generic (the generic extractor); spiders.fields.
    field_sources: dict[str, str] = field(default_factory=dict)
    selectors_missed: list[str] = field(default_factory=list)  # the site's selectors that found nothing, not stored
    # normalise
    body: str = ""
    title_simplified: str | None = None
    body_simplified: str | None = None
    garbled: bool = False
    # language
    lang: str = ""
    script: str | None = None
    # segment
    title_terms: str = ""  # search terms, space-separated (pipelines.segment.terms)
    body_terms: str = ""
    part_terms: str = ""  # dictionary words inside long tokens: found by words, not phrases
    segmenter: str = ""
    words: list[str] = field(default_factory=list)  # segmented title and body, not stored
    # keywords
    keywords: list[list] = field(default_factory=list)  # [term, weight], best first
    terms: list[str] = field(default_factory=list)  # distinct keyword candidates, for IDF
    # tag
    tags: list[dict[str, Any]] = field(default_factory=list)
    relevant: bool = False
    relevance_label: str = "unrelated"  # supervision, rectification, related, unrelated
    relevance_score: float = 0.0
    relevance_terms: list[str] = field(default_factory=list)
    # facts
    facts: list[dict[str, Any]] = field(default_factory=list)
    # case reading: what the article says of its inspection case, as db.cases keeps it in
    # its own table (pipelines.cases.case_reading)
    case_reading: dict[str, Any] = field(default_factory=dict)
    # dedup
    fingerprint: str = ""
    title_key: str = ""
    minhash: list[int] = field(default_factory=list)
    bands: list[int] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # the numbers the text states

    def __repr__(self) -> str:  # short: Scrapy logs dropped items, and the page is large
        return f"Article(url={self.url!r}, title={self.title!r})"

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def identity(self) -> str:
        """What makes two fetches one article: the site's article id on the host it came
        from (on this machine: see identity_host). Without an id: the canonical URL the page
        declares on its own host, else the URL (mirrors often keep the original's canonical
        tag: it must not merge them)."""
        if self.site_article_id:
            return id_identity(self.site, self.host, urlsplit(self.canonical_url).netloc, self.site_article_id)
        if urlsplit(self.canonical_url).netloc == self.host:
            return self.canonical_url
        return self.url

    @property
    def simplified_title(self) -> str:
        return self.title_simplified or self.title

    @property
    def simplified_body(self) -> str:
        return self.body_simplified or self.body

    def record(self) -> dict[str, Any]:
        """The mapping the archive stores: the article's own values, not copies (it is done
        with once stored), words and selectors_missed left out."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_STORED}
        values["host"] = self.host
        values["identity"] = self.identity
        return values

    def _published_text(self) -> str | None:
        if self.published_at is None:
            return None
        if self.published_precision == "month":
            return f"{self.published_at.astimezone(CHINA_TZ):%Y-%m}"
        return self.published_at.isoformat()

    def summary(self) -> dict[str, Any]:
        """The fields `monitor extract --json` prints."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "site": self.site,
            "site_article_id": self.site_article_id,
            "title": self.title,
            # On the page's own clock (China time unless it stated a zone): the same instant,
            # with the calendar day the publisher printed.
            # A month the page states alone prints as one: "1998-03" (ISO 8601 reduced precision).
            "published_at": self._published_text(),
            "author": self.author,
            "source": self.source,
            "category": self.category,
            "editor": self.editor,
            "views": self.views,
            "page_tags": self.page_tags,
            "field_sources": self.field_sources,
            "body": self.body,
            "title_simplified": self.title_simplified,
            "body_simplified": self.body_simplified,
            "lang": self.lang,
            "script": self.script,
            "garbled": self.garbled,
            "relevant": self.relevant,
            "relevance_label": self.relevance_label,
            "relevance_score": self.relevance_score,
            "relevance_terms": self.relevance_terms,
            "tags": self.tags,
            "keywords": self.keywords,
            "facts": self.facts,
        }


# What a replica site answers with, naming the live site's host it stands for: the seen
# filter knows a replica's articles by it before fetching them (monitor/replica/server.py).
REPLICA_HEADER = "X-Replica-Of"


def id_identity(site: str, host: str, stands_for: str, article_id: str) -> str:
    """The identity of an article with the site's id (Article.identity; the seen filter's)."""
    return f"{site}:{identity_host(host, stands_for)}:{article_id}"


def identity_host(host: str, stands_for: str) -> str:
    """The host an article is known by: the one it was fetched from; for a page served on
    this machine (a replica, on whatever port was free that day), the host it stands for
    (the page's canonical URL's, the replica's header), marked as a copy so that it is
    never taken for the live site's article. A mirror's replica stands for the mirror's own
    host: it stays apart from its original."""
    if stands_for and stands_for != host and _on_this_machine(host):
        return f"{stands_for} (copy on this machine)"
    return host


def _on_this_machine(host: str) -> bool:
    name = urlsplit(f"//{host}").hostname or ""
    try:
        return name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class BrokenPage(Exception):
    """A fetched page that is not an article (captcha, truncated, mis-encoded, empty...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def count_broken(stats: StatsCollector, reason: str, url: str, detail: str) -> None:
    """Log a page that is not an article and count it in the crawl's stats, by reason."""
    stats.inc_value("monitor/broken")
    stats.inc_value(f"monitor/broken/{reason}")
    logger.warning("not an article (%s): %s: %s", reason, url, detail)


def china_time(moment: datetime | None) -> str | None:
    """ISO 8601 in China time (+08:00), as every output shows dates."""
    return moment.astimezone(CHINA_TZ).isoformat() if moment else None
