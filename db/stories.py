"""Stories: which stored articles are copies of one story, and which stories in the other
language report the same inspection case. Run inside the store's write transaction."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, func, insert, select, tuple_, union

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


# A batch's new articles (rows first..last, inserted in order) find their stories among the
# articles stored before each, the batch's earlier ones too, in four statements for the whole
# batch, where three an article (each a round trip: 2-3 ms on a loaded PostgreSQL, ten times
# its work) were most of the store's time. The keyed rows first, without their signatures:
# the latest of each key value suffice (recurring titles, "Morning Comment: Copper", name
# many rows). Those of the batch are the latest, so MAX_CANDIDATES more than the batch's
# size hold the MAX_CANDIDATES before any of its articles. Then the signatures of the
# candidates only.
_KEY_COLUMNS = (
    ("fingerprint", (Article.fingerprint,)),
    ("title_key", (Article.title_key,)),
    ("site_article", (Article.site, Article.site_article_id)),
    ("canonical_url", (Article.canonical_url,)),
)
_KEYED = (
    Article.id,
    Article.story_id,
    Article.fingerprint,
    Article.title_key,
    Article.site,
    Article.site_article_id,
    Article.canonical_url,
)
_CANDIDATE = (Article.id, Article.story_id, Article.fingerprint, Article.minhash, Article.figures)


def _keyed_rows(conn: Connection, keys: list[_Keys], last: int, keep: int) -> list[Any]:
    """The latest `keep` rows (up to `last`) of each key value of the batch's articles,
    each key through its own index (an OR of them walks the whole table)."""
    parts = []
    for name, columns in _KEY_COLUMNS:
        values = {value for k in keys if (value := getattr(k, name)) is not None}
        if not values:
            continue
        matches = tuple_(*columns).in_(sorted(values)) if len(columns) > 1 else columns[0].in_(sorted(values))
        ranked = (
            select(Article.id, func.row_number().over(partition_by=columns, order_by=Article.id.desc()).label("n"))
            .where(matches, Article.id <= last)
            .subquery()
        )
        parts.append(select(ranked.c.id).where(ranked.c.n <= keep))
    if not parts:
        return []
    ids = parts[0] if len(parts) == 1 else union(*parts)
    return list(conn.execute(select(*_KEYED).where(Article.id.in_(ids))).all())


def _declared_stories(conn: Connection, urls: set[str], first: int) -> dict[str, set[int]]:
    """Two of the stories (at most) of the articles before `first` declaring each URL."""
    if not urls:
        return {}
    pairs = (
        select(Article.canonical_url, Article.story_id)
        .where(Article.canonical_url.in_(sorted(urls)), Article.id < first)
        .group_by(Article.canonical_url, Article.story_id)
        .subquery()
    )
    ranked = select(
        pairs.c.canonical_url,
        pairs.c.story_id,
        func.row_number().over(partition_by=pairs.c.canonical_url, order_by=pairs.c.story_id).label("n"),
    ).subquery()
    found: dict[str, set[int]] = defaultdict(set)
    for url, story in conn.execute(select(ranked.c.canonical_url, ranked.c.story_id).where(ranked.c.n <= 2)):
        found[url].add(story)
    return found


def _band_rows(conn: Connection, keys: list[_Keys], last: int) -> dict[int, set[int]]:
    """The articles (up to `last`) sharing a band with one of the batch's, by band."""
    bands = sorted({band for k in keys for band in k.bands})
    by_band: dict[int, set[int]] = defaultdict(set)
    if bands:
        rows = conn.execute(
            select(LshBand.band, LshBand.article_pk).where(LshBand.band.in_(bands), LshBand.article_pk <= last)
        )
        for band, pk in rows:
            by_band[band].add(pk)
    return by_band


@dataclass(frozen=True)
class _Keys:
    """What a new article is looked up by: its keys (None matches nothing) and bands."""

    pk: int
    fingerprint: str
    title_key: str | None
    site_article: tuple[str, str] | None
    canonical_url: str | None  # a URL that is no home page; whether it names one story is seen in order
    bands: tuple[int, ...]

    @classmethod
    def of(cls, pk: int, record: Mapping[str, Any]) -> _Keys:
        canonical = record.get("canonical_url") or ""
        site_article_id = record.get("site_article_id") or None
        return cls(
            pk,
            record["fingerprint"],
            record.get("title_key") or None,
            (record["site"], site_article_id) if site_article_id is not None else None,
            canonical if canonical and not is_home_page(canonical) else None,
            tuple(record.get("bands") or ()),
        )


def _by_key(keyed: list[Any]) -> dict[tuple[str, Any], list[int]]:
    """The keyed rows' ids by (key name, value)."""
    ids: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for row in keyed:
        ids["fingerprint", row.fingerprint].append(row.id)
        ids["title_key", row.title_key].append(row.id)
        ids["site_article", (row.site, row.site_article_id)].append(row.id)
        ids["canonical_url", row.canonical_url].append(row.id)
    return ids


