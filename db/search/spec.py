"""What a search asks for (its expression, filters, order, whether copies of one story
collapse) and what a ranking gives back: the same for both engines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from db.search.expression import Node


@dataclass(frozen=True)
class Filters:
    """What a search keeps besides its words. Within one kind, values are alternatives
    (site:smm site:cnmn is either); each tag group must hold (a tag with its narrower ones)."""

    sites: tuple[str, ...] = ()  # spider names (cnmn) or hosts (www.cnmn.com.cn)
    not_sites: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    not_langs: tuple[str, ...] = ()
    relevance: tuple[str, ...] = ()  # labels, or "relevant" for supervision and rectification
    not_relevance: tuple[str, ...] = ()
    tags: tuple[tuple[str, ...], ...] = ()
    not_tags: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class Search:
    node: Node | None
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # or "date"
    collapse: bool = True  # one result per story


@dataclass(frozen=True)
class Ranked:
    id: int  # the result: an article, or the face of a story
    story_id: int


@dataclass(frozen=True)
class Match:
    """One of the best matches, with `total`: how many stories (collapsed) or articles match."""

    id: int
    story_id: int
    rank: float
    total: int
