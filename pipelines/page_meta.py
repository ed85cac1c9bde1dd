"""What a page states about itself in machine-readable form: <meta> tags and JSON-LD.

Publishers fill these for search engines and social cards, so when present they are the
most reliable source of title, publication date and author; the visible text is read only
for what they leave out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from lxml import html

# JSON-LD types that describe the page's own article (not its publisher or breadcrumbs).
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "blogposting", "posting", "socialmediaposting", "scholarlyarticle", "techarticle", "report",
    "webpage", "liveblogposting", "backgroundnewsarticle", "creativework",
}
# Meta names and properties that carry the first publication time, best first. Modification
# times (article:modified_time, dateModified, last-modified) are left out on purpose.
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "article.published", "parsely-pub-date", "sailthru.date", "publishdate", "publish-date",
    "publish_date", "pubdate", "publication_date", "dc.date.issued", "dcterms.issued",
    "dc.date.created", "dcterms.created", "dc.date", "dcterms.date", "date", "originalpublicationdate",
    "article:published", "weibo:article:create_at", "created", "firstpublishedtime",
)
AUTHOR_KEYS = (
    "author", "article:author", "og:article:author", "dc.creator", "dcterms.creator",
    "sailthru.author", "parsely-author", "byl", "twitter:creator",
)
TITLE_KEYS = ("og:title", "twitter:title")
# Meta names that carry the site's or publisher's own name.
OUTLET_KEYS = ("og:site_name", "application-name", "publisher", "copyright")


@dataclass
class PageMeta:
    tags: dict[str, str] = field(default_factory=dict)  # meta name/property/itemprop -> content
    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD article objects

    def first(self, keys: tuple[str, ...]) -> str:
        return next((self.tags[k] for k in keys if self.tags.get(k)), "")

    def ld_values(self, key: str) -> list[Any]:
        return [obj[key] for obj in self.articles if obj.get(key)]


def read_meta(tree: html.HtmlElement) -> PageMeta:
    meta = PageMeta()
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = unescape((element.get("content") or "").strip())  # often escaped twice
        if key and content and key not in meta.tags:
            meta.tags[key] = content
    for element in tree.xpath('//*[@itemprop="datePublished" or @itemprop="author"][not(self::meta)]'):
        key = element.get("itemprop").lower()
        value = element.get("datetime") or element.get("content") or " ".join(element.text_content().split())
        if value and key not in meta.tags:
            meta.tags[key] = value
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        meta.articles.extend(_article_objects(_load(script.text or "")))
    # A page's own article first: a NewsArticle over a WebPage that wraps it.
    meta.articles.sort(key=lambda obj: "webpage" in _types(obj))
    return meta


def names_of(value: Any) -> list[str]:
    """The person names in a JSON-LD author value: a string, an object, or a list of them.
    An Organization as author is the publisher, not a writer: left out."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        name = value.get("name")
        if "organization" in _types(value) or not isinstance(name, (str, list)):
            return []
        return names_of(name)
    if isinstance(value, list):
        return [name for item in value for name in names_of(item)]
    return []


def _load(text: str) -> Any:
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


def _article_objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _article_objects(item)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _article_objects(data["@graph"])
        if _types(data) & _ARTICLE_TYPES:
            yield data


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}
