"""What sites publish for machines, read: RSS 2.0 and Atom feeds, sitemaps and sitemap
indexes, and where a site names them (robots.txt `Sitemap:` lines, a page's
`<link rel="alternate">` feeds). Plain functions over a response's bytes: any spider uses
them, whatever its site (spiders.sources wires them into callbacks)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import lxml.etree
from scrapy.http import TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from pipelines.dates import parse_machine_datetime

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
# Never fetch what a document names (entities, DTDs): feeds are untrusted input.
_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True)
# SMM Chinese's pubDate: 周二,06 10月 2026 10:31:40 +0800 (weekday and month in Chinese).
_CN_WEEKDAY = re.compile(r"^\s*(?:周|星期)[一二三四五六日天]\s*[,，]?\s*")
_CN_MONTH = re.compile(r"\b(1[0-2]|0?[1-9])月")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class NotAFeed(ValueError):
    """The document is neither the feed nor the sitemap asked for (an error or captcha page)."""


@dataclass(frozen=True)
class Entry:
    """One link of a feed or sitemap, with the dates it states."""

    url: str
    title: str = ""
    published: datetime | None = None  # a feed's pubDate / published
    lastmod: datetime | None = None  # a sitemap's lastmod, an Atom entry's updated


def parse_feed_date(text: str | None) -> datetime | None:
    """A feed's or sitemap's date: RFC 822 (RSS), W3C / ISO 8601 (Atom, sitemaps), and the
    Chinese RFC 822 look-alike some Chinese feeds write (weekday and month put back into
    English first). Without a zone: China time, as pipelines.dates reads every date."""
    english = _CN_MONTH.sub(lambda m: _MONTHS[int(m.group(1)) - 1], _CN_WEEKDAY.sub("", text or ""))
    return parse_machine_datetime(english.strip()) if english.strip() else None


def _text(element: lxml.etree._Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def read_feed(body: bytes, base_url: str) -> list[Entry]:
    """The entries of an RSS 2.0 or Atom feed, in the feed's order; relative links are
    resolved against `base_url`. Raises NotAFeed for any other document."""
    try:
        root = lxml.etree.fromstring(body, _PARSER) if body.strip() else None
    except lxml.etree.XMLSyntaxError as error:
        raise NotAFeed(f"not XML: {error}") from None
    if root is not None and root.tag == "rss":
        return [_rss_entry(item, base_url) for item in root.iterfind("channel/item") if _rss_link(item)]
    if root is not None and root.tag == f"{ATOM}feed":
        return [_atom_entry(entry, base_url) for entry in root.iterfind(f"{ATOM}entry") if _atom_link(entry)]
    raise NotAFeed(f"not an RSS or Atom feed: <{getattr(root, 'tag', None)}>")


def _rss_link(item: lxml.etree._Element) -> str:
    guid = item.find("guid")
    permalink = guid is not None and guid.get("isPermaLink", "true") == "true"
    return _text(item, "link") or (_text(item, "guid") if permalink else "")


def _rss_entry(item: lxml.etree._Element, base_url: str) -> Entry:
    return Entry(urljoin(base_url, _rss_link(item)), _text(item, "title"), parse_feed_date(_text(item, "pubDate")))


def _atom_link(entry: lxml.etree._Element) -> str:
    links = entry.findall(f"{ATOM}link")
    chosen = next((link for link in links if link.get("rel", "alternate") == "alternate"), None)
    return (chosen.get("href") or "").strip() if chosen is not None else ""


def _atom_entry(entry: lxml.etree._Element, base_url: str) -> Entry:
    return Entry(
        urljoin(base_url, _atom_link(entry)),
        _text(entry, f"{ATOM}title"),
        parse_feed_date(_text(entry, f"{ATOM}published")),
        parse_feed_date(_text(entry, f"{ATOM}updated")),
    )


def read_sitemap(body: bytes, base_url: str) -> tuple[bool, list[Entry]]:
    """(is an index, entries): an index's entries are sitemaps, a urlset's are pages.
    Raises NotAFeed for any other document."""
    try:
        sitemap = Sitemap(body) if body.strip() else None
    except (lxml.etree.XMLSyntaxError, StopIteration) as error:
        raise NotAFeed(f"not XML: {error}") from None
    if sitemap is None or sitemap.type not in ("urlset", "sitemapindex"):
        raise NotAFeed(f"not a sitemap: <{getattr(sitemap, 'type', None)}>")
    entries = [Entry(urljoin(base_url, e["loc"]), lastmod=parse_feed_date(e.get("lastmod"))) for e in sitemap]
    return sitemap.type == "sitemapindex", entries


def sitemaps_in_robots(body: bytes, base_url: str) -> list[str]:
    """The sitemaps a robots.txt names (`Sitemap:` lines)."""
    return list(sitemap_urls_from_robots(body, base_url))


def feeds_on_page(response: TextResponse) -> list[str]:
    """The feeds a page names: `<link rel="alternate" type="application/rss+xml">` or Atom."""
    links = response.xpath("//link[@href and @type]")
    return [
        response.urljoin(link.attrib["href"].strip())
        for link in links
        if "alternate" in link.attrib.get("rel", "").lower().split()
        and link.attrib["type"].strip().lower() in FEED_TYPES
    ]
