"""Issue 18 on both engines: prefixes, proximity, the vocabulary's core words across the
languages, and filters that agree between search and facts."""

from __future__ import annotations

import json

import pytest

from db.search.spec import Filters
from monitor.query import QueryError, parse_query
from monitor.search import SearchOptions, search, snippet
from pipelines.chinese import to_simplified
from pipelines.segment import terms
from tests.conftest import monitor_main
from tests.test_search import _WORD, Oracle, every_copy, found


@pytest.fixture(scope="module")
def oracle(any_archive) -> Oracle:
    return Oracle(any_archive)


def _english(oracle: Oracle, test) -> set[int]:
    return {r.id for r in oracle.rows if r.lang == "en" and test(r)}


# --- prefixes ----------------------------------------------------------------------------------


def test_an_english_prefix_finds_every_word_whose_stem_starts_with_it(any_archive, oracle):
    for prefix in ("inspect", "rectif", "penal"):
        starting = {pk for pk, (_, stems, _) in oracle.texts.items() if any(s.startswith(prefix) for s in stems)}
        assert (
            every_copy(any_archive, prefix + "*")
            == every_copy(any_archive, prefix.title() + "*")
            == oracle.urls(starting)
        )
    # More than the word: inspectors' stem is inspector, not inspect.
    assert every_copy(any_archive, "inspect*") > every_copy(any_archive, "inspect")


def test_a_chinese_prefix_finds_the_words_starting_with_it(any_archive, oracle):
    prefixed = every_copy(any_archive, "环保督*")
    assert every_copy(any_archive, "环保督察") <= prefixed <= oracle.urls(oracle.has("环保督"))
    assert prefixed and every_copy(any_archive, "稀土*") == oracle.urls(oracle.has("稀土"))


# --- proximity ---------------------------------------------------------------------------------


def _within(fields: tuple[str, str], first: str, second: str, distance: int) -> bool:
    """Whether the stems are `distance` words apart or less, in either order, in one field."""
    for text in fields:
        stems = terms(_WORD.findall(to_simplified(text)))
        at = {word: [i for i, s in enumerate(stems) if s == word] for word in (first, second)}
        if any(abs(i - j) - 1 <= distance for i in at[first] for j in at[second]):
            return True
    return False


@pytest.mark.parametrize("distance", [0, 3, 12])
def test_near_finds_the_words_within_the_distance_in_either_order(any_archive, oracle, distance):
    expected = _english(oracle, lambda r: _within((r.title, r.body), "inspect", "rectif", distance))
    assert expected
    assert every_copy(any_archive, f"NEAR(inspection rectification, {distance}) lang:en") == oracle.urls(expected)
    assert every_copy(any_archive, f"NEAR(rectification inspection, {distance}) lang:en") == oracle.urls(expected)


def test_near_in_chinese_follows_the_text_s_own_words(any_archive, oracle):
    adjacent, near, both = (
        every_copy(any_archive, q) for q in ("NEAR(督察 整改, 0)", "NEAR(督察 整改, 10)", "督察 整改")
    )
    assert every_copy(any_archive, '"督察 整改"') <= adjacent < near < both
    assert every_copy(any_archive, "NEAR(督察 整改)") == near  # 10 words unless told


def test_prefix_and_near_give_the_same_results_on_both_engines(archive, postgres_archive):
    for query in ("rectif*", "稀土* lang:zh", "penalty*", "NEAR(督察 整改, 5)", 'NEAR("rare earth" price, 8) OR 锂*'):
        assert found(archive, query, SearchOptions(limit=1000)) == found(
            postgres_archive, query, SearchOptions(limit=1000)
        ), query


# --- the vocabulary's core words ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "罚款 lang:en",
        "penalty lang:zh",
        "fine lang:zh",
        "信访 lang:en",
        "complaint lang:zh",
        "summoned lang:zh",
        "约谈 lang:en",
    ],
)
def test_core_words_find_reports_in_the_other_language(any_archive, query):
    assert found(any_archive, query, SearchOptions(limit=1000))


