"""The cron parser: next firing times, checked by hand against cron's rules, and its refusals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from monitor.cron import Cron, CronError
from monitor.durations import format_duration, parse_duration

CHINA = timezone(timedelta(hours=8))
# A Wednesday.
START = datetime(2025, 1, 15, 10, 7, 30, tzinfo=CHINA)


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("* * * * *", datetime(2025, 1, 15, 10, 8)),
        ("*/15 * * * *", datetime(2025, 1, 15, 10, 15)),
        ("7 * * * *", datetime(2025, 1, 15, 11, 7)),  # strictly after: 10:07:30 is past 10:07
        ("0 9 * * *", datetime(2025, 1, 16, 9, 0)),
        ("30 8-18/4 * * *", datetime(2025, 1, 15, 12, 30)),  # 8, 12, 16
        ("0,20,40 22 * * *", datetime(2025, 1, 15, 22, 0)),
        ("5/20 * * * *", datetime(2025, 1, 15, 10, 25)),  # 5, 25, 45
        ("0 0 1 * *", datetime(2025, 2, 1, 0, 0)),
        ("0 6 * * mon-fri", datetime(2025, 1, 16, 6, 0)),
        ("0 6 * * SAT,sun", datetime(2025, 1, 18, 6, 0)),
        ("0 6 * * 7", datetime(2025, 1, 19, 6, 0)),  # 7 is Sunday too
        ("0 0 * feb *", datetime(2025, 2, 1, 0, 0)),
        ("0 0 31 * *", datetime(2025, 1, 31, 0, 0)),
        ("0 0 31 apr-jun *", datetime(2025, 5, 31, 0, 0)),  # April has no 31st
        ("0 0 29 2 *", datetime(2028, 2, 29, 0, 0)),  # the next leap year
        ("0 0 13 * fri", datetime(2025, 1, 17, 0, 0)),  # both days restricted: either fires
        ("0 0 13 * *", datetime(2025, 2, 13, 0, 0)),
        ("59 23 31 12 *", datetime(2025, 12, 31, 23, 59)),
    ],
)
def test_next_firing_time(expression, expected):
    assert Cron.parse(expression).next_after(START) == expected.replace(tzinfo=CHINA)


def test_successive_firings():
    cron = Cron.parse("*/20 9-10 * * *")
    moments, moment = [], START
    for _ in range(5):
        moment = cron.next_after(moment)
        moments.append(f"{moment:%d %H:%M}")
    assert moments == ["15 10:20", "15 10:40", "16 09:00", "16 09:20", "16 09:40"]


def test_year_end():
    assert Cron.parse("0 0 * * *").next_after(datetime(2025, 12, 31, 23, 59, tzinfo=CHINA)) == datetime(
        2026, 1, 1, tzinfo=CHINA
    )


@pytest.mark.parametrize(
    "expression, message",
    [
        ("* * * *", "'* * * *' has 4 fields; cron takes 5: minute hour day month weekday"),
        ("60 * * * *", "minute: '60' is not a value from 0 to 59"),
        ("* 24 * * *", "hour: '24' is not a value from 0 to 23"),
        ("* * 0 * *", "day of month: '0' is not a value from 1 to 31"),
        ("* * * 13 *", "month: '13' is not a value from 1 to 12"),
        ("* * * * 8", "day of week: '8' is not a value from 0 to 7"),
        ("* * * foo *", "month: 'foo' is not a value from 1 to 12"),
        ("*/0 * * * *", "minute: '0' is not a step (a whole number from 1)"),
        ("10-5 * * * *", "minute: the range '10-5' runs backwards"),
        ("1,,2 * * * *", "minute: empty item in '1,,2'"),
        ("² * * * *", "minute: '²' is not a value from 0 to 59"),  # a digit to str.isdigit, not to cron
    ],
)
def test_refusals(expression, message):
    with pytest.raises(CronError) as refused:
        Cron.parse(expression)
    assert str(refused.value) == message


def test_an_expression_that_never_fires():
    with pytest.raises(CronError, match="'0 0 30 2 \\*' never fires"):
        Cron.parse("0 0 30 2 *").next_after(START)


@pytest.mark.parametrize("text, seconds", [("45s", 45), ("30m", 1800), ("1h30m", 5400), ("2d", 172800), ("1.5s", 1.5)])
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)
    assert format_duration(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize("text", ["", "30", "m", "30x", "0s", "1m1h", "-5m", "²s", "99999999999d"])
def test_bad_durations(text):
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)
