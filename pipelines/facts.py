"""Supervision facts: what a supervision or rectification report states, as structured rows
with the sentence each came from. Teams and rounds, stationing dates, counts of problems
raised, rectified and in progress, complaint cases received and closed, penalties,
deadlines and accountability actions, in Chinese and English.

Rules work sentence by sentence on the Simplified text; dates written without a year take
it from the article's publication (the latest such day not after it; deadlines: the first
not before it)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from common.china_time import CHINA_TZ
from pipelines.article import Article
from pipelines.dates import MONTHS
from pipelines.parties import fact_parties

# --- numbers ---------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# Counts only: ordinals (第三批, 第二轮) stay as they are.
_CN_NUMBER = re.compile(r"(?<!第)[零〇一二两三四五六七八九十百千]+(?=[项个件批起人名家条处宗]|万元|亿元|元)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_EN_NUMBERS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
ORDINALS_EN = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
FACT_KINDS = (
    "team",
    "round",
    "stationed",
    "issues_raised",
    "issues_rectified",
    "issues_in_progress",
    "complaints_received",
    "complaints_closed",
    "complaints_partly_closed",
    "penalty",
    "deadline",
    "accountability",
)


def chinese_number(text: str) -> int:
    """一 .. 九千九百九十九 (十二, 二十, 两百零五) as an int."""
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "千":
            total += (current or 1) * 1000
            current = 0
    return total + current


def _arabic(sentence: str) -> str:
    """Chinese numerals before a counter word or a unit of money (十二项, 两件, 一百二十万元) as
    Arabic digits, and thousands separators dropped (1,899件)."""
    sentence = _THOUSANDS.sub("", sentence)
    return _CN_NUMBER.sub(lambda m: str(chinese_number(m.group(0))), sentence)


def _int(text: str) -> int:
    text = text.replace(",", "").strip().lower()
    return _EN_NUMBERS[text] if text in _EN_NUMBERS else int(text)


# --- dates -----------------------------------------------------------------------------

_EN_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"


def _day(year: int | None, month: int, day: int, published: date, future: bool = False) -> date | None:
    """The date, its year inferred from the publication day when not written: the latest such
    day not after it, or for a deadline (`future`) the first not before it."""
    try:
        if year is not None:
            return date(year, month, day)
        guess = date(published.year, month, day)
    except ValueError:
        return None
    if future and guess < published:
        return _day(published.year + 1, month, day, published)
    if not future and guess > published:
        return _day(published.year - 1, month, day, published)
    return guess


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_ZH_DATE = r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
_EN_DATE = rf"({_EN_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?"


def _zh_date(match: re.Match, published: date, offset: int = 1, future: bool = False) -> date | None:
    year, month, day = match.group(offset), match.group(offset + 1), match.group(offset + 2)
    return _day(int(year) if year else None, int(month), int(day), published, future)


def _en_date(match: re.Match, published: date, offset: int = 1, future: bool = False) -> date | None:
    month = MONTHS[match.group(offset).rstrip(".").lower()]
    year = match.group(offset + 2)
    return _day(int(year) if year else None, month, int(match.group(offset + 1)), published, future)


# --- facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    kind: str
    values: dict[str, Any]
    sentence: str
    offset: int  # where the (stripped) sentence starts in the text the facts were read from

    def key(self) -> tuple:
        return (self.kind, tuple(sorted(self.values.items())))

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.values, "sentence": self.sentence, "offset": self.offset}


@dataclass
class _Found:
    """Facts of one sentence, in the order found; one per key."""

    facts: dict[tuple, dict[str, Any]] = field(default_factory=dict)

    def add(self, kind: str, **values: Any) -> None:
        values = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
        self.facts.setdefault((kind, tuple(sorted(values.items()))), {"kind": kind, **values})


Rule = Callable[[str, date, _Found], None]

# Chinese ------------------------------------------------------------------------------

_ZH_TEAM = re.compile(r"中央第([一二三四五六七八九十]+)(?:生态环境保护|环境保护|生态环保|环保)督察组")
_ZH_TEAM_PLAIN = re.compile(r"中央(?:生态环境保护|环境保护|生态环保|环保)督察组")
_ZH_ROUND = re.compile(r"第([一二三四五六七八九十\d]+)轮")
# What a count is "as of": 截至10月9日, 截至2022年11月底, 截至今年3月底; 目前 (now) resets it.
_ZH_AS_OF = re.compile(r"截至(?:" + _ZH_DATE + r"|(?:(\d{4})年|(今年|去年))?(\d{1,2})月底|目前)|目前|当前")
_COUNT = r"(\d+)\s*(?:项|个|条|处)"


def _zh_team(sentence: str, published: date, found: _Found) -> None:
    numbered = _ZH_TEAM.findall(sentence)
    for ordinal in numbered:
        found.add("team", number=chinese_number(ordinal))
    if not numbered and _ZH_TEAM_PLAIN.search(sentence):
        found.add("team", number=None)
    for number in _ZH_ROUND.findall(sentence):
        if re.search(r"督察|整改", sentence):
            found.add("round", number=int(number) if number.isdigit() else chinese_number(number))


def _zh_stationed(sentence: str, published: date, found: _Found) -> None:
    for match in re.finditer(_ZH_DATE + r"(?:[至到\-—～~]\s*" + _ZH_DATE + r")?[^。；\d]{0,40}?进驻", sentence):
        day = _zh_date(match, published)
        if day:
            found.add("stationed", date=day)
    # "进驻时间为8月31日", but not "进驻时间约1个月，4月29日结束" (the day the stay ends)
    for match in re.finditer(r"进驻[^。；]{0,12}?(?:时间[为是]?)?" + _ZH_DATE + r"(?!\s*(?:结束|止))", sentence):
        day = _zh_date(match, published)
        if day:
            found.add("stationed", date=day)


def _zh_as_of_day(match: re.Match, published: date) -> date | None:
    if match.group(2):
        return _zh_date(match, published)
    if match.group(6):
        year = int(match.group(4)) if match.group(4) else published.year - (match.group(5) == "去年")
        return _month_end(year, int(match.group(6)))
    return None  # 目前: now, no day given


# "as of Dec. 18", "by Oct. 9," (a day), "as of the end of September" ("by the end of
# September" is a deadline, not an as-of day).
_EN_AS_OF = re.compile(
    r"\b(?:(?:as of|by|up to|as at)\s+"
    + _EN_DATE
    + rf"|(?:as of|up to|as at)\s+the\s+end\s+of\s+({_EN_MONTH})(?:\s+(\d{{4}}))?(?![\w\s]*\d{{1,2}}\b))",
    re.I,
)


def _as_of(sentence: str, position: int, published: date, zh: bool = True) -> str | None:
    """The 截至 / "as of" day that governs a count at `position` in the sentence: the last
    one before it (in English, failing that, one after it: "..., as of April 25")."""
    pattern = _ZH_AS_OF if zh else _EN_AS_OF
    before = [m for m in pattern.finditer(sentence) if m.start() <= position]
    after = [] if zh or before else [m for m in pattern.finditer(sentence) if m.start() > position]
    governed = before[-1:] or after[:1]
    if not governed:
        return None
    governing = governed[0]
    day = _zh_as_of_day(governing, published) if zh else _en_as_of_day(governing, published)
    return day.isoformat() if day else None


def _en_as_of_day(match: re.Match, published: date) -> date | None:
    if match.group(1):
        return _en_date(match, published)
    month = MONTHS[match.group(4).rstrip(".").lower()]
    year = int(match.group(5)) if match.group(5) else published.year
    end = _month_end(year, month)
    return end if match.group(5) or end <= published else _month_end(year - 1, month)


_ZH_RAISED = (
    re.compile(
        r"(?:提出|反馈|交办|指出|发现|梳理出?|排查出?|列出|明确)(?:了)?[^。；，,\d]{0,14}?(?:问题|整改任务|任务|事项|隐患)[^。；，,\d]{0,6}?"
        + _COUNT
    ),
    re.compile(
        r"(?:提出|反馈|交办|指出|发现|梳理出?|排查出?|明确)(?:了)?[^。；，,\d]{0,8}?(?:\d+\s*(?:个)?方面的?)?"
        + _COUNT
        + r"[^。；，,]{0,6}?(?:问题|整改任务|任务|事项)"
    ),
    re.compile(r"(?:共有|共|涉及)" + _COUNT + r"(?:问题|整改任务|整改事项)"),
    re.compile(r"(?:问题|整改任务|整改事项)(?:共|共计|合计)?" + _COUNT + r"(?:[，,]|$|。)"),
    re.compile(_COUNT + r"(?:问题|整改任务|整改事项)全部(?:通过验收|验收销号|销号)"),  # at closure: all of them
)
_ZH_RECTIFIED = (
    re.compile(
        r"(?:(?:已|已经)?(?:完成|整改完成|销号)|(?:已|已经)整改)(?:了)?(?:整改|整改任务|整改事项|问题)?\s*(\d+)\s*(?:项|个|条|处)(?=[，,。；;、\s]|$|问题|整改|任务|事项)"
    ),
    # "3项问题已全部完成整改", but not the total of "12项已完成7项"
    re.compile(
        _COUNT + r"(?:问题|任务|事项)?(?:已|已经)(?:全部)?(?:完成整改|整改完成|完成|整改到位|销号|办结)(?![整改]*\s*\d)"
    ),
    re.compile(_COUNT + r"(?:问题|整改任务|整改事项)(?:已|均)?全部(?:通过验收|完成整改)"),
)
# "12项已完成7项", "12项中已完成7项", "28个问题中已有26个通过验收": a total, then what is done.
_ZH_TOTAL_DONE = re.compile(
    _COUNT + r"(?:整改任务|问题|任务|事项)?中?(?:已|已经)(?:有)?(?:完成|整改)?(?:整改)?\s*\d+\s*(?:项|个|条|处)"
)
# "已有26个通过验收并销号": signed off at closure.
_ZH_SIGNED_OFF = re.compile(r"(?:已有|已)\s*(\d+)\s*(?:项|个|条|处)(?:问题)?(?:通过验收|验收销号)")
_ZH_IN_PROGRESS = (
    re.compile(_COUNT + r"(?:问题|任务|事项)?(?:在|正在|仍在|持续)+(?:整改|推进|按计划推进|有序推进)"),
    re.compile(_COUNT + r"(?:问题|任务|事项)?[^。；，,\d]{0,4}?整改中"),
    re.compile(
        r"(?:其余|剩余|另有|尚有|还有|仍有)"
        + _COUNT
        + r"[^。；]{0,12}?(?:推进|整改中|正在|未完成|未整改|限期整改|序时进度)"
    ),
    re.compile(r"(?:正在整改|整改中|持续整改)(?:的)?(?:问题|任务|事项)?(\d+)\s*(?:项|个|条)"),
    re.compile(r"达到序时进度\s*(\d+)\s*(?:项|个|条)"),  # on schedule, not yet done
)


_ZH_PLANNED = re.compile(r"(?:计划|拟|力争|确保|将)[^。；，,]{0,12}$|(?:底|之)前$")


def _zh_counts(sentence: str, published: date, found: _Found) -> None:
    for match in _ZH_TOTAL_DONE.finditer(sentence):
        found.add("issues_raised", count=int(match.group(1)), as_of=_as_of(sentence, match.start(), published))
    for kind, patterns in (
        ("issues_raised", _ZH_RAISED),
        ("issues_rectified", (*_ZH_RECTIFIED, _ZH_SIGNED_OFF)),
        ("issues_in_progress", _ZH_IN_PROGRESS),
    ):
        for pattern in patterns:
            for match in pattern.finditer(sentence):
                context = sentence[max(0, match.start() - 4) : match.end()]
                if kind == "issues_raised" and re.search(r"完成|在整改|正在|销号", context):
                    continue
                if kind == "issues_raised" and "其中" in re.split(r"[，,]", sentence[: match.start()])[-1]:
                    continue  # 其中涉及有色金属行业的问题17个: a part of the total
                if match.group(1) == "1" and "、" in sentence[match.start() - 1 : match.end() + 1]:
                    continue  # 整改一个、验收一个、销号一个: a method, not a count
                if kind == "issues_rectified" and _ZH_PLANNED.search(sentence[: match.start()]):
                    continue  # 计划2025年底前完成42项: planned, not done
                found.add(kind, count=int(match.group(1)), as_of=_as_of(sentence, match.start(), published))


_ZH_COMPLAINTS = re.compile(
    r"(?:收到|受理|转办|交办|接到|接收)[^。；，,\d]{0,16}?(?:(\d+)\s*(?:个)?批(?:次)?)?\s*(\d+)\s*(?:余|多)?件"
)
_ZH_CLOSED = re.compile(r"(?:(?<!阶段性)已?办结\s*(\d+)\s*件|(\d+)\s*件(?:已经?|已)?(?:全部)?(?<!阶段性)办结)")
# "转办信访举报572件，已全部办结": every one received is closed.
_ZH_ALL_CLOSED = re.compile(r"(\d+)\s*件[^。；\d]{0,12}?(?:均|已|已经)+全部办结")
_ZH_PARTLY = re.compile(r"(?:阶段性办结\s*(\d+)\s*件|(\d+)\s*件(?:已经?|已)?阶段性办结)")


def _zh_complaints(sentence: str, published: date, found: _Found) -> None:
    if not re.search(r"信访|举报|投诉|案件|件", sentence):
        return
    stated_batches = re.search(r"(?<!第)(\d+)\s*(?:个)?批(?!次?中央)", sentence)
    for match in _ZH_COMPLAINTS.finditer(sentence):
        batches = int(match.group(1)) if match.group(1) else (int(stated_batches.group(1)) if stated_batches else None)
        found.add(
            "complaints_received",
            count=int(match.group(2)),
            batches=batches,
            as_of=_as_of(sentence, match.start(), published),
        )
    for pattern, kind in (
        (_ZH_PARTLY, "complaints_partly_closed"),
        (_ZH_CLOSED, "complaints_closed"),
        (_ZH_ALL_CLOSED, "complaints_closed"),
    ):
        for match in pattern.finditer(sentence):
            if kind == "complaints_closed" and "阶段性" in sentence[max(0, match.start() - 4) : match.end()]:
                continue
            count = int(match.group(1) or match.group(2))
            found.add(kind, count=count, as_of=_as_of(sentence, match.start(), published))


_AMOUNT = r"(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元)"
# "罚款45万元", "罚没款合计1860.5万元", "罚款人民币450000元"; or "处以45万元罚款".
_ZH_PENALTY = re.compile(
    r"(?:罚款|罚金|罚没款?)(?:金额)?(?:共计|合计|累计|总计)?(?:为)?(?:人民币)?\s*"
    + _AMOUNT
    + r"|(?:处以?|处罚|罚)\s*(?:人民币)?(?P<a>\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|元)(?:的)?罚款"
)
# Amounts chained after a fine: "罚款38万元和62.5万元，合计100.5万元".
_ZH_MORE_AMOUNT = re.compile(r"\s*(?:和|、|及|与|，|,)\s*(?:合计|共计|累计|总计)?\s*" + _AMOUNT)
_YUAN = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


def _zh_penalty(sentence: str, published: date, found: _Found) -> None:
    for match in _ZH_PENALTY.finditer(sentence):
        amount, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group("a"), match.group("u"))
        found.add("penalty", amount_yuan=round(float(amount.replace(",", "")) * _YUAN[unit]))
        end = match.end()
        while more := _ZH_MORE_AMOUNT.match(sentence, end):
            found.add("penalty", amount_yuan=round(float(more.group(1).replace(",", "")) * _YUAN[more.group(2)]))
            end = more.end()


_ZH_DEADLINE = (
    (re.compile(r"(\d{4})年(?:年)?底前"), lambda m, p: date(int(m.group(1)), 12, 31)),
    (
        re.compile(r"(?:(\d{4})年)?(\d{1,2})月底前"),
        lambda m, p: (
            _month_end(int(m.group(1)), int(m.group(2))) if m.group(1) else _next_month_end(int(m.group(2)), p)
        ),
    ),
    (
        re.compile(_ZH_DATE + r"(?:之)?前[^。；，,\d]{0,6}?(?:完成|到位|完毕|办结|销号)"),
        lambda m, p: _zh_date(m, p, future=True),
    ),
)


def _next_month_end(month: int, published: date) -> date:
    end = _month_end(published.year, month)
    return end if end >= published else _month_end(published.year + 1, month)


def _zh_deadline(sentence: str, published: date, found: _Found) -> None:
    for pattern, make in _ZH_DEADLINE:
        for match in pattern.finditer(sentence):
            day = make(match, published)
            if day:
                found.add("deadline", date=day)


_ZH_ACCOUNTABILITY = (
    (re.compile(r"问责[^。；，,\d]{0,10}?(\d+)\s*(?:人|名)"), "问责"),
    (re.compile(r"(\d+)\s*(?:名|人)[^。；，,\d]{0,12}?(?:进行|予以|被)?问责"), "问责"),
    (re.compile(r"约谈[^。；，,\d]{0,12}?(\d+)\s*(?:家|名|人|个)"), "约谈"),
    (re.compile(r"(?:对|将)[^。；\d]{0,20}?(\d+)\s*(?:家|名|个|人)[^。；\d]{0,30}?约谈"), "约谈"),
    (re.compile(r"立案(?:查处|处罚|调查)?[^。；，,\d]{0,16}?(\d+)\s*(?:起|宗|件)"), "立案"),
    (re.compile(r"(\d+)\s*(?:起|宗)[^。；，,\d]{0,10}?(?:被|予以|进行)?立案"), "立案"),
)


def _zh_accountability(sentence: str, published: date, found: _Found) -> None:
    for pattern, action in _ZH_ACCOUNTABILITY:
        for match in pattern.finditer(sentence):
            found.add("accountability", count=int(match.group(1)), action=action)


ZH_RULES: tuple[Rule, ...] = (
    _zh_team,
    _zh_stationed,
    _zh_counts,
    _zh_complaints,
    _zh_penalty,
    _zh_deadline,
    _zh_accountability,
)

# English ------------------------------------------------------------------------------

_ORD = "|".join(ORDINALS_EN)
_EN_KIND = r"(?:(?:eco-?|ecological\s+)?environment(?:al)?\s+(?:protection\s+)?)?(?:inspection|supervision|inspector)s?\s+(?:team|group)"
_EN_TEAM = re.compile(
    rf"\b(?:central\s+({_ORD})|({_ORD})\s+central|({_ORD})(?=\s+{_EN_KIND}\s+of\s+the\s+(?:CPC\s+)?Central))\s+{_EN_KIND}",
    re.I,
)
_EN_TEAM_NO = re.compile(
    r"\bcentral\s+(?:[\w-]+\s+){0,4}?(?:inspection|supervision)\s+(?:team|group)\s+No\.?\s*(\d+)", re.I
)
_EN_TEAM_PLAIN = re.compile(rf"\bcentral\s+{_EN_KIND}", re.I)
_EN_ROUND = re.compile(rf"\b({_ORD})\s+round\b", re.I)
_NUM = r"(\d[\d,]*|" + "|".join(_EN_NUMBERS) + r")"


def _en_team(sentence: str, published: date, found: _Found) -> None:
    numbered = [ORDINALS_EN.index(next(g for g in m.groups() if g).lower()) + 1 for m in _EN_TEAM.finditer(sentence)]
    numbered += [int(m.group(1)) for m in _EN_TEAM_NO.finditer(sentence)]
    for number in numbered:
        found.add("team", number=number)
    if not numbered and _EN_TEAM_PLAIN.search(sentence):
        found.add("team", number=None)
    if re.search(r"inspect|supervis|rectif", sentence, re.I):
        for ordinal in _EN_ROUND.findall(sentence):
            found.add("round", number=ORDINALS_EN.index(ordinal.lower()) + 1)


def _en_stationed(sentence: str, published: date, found: _Found) -> None:
    for match in re.finditer(r"\bstationed\b[^.;]{0,60}?\b(?:on|from|since)\s+" + _EN_DATE, sentence, re.I):
        day = _en_date(match, published)
        if day:
            found.add("stationed", date=day)
    # "on July 14 ... stationed", but not "on January 29, four months after it was stationed"
    after = r"(?:(?!\b(?:after|before|since)\b)[^.;]){0,60}?"
    for match in re.finditer(
        r"\b(?:on|from|since)\s+" + _EN_DATE + r",?\s+" + after + r"\bstationed\b", sentence, re.I
    ):
        day = _en_date(match, published)
        if day:
            found.add("stationed", date=day)


_PROBLEMS = r"(?:problems?|issues?|tasks?|items?|hazards?)"
_COMPLAINTS = r"(?:complaints?|cases|reports|petitions)"
# Problems raised, rectified, in progress; complaint cases received, closed, partly closed.
_EN_COUNTS = (
    (
        "issues_raised",
        re.compile(
            rf"\b(?:raised|identified|found|pointed out|handed over|listed|flagged)\s+(?:a total of\s+)?{_NUM}\s+(?:\w+\s+){{0,2}}?{_PROBLEMS}",
            re.I,
        ),
    ),
    (
        "issues_raised",
        re.compile(
            rf"\b{_NUM}\s+(?:\w+\s+){{0,2}}?{_PROBLEMS}\s+(?:were|had been|have been)\s+(?:raised|identified|found|pointed out|handed over)",
            re.I,
        ),
    ),
    ("issues_raised", re.compile(rf"\bof\s+the\s+{_NUM}\s+(?:\w+\s+){{0,2}}?{_PROBLEMS}\b", re.I)),
    # "the 83 problems raised by central environmental inspectors"
    (
        "issues_raised",
        re.compile(
            rf"\b{_NUM}\s+(?:\w+\s+){{0,2}}?{_PROBLEMS}\s+(?:raised|identified|found|pointed out|handed over)\b", re.I
        ),
    ),
    (
        "issues_rectified",
        re.compile(
            rf"(?<!of\sthe\s)\b{_NUM}\s+(?:(?:of\s+(?:them|which|these|the\s+\w+))\s+|{_PROBLEMS}\s+|\w+\s+{_PROBLEMS}\s+)?(?:have|has|had)\s+(?:been\s+)?(?:rectified|completed|resolved|fixed)",
            re.I,
        ),
    ),
    (
        "issues_rectified",
        re.compile(
            rf"\b(?:rectified|completed|resolved|fixed|completed\s+(?:the\s+)?rectification\s+of)\s+{_NUM}\s+(?:of\s+(?:them|the\s+\w+)|{_PROBLEMS}|\w+\s+{_PROBLEMS})",
            re.I,
        ),
    ),
    (
        "issues_rectified",
        re.compile(
            rf"\b{_NUM}\s+of\s+the\s+\d[\d,]*\s+(?:\w+\s+){{0,2}}?{_PROBLEMS}\b[^.;]{{0,80}}?\b(?:have|has|had)\s+been\s+(?:rectified|completed|resolved|fixed|signed\s+off)",
            re.I,
        ),
    ),
    # "all 35 problems raised ... had been rectified": rectified = raised
    (
        "issues_rectified",
        re.compile(
            rf"\ball\s+{_NUM}\s+(?:[\w-]+\s+){{0,2}}?{_PROBLEMS}\b[^.;]{{0,80}}?\b(?:have|has|had|were)\s+(?:all\s+)?(?:been\s+)?(?:rectified|fixed|resolved|completed)",
            re.I,
        ),
    ),
    (
        "issues_rectified",
        re.compile(
            rf"\bof\s+which\s+{_NUM}\s+(?:were|have\s+been|had\s+been)\s+(?:rectified|fixed|resolved|completed)", re.I
        ),
    ),
    (
        "issues_in_progress",
        re.compile(
            rf"\b(?:the\s+(?:remaining|other)\s+)?{_NUM}\s+(?:more\s+)?(?:[\w-]+\s+)?(?:{_PROBLEMS}\s*)?(?:,[^,.;]{{0,60}},\s*)?(?:(?:are|were|remain)\s+)?(?:still\s+)?(?:being\s+rectified|under\s+rectification|in\s+progress|underway)",
            re.I,
        ),
    ),
    ("issues_in_progress", re.compile(rf"\bthe\s+remaining\s+{_NUM}\b", re.I)),
    (
        "complaints_received",
        re.compile(
            rf"\b(?:received|accepted|handled|handed(?: over)?|transferred|passed on|referred|forwarded)\s+(?:{_NUM}\s+batch(?:es)?\s+of\s+(?:\w+\s+){{0,2}}?{_COMPLAINTS}\s+(?:totall?ing|involving|covering|with)\s+)?{_NUM}\s+(?:\w+\s+){{0,3}}?{_COMPLAINTS}",
            re.I,
        ),
    ),
    (
        "complaints_closed",
        re.compile(
            rf"\b{_NUM}\s+(?:of\s+(?:them|which)\s+|cases\s+|complaints\s+)?(?:have|has|had)\s+been\s+(?:closed|settled|resolved|concluded)(?!\s+in\s+part)",
            re.I,
        ),
    ),
    (
        "complaints_closed",
        re.compile(
            rf"(?<!partly )(?<!partially )\b(?:closed|settled|resolved|concluded)\s+{_NUM}\s+(?:(?:\w+\s+){{0,2}}?{_COMPLAINTS}|of\s+them)",
            re.I,
        ),
    ),
    (
        "complaints_closed",
        re.compile(rf"\bof\s+which\s+{_NUM}\s+(?:have|has|had)\s+been\s+(?:closed|settled|resolved|concluded)", re.I),
    ),
    ("complaints_closed", re.compile(rf"(?<!partly )(?<!partially )\bclosed\s+{_NUM}(?=\s*;|,\s|\.(?!\d)|\s*$)", re.I)),
    (
        "complaints_partly_closed",
        re.compile(
            rf"\b{_NUM}\s+(?:(?:have|has|had)\s+been\s+)?(?:partly|partially)\s+(?:closed|settled|resolved)", re.I
        ),
    ),
    ("complaints_partly_closed", re.compile(rf"\b(?:partly|partially)\s+(?:closed|settled|resolved)\s+{_NUM}\b", re.I)),
)


_EN_DONE_BEFORE = re.compile(r"\b(?:rectified|fixed|completed|resolved|closed)\s+$", re.I)


def _en_counts(sentence: str, published: date, found: _Found) -> None:
    """Problems raised, rectified and in progress; complaints received, closed, partly closed."""
    batches = re.search(rf"\b{_NUM}\s+batch(?:es)?\b", sentence, re.I)
    for kind, pattern in _EN_COUNTS:
        for match in pattern.finditer(sentence):
            if kind == "issues_raised" and _EN_DONE_BEFORE.search(sentence[max(0, match.start() - 12) : match.start()]):
                continue  # "has rectified twelve problems identified during ...": what was done
            extra = {}
            count = match.group(1)
            if kind == "complaints_received":  # "received 12 batches of complaints totalling 37 cases"
                extra["batches"] = _int(batches.group(1)) if batches else None
                count = match.group(2) or count
            found.add(kind, count=_int(count), **extra, as_of=_as_of(sentence, match.start(), published, zh=False))


# An amount of money: "RMB 1.65 million", "8.6 million yuan", "450,000 yuan".
_EN_MONEY = r"(?:(?:RMB|CNY)\s*(\d[\d,]*(?:\.\d+)?)\s*(million|billion|thousand)?|(\d[\d,]*(?:\.\d+)?)\s*(million|billion|thousand)?\s*(?:yuan|RMB))"
_EN_PENALTY = re.compile(
    r"\b(?:fined?(?:\s+(?!\d|RMB|CNY)\w+){0,3}?|(?:fines?|penalt(?:y|ies))\s+(?:of|totall?(?:ing|ed)|total)|penali[sz]ed)\s+(?:a\s+total\s+of\s+)?"
    + _EN_MONEY,
    re.I,
)
# Amounts chained after a fine: "fines of 420,000 yuan and 780,000 yuan, or 1.2 million yuan in all".
_EN_MORE_MONEY = re.compile(r"\s*(?:,\s*)?(?:and|or)?\s+(?:a\s+total\s+of\s+)?" + _EN_MONEY, re.I)
_EN_SCALE = {None: 1, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def _yuan(match: re.Match) -> int:
    amount, scale = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return round(float(amount.replace(",", "")) * _EN_SCALE[(scale or "").lower() or None])


def _en_penalty(sentence: str, published: date, found: _Found) -> None:
    for match in _EN_PENALTY.finditer(sentence):
        found.add("penalty", amount_yuan=_yuan(match))
        end = match.end()
        while more := _EN_MORE_MONEY.match(sentence, end):
            found.add("penalty", amount_yuan=_yuan(more))
            end = more.end()


def _en_deadline(sentence: str, published: date, found: _Found) -> None:
    for match in re.finditer(r"\b(?:by|before)\s+the\s+end\s+of\s+(\d{4})\b", sentence, re.I):
        found.add("deadline", date=date(int(match.group(1)), 12, 31))
    for match in re.finditer(rf"\b(?:by|before)\s+the\s+end\s+of\s+({_EN_MONTH})(?:\s+(\d{{4}}))?", sentence, re.I):
        month = MONTHS[match.group(1).rstrip(".").lower()]
        found.add(
            "deadline",
            date=_month_end(int(match.group(2)), month) if match.group(2) else _next_month_end(month, published),
        )
    for match in re.finditer(rf"\b(?:by|before|no later than)\s+{_EN_DATE}", sentence, re.I):
        if re.match(r"\s*,?\s*(?:the|a|its)?\s*\w*\s*(?:had|has|have)\b", sentence[match.end() :]):
            continue  # "by Oct. 9, 24 had been rectified": an as-of day, not a deadline
        day = _en_date(match, published, future=True)
        if day and re.search(r"complet|rectif|finish|deadline|must|required|ordered|should", sentence, re.I):
            found.add("deadline", date=day)


_EN_ACCOUNTABILITY = (
    (
        re.compile(
            rf"\b{_NUM}\s+(?:\w+\s+){{0,2}}?(?:officials|people|persons|cadres|individuals|staff|employees|managers)\s+(?:were|have been|had been|was)\s+held\s+accountable",
            re.I,
        ),
        "问责",
    ),
    (
        re.compile(
            rf"\bheld\s+{_NUM}\s+(?:(?:\w+\s+){{0,2}}?(?:officials|people|persons|cadres|individuals)\s+)?accountable",
            re.I,
        ),
        "问责",
    ),
    (
        re.compile(
            rf"\b(?:summoned|interviewed)\s+{_NUM}\s+(?:(?:\w+\s+){{0,2}}?(?:companies|officials|enterprises|firms|people|units)|for\s+talks)",
            re.I,
        ),
        "约谈",
    ),
    (
        re.compile(
            rf"\b{_NUM}\s+(?:\w+\s+){{0,2}}?(?:companies|officials|enterprises|firms)\s+(?:were|have been|had been)\s+summoned",
            re.I,
        ),
        "约谈",
    ),
    (re.compile(rf"\b(?:filed|opened|registered)\s+{_NUM}\s+(?:\w+\s+){{0,2}}?cases", re.I), "立案"),
    (re.compile(rf"\b{_NUM}\s+cases\s+(?:were|have been|had been)\s+(?:filed|opened|registered)", re.I), "立案"),
)


def _en_accountability(sentence: str, published: date, found: _Found) -> None:
    for pattern, action in _EN_ACCOUNTABILITY:
        for match in pattern.finditer(sentence):
            found.add("accountability", count=_int(match.group(1)), action=action)


EN_RULES: tuple[Rule, ...] = (_en_team, _en_stationed, _en_counts, _en_penalty, _en_deadline, _en_accountability)

# --- sentences and the stage -----------------------------------------------------------

_ZH_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_EN_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)|\n")
# A full stop after these ends no sentence: "Aug. 31", "No. 4", "Co. Ltd".
_ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "mr",
        "mrs",
        "ms",
        "dr",
        "co",
        "corp",
        "st",
        "inc",
        "ltd",
        "vs",
        "etc",
        "u.s",
        "e.g",
        "i.e",
    ]
)


def sentences(text: str, lang: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence of the text."""
    if lang == "zh":
        for match in _ZH_SENTENCE.finditer(text):
            if match.group(0).strip():
                yield match.start(), match.group(0)
        return
    start = 0
    for boundary in _EN_BOUNDARY.finditer(text):
        word = re.search(r"([\w.]+?)\.$", text[start : boundary.end()].rstrip("\"')]"))
        if (
            boundary.group(0) == "."
            and word
            and (word.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1)))
        ):
            continue
        if text[start : boundary.end()].strip():
            yield start, text[start : boundary.end()]
        start = boundary.end()
    if text[start:].strip():
        yield start, text[start:]


