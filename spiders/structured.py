"""What a page states of its article for machines: the most stable place a site offers,
since it outlives every redesign of the visible markup. Read here, best first:

- a Next.js page's `__NEXT_DATA__` (the article object under props.pageProps);
- JSON-LD article objects (schema.org headline, datePublished, author, articleBody);
- the TRS CMS's meta tags that most Chinese government sites carry (ArticleTitle, PubDate,
  ContentSource, author).

Each reader gives only the fields it finds, never a guess; spiders.fields layers them
before the site's selectors and the generic extractor."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from parsel import Selector
from scrapy.http import TextResponse

from common.china_time import CHINA_TZ
from pipelines.dates import parse_machine_datetime
from pipelines.page_meta import json_ld_articles, names_of
from spiders.parsing import paragraphs_of

# Keys an article object of a site's own JSON uses, best first (sites name them freely).
_TITLE_KEYS = ("title", "headline", "newsTitle", "articleTitle", "name")
_CONTENT_KEYS = ("content", "body", "articleBody", "newsContent", "contentHtml", "html", "text")
_DATE_KEYS = (
    "publishTime",
    "publishedAt",
    "publishDate",
    "publish_time",
    "publishedTime",
    "pubDate",
    "datePublished",
    "releaseTime",
    "createTime",
    "createdAt",
    "date",
    "time",
)
_SOURCE_KEYS = ("source", "sourceName", "origin")
_AUTHOR_KEYS = ("author", "authorName", "writer")
_TAG_KEYS = ("tags", "keywords", "tagList")
MIN_BODY = 200  # characters: a shorter JSON-LD articleBody is a summary, not the article
MAX_DEPTH = 8  # levels under props.pageProps searched for the article object
_EPOCH_MS = 10**11  # a larger epoch number counts milliseconds
# TRS CMS meta names: their presence marks the CMS, whose `author` meta is the reporter's.
_TRS_MARKS = ("articletitle", "pubdate", "contentsource")


def structured_fields(response: TextResponse) -> dict[str, Any]:
    """title, published_at, author, source, body (paragraphs) and tags, as far as the page
    states them for machines; the first reader that gives a field wins."""
    found: dict[str, Any] = {}
    readers: tuple[Callable[[TextResponse], dict[str, Any]], ...] = (_next_data, _json_ld, _trs_meta)
    for reader in readers:
        for name, value in reader(response).items():
            if value and name not in found:
                found[name] = value
    return found


# --- __NEXT_DATA__ ---


def _next_data(response: TextResponse) -> dict[str, Any]:
    script = response.css("script#__NEXT_DATA__::text").get()
    if not script:
        return {}
    try:
        data = json.loads(script)
        props = data["props"]["pageProps"]
    except (ValueError, KeyError, TypeError):
        return {}
    candidates = list(_article_objects(props, MAX_DEPTH))
    if not candidates:
        return {}
    article = max(candidates, key=lambda obj: len(_first_text(obj, _CONTENT_KEYS)))
    content = _first_text(article, _CONTENT_KEYS)
    return {
        "body_empty": not content,  # the page states that it has no body: a broken page
        "title": " ".join(_first_text(article, _TITLE_KEYS).split()),
        "published_at": _moment(next((article[k] for k in _DATE_KEYS if article.get(k)), None)),
        "author": ", ".join(_names(next((article[k] for k in _AUTHOR_KEYS if article.get(k)), None))),
        "source": " ".join(_first_text(article, _SOURCE_KEYS).split()),
        "body": _paragraphs(content),
        "tags": _tags(next((article[k] for k in _TAG_KEYS if article.get(k)), None)),
    }


def _article_objects(value: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Objects with a title and a content string (maybe empty): the page's article, and maybe
    its neighbours (related articles carry titles, rarely bodies)."""
    if depth < 0:
        return
    if isinstance(value, dict):
        if _first_text(value, _TITLE_KEYS) and any(isinstance(value.get(k), str) for k in _CONTENT_KEYS):
            yield value
        for child in value.values():
            yield from _article_objects(child, depth - 1)
    elif isinstance(value, list):
        for child in value:
            yield from _article_objects(child, depth - 1)


def _first_text(obj: dict[str, Any], keys: tuple[str, ...]) -> str:
    return next((obj[k] for k in keys if isinstance(obj.get(k), str) and obj[k].strip()), "")


def _moment(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        seconds = value / 1000 if value >= _EPOCH_MS else value
        try:  # an instant, shown on the Chinese sites' own clock as the pages print it
            return datetime.fromtimestamp(seconds, CHINA_TZ)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value.strip():
        if value.strip().isdigit():
            return _moment(int(value.strip()))
        return parse_machine_datetime(value)
    return None


def _names(value: Any) -> list[str]:
    return [" ".join(name.split()) for name in names_of(value) if name.strip()]


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        return [tag.strip() for tag in value.replace("，", ",").split(",") if tag.strip()]
    if isinstance(value, list):
        tags = [
            item if isinstance(item, str) else item.get("name", "") if isinstance(item, dict) else "" for item in value
        ]
        return [" ".join(tag.split()) for tag in tags if isinstance(tag, str) and tag.strip()]
    return []


def _paragraphs(content: str) -> list[str]:
    """The paragraphs of an article's content, HTML or plain text."""
    if "<" in content:
        return paragraphs_of(Selector(text=f"<div>{content}</div>").css("body > div")[0])
    return [" ".join(line.split()) for line in content.splitlines() if line.strip()]


# --- JSON-LD ---


def _json_ld(response: TextResponse) -> dict[str, Any]:
    articles = json_ld_articles(response.css('script[type="application/ld+json"]::text').getall())
    if not articles:
        return {}
    article = articles[0]
    body = article.get("articleBody")
    return {
        "title": " ".join(article["headline"].split()) if isinstance(article.get("headline"), str) else "",
        "published_at": _moment(article.get("datePublished")),
        "author": ", ".join(_names(article.get("author"))),
        "body": _paragraphs(body) if isinstance(body, str) and len(body) >= MIN_BODY else [],  # shorter: a summary
    }


# --- TRS CMS meta tags ---


def _trs_meta(response: TextResponse) -> dict[str, Any]:
    tags: dict[str, str] = {}
    for meta in response.css("meta[name]"):
        name = meta.attrib.get("name", "").strip().lower()
        content = " ".join(meta.attrib.get("content", "").split())
        if content and name not in tags:
            tags[name] = content
    if not any(mark in tags for mark in _TRS_MARKS):
        return {}
    return {
        "title": tags.get("articletitle", ""),
        "published_at": _moment(tags.get("pubdate") or tags.get("publishdate")),
        "source": tags.get("contentsource", ""),
        "author": tags.get("author", ""),
    }
