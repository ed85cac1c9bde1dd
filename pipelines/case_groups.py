"""Assigning articles to cases: a case is one inspected party in one central inspection.

A pure function over case readings (pipelines.cases): articles that name the inspection's
round and batch found the cases; one that names only the team, or only the year, joins the
party's case of that team or year; one that names nothing joins the party's latest case
within three years of its stationing (a look-back a year or two later belongs to the
inspection it looks back on). A subsidiary's (or a city's) article joins its parent's (its
province's) case when it has none of its own.
Languages and reposts need nothing of their own: they read alike."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from db import cases as db_cases
from db.cases import CaseUpdate
from pipelines.article import Article
from pipelines.cases import CaseReading, Figure, family
from pipelines.parties import ancestors, party_kind_of

# How long after its stationing an article may still be about an inspection: rectification
# runs two years or so, a look-back comes a year or two after stationing.
CASE_SPAN_DAYS = 3 * 365
# How long before the first article found an inspection may have been stationed.
EARLIER_DAYS = 2 * 365
# A repost comes within days of its original.
REPOST_DAYS = 7


@dataclass
class Case:
    """A case as assembled: its key and its articles' readings."""

    key: str  # party/inspection, e.g. "chinalco/r2b4" or "chinalco/t4-2020"
    party: str
    round: int | None
    batch: int | None
    team: int | None
    first: date  # its first article's day
    stationed: date | None = None  # the stationing day an article states
    readings: list[CaseReading] = field(default_factory=list)

    def add(self, reading: CaseReading) -> None:
        self.readings.append(reading)
        self.first = min(self.first, reading.published)
        if reading.stationed:
            self.stationed = min(self.stationed or reading.stationed.day, reading.stationed.day)
        self.team = self.team or reading.inspection.team

    def figures(self, reading: CaseReading) -> tuple[Figure, ...]:
        """The reading's figures as the case holds them: a repost (the same sentences stating
        the same figures, days after) that dates them not has them as of its original's days."""
        if not takes_days(reading):
            return reading.figures
        stated = {(figure.kind, figure.value, figure.sentence) for figure in reading.figures}
        for earlier in sorted(self.readings, key=lambda r: r.published):
            days = (reading.published - earlier.published).days
            if 0 < days <= REPOST_DAYS and {(f.kind, f.value, f.sentence) for f in earlier.figures} == stated:
                return earlier.figures
        return reading.figures

    @property
    def start(self) -> date:
        return self.stationed or self.first

    def may_hold(self, day: date, year: int | None) -> bool:
        """Whether an article of that day, about an inspection of that year (if it says),
        can be about this case: stationed that year, and the day within the case's span.
        Without a stationing day the case may have begun before its first article."""
        earliest = self.stationed or date.fromordinal(self.first.toordinal() - EARLIER_DAYS)
        if year is not None and not earliest.year <= year <= self.start.year:
            return False
        return earliest <= day <= date.fromordinal(self.start.toordinal() + CASE_SPAN_DAYS)


def takes_days(reading: CaseReading) -> bool:
    """Whether the reading's figures may be as of another article's days (Case.figures):
    it states figures, and dates none."""
    return bool(reading.figures) and not any(figure.dated for figure in reading.figures)


def case_key(party: str, reading: CaseReading) -> str:
    inspection = reading.inspection
    if inspection.round and inspection.batch:
        return f"{party}/r{inspection.round}b{inspection.batch}"
    start = reading.stationed.day if reading.stationed else reading.published
    year = inspection.year or start.year
    return f"{party}/t{inspection.team}-{year}" if inspection.team else f"{party}/{year}"


def _fits(case: Case, reading: CaseReading) -> bool:
    """Whether what the reading names of its inspection agrees with the case."""
    inspection = reading.inspection
    if inspection.round and inspection.batch:
        return (case.round, case.batch) == (inspection.round, inspection.batch)
    if inspection.team and case.team and inspection.team != case.team:
        return False
    return case.may_hold(reading.published, inspection.year)


def _order(reading: CaseReading) -> tuple:
    """Readings that name the most of their inspection go first: they found the cases."""
    inspection = reading.inspection
    named = 0 if inspection.round and inspection.batch else 1 if inspection.team else 2 if inspection.year else 3
    # A parent's article before its subsidiary's: the subsidiary's then joins the parent's case.
    depth = len(ancestors(reading.party)) if reading.party else 0
    return (named, depth, reading.published, reading.article)


def assign_cases(readings: Iterable[CaseReading]) -> dict[str, Case]:
    """Case of each article about a central inspection, by the article's identity."""
    cases: dict[str, Case] = {}
    by_party: dict[str, list[Case]] = {}
    assigned: dict[str, Case] = {}
    for reading in sorted((r for r in readings if r.central and r.party), key=_order):
        party = reading.party or ""
        case = _existing(reading, party, by_party)
        if case is None:
            key = case_key(party, reading)
            case = cases.get(key)
            if case is None:
                inspection = reading.inspection
                case = Case(key, party, inspection.round, inspection.batch, inspection.team, reading.published)
                cases[key] = case
                by_party.setdefault(party, []).append(case)
        case.add(reading)
        assigned[reading.article] = case
    return assigned