def find_stories(conn: Connection, written: list[tuple[int, Mapping[str, Any]]]) -> dict[int, int]:
    """The story of each new article of a batch (rows `pk`, inserted in this order with
    their bands, no story yet), each among the articles stored before it, the batch's
    earlier ones included: an exact copy (the same normalised text), or the most similar
    near copy found through LSH bands or through a key it shares: the title, the site's
    article id or the canonical URL it declares (when that names one story). A shared key
    only lowers the bar for the text to agree; on its own it joins nothing. An article with
    none has a story of its own (its pk)."""
    if not written:
        return {}
    keys = [_Keys.of(pk, record) for pk, record in written]
    first, last = min(k.pk for k in keys), max(k.pk for k in keys)
    keyed = _by_key(_keyed_rows(conn, keys, last, MAX_CANDIDATES + len(keys)))
    declared = _declared_stories(conn, {k.canonical_url for k in keys if k.canonical_url}, first)
    by_band = _band_rows(conn, keys, last)
    banded = {k.pk: sorted({pk for band in k.bands for pk in by_band.get(band, ()) if pk < k.pk}) for k in keys}
    # Whether a canonical URL names one story is known in order: either way's candidates.
    wanted = {pk for k in keys for canonical in (False, True) for pk in _shared(k, keyed, canonical)}
    wanted |= {pk for pks in banded.values() for pk in pks}
    rows = {row.id: row for row in conn.execute(select(*_CANDIDATE).where(Article.id.in_(sorted(wanted))))}
    stories: dict[int, int] = {}

    def story(pk: int) -> int:  # the batch's own have theirs here, not yet in their rows
        return stories.get(pk, rows[pk].story_id)

    for k, (_, record) in zip(keys, written, strict=True):
        canonical = k.canonical_url is not None and (
            len(
                declared.get(k.canonical_url, set())
                | {story(pk) for pk in keyed.get(("canonical_url", k.canonical_url), ()) if first <= pk < k.pk}
            )
            < 2
        )
        candidates = (
            [(rows[pk], story(pk)) for pk in _shared(k, keyed, canonical)],
            [(rows[pk], story(pk)) for pk in banded[k.pk]],
        )
        stories[k.pk] = _best_story(record, candidates) or k.pk
    return stories


def _shared(k: _Keys, keyed: dict[tuple[str, Any], list[int]], canonical: bool) -> list[int]:
    """The latest MAX_CANDIDATES articles before k's sharing one of its keys, the latest
    first: the title, the site's article id, the canonical URL if `canonical` (it names one
    story), and the fingerprint."""
    names = [name for name in ("fingerprint", "title_key", "site_article") if getattr(k, name) is not None]
    if canonical:
        names.append("canonical_url")
    shared = {pk for name in names for pk in keyed.get((name, getattr(k, name)), ()) if pk < k.pk}
    return sorted(shared, reverse=True)[:MAX_CANDIDATES]


def _best_story(record: Mapping[str, Any], candidates: tuple[list[Any], list[Any]]) -> int | None:
    """The story of the first exact copy among the (row, story) candidates sharing a key,
    then those sharing a band; else of the most similar near copy (the first of equals)."""
    best, best_score = None, 0.0
    for found, bar in zip(candidates, (SAME_STORY_WITH_SHARED_KEY, SAME_STORY), strict=True):
        for candidate, story in found:
            if candidate.fingerprint == record["fingerprint"]:
                return story
            score = signature_agreement(candidate.minhash, record["minhash"])
            if score > best_score and _near_copy(score, figure_agreement(candidate.figures, record["figures"]), bar):
                best, best_score = story, score
    return best


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


def link_languages(conn: Connection, articles: list[tuple[int, Mapping[str, Any]]]) -> None:
    """Link each written article's story (story id, record; in the order written) to the
    stories in the other language that report on the same case, as if one by one: the
    story's links made anew, those of its article written last. Made in memory and written
    in two statements for the batch (a delete and an insert a link were a round trip each)."""
    links: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for story_id, record in articles:
        links = {pair: link for pair, link in links.items() if story_id not in pair}
        for other_story, link in _language_links(conn, story_id, record).items():
            a, b = sorted((story_id, other_story))
            links[a, b] = link
    stories = sorted({story_id for story_id, _ in articles})
    if not stories:
        return
    conn.execute(delete(StoryLink).where(StoryLink.story_a.in_(stories) | StoryLink.story_b.in_(stories)))
    if links:
        conn.execute(
            insert(StoryLink),
            [
                {"story_a": a, "story_b": b, "score": score, "shared": shared}
                for (a, b), (score, shared) in links.items()
            ],
        )


def _language_links(conn: Connection, story_id: int, record: Mapping[str, Any]) -> dict[int, tuple[float, list[str]]]:
    """The stories in the other language a relevant article's story links to (score, shared
    concepts): published within LINK_WINDOW, sharing LINK_MIN_SHARED organisations, places,
    people or authorities, one of them an inspection team or an organisation."""
    published = record.get("published_at")
    mine = _case_concepts(record.get("tags") or [])
    if not record.get("relevant") or published is None or len(mine) < LINK_MIN_SHARED:
        return {}
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
    return best
