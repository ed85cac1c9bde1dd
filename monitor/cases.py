"""Inspection cases as people read them, shared by the CLI (`monitor cases`, `monitor case`)
and the API: the list of cases, one case's timeline (its stages by day with their articles
in both languages and sentences, its figures over time), an organisation's or a province's
page (its cases, penalties per year, its articles), and facts totalled by party or place
and year."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from db import Archive
from db import cases as store
from db.fact_totals import fact_numbers
from db.models import Article, ArticleTag
from monitor.labels import tag_label
from monitor.query import tag_ids
from pipelines.article import CHINA_TZ, china_time
from pipelines.parties import ancestors, party_kind_of

PARTY_ARTICLES = 50  # an organisation's or province's newest articles shown on its page
KINDS = {"org": ("organisation",), "place": ("province", "city")}


class CaseError(Exception):
    """A request about cases that cannot be answered; the message says why."""


def parties(value: str, kind: str) -> frozenset[str]:
    """The concepts an --org or --place names (by id or name) with those below it;
    CaseError when it names no organisation (kind "org") or province or city ("place")."""
    found = tag_ids(value)
    what = "an organisation" if kind == "org" else "a province or city"
    if not found or not any(party_kind_of(p) in KINDS[kind] for p in found):
        raise CaseError(f"{value!r} is not {what} of the vocabulary: give a concept id (chinalco, guangxi) or a name")
    return found


def named_party(value: str, kind: str) -> str:
    """The concept id of the organisation or place an --org or --place names: of the kind
    asked, the topmost of those found (a name finds those below it too)."""
    found = parties(value, kind)
    return min(found, key=lambda p: (party_kind_of(p) not in KINDS[kind], len(ancestors(p)), p))


def case_summary(case: Any) -> dict[str, Any]:
    """A cases row as shown: its party's label beside its id."""
    return {
        "id": case.id,
        "key": case.key,
        "party": case.party,
        "party_label": tag_label(case.party),
        "party_kind": case.party_kind,
        "family": case.family,
        "round": case.round,
        "batch": case.batch,
        "team": case.team,
        "stationed": case.stationed,
        "first_day": case.first_day,
        "last_day": case.last_day,
    }


def list_cases(
    archive: Archive, org: str | None = None, place: str | None = None, since: str | None = None
) -> list[dict[str, Any]]:
    """Cases, latest first: of an organisation or a province (and what is below it), active
    on or after a day (YYYY-MM-DD)."""
    if org and place:  # a case's party is one or the other
        raise CaseError("give an organisation or a place, not both")
    named = parties(org, "org") if org else parties(place, "place") if place else None
    with archive.engine.connect() as conn:
        rows = store.list_cases(conn, named, since)
    return [{**case_summary(row), "articles": row.articles, "stages": row.stages} for row in rows]


def _article(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "lang": row.lang,
        "host": row.host,
        "url": row.url,
        "published_at": china_time(row.published_at),
    }


def case_view(archive: Archive, case_id: int) -> dict[str, Any] | None:
    """One case's timeline: stages by day, each with the articles (both languages) and
    sentences that show it; figures by as-of day; all its articles. None if no such case."""
    with archive.engine.connect() as conn:
        case = store.get_case(conn, case_id)
        if case is None:
            return None
        stage_rows = store.case_stages(conn, case_id)
        figure_rows = store.case_figures(conn, case_id)
        article_rows = store.case_articles(conn, case_id)
    stages: dict[tuple[str, str], dict[str, Any]] = {}
    for row in stage_rows:
        stage = stages.setdefault((row.day, row.stage), {"stage": row.stage, "day": row.day, "articles": []})
        stage["articles"].append({**_article(row), "sentence": row.sentence})
    figures: dict[tuple[str, str, int], dict[str, Any]] = {}
    for row in figure_rows:
        figure = figures.setdefault(
            (row.as_of, row.kind, row.value), {"kind": row.kind, "value": row.value, "as_of": row.as_of, "articles": []}
        )
        figure["articles"].append({**_article(row), "sentence": row.sentence})
    return {
        **case_summary(case),
        "stages": list(stages.values()),
        "figures": list(figures.values()),
        "articles": [_article(row) for row in article_rows],
    }


def fact_totals(
    archive: Archive,
    kind: str,
    by: str,
    tags: frozenset[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict[str, Any]]:
    """The facts of one kind (penalties in yuan, counts) totalled by party or place and the
    year of publication (China time), each story's fact counted once (a repost, a mirror's
    copy, say the same); largest totals first within each year, latest year first."""
    with archive.engine.connect() as conn:
        rows = fact_numbers(conn, kind, by, tags, since, until)
    seen = {(row.who, row.number, row.story_id) for row in rows}
    totals: dict[tuple[str, int], list[int]] = defaultdict(list)
    years = {row.story_id: row.published_at.astimezone(CHINA_TZ).year for row in rows}
    for who, number, story in seen:
        totals[(who, years[story])].append(number)
    ordered = sorted(totals.items(), key=lambda item: (-item[0][1], -sum(item[1]), item[0][0]))
    return [
        {by: who, "label": tag_label(who), "year": year, "total": sum(numbers), "facts": len(numbers)}
        for (who, year), numbers in ordered
    ]


def party_view(archive: Archive, value: str, kind: str) -> dict[str, Any]:
    """An organisation's or a province's page: its cases, its penalties per year (facts
    about it or its subsidiaries, or cities), and its newest articles."""
    party = named_party(value, kind)
    named = parties(party, kind)
    by = "party" if kind == "org" else "place"
    penalties: dict[int, int] = defaultdict(int)
    for total in fact_totals(archive, "penalty", by):
        if total[by] in named:
            penalties[total["year"]] += total["total"]
    with archive.engine.connect() as conn:
        rows = conn.execute(
            select(Article.id, Article.title, Article.lang, Article.host, Article.url, Article.published_at)
            .where(Article.id.in_(select(ArticleTag.article_pk).where(ArticleTag.tag.in_(sorted(named)))))
            .order_by(Article.published_at.desc(), Article.id.desc())
            .limit(PARTY_ARTICLES)
        ).all()
    return {
        "id": party,
        "label": tag_label(party),
        "kind": party_kind_of(party),
        "cases": list_cases(archive, **{kind: party}),
        "penalties": [{"year": year, "total_yuan": total} for year, total in sorted(penalties.items())],
        "articles": [_article(row) for row in rows],
    }
