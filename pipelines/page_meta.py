"""What a page states about itself in machine-readable form: <meta> tags and JSON-LD.

Publishers fill these for search engines and social cards, so when present they are the
most reliable source of title, publication date and author; the visible text is read only
for what they leave out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from lxml import html

# JSON-LD types that describe the page's own article (not its publisher or breadcrumbs).
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "posting",
    "socialmediaposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "webpage",
    "liveblogposting",
    "backgroundnewsarticle",
    "creativework",
}
# Meta names and properties that carry the first publication time, best first. Modification
# times (article:modified_time, dateModified, last-modified) are left out on purpose.
PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "publishtime",
    "publish_time",
    "firstpublishedtime",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "originalpublicationdate",
    "article:published",
    "weibo:article:create_at",
    "created",
    "releasedate",
    "release_date",
)
AUTHOR_KEYS = (
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "sailthru.author",
    "parsely-author",
    "byl",
    "twitter:creator",
)
TITLE_KEYS = ("og:title", "twitter:title", "articletitle")
# Chinese government sites' CMS (TRS) names the article's source in a meta tag.
SOURCE_KEYS = ("contentsource", "source")
# JSON-LD nested deeper than this is no page's metadata (and would exhaust the stack).
MAX_JSON_DEPTH = 64
# Meta names that carry the site's or publisher's own name.
OUTLET_KEYS = ("og:site_name", "application-name", "publisher", "copyright")


# A publication time under a key of its own in a script's JSON or assignments:
# "datePublished": "2023-12-18T09:00:00Z", publish_time: '2023-12-18 09:00', "pubDate":"..."
_JSON_PUBLISHED = re.compile(
    r"[\"']?(?:date_?published|published_?(?:at|date|time|on)|first_?published\w*|pub_?date|pub_?time|publish_?(?:date|time|at))"
    r"[\"']?\s*[:=]\s*[\"'](?P<value>(?:19|20)\d{2}-\d{2}-\d{2}(?:[T ][\d:.]+(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?)?)[\"']",
    re.IGNORECASE,
)
# A hidden form field named after the publication time: <input class="published_date" value="...">
_PUBLISHED_NAME = re.compile(r"publish|pub_?date|post_?date|created", re.IGNORECASE)


@dataclass
class PageMeta:
    tags: dict[str, str] = field(default_factory=dict)  # meta name/property/itemprop -> content
    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD article objects
    # Publication times a page's scripts hold in JSON that is not JSON-LD (a framework's page
    # state, an analytics call), and those in hidden form fields: in document order.
    script_dates: list[str] = field(default_factory=list)

    def first(self, keys: tuple[str, ...]) -> str:
        return next((self.tags[k] for k in keys if self.tags.get(k)), "")

    def ld_values(self, key: str) -> list[Any]:
        return [obj[key] for obj in self.articles if obj.get(key)]


def read_meta(tree: html.HtmlElement) -> PageMeta:
    meta = PageMeta()
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        # Some templates write value= where content= belongs; the value is often escaped twice.
        content = unescape((element.get("content") or element.get("value") or "").strip())
        if key and content and key not in meta.tags:
            meta.tags[key] = content
    for element in tree.xpath('//*[@itemprop="datePublished" or @itemprop="author"][not(self::meta)]'):
        key = element.get("itemprop").lower()
        value = element.get("datetime") or element.get("content") or " ".join(element.text_content().split())
        if value and key not in meta.tags:
            meta.tags[key] = value
    json_ld: list[str] = []
    for script in tree.xpath("//script"):
        text = script.text or ""
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            json_ld.append(text)
        elif not meta.script_dates:  # the first: a page's own state comes before its lists'
            found = _JSON_PUBLISHED.search(unescape(text) if "&" in text else text)
            if found:
                meta.script_dates.append(found["value"])
    for element in tree.xpath('//input[@type="hidden"][@value]'):
        if _PUBLISHED_NAME.search(" ".join(element.get(a, "") for a in ("name", "id", "class"))):
            meta.script_dates.append(element.get("value"))
    meta.articles = json_ld_articles(json_ld)
    return meta


def json_ld_articles(scripts: list[str]) -> list[dict[str, Any]]:
    """The article objects of a page's JSON-LD scripts, its own article first (a NewsArticle
    over a WebPage that wraps it)."""
    articles = [obj for text in scripts for obj in _article_objects(_load(text))]
    return sorted(articles, key=lambda obj: "webpage" in _types(obj))


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
    """JSON-LD, also where the template escaped it as HTML (&quot;headline&quot;)."""
    for attempt in (text, unescape(text)):
        try:
            data = json.loads(attempt, strict=False)
        except (ValueError, RecursionError):  # json raises RecursionError on deep nesting
            continue
        return None if _nested_deeper(data, MAX_JSON_DEPTH) else data
    return None


def _nested_deeper(data: Any, limit: int) -> bool:
    """Whether JSON holds lists or objects nested more than `limit` deep (no metadata is:
    the recursive readers here would run out of stack)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


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
