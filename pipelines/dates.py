"""Dates as news pages write them, in Chinese and English, to aware datetimes.

A date without a time zone is China time (the archive's clock); one without a year takes
the latest year that does not put it after the fetch; relative dates (3小时前, 昨天 14:00,
"2 days ago") count back from the fetch time. Every parser returns None rather than guess."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from common.china_time import CHINA_TZ

EARLIEST_YEAR = 1990  # the web's news: anything earlier is a number that looks like a year

_TIME = r"(?:\s*(?:T|at)?\s*(?P<ampm1>上午|下午|晚上|凌晨)?\s*(?P<hour>\d{1,2})\s*[:时點点]\s*(?P<minute>\d{1,2})(?:\s*[:分]\s*(?P<second>\d{2}))?\s*(?P<ampm2>[ap]\.?m\.?)?)?"
_CN_FULL = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*[年/.-]\s*(?P<month>\d{1,2})\s*[月/.-]\s*(?P<day>\d{1,2})(?!\d)\s*日?" + _TIME,
    re.IGNORECASE,
)
# 10月15日 (14:52), or 10-15 14:52 (the time is what makes "10-15" a date).
_CN_MONTH_DAY = re.compile(
    r"(?<![\d年/.-])(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
    + _TIME
    + r"|(?<![\d/.-])(?P<month2>\d{1,2})-(?P<day2>\d{1,2})\s+(?P<hour2>\d{1,2}):(?P<minute2>\d{2})(?![\d-])"
)
# 9/17/2004 5:54:13 AM: month first, as US-configured servers print dates (day first when
# the first number cannot be a month).
_NUMERIC_SLASHED = re.compile(
    r"(?<![\d/])(?P<first>\d{1,2})/(?P<other>\d{1,2})/(?P<year>(?:19|20)\d{2})(?![\d/])" + _TIME, re.IGNORECASE
)
_RELATIVE_UNITS = {
    "秒": "seconds",
    "分钟": "minutes",
    "分鐘": "minutes",
    "小时": "hours",
    "小時": "hours",
    "天": "days",
    "日": "days",
    "周": "weeks",
    "週": "weeks",
    "星期": "weeks",
    "second": "seconds",
    "sec": "seconds",
    "minute": "minutes",
    "min": "minutes",
    "hour": "hours",
    "hr": "hours",
    "day": "days",
    "week": "weeks",
}
_RELATIVE = re.compile(
    r"(?P<count>\d+)\s*(?:个)?\s*(?P<unit>秒|分钟|分鐘|小时|小時|天|周|週|星期|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s*(?:前|ago)",
    re.IGNORECASE,
)
_DAY_WORDS = re.compile(r"(?P<word>刚刚|剛剛|今天|今日|昨天|昨日|前天|just now|today|yesterday)" + _TIME, re.IGNORECASE)
_DAYS_BACK = {"今天": 0, "今日": 0, "today": 0, "昨天": 1, "昨日": 1, "yesterday": 1, "前天": 2}

_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.IGNORECASE)
_WEEKDAYS = {name: number for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}

MONTHS = {  # English month names and abbreviations, lower case -> 1..12
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mname>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_EN_MONTH_FIRST = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL}(?:,\s*|\s+)(?P<year>(?:19|20)\d{{2}})\b,?" + _TIME, re.IGNORECASE
)
_EN_DAY_FIRST = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d{{2}})\b,?" + _TIME, re.IGNORECASE
)
_ISO = re.compile(
    r"(?P<date>(?:19|20)\d{2}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?"
)
# Dates in article URLs: /2020-05/20/, /2020/05/20/, /20200520/, /t20201015_, /doc-2024-05-10.
_URL_DATE = re.compile(
    r"(?<![\d])(?P<year>(?:19|20)\d{2})(?P<sep>[-/_]?)(?P<month>[01]\d)(?:(?P=sep)|/)?(?P<day>[0-3]\d)(?!\d)"
)


def parse_chinese_datetime(text: str) -> datetime | None:
    """2020年10月15日 14:52, 2020-10-15 8:05, 2020/10/15, 下午3:05 -> aware, China time."""
    found = _CN_FULL.search(_fold(text))
    return _build(found, int(found["year"]), int(found["month"]), int(found["day"])) if found else None


def parse_slashed_datetime(text: str) -> datetime | None:
    """9/17/2004 5:54:13 AM (month first), 17/9/2004 (day first, the only reading); a weekday
    named on the line settles the reading: "Thu 12/01/2012" is 12 January (a Thursday)."""
    text = _fold(text)
    found = _NUMERIC_SLASHED.search(text)
    if not found:
        return None
    first, other = int(found["first"]), int(found["other"])
    month, day = (first, other) if first <= 12 else (other, first)
    weekday = _WEEKDAY.search(text)
    if weekday and other <= 12:
        named = _WEEKDAYS[weekday.group(1).lower()[:3]]
        for m, d in ((first, other), (other, first)):
            moment = _build(found, int(found["year"]), m, d)
            if moment is not None and moment.weekday() == named:
                return moment
    return _build(found, int(found["year"]), month, day)


def parse_stamp(value: str) -> datetime | None:
    """A machine time from markup: ISO 8601 or RFC 2822, or seconds (milliseconds) since 1970."""
    value = value.strip()
    if value.isdigit() and len(value) in (10, 13):
        return datetime.fromtimestamp(int(value[:10]), tz=CHINA_TZ)
    return parse_machine_datetime(value)


def parse_english_datetime(text: str) -> datetime | None:
    """Sep 27, 2020 07:50, September 27th, 2020, 27 September 2020 at 5:00 pm -> aware, China
    time (an English page's date without zone is read on the archive's clock as well)."""
    text = _fold(text)
    for pattern in (_EN_MONTH_FIRST, _EN_DAY_FIRST):
        found = pattern.search(text)
        if found:
            return _build(found, int(found["year"]), MONTHS[found["mname"].lower()], int(found["day"]))
    return None


def parse_machine_datetime(text: str) -> datetime | None:
    """ISO 8601 or RFC 2822, as meta tags, JSON-LD and <time datetime> give them (a stated
    zone is kept); failing those, the human forms."""
    found = _ISO.search(text)
    if found is None:
        return _rfc2822(text.strip()) or parse_chinese_datetime(text) or parse_english_datetime(text)
    stamp = found["date"] + (f"T{found['time']}" if found["time"] else "")
    zone = found["zone"]
    if zone:
        stamp += "+00:00" if zone in ("Z", "UTC", "GMT") else _colon(zone)
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


# A line that is only a year and month: "2003年5月", "——《某刊》1998年3月号", "原载某报 1998年3月",
# "March 1998". Its own line, nothing after the month but an issue's 号 / 刊 / 出版: a range
# ("5月至6月", "5月-6月"), a day, a label before it ("更新于", "Last updated", "©") or a
# sentence around it is not a publication month; "第3期" issues and bare years have no month.
_LEAD = r"[\s—–\-─~·•|*]*(?:[（(\[【]\s*)?(?:(?:原载|载于|刊于|刊载于|发表于|發表於|出版于|写于|寫於|撰于|于|於)\s*)?"
_PERIODICAL = r"(?:[《〈«“\"][^》〉»”\"\n]{1,20}[》〉»”\"]\s*[,，、]?\s*)?"
_CN_YEAR_MONTH = re.compile(
    _LEAD + _PERIODICAL + r"(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?:号|號|刊|份|出版|版)?"
    r"\s*[)）\]】]?[\s.。□■]*"
)
_EN_YEAR_MONTH = re.compile(
    r"[\s—–\-─~·•|*]*(?:[(\[]\s*)?(?:(?:first\s+)?published\s+(?:in\s+)?|issue\s*:?\s*)?"
    + _MONTH
    + r",?\s+(?P<year>(?:19|20)\d{2})\s*(?:issue)?\s*[)\]]?[\s.]*",
    re.IGNORECASE,
)
MONTH_LINE = 30  # characters: a longer line holding a month is a sentence


def year_month_line(text: str, fetched_at: datetime) -> datetime | None:
    """A line that states only a publication month (a magazine's issue line at the end, a
    report's month under its headline): the month's first instant, China time; None for a
    line that says anything else (see _CN_YEAR_MONTH), is long, or names a month to come."""
    text = " ".join(_fold(text).split())
    if not text or len(text) > MONTH_LINE:
        return None
    found = _CN_YEAR_MONTH.fullmatch(text)
    month = int(found["month"]) if found else None
    if found is None:
        found = _EN_YEAR_MONTH.fullmatch(text)
        month = MONTHS[found["mname"].lower().rstrip(".")] if found else None
    if found is None or month is None or not 1 <= month <= 12:
        return None
    moment = datetime(int(found["year"]), month, 1, tzinfo=CHINA_TZ)
    return moment if plausible(moment, fetched_at) else None


def parse_relative(text: str, fetched_at: datetime) -> datetime | None:
    """3小时前, 2 days ago, 昨天 14:52, 10月15日 (year inferred): read against the fetch time."""
    text = _fold(text)
    now = fetched_at.astimezone(CHINA_TZ)
    found = _RELATIVE.search(text)
    if found:
        return now - timedelta(**{_unit(found["unit"]): int(found["count"])})
    found = _DAY_WORDS.search(text)
    if found:
        word = found["word"].lower()
        if word not in _DAYS_BACK:
            return now
        day = now - timedelta(days=_DAYS_BACK[word])
        return _build(found, day.year, day.month, day.day) or day
    found = _CN_MONTH_DAY.search(text)
    if found:
        return _month_day(found, now)
    return None


def parse_full_datetime(text: str, fetched_at: datetime) -> datetime | None:
    """A date with its year as a page's visible text writes it, in either language."""
    for parse in (parse_chinese_datetime, parse_english_datetime, parse_slashed_datetime):
        moment = parse(text)
        if moment is not None and plausible(moment, fetched_at):
            return moment
    return None


def parse_human_datetime(text: str, fetched_at: datetime) -> datetime | None:
    """A date as a page's visible text writes it, in either language, absolute or relative."""
    return parse_full_datetime(text, fetched_at) or parse_relative(text, fetched_at)


def date_in_url(url: str) -> datetime | None:
    """A publication day that the address spells out: /2020-05/20/, /2020/05/20/, t20201015_."""
    for found in _URL_DATE.finditer(url):
        moment = _build(None, int(found["year"]), int(found["month"]), int(found["day"]))
        if moment is not None:
            return moment
    return None


def _month_day(found: re.Match, now: datetime) -> datetime | None:
    month, day = (found["month"], found["day"]) if found["month"] else (found["month2"], found["day2"])
    for year in (now.year, now.year - 1):
        moment = _build(found, year, int(month), int(day))
        if found["hour2"] and moment is not None:
            moment = moment.replace(hour=int(found["hour2"]), minute=int(found["minute2"]))
        if moment is not None and moment <= now + timedelta(days=1):
            return moment
    return None


def _build(found: re.Match | None, year: int, month: int, day: int) -> datetime | None:
    hour = minute = second = 0
    if found is not None and found.groupdict().get("hour"):
        hour, minute = int(found["hour"]), int(found["minute"])
        second = int(found["second"] or 0)
        hour += 12 if _afternoon(found) and hour < 12 else 0
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=CHINA_TZ)
    except ValueError:
        return None


def _afternoon(found: re.Match) -> bool:
    marker = (found["ampm1"] or found["ampm2"] or "").lower()
    return marker in ("下午", "晚上") or marker.startswith("p")


def plausible(moment: datetime, fetched_at: datetime) -> bool:
    """Not before the web's news, not after the fetch (a day's slack for clocks)."""
    return moment.year >= EARLIEST_YEAR and moment <= fetched_at + timedelta(days=1)


def _unit(word: str) -> str:
    word = word.lower()
    return _RELATIVE_UNITS[word.rstrip("s") if word.isascii() else word]


def _rfc2822(text: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


def _fold(text: str) -> str:
    """Full-width digits and colons to ASCII: ２０２０年１０月 reads as 2020年10月."""
    return unicodedata.normalize("NFKC", text)


def _colon(zone: str) -> str:
    return zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