def _existing(reading: CaseReading, party: str, by_party: dict[str, list[Case]]) -> Case | None:
    """The case the reading belongs to among those found so far: of its party, else of the
    nearest organisation or place above it; the latest that fits, one begun by the article's
    day before one known only from later articles."""
    for above in ancestors(party):
        fitting = [case for case in by_party.get(above, []) if _fits(case, reading)]
        if fitting:
            return max(fitting, key=lambda case: (case.start <= reading.published, case.start))
    return None


# --- cases as rows ----------------------------------------------------------------------


def case_rows(case: Case, ids: Mapping[str, int]) -> dict[str, Any]:
    """A case as db.cases stores it: its articles (by their ids in the archive: `ids`, by
    identity), stages (stage, day, article, sentence) and figures (kind, value, as-of day,
    article, sentence), each a tuple: the form db.cases compares and writes them in."""
    readings = sorted(case.readings, key=lambda r: (r.published, r.article))
    stages = {(event.stage, event.day, reading.article): event for reading in readings for event in reading.events}
    figures = [(figure, ids[reading.article]) for reading in readings for figure in case.figures(reading)]
    return {
        "key": case.key,
        "family": family(case.party),
        "party": case.party,
        "party_kind": party_kind_of(case.party),
        "round": case.round,
        "batch": case.batch,
        "team": case.team,
        "stationed": case.stationed.isoformat() if case.stationed else None,
        "first_day": readings[0].published.isoformat(),
        "last_day": readings[-1].published.isoformat(),
        "articles": [ids[reading.article] for reading in readings],
        "stages": [
            (stage, day.isoformat(), ids[article], event.sentence)
            for (stage, day, article), event in sorted(stages.items(), key=lambda item: (item[0][1], item[0][2]))
        ],
        "figures": [
            (figure.kind, figure.value, figure.as_of.isoformat(), article, figure.sentence)
            for figure, article in figures
        ],
    }


# The readings parsed lately, by article id, with the JSON text each was parsed from: a
# family's readings are read again at every update of the family, and the same text is the
# same reading (an id of another archive, or a reading stored anew, has other text).
READINGS_KEPT = 10_000
_parsed: dict[int, tuple[str, CaseReading]] = {}


def stored_reading(article_id: int, text: str) -> CaseReading:
    """A stored reading from its JSON text (CaseReading.record())."""
    kept = _parsed.get(article_id)
    if kept is not None and kept[0] == text:
        return kept[1]
    if len(_parsed) >= READINGS_KEPT:
        _parsed.clear()
    reading = CaseReading.from_record(json.loads(text))
    _parsed[article_id] = (text, reading)
    return reading


def assemble(readings: Mapping[int, str]) -> list[StoredCase]:
    """The cases of stored readings (their JSON text by article id): what db.cases asks for."""
    parsed = {pk: stored_reading(pk, text) for pk, text in readings.items()}
    ids = {reading.article: pk for pk, reading in parsed.items()}
    cases = {case.key: case for case in assign_cases(parsed.values()).values()}
    return [StoredCase(case, ids) for case in cases.values()]


@dataclass(frozen=True)
class StoredCase:
    """An assembled case as db.cases writes it: its articles by their ids in the archive."""

    case: Case
    ids: Mapping[str, int]  # by identity

    @property
    def key(self) -> str:
        return self.case.key

    @property
    def articles(self) -> frozenset[int]:
        return frozenset(self.ids[reading.article] for reading in self.case.readings)

    def rows(self) -> dict[str, Any]:
        return case_rows(self.case, self.ids)

    def keeps_rows_of(self, earlier: Collection[int]) -> bool:
        """Whether the rows of these of its articles are those they had when they were the
        whole case: no other article came out up to REPOST_DAYS before one whose undated
        figures would take its days (Case.figures)."""
        readings = self.case.readings
        added = [reading.published for reading in readings if self.ids[reading.article] not in earlier]
        return not any(
            0 < (reading.published - day).days <= REPOST_DAYS
            for reading in readings
            if self.ids[reading.article] in earlier and takes_days(reading)
            for day in added
        )


def reading_row(article: Article) -> dict[str, Any]:
    """An article's case reading as db.cases keeps it, as the pipeline read it
    (pipelines.cases.case_reading): its family ("" when the article is about no case) and
    the reading."""
    return article.case_reading


def readings_of(articles: Iterable[Article]) -> dict[str, dict[str, Any]]:
    """The articles' reading rows by identity: what Archive.store_batch keeps with them."""
    return {article.identity: reading_row(article) for article in articles}


def assemble_cases(engine: Engine) -> CaseUpdate:
    """Bring the cases up to date with the readings stored since they were last assembled
    (db.cases.assemble_cases): only the families whose readings changed are assembled again
    (every family of the articles stored by `monitor reprocess`: the grouping may have changed)."""
    return db_cases.assemble_cases(engine, assemble)
