"""Stories: which stored articles are copies of one story, and which stories in the other
language report the same inspection case. Run inside the store's write transaction."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, bindparam, delete, insert, select, union

from db.models import Article, LshBand, StoryLink

# MinHash agreement at or above which an LSH candidate is the same story; lower when the two
# state the same figures (an edited repost keeps them).
SAME_STORY = 0.75
SAME_STORY_SAME_FIGURES = 0.6
MOSTLY_SAME_FIGURES = 0.8
# Lower bar for candidates that already share the title, the site's article id or the declared
# canonical URL (mirrors keep all three).
SAME_STORY_WITH_SHARED_KEY = 0.5
MAX_CANDIDATES = 50
# Copies keep the figures; different stories written from one template, or daily reports
# under one title, do not.
SAME_FIGURES = 0.5
MIN_FIGURES = 3
# Cross-language links: reports within this many days sharing this much case evidence.
LINK_WINDOW = timedelta(days=45)
LINK_MIN_SHARED = 2
CASE_KINDS = ("authority", "organisation", "place", "person")
# A site's root and its index pages, in any letter case: /, /index.html, /Default.aspx.
_HOME_PATH = re.compile(r"/?(?:(?:index|default|home)(?:\.[a-z]+)?)?/?", re.IGNORECASE)


def signature_agreement(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures: the share of bins that agree."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def figure_agreement(a: list[str], b: list[str]) -> float | None:
    """Jaccard similarity of the numbers two texts state; None when either states few."""
    if len(a) < MIN_FIGURES or len(b) < MIN_FIGURES:
        return None
    return len(set(a) & set(b)) / len(set(a) | set(b))


def _near_copy(score: float, figures: float | None, bar: float) -> bool:
    """Near copies agree on `bar` of their shingles and on half their figures, or on
    SAME_STORY_SAME_FIGURES of their shingles and most of their figures."""
    if figures is None:
        return score >= bar
    return (score >= bar and figures >= SAME_FIGURES) or (
        score >= min(bar, SAME_STORY_SAME_FIGURES) and figures >= MOSTLY_SAME_FIGURES
    )


_CANDIDATE = (Article.id, Article.story_id, Article.fingerprint, Article.minhash, Article.figures)
_BEFORE = Article.id < bindparam("pk")
# Articles stored before sharing a key, each key through its own index (an OR of them under
# ORDER BY id walks the whole table); a key given as None matches nothing. Recurring titles
# ("Morning Comment: Copper") can name many rows: the latest suffice.
_KEYED_IDS = union(
    select(Article.id).where(Article.fingerprint == bindparam("fingerprint"), _BEFORE),
    select(Article.id).where(Article.title_key == bindparam("title_key"), _BEFORE),
    select(Article.id).where(
        Article.site == bindparam("site"), Article.site_article_id == bindparam("site_article_id"), _BEFORE
    ),
    select(Article.id).where(Article.canonical_url == bindparam("canonical_url"), _BEFORE),
).subquery()
SHARED_KEY = (
    select(*_CANDIDATE)
    .where(Article.id.in_(select(_KEYED_IDS.c.id).order_by(_KEYED_IDS.c.id.desc()).limit(MAX_CANDIDATES)))
    .order_by(Article.id.desc())
)
BY_BAND = select(*_CANDIDATE).where(
    Article.id.in_(select(LshBand.article_pk).where(LshBand.band.in_(bindparam("bands", expanding=True)))), _BEFORE
)
# The stories of the articles stored before that declare a canonical URL (two say enough).
DECLARING = (
    select(Article.story_id).where(Article.canonical_url == bindparam("canonical_url"), _BEFORE).distinct().limit(2)
)


def find_story(conn: Connection, record: Mapping[str, Any], pk: int) -> int | None:
    """The story of a new article (row `pk`), among the articles stored before it: an exact
    copy (the same normalised text), or the most similar near copy found through LSH bands or
    through a key it shares: the title, the site's article id or the canonical URL it
    declares. A shared key only lowers the bar for the text to agree; on its own it joins
    nothing. (Articles stored with it have rows after it, and no story yet.)"""
    canonical = record.get("canonical_url") or ""
    keys = {
        "pk": pk,
        "fingerprint": record["fingerprint"],
        "title_key": record.get("title_key") or None,
        "site": record["site"],
        "site_article_id": record.get("site_article_id") or None,
        "canonical_url": canonical if names_one_story(conn, canonical, pk) else None,
    }
    shared_key = conn.execute(SHARED_KEY, keys).all()
    bands = record.get("bands")
    by_band = conn.execute(BY_BAND, {"pk": pk, "bands": bands}).all() if bands else []
    best, best_score = None, 0.0
    for candidates, bar in ((shared_key, SAME_STORY_WITH_SHARED_KEY), (by_band, SAME_STORY)):
        for candidate in candidates:
            if candidate.fingerprint == record["fingerprint"]:
                return candidate.story_id
            score = signature_agreement(candidate.minhash, record["minhash"])
            if score > best_score and _near_copy(score, figure_agreement(candidate.figures, record["figures"]), bar):
                best, best_score = candidate.story_id, score
    return best


def names_one_story(conn: Connection, canonical_url: str, before: int) -> bool:
    """Whether a declared canonical URL can stand for one article: not a site's home page,
    and not already declared by articles (rows before `before`) of different stories (a CMS
    that stamps one URL on every page it serves)."""
    if not canonical_url or is_home_page(canonical_url):
        return False
    return len(conn.execute(DECLARING, {"canonical_url": canonical_url, "pk": before}).all()) < 2


def is_home_page(url: str) -> bool:
    """A site's root or index page: what a misconfigured CMS declares as every page's canonical."""
    parts = urlsplit(url)
    return not parts.query and bool(_HOME_PATH.fullmatch(parts.path))


def index_bands(conn: Connection, articles: list[tuple[int, Mapping[str, Any]]]) -> None:
    """The LSH band keys of articles (row, record) without any stored, in one statement."""
    rows = [
        {"article_pk": pk, "band": band} for pk, record in articles for band in dict.fromkeys(record.get("bands") or [])
    ]
    if rows:
        conn.execute(insert(LshBand), rows)


def _case_concepts(tags: list[dict]) -> set[str]:
    return {tag["id"] for tag in tags if tag.get("kind") in CASE_KINDS}


def link_languages(conn: Connection, story_id: int, record: Mapping[str, Any]) -> None:
    """Link a relevant article's story to stories in the other language that report on
    the same case: published within LINK_WINDOW, sharing LINK_MIN_SHARED organisations,
    places, people or authorities, one of them an inspection team or an organisation."""
    conn.execute(delete(StoryLink).where((StoryLink.story_a == story_id) | (StoryLink.story_b == story_id)))
    published = record.get("published_at")
    mine = _case_concepts(record.get("tags") or [])
    if not record.get("relevant") or published is None or len(mine) < LINK_MIN_SHARED:
        return
    others = conn.execute(
        select(Article.story_id, Article.tags).where(
            Article.relevant,
            Article.lang != record["lang"],
            Article.published_at.between(published - LINK_WINDOW, published + LINK_WINDOW),
        )
    ).all()
    best: dict[int, tuple[float, list[str]]] = {}
    for other in others:
        if other.story_id == story_id:
            continue
        theirs = _case_concepts(other.tags)
        shared = sorted(mine & theirs)
        anchored = any(t["id"] in shared and t["kind"] in ("authority", "organisation") for t in other.tags)
        if len(shared) < LINK_MIN_SHARED or not anchored:
            continue
        score = round(len(shared) / len(mine | theirs), 3)
        if score > best.get(other.story_id, (0.0, []))[0]:
            best[other.story_id] = (score, shared)
    for other_story, (score, shared) in best.items():
        a, b = sorted((story_id, other_story))
        conn.execute(insert(StoryLink).values(story_a=a, story_b=b, score=score, shared=shared))
