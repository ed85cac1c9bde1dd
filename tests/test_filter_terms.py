"""Filter terms (db.filter_terms): what an article's filters column holds and how a
search's filters become an FTS5 expression. Search results through them are tested on the
replica archive (tests/test_search.py, both engines)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from common.china_time import CHINA_TZ
from db.filter_terms import MARK, NOTHING, _date_terms, filter_terms, restrict
from db.search.spec import Filters


def _hex(value: str) -> str:
    return value.encode().hex()


def test_an_articles_terms_hold_its_values_alone_and_with_its_china_year():
    # 17:00 UTC on New Year's Eve is already 2021 in China.
    terms = filter_terms(
        "zh", "cnmn", "www.cnmn.com.cn", "rectification", True, datetime(2020, 12, 31, 17, 0), ["b", "a", "b"]
    )
    values = [
        ("l", "zh"),
        ("s", "cnmn"),
        ("h", "www.cnmn.com.cn"),
        ("r", "rectification"),
        ("t", "a"),
        ("t", "b"),
        ("v", ""),
    ]
    plain = [f"{MARK}{kind}{_hex(value)}" for kind, value in values]
    assert terms.split() == plain + [f"{t}{MARK}2021" for t in plain] + [
        f"{MARK}y2021",
        f"{MARK}m202101",
        f"{MARK}d20210101",
    ]
    undated = filter_terms("en", "smm", "news.metal.com", "unrelated", False, None, [])
    assert undated.split() == [
        f"{MARK}l{_hex('en')}",
        f"{MARK}s{_hex('smm')}",
        f"{MARK}h{_hex('news.metal.com')}",
        f"{MARK}r{_hex('unrelated')}",
    ]


def test_a_period_is_whole_years_whole_months_and_days():
    terms, whole_years = _date_terms(date(2019, 12, 30), date(2021, 3, 3))
    assert terms == [
        f"{MARK}d20191230",
        f"{MARK}d20191231",
        f"{MARK}y2020",
        f"{MARK}m202101",
        f"{MARK}m202102",
        f"{MARK}d20210301",
        f"{MARK}d20210302",
    ]
    assert not whole_years
    assert _date_terms(date(2020, 1, 1), date(2022, 1, 1)) == ([f"{MARK}y2020", f"{MARK}y2021"], True)


def test_filters_become_an_expression_or_none_when_the_index_cannot_hold_them():
    span = (date(2015, 6, 1), date(2026, 11, 1))
    assert restrict('"x"', Filters(), span) == '"x"'
    year = Filters(
        langs=("zh",), since=datetime(2021, 1, 1, tzinfo=CHINA_TZ), until=datetime(2022, 1, 1, tzinfo=CHINA_TZ)
    )
    # A whole year: the language joined with the year says it all, no day terms needed.
    assert restrict('"x"', year, span) == f'(("x") AND ("{MARK}l{_hex("zh")}{MARK}2021"))'
    excluded = Filters(not_sites=("smm",))
    assert restrict('"x"', excluded, span) == f'("x" NOT ("{MARK}s{_hex("smm")}" OR "{MARK}h{_hex("smm")}"))'
    # Outside what the archive holds, or nothing dated: nothing.
    assert restrict('"x"', Filters(since=datetime(2027, 1, 1, tzinfo=CHINA_TZ)), span) == NOTHING
    assert restrict('"x"', Filters(until=datetime(2021, 1, 1, tzinfo=CHINA_TZ)), None) == NOTHING
    # Days begin at midnight in China; any other moment is left to the rows.
    assert restrict('"x"', Filters(since=datetime(2021, 1, 1, tzinfo=UTC)), span) is None
    assert restrict('"x"', Filters(since=datetime(2020, 12, 31, 16, 0, tzinfo=UTC)), span) is not None
