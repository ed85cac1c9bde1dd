"""Inspection cases: what one article says about a central eco-environmental protection
inspection (中央生态环境保护督察) of one party, read from the pipeline's Article after
normalisation (Traditional is already Simplified), and the figures it states.

A reading says whether the article is about a central inspection at all (not a work-safety
check, a provincial inspection, a 中央巡视 or a 自然资源督察 that uses the same words, nor a
passing mention); the inspected party (an organisation of the vocabulary, or a province or
city); the inspection as far as the article names it (round and batch, team number, year);
the stage the article reports with its sentence and day; and the figures, each with its
as-of day. pipelines.case_groups groups readings into cases, db.cases keeps them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from itertools import islice
from typing import Any

from pipelines.article import Article
from pipelines.facts import (
    _EN_DATE,
    ORDINALS_EN,
    Fact,
    _day,
    _en_date,
    article_day,
    chinese_number,
    extract_facts,
    found_facts,
    reads_facts,
    sentences,
)
from pipelines.parties import CN_ORDINAL, ancestors, read_party

STAGES = ("stationing", "onsite", "feedback", "plan", "progress", "typical_case", "lookback", "closure")
FIGURE_KINDS = (
    "problems_raised",
    "problems_rectified",
    "problems_in_progress",
    "complaints_received",
    "complaints_closed",
    "penalty_yuan",
    "people_held_accountable",
)
# The facts that are figures of a case, by their kind in pipelines.facts.
_FIGURE_OF_FACT = {
    "issues_raised": "problems_raised",
    "issues_rectified": "problems_rectified",
    "issues_in_progress": "problems_in_progress",
    "complaints_received": "complaints_received",
    "complaints_closed": "complaints_closed",
    "penalty": "penalty_yuan",
}

# --- which inspection -------------------------------------------------------------------

_ZH_CENTRAL = re.compile(
    rf"中央(?:第{CN_ORDINAL})?(?:生态环境保护|生态环保|环境保护|环保)督察|第{CN_ORDINAL}轮第{CN_ORDINAL}批"
)
_EN_CENTRAL = re.compile(
    r"\bcentral\s+(?:(?:eco-?|ecological\s+(?:and\s+)?)?environment(?:al)?\s+(?:protection\s+)?)?"
    r"(?:inspection|inspector|supervision|team)"
    rf"|\b(?:{'|'.join(ORDINALS_EN)})\s+central\s+(?:[\w-]+\s+){{0,4}}?(?:team|group)"
    r"|\benvironment(?:al)?\s+ministry\b[^.]{0,80}\binspection"
    r"|\bround\s+of\s+central\b",
    re.I,
)
# Other inspections that use the same words; named in the title or lead, they are the subject.
_ZH_OTHER = re.compile(
    rf"(?:省|自治区|市)(?:级|第{CN_ORDINAL})(?:生态环境保护|生态环保|环境保护|环保)督察|省级[^，。；]{{0,10}}督察"
    r"|安委会|安全生产|应急管理|巡视|巡察|自然资源督察"
)
_EN_OTHER = re.compile(
    r"\bprovincial\s+(?:[\w-]+\s+){0,3}?(?:inspection|inspectors?|supervision|team)\b|\bwork[- ]safety\b|\bsafety\s+(?:inspection|inspectors|hazards|checks)"
    r"|\bdiscipline\b|\bCommunist\s+Party\s+central\s+inspection|\bnatural\s+resources?\s+(?:inspect|supervis)",
    re.I,
)


def _lead(text: str, lang: str, count: int = 1) -> str:
    return " ".join(sentence for _, sentence in islice(sentences(text, lang), count))


def is_central_inspection(title: str, body: str, lang: str) -> bool:
    """About a central eco-environmental protection inspection: the title and lead name
    one and name no other kind of inspection."""
    head = f"{title}\n{_lead(body, lang, 2)}"
    central, other = (_ZH_CENTRAL, _ZH_OTHER) if lang == "zh" else (_EN_CENTRAL, _EN_OTHER)
    return bool(central.search(head)) and not other.search(head)


_ZH_ROUND_BATCH = re.compile(rf"第({CN_ORDINAL}|\d+)轮第({CN_ORDINAL}|\d+)批")
_ORD = "|".join(ORDINALS_EN)
_EN_ROUND_BATCH = (
    re.compile(rf"\b({_ORD})\s+batch\s+of\s+the\s+({_ORD})\s+round", re.I),  # batch, round
    re.compile(rf"\b({_ORD})\s+round,?\s+(?:the\s+)?({_ORD})\s+batch", re.I),  # round, batch
)
_ZH_TEAM = re.compile(rf"中央第({CN_ORDINAL})(?:生态环境保护|环境保护|生态环保|环保)督察组")
_EN_TEAM = re.compile(
    rf"\b(?:the\s+)?({_ORD})\s+(?:central\s+)?(?:(?:eco-?|ecological\s+)?environment(?:al)?\s+(?:protection\s+)?)?"
    rf"(?:inspection|supervision)?\s*(?:team|group)|\bcentral\s+({_ORD})\s+(?:[\w-]+\s+){{0,4}}?(?:team|group)",
    re.I,
)
# The year of the inspection an article looks back on: 2021年中央生态环境保护督察, "the 2024
# central environmental inspection", "raised by central environmental inspectors in 2021".
_ZH_YEAR = re.compile(r"(\d{4})年(?:度)?(?:第.轮第.批)?中央(?:生态环境保护|生态环保|环境保护|环保)督察")
_EN_YEAR = (
    re.compile(r"\b(\d{4})\s+central\s+(?:[\w-]+\s+){0,3}?(?:inspection|supervision)", re.I),
    re.compile(r"\bcentral\s+(?:[\w-]+\s+){0,3}?(?:inspection|inspectors|supervision)s?\s+in\s+(\d{4})\b", re.I),
)


def _ordinal(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.lower() in ORDINALS_EN:
        return ORDINALS_EN.index(text.lower()) + 1
    return chinese_number(text)


@dataclass(frozen=True)
class Inspection:
    """An inspection as far as an article names it."""

    round: int | None = None
    batch: int | None = None
    team: int | None = None
    year: int | None = None  # the year it was stationed (or the article says it took place)


def read_inspection(text: str, lang: str, stationed: date | None) -> Inspection:
    round_batch: tuple[int, int] | None = None
    team = year = None
    if lang == "zh":
        if match := _ZH_ROUND_BATCH.search(text):
            round_batch = (_ordinal(match.group(1)), _ordinal(match.group(2)))
        if match := _ZH_TEAM.search(text):
            team = _ordinal(match.group(1))
        if match := _ZH_YEAR.search(text):
            year = int(match.group(1))
    else:
        for order, pattern in enumerate(_EN_ROUND_BATCH):
            if match := pattern.search(text):
                first, second = _ordinal(match.group(1)), _ordinal(match.group(2))
                round_batch = (second, first) if order == 0 else (first, second)
                break
        if match := _EN_TEAM.search(text):
            team = _ordinal(match.group(1) or match.group(2))
        for pattern in _EN_YEAR:
            if match := pattern.search(text):
                year = int(match.group(1))
                break
    if stationed is not None:
        year = stationed.year
    return Inspection(
        round=round_batch[0] if round_batch else None,
        batch=round_batch[1] if round_batch else None,
        team=team,
        year=year,
    )


# --- stage ------------------------------------------------------------------------------

# The words that name each stage, most specific first: a progress report retells the
# feedback, a look-back retells progress, a closure is the last word.
_STAGE_WORDS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (stage, re.compile(zh), re.compile(en, re.I))
    for stage, zh, en in (
        (
            "closure",
            r"验收销号|销号会|通过验收|全部完成整改并销号",
            r"\bsigned\s+off\b|\bacceptance\s+check|\bcloses?\s+out\b",
        ),
        ("lookback", r"回头看", r"\blook[- ]?back\b|\blook(?:s|ed|ing)?\s+back\s+(?:on|at)\b"),
        ("typical_case", r"典型案例|警示案例|案例通报", r"\btypical\s+case|\bwarning\s+case|\bcase\s+notification"),
        ("plan", r"整改方案", r"\brectification\s+plan|\bplan\s+to\s+fix"),
        ("onsite", r"下沉|现场督察|边督边改|转办信访件", r"\bon-?site\b|\bsite\s+visits?\b|\bsank\s+down"),
        (
            "stationing",
            r"进驻|动员会",
            r"\bstationed\b|\bmobili[sz]ation\b|\bmove[sd]?\s+in(?:to)?\b|\barrived?\b",
        ),
        (
            "feedback",
            r"反馈督察|反馈会|反馈意见|反馈情况|督察反馈$",
            r"\bhand(?:s|ed)?\s+(?:back|over)\s+(?:its|their)?\s*findings|\bfindings\b|\bfeedback\b|\bhanded\s+back\b",
        ),
        (
            "progress",
            r"整改进展|落实情况|推进会|完成整改|整改完成|整改工作|督察整改",
            r"\bprogress\b|\brectification\b|\brectified\b|\bfixed\b",
        ),
    )
)


def stage_of(text: str, lang: str) -> str | None:
    """The stage a piece of text names, the most specific one when it names several."""
    for stage, zh, en in _STAGE_WORDS:
        if (zh if lang == "zh" else en).search(text):
            return stage
    return None


@dataclass(frozen=True)
class StageEvent:
    stage: str
    day: date
    sentence: str


_ZH_DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")


# A day written without its year, up to this long after the publication, is one announced
# ahead ("stationed from Aug. 31", published on the 30th); earlier, one passed.
ANNOUNCED_DAYS = 30


# "SHANGHAI, Jan 30 (SMM) - ": the wire's dateline, the day it was filed, not of the event.
_DATELINE = re.compile(r"^[A-Z][A-Z .]+,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+\([^)]*\)\s*[-–—]\s*")


def _stated_day(sentence: str, lang: str, published: date) -> date | None:
    """The first day the sentence states (its year, when left out, the one that puts it last
    before the publication or just after it), if it states one."""
    horizon = published + timedelta(days=ANNOUNCED_DAYS)
    if lang == "zh":
        if match := _ZH_DAY.search(sentence):
            year = int(match.group(1)) if match.group(1) else None
            return _day(year, int(match.group(2)), int(match.group(3)), horizon)
        return None
    if match := re.search(_EN_DATE, _DATELINE.sub("", sentence), re.I):
        return _en_date(match, horizon)
    return None


def _stages_named(text: str, lang: str) -> list[str]:
    return [stage for stage, zh, en in _STAGE_WORDS if (zh if lang == "zh" else en).search(text)]


def read_stage(title: str, body: str, lang: str, published: date) -> StageEvent | None:
    """The main event the article reports: named in its title (dated by the first sentence
    that names it too, whatever else that sentence names), else in its first sentence that
    names a stage (the most specific it names); dated by that sentence, else by the lead,
    else by the publication."""
    body_sentences = [s.strip() for _, s in sentences(body, lang)]
    title_stage = stage_of(title, lang)
    lead_day = (_stated_day(body_sentences[0], lang, published) if body_sentences else None) or published
    for sentence in body_sentences:
        named = _stages_named(sentence, lang)
        stage = title_stage if title_stage in named else None if title_stage else next(iter(named), None)
        if stage:
            return StageEvent(stage, _stated_day(sentence, lang, published) or lead_day, sentence)
    if title_stage:  # the title names it, the lead dates it
        lead = body_sentences[0] if body_sentences else title
        return StageEvent(title_stage, _stated_day(lead, lang, published) or published, title)
    return None


# --- figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    kind: str  # one of FIGURE_KINDS
    value: int
    as_of: date
    sentence: str
    dated: bool = True  # its as-of day is one the text states as such (截至, "as of")


# "has received 14 complaints so far": as of the day it is written.
_NOW = re.compile(r"\bso\s+far\b|\bto\s+date\b|截至目前")


def read_figures(facts: list[Fact], published: date, event_day: date | None = None) -> list[Figure]:
    """The figures among a text's facts, each (kind, value) once, each with its as-of day: the one
    its sentence states, else the last one stated before it (a 截至 day governs what
    follows), else the first the article states, else the publication day for one stated as
    of now ("so far"), else the day of the event the article reports (a feedback meeting's
    figures are as of the meeting), else the publication day."""
    stated = [(f.offset, date.fromisoformat(f.values["as_of"])) for f in facts if f.values.get("as_of")]
    figures: dict[tuple[str, int], Figure] = {}
    for fact in facts:
        kind = _FIGURE_OF_FACT.get(fact.kind)
        if fact.kind == "accountability" and fact.values.get("action") == "问责":
            kind = "people_held_accountable"
        if kind is None:
            continue
        value: int = fact.values["count"] if "count" in fact.values else fact.values["amount_yuan"]
        own = fact.values.get("as_of")
        before = [day for offset, day in stated if offset <= fact.offset]
        now = published if _NOW.search(fact.sentence) else None
        fallback = before[-1] if before else stated[0][1] if stated else now or event_day or published
        as_of = date.fromisoformat(own) if own else fallback
        figures.setdefault((kind, value), Figure(kind, value, as_of, fact.sentence, dated=bool(own or stated)))
    return list(figures.values())


# --- the reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseReading:
    """What one article says about its case."""

    article: str  # the article's identity
    published: date
    lang: str
    central: bool  # about a central eco-environmental protection inspection
    party: str | None  # a vocabulary concept id
    inspection: Inspection
    stage: StageEvent | None
    stationed: StageEvent | None  # a stationing day the article states, whatever its stage
    figures: tuple[Figure, ...] = field(default=())

    def record(self) -> dict[str, Any]:
        """The reading as a plain mapping (JSON), as db.cases stores it."""
        return _plain(asdict(self))

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> CaseReading:
        def event(value: Mapping[str, Any] | None) -> StageEvent | None:
            return StageEvent(value["stage"], date.fromisoformat(value["day"]), value["sentence"]) if value else None

        return cls(
            article=record["article"],
            published=date.fromisoformat(record["published"]),
            lang=record["lang"],
            central=record["central"],
            party=record["party"],
            inspection=Inspection(**record["inspection"]),
            stage=event(record["stage"]),
            stationed=event(record["stationed"]),
            figures=tuple(
                Figure(f["kind"], f["value"], date.fromisoformat(f["as_of"]), f["sentence"], f["dated"])
                for f in record["figures"]
            ),
        )

    @property
    def events(self) -> list[StageEvent]:
        """The stages the article shows: its own, and the stationing it dates."""
        own = [self.stage] if self.stage else []
        if self.stationed and not (self.stage and self.stage.stage == "stationing"):
            own.append(self.stationed)
        return own


def _plain(value: Any) -> Any:
    """Days as ISO strings, tuples as lists: JSON."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def read_case(article: Article) -> CaseReading:
    """The case reading of an article that has been through the text pipeline up to its
    facts: from the facts the pipeline found (read now for an article it finds none in)."""
    lang = reading_lang(article)
    title, body = article.simplified_title, article.simplified_body
    published = article_day(article)
    text = f"{title}\n{body}"
    facts = found_facts(article) if reads_facts(article) else extract_facts(text, lang, published)
    stationed_facts = [f for f in facts if f.kind == "stationed"]
    stationed = (
        StageEvent("stationing", date.fromisoformat(stationed_facts[0].values["date"]), stationed_facts[0].sentence)
        if stationed_facts
        else None
    )
    stage = read_stage(title, body, lang, published)
    # Figures tallied at the event reported (a feedback or closure meeting) are as of its day;
    # a stationing is when the work began, what it has found since is as of the publication.
    event_day = stage.day if stage and stage.stage != "stationing" else None
    figures = read_figures(facts, published, event_day)
    if stage and stage.stage == "stationing" and stationed:
        stage = stationed
    return CaseReading(
        article=article.identity,
        published=published,
        lang=lang,
        # A case article reports a stage of its inspection; a passing mention reports none.
        central=stage is not None and is_central_inspection(title, body, lang),
        party=read_party(title, body, lang),
        inspection=read_inspection(text, lang, stationed.day if stationed else None),
        stage=stage,
        stationed=stationed,
        figures=tuple(figures),
    )


def reading_lang(article: Article) -> str:
    """The language the case reading reads an article in: its rules are Chinese or English."""
    return "zh" if article.lang == "zh" else "en"


def family(party: str) -> str:
    """The topmost organisation or place above a party: its cases are assembled together."""
    return ancestors(party)[-1]


def case_reading(article: Article) -> Article:
    """The pipeline's stage after facts: the article read for its case, once, and kept on it
    as db.cases keeps it (its family, "" when it is about no case, and the reading), so
    that storing it only groups and writes. An article whose title and lead name no central
    inspection is about no case whatever else it says (read_case finds it not `central`):
    it is not read, and nothing of it is kept (its reading None)."""
    if not is_central_inspection(article.simplified_title, article.simplified_body, reading_lang(article)):
        article.case_reading = {"family": "", "reading": None}
        return article
    reading = read_case(article)
    belongs = family(reading.party) if reading.central and reading.party else ""
    article.case_reading = {"family": belongs, "reading": reading.record()}
    return article
