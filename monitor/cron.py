"""Five-field cron expressions (minute hour day-of-month month day-of-week), as cron reads them:
`*`, numbers, lists `1,15`, ranges `1-5`, steps `*/15` and `10-50/20`, month and weekday names
(`jan`, `mon-fri`), Sunday as 0 or 7. When both day fields are restricted a day matching either
fires, as in Vixie cron. Times are wall-clock times in the zone of the moment given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# The longest wait between two firings: `0 0 29 2 *` skips 2100, so eight years and a bit.
SEARCH_YEARS = 9


class CronError(ValueError):
    """An expression cron would not accept; the message names the field."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    names_from: int = 0  # the number of the first name


FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, MONTH_NAMES, 1),
    _Field("day of week", 0, 7, DAY_NAMES, 0),
)


def _number(text: str, field: _Field) -> int:
    lowered = text.lower()
    if lowered in field.names:
        return field.names.index(lowered) + field.names_from
    if not (text.isascii() and text.isdigit()) or not field.low <= int(text) <= field.high:
        raise CronError(f"{field.name}: {text!r} is not a value from {field.low} to {field.high}")
    return int(text)


def _part(part: str, field: _Field) -> set[int]:
    """One comma-separated part: `*`, `N`, `A-B`, each with an optional `/STEP`."""
    span, _, step_text = part.partition("/")
    if step_text and (not step_text.isdigit() or int(step_text) == 0):
        raise CronError(f"{field.name}: {step_text!r} is not a step (a whole number from 1)")
    step = int(step_text or 1)
    if span == "*":
        low, high = field.low, field.high
    elif "-" in span:
        first, _, last = span.partition("-")
        low, high = _number(first, field), _number(last, field)
        if low > high:
            raise CronError(f"{field.name}: the range {span!r} runs backwards")
    else:
        low = _number(span, field)
        high = field.high if step_text else low  # `5/15` means from 5 on, as cron reads it
    return set(range(low, high + 1, step))


def _values(text: str, field: _Field) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise CronError(f"{field.name}: empty item in {text!r}")
        values |= _part(part, field)
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool  # day of month is `*`
    any_weekday: bool  # day of week is `*`

    @classmethod
    def parse(cls, text: str) -> Cron:
        fields = text.split()
        if len(fields) != 5:
            raise CronError(f"{text!r} has {len(fields)} fields; cron takes 5: minute hour day month weekday")
        minutes, hours, days, months, weekdays = (_values(f, spec) for f, spec in zip(fields, FIELDS, strict=False))
        return cls(
            text,
            minutes,
            hours,
            days,
            months,
            frozenset(d % 7 for d in weekdays),
            any_day=fields[2].startswith("*"),
            any_weekday=fields[4].startswith("*"),
        )

    def _day_matches(self, moment: datetime) -> bool:
        in_month = moment.day in self.days
        in_week = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def next_after(self, moment: datetime) -> datetime:
        """The first firing time strictly after `moment` (to the minute)."""
        candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        give_up = candidate.replace(year=candidate.year + SEARCH_YEARS, day=1)
        while candidate < give_up:
            if candidate.month not in self.months:
                candidate = _first_of_next_month(candidate)
            elif not self._day_matches(candidate):
                candidate = candidate.replace(hour=0, minute=0) + timedelta(days=1)
            elif candidate.hour not in self.hours:
                candidate = candidate.replace(minute=0) + timedelta(hours=1)
            elif candidate.minute not in self.minutes:
                candidate += timedelta(minutes=1)
            else:
                return candidate
        raise CronError(f"{self.text!r} never fires")


def _first_of_next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0)