def extract_facts(text: str, lang: str, published: datetime | date | None) -> list[Fact]:
    """Every fact the text states, in order, each once (the first sentence that states it)."""
    if isinstance(published, datetime):
        published = published.astimezone(CHINA_TZ).date()
    published = published or date.today()
    rules = ZH_RULES if lang == "zh" else EN_RULES
    seen: set[tuple] = set()
    facts = []
    for offset, sentence in sentences(text, lang):
        found = _Found()
        prepared = _arabic(sentence) if lang == "zh" else sentence
        for rule in rules:
            rule(prepared, published, found)
        for key, values in found.facts.items():
            # A fact stated twice is one fact, but two equal fines in two sentences are two.
            scope = (key, offset) if values["kind"] == "penalty" else key
            if scope in seen:
                continue
            seen.add(scope)
            kind = values.pop("kind")
            start = offset + len(sentence) - len(sentence.lstrip())
            facts.append(Fact(kind=kind, values=values, sentence=sentence.strip(), offset=start))
    numbered = any(f.kind == "team" and f.values["number"] is not None for f in facts)
    # An unnumbered mention of the central team is the numbered one the article names.
    return [f for f in facts if not (numbered and f.kind == "team" and f.values["number"] is None)]


def article_day(article: Article) -> date:
    """The day an article's undated mentions count from: its publication, else its fetch (China time)."""
    when = article.published_at or article.fetched_at or datetime.now(CHINA_TZ)
    return when.astimezone(CHINA_TZ).date()


