"""An article's fields, each from the most stable place the page offers it: the structured
data the page states for machines (spiders.structured), then the site's own selectors, then
the generic extractor (pipelines.generic). A field one way misses is filled by the next, so a
redesign of the visible markup loses no article; what each field came from is kept
(`Article.field_sources`) and which selectors found nothing is counted (crawl health's
selectors_drift)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.article import Article, BrokenPage

FIELDS = ("title", "published_at", "author", "source", "body")
STRUCTURED, SELECTORS, GENERIC = "structured", "selectors", "generic"
EMPTY: dict[str, Any] = {"title": "", "published_at": None, "author": "", "source": "", "body": []}


@dataclass
class Markup:
    """What a site's selectors found: a value for each field whose element the page has
    (an empty value is the page stating nothing there, as a mirror's blank 来源), and the
    site's other fields (category, editor, views, page_tags)."""

    fields: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fields:
    values: dict[str, Any]
    sources: dict[str, str]  # field -> structured, selectors or generic; no entry: nowhere
    missed: list[str]  # the site's selectors that found nothing on this page
    generic: Article | None  # the generic extractor's reading, when one was needed
    extras: dict[str, Any] = field(default_factory=dict)  # other fields a site derives (finish)


def layer(
    structured: dict[str, Any], markup: Markup, selected: tuple[str, ...], generic: Callable[[], Article | None]
) -> Fields:
    """Each field from the first way that has it. `selected`: the fields the site's selectors
    are for; the others come from structured data or the generic extractor only.

    A body container found empty, or structured data stating an empty body, is the page
    saying it has none (a broken page): it stays broken, not read from elsewhere on it."""
    missed = [name for name in selected if not _found(markup.fields, name)]
    values, sources = dict(EMPTY), {}
    reading: list[Article | None] = []

    def generic_reading() -> Article | None:
        if not reading:
            reading.append(generic())
        return reading[0]

    for name in FIELDS:
        if structured.get(name):
            values[name], sources[name] = structured[name], STRUCTURED
        elif name in selected and name not in missed:
            values[name], sources[name] = markup.fields[name], SELECTORS
        elif name == "body" and ("body" in markup.fields or structured.get("body_empty")):
            raise BrokenPage("empty_body", "the page's body holds no text")
        elif (article := generic_reading()) is not None and (value := generic_value(article, name)):
            values[name], sources[name] = value, GENERIC
    if not values["title"]:
        raise BrokenPage("no_title", "no title in the page")
    if not values["body"]:
        raise BrokenPage("empty_body", "no body in the page")
    return Fields(values, sources, missed, reading[0] if reading else None)


def _found(found: dict[str, Any], name: str) -> bool:
    """Whether the selectors found the field: a title or body must hold text, a time must be
    read (an empty author or source is the page saying it names none)."""
    if name not in found:
        return False
    if name == "published_at":
        return found[name] is not None
    return bool(found[name]) or name not in ("title", "body")


def generic_value(article: Article, name: str) -> Any:
    return article.paragraphs if name == "body" else getattr(article, name)