def test_summons_and_accountability_are_told_apart(any_archive, oracle):
    summoned, accountable = (every_copy(any_archive, f"{w} lang:zh") for w in ("约谈", "问责"))
    assert summoned == oracle.urls(
        oracle.where(oracle.has("约谈") | oracle.has("约见") | oracle.has("summon"), lang=lambda r: r.lang == "zh")
    )
    assert summoned != accountable


# --- filters that agree --------------------------------------------------------------------------


def test_an_unknown_site_is_an_error_naming_the_archive_s_sites(any_archive):
    with pytest.raises(QueryError, match=r"unknown site 'foo': this archive holds the sites cnmn, smm"):
        search(any_archive, "稀土 site:foo")
    with pytest.raises(QueryError, match="unknown site 'foo'"):
        search(any_archive, "稀土", SearchOptions(filters=Filters(sites=("foo",))))
    assert found(any_archive, "稀土 site:CNMN") == found(any_archive, "稀土 site:cnmn")


def test_site_facets_count_what_the_total_counts(any_archive):
    page = search(any_archive, "稀土", SearchOptions(limit=0), with_facets=True)
    assert page.results == [] and page.total == search(any_archive, "稀土", SearchOptions(limit=5)).total
    for name in ("site", "lang"):
        assert sum(n for _, n in page.facets[name]) == page.total, name
    every = search(any_archive, "稀土", SearchOptions(limit=0, collapse=False), with_facets=True)
    assert sum(n for _, n in every.facets["site"]) == every.total > page.total


def test_the_command_line_filters_agree_with_the_query(archive, db_url):
    by_option = monitor_main(
        "search", "--json", "--limit", "1000", "--since", "2020", "--until", "2021-06", "整改", db_url=db_url
    )
    by_query = monitor_main("search", "--json", "--limit", "1000", "整改 since:2020 until:2021-06", db_url=db_url)
    assert json.loads(by_option.stdout)["total"] == json.loads(by_query.stdout)["total"] > 0
    total = json.loads(by_query.stdout)["total"]
    beyond = monitor_main("search", "--offset", "1000", "整改 since:2020 until:2021-06", db_url=db_url)
    assert beyond.stdout.startswith(f"{total} found; none on this page")
    counted = monitor_main("search", "--limit", "0", "--facets", "整改 since:2020 until:2021-06", db_url=db_url)
    assert counted.stdout.startswith(f"{total} found\n") and "site: " in counted.stdout
    site = monitor_main("search", "稀土 site:foo", db_url=db_url, check=False)
    assert site.returncode == 2 and "unknown site 'foo'" in site.stderr and "cnmn" in site.stderr


def test_facts_take_the_tags_and_dates_search_takes(archive, db_url):
    by_name = json.loads(monitor_main("facts", "--json", "--limit", "1000", "--tag", "中铝", db_url=db_url).stdout)
    by_id = json.loads(monitor_main("facts", "--json", "--limit", "1000", "--tag", "chinalco", db_url=db_url).stdout)
    tagged = search(archive, "tag:中铝", SearchOptions(limit=1000, collapse=False)).results
    assert by_name == by_id and by_name and {f["article_id"] for f in by_name} <= {r.article["id"] for r in tagged}
    unknown = monitor_main("facts", "--tag", "nonexist", db_url=db_url, check=False)
    assert unknown.returncode == 2 and "unknown tag 'nonexist'" in unknown.stderr
    in_2020 = json.loads(
        monitor_main("facts", "--json", "--limit", "1000", "--since", "2020", "--until", "2020", db_url=db_url).stdout
    )
    assert in_2020 and all(f["published_at"].startswith("2020-") for f in in_2020)


def test_snippets_mark_the_words_a_prefix_finds():
    marks = parse_query("rectif* penalty* 稀土*").marks
    text = "Firms must rectify problems; penalties and rectification follow. Rectangle. 稀土集团"
    assert snippet(text, None, marks)[0] == (
        "Firms must «rectify» problems; «penalties» and «rectification» follow. Rectangle. «稀土»集团"
    )