def reads_facts(article: Article) -> bool:
    """Whether the facts stage reads the article: relevant (others state none worth a row), in zh or en."""
    return article.relevant and article.lang in ("zh", "en")


def facts(article: Article) -> Article:
    """Facts of relevant articles, each with its sentence as the original writes it
    (Traditional stays Traditional) where the two forms align, and the party and place it
    is about (pipelines.parties)."""
    article.facts = []
    if not reads_facts(article):
        return article
    text = _simplified_text(article)
    original = f"{article.title}\n{article.body}"
    found = extract_facts(text, article.lang, article_day(article))
    parties = fact_parties(found, article.simplified_title, article.simplified_body, article.lang)
    for fact, (party, place) in zip(found, parties, strict=True):
        row = fact.as_dict() | {"party": party, "place": place}
        if len(original) == len(text):
            row["sentence"] = original[fact.offset : fact.offset + len(fact.sentence)]
        article.facts.append(row)
    return article


_NOT_VALUES = ("kind", "sentence", "offset", "party", "place")  # a fact row's keys besides its values


def found_facts(article: Article) -> list[Fact]:
    """The facts the facts stage found (reads_facts), as read: their sentences in the
    Simplified text, at the same offsets (the original's sentence is as long, or is it)."""
    text = _simplified_text(article)
    return [
        Fact(
            kind=row["kind"],
            values={key: value for key, value in row.items() if key not in _NOT_VALUES},
            sentence=text[row["offset"] : row["offset"] + len(row["sentence"])],
            offset=row["offset"],
        )
        for row in article.facts
    ]


def _simplified_text(article: Article) -> str:
    return f"{article.simplified_title}\n{article.simplified_body}"
