"""Feeds of alerts: Atom 1.0, RSS 2.0 and JSON Feed 1.1 from one list of entries. The
markup is built as a tree (ElementTree), so scraped text is always escaped."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

from monitor.search import MARK_CLOSE, MARK_OPEN

FORMATS = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
ATOM_NS = "http://www.w3.org/2005/Atom"
GENERATOR = "monitor"


@dataclass(frozen=True)
class Entry:
    id: str  # stable: the same alert has the same id in every format and every run
    title: str
    link: str  # the article on its site
    archive_link: str  # the article in the archive's web page
    published: datetime | None
    updated: datetime  # when the alert was raised
    snippet: str  # matched terms between MARK_OPEN and MARK_CLOSE
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    description: str
    home: str  # the web page
    self_link: str  # where the feed is served, in the format being rendered ({format})
    updated: datetime
    entries: list[Entry] = field(default_factory=list)


def render(feed: Feed, fmt: str) -> bytes:
    return {"atom": atom, "rss": rss, "json": json_feed}[fmt](feed)


def snippet_html(snippet: str) -> str:
    """The snippet as HTML: text escaped, matched terms in bold (feed readers' sanitisers,
    feedparser's among them, drop HTML5's <mark>)."""
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(MARK_OPEN, "<b>").replace(MARK_CLOSE, "</b>")


def _content_html(entry: Entry) -> str:
    archive = f'<p><a href="{html.escape(entry.archive_link)}">In the archive</a></p>'
    tags = f"<p>Tags: {html.escape(', '.join(entry.tags))}</p>" if entry.tags else ""
    return f"<p>{snippet_html(entry.snippet)}</p>{tags}{archive}"


# Characters XML 1.0 does not allow: one in a scraped title would make the feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub(" ", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, {name: _xml_text(value) for name, value in attrs.items()})
    if text is not None:
        node.text = _xml_text(text)
    return node


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def atom(feed: Feed) -> bytes:
    root = ET.Element("feed", xmlns=ATOM_NS)
    _sub(root, "id", feed.id)
    _sub(root, "title", feed.title)
    _sub(root, "subtitle", feed.description)
    _sub(root, "updated", feed.updated.isoformat())
    _sub(root, "generator", GENERATOR)
    _sub(root, "link", rel="self", href=feed.self_link.format(format="atom"), type=FORMATS["atom"])
    _sub(root, "link", rel="alternate", href=feed.home, type="text/html")
    _sub(_sub(root, "author"), "name", GENERATOR)
    for entry in feed.entries:
        node = _sub(root, "entry")
        _sub(node, "id", entry.id)
        _sub(node, "title", entry.title)
        _sub(node, "link", rel="alternate", href=entry.link)
        _sub(node, "link", rel="related", href=entry.archive_link, title="In the archive")
        if entry.published:
            _sub(node, "published", entry.published.isoformat())
        _sub(node, "updated", entry.updated.isoformat())
        _sub(node, "summary", snippet_html(entry.snippet), type="html")
        _sub(node, "content", _content_html(entry), type="html")
        for tag in entry.tags:
            _sub(node, "category", term=tag)
    return _xml(root)


def rss(feed: Feed) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home)
    _sub(channel, "description", feed.description)
    _sub(channel, "lastBuildDate", format_datetime(feed.updated))
    _sub(channel, "generator", GENERATOR)
    _sub(channel, "atom:link", rel="self", href=feed.self_link.format(format="rss"), type=FORMATS["rss"])
    for entry in feed.entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.link)
        _sub(item, "guid", entry.id, isPermaLink="false")
        _sub(item, "pubDate", format_datetime(entry.published or entry.updated))
        _sub(item, "description", _content_html(entry))
        for tag in entry.tags:
            _sub(item, "category", tag)
    return _xml(root)


def json_feed(feed: Feed) -> bytes:
    items = []
    for entry in feed.entries:
        item = {
            "id": entry.id,
            "url": entry.link,
            "external_url": entry.archive_link,
            "title": entry.title,
            "content_html": _content_html(entry),
            "summary": entry.snippet,
            "date_modified": entry.updated.isoformat(),
            "tags": list(entry.tags),
        }
        if entry.published:
            item["date_published"] = entry.published.isoformat()
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.home,
        "feed_url": feed.self_link.format(format="json"),
        "authors": [{"name": GENERATOR}],
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
