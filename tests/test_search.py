"""Searching the replica archive, on SQLite and on PostgreSQL: every operator and filter
against an oracle that reads the stored texts directly (no index), copies collapsed,
cross-language expansion, facets, sorting and paging."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest

from db import Archive
from db.search.results import ranked
from db.search.spec import Filters
from monitor.query import QueryError, concept_names, narrower
from monitor.search import MARK_OPEN, SearchOptions, iterate, plan, search, snippet
from pipelines.article import CHINA_TZ, china_time
from pipelines.chinese import to_simplified
from pipelines.segment import terms
from tests.conftest import monitor_main

EXACT = SearchOptions(expand=False, limit=1000)
_WORD = re.compile(r"[^\W_]+")


class Oracle:
    """The archive's articles read straight from their rows: which hold a word or phrase."""

    def __init__(self, archive: Archive) -> None:
        self.rows = archive.articles()
        self.texts = {}
        for row in self.rows:
            text = to_simplified(f"{row.title}\n{row.body}")
            self.texts[row.id] = (text, set(terms(_WORD.findall(text))), " ".join(terms(_WORD.findall(text))))

    def has(self, word: str) -> set[int]:
        """Articles holding a Chinese word as written, or an English word by its stem."""
        if word.isascii():
            stem = terms([word])[0]
            return {pk for pk, (_, stems, _) in self.texts.items() if stem in stems}
        return {pk for pk, (text, _, _) in self.texts.items() if word in text}

    def english_phrase(self, phrase: str) -> set[int]:
        wanted = " " + " ".join(terms(phrase.split())) + " "
        return {pk for pk, (_, _, joined) in self.texts.items() if wanted in f" {joined} "}

    def where(self, pks: set[int], **conditions) -> set[int]:
        return {r.id for r in self.rows if r.id in pks and all(test(r) for test in conditions.values())}

    def every(self) -> set[int]:
        return {r.id for r in self.rows}

    def faces(self, pks: set[int]) -> set[str]:
        """URLs of the stories' faces: each story's earliest copy that is not garbled."""
        stories: dict[int, list] = {}
        for row in self.rows:
            if row.id in pks:
                stories.setdefault(row.story_id, []).append(row)
        far = datetime.max.replace(tzinfo=CHINA_TZ)
        return {min(rows, key=lambda r: (r.garbled, r.published_at or far, r.id)).url for rows in stories.values()}

    def urls(self, pks: set[int]) -> set[str]:
        return {r.url for r in self.rows if r.id in pks}


@pytest.fixture(scope="module")
def oracle(any_archive) -> Oracle:
    return Oracle(any_archive)


def found(archive: Archive, query: str, options: SearchOptions = EXACT) -> set[str]:
    page = search(archive, query, options)
    assert page.total == len(page.results)
    return {r.article["url"] for r in page.results}


def every_copy(archive: Archive, query: str) -> set[str]:
    return found(archive, query, SearchOptions(expand=False, collapse=False, limit=1000))


# --- words and operators ---------------------------------------------------------------------


@pytest.mark.parametrize("word", ["稀土", "整改", "废水", "copper", "rectification", "lithium"])
def test_a_word_finds_exactly_the_articles_holding_it(any_archive, oracle, word):
    holding = oracle.has(word)
    assert holding, word
    assert every_copy(any_archive, word) == oracle.urls(holding)
    assert found(any_archive, word) == oracle.faces(holding)


def test_and_or_not_and_brackets(any_archive, oracle):
    rare, fix, lithium = oracle.has("稀土"), oracle.has("整改"), oracle.has("废水")
    cases = {
        "稀土 整改": rare & fix,
        "稀土 AND 整改": rare & fix,
        "稀土 OR 废水": rare | lithium,
        "稀土 -整改": rare - fix,
        "稀土 NOT 整改": rare - fix,
        "(稀土 OR 废水) 整改": (rare | lithium) & fix,
        "稀土 OR 废水 整改": rare | (lithium & fix),
        "稀土 -(整改 OR 废水)": rare - fix - lithium,
        "-整改 -稀土": oracle.every() - fix - rare,
    }
    for query, expected in cases.items():
        assert expected, query
        assert every_copy(any_archive, query) == oracle.urls(expected), query


def test_phrases(any_archive, oracle):
    phrase = oracle.english_phrase("inspection team")
    assert phrase and phrase < oracle.has("inspection") & oracle.has("team")
    assert every_copy(any_archive, '"inspection team"') == oracle.urls(phrase)
    assert every_copy(any_archive, '"Inspection Teams"') == oracle.urls(phrase)
    assert every_copy(any_archive, '"team inspection"') == set()
    # A Chinese phrase: its words in the text's own order, written with or without spaces.
    chinese = every_copy(any_archive, '"督察发现"')
    assert chinese == every_copy(any_archive, '"督察 发现"') == oracle.urls(oracle.has("督察发现"))
    assert chinese < every_copy(any_archive, "督察 发现")


# --- filters -----------------------------------------------------------------------------------


def _china_day(row) -> str:
    return china_time(row.published_at)[:10]


def test_filters(any_archive, oracle, replicas):
    rare, fix = oracle.has("稀土"), oracle.has("整改")
    mirror = replicas.addresses["mirror"].split("//")[1]
    cases = {
        "整改 site:cnmn": oracle.where(fix, site=lambda r: r.site == "cnmn"),
        f"整改 site:{mirror}": oracle.where(fix, host=lambda r: r.host == mirror),
        f"整改 -site:{mirror}": oracle.where(fix, host=lambda r: r.host != mirror),
        "rectification lang:en": oracle.where(oracle.has("rectification"), lang=lambda r: r.lang == "en"),
        "整改 since:2020-10-15": oracle.where(fix, day=lambda r: _china_day(r) >= "2020-10-15"),
        "整改 until:2020-10-15": oracle.where(fix, day=lambda r: _china_day(r) <= "2020-10-15"),
        "整改 since:2019-03 until:2020": oracle.where(fix, day=lambda r: "2019-03-01" <= _china_day(r) <= "2020-12-31"),
        "稀土 relevance:supervision": oracle.where(rare, label=lambda r: r.relevance_label == "supervision"),
        "稀土 relevance:relevant": oracle.where(rare, relevant=lambda r: r.relevant),
        "稀土 -relevance:relevant": oracle.where(rare, relevant=lambda r: not r.relevant),
        "稀土 relevance:related relevance:unrelated": oracle.where(
            rare, label=lambda r: r.relevance_label in ("related", "unrelated")
        ),
        "site:smm lang:en": oracle.where(oracle.every(), site=lambda r: r.site == "smm"),
    }
    for query, expected in cases.items():
        assert expected, query
        assert every_copy(any_archive, query) == oracle.urls(expected), query


def test_tag_filter_takes_ids_and_names_with_narrower_concepts(any_archive, oracle):
    chinalco = narrower()["chinalco"]
    assert len(chinalco) > 1  # its subsidiaries are tagged apart
    tagged = oracle.where(oracle.every(), tag=lambda r: bool({t["id"] for t in r.tags} & chinalco))
    assert tagged
    assert every_copy(any_archive, "tag:chinalco") == every_copy(any_archive, "tag:中铝") == oracle.urls(tagged)
    assert every_copy(any_archive, "整改 -tag:chinalco") == oracle.urls(oracle.has("整改") - tagged)


# --- collapsed copies, expansion, facets, order, paging ------------------------------------------


def _seed(manifest, site: str) -> dict:
    return next(a for a in manifest["articles"] if a["seed"] and a["site"] == site)


@pytest.mark.parametrize("query", ["环保督察", "中国铜业"])
def test_a_story_is_one_result_with_its_copies(any_archive, manifest, replicas, query):
    seed = _seed(manifest, "cnmn")
    cnmn, mirror = (replicas.addresses[s].split("//")[1] for s in ("cnmn", "mirror"))
    page = search(any_archive, query, SearchOptions(limit=200))
    hit = next(r for r in page.results if r.article["url"].endswith(seed["path"]))
    assert hit.article["host"] == cnmn and hit.article["title"] == seed["title"]
    assert [c["host"] for c in hit.copies] == [mirror]
    assert MARK_OPEN + query + "»" in hit.snippet
    assert not [r for r in page.results if r.article["host"] == mirror]
    # Every copy on demand: the mirror's own result, its snippet in Traditional script.
    copies = search(any_archive, query, SearchOptions(limit=200, collapse=False))
    mirrored = next(
        r for r in copies.results if r.article["host"] == mirror and r.article["url"].endswith(seed["path"])
    )
    assert mirrored.article["garbled"] and copies.total > page.total


def test_cross_language_expansion(any_archive, oracle, manifest):
    english = lambda pks: oracle.where(pks, lang=lambda r: r.lang == "en")  # noqa: E731
    chinese = lambda pks: oracle.where(pks, lang=lambda r: r.lang == "zh")  # noqa: E731
    rare_earth = set().union(
        *(
            oracle.english_phrase(" ".join(n)) if all(t.isascii() for t in n) else oracle.has("".join(n))
            for n in concept_names()["rare-earth"]
        )
    )
    expanded = SearchOptions(collapse=False, limit=1000)
    assert found(any_archive, "稀土 lang:en", expanded) == oracle.urls(english(rare_earth))
    assert found(any_archive, "rare earth lang:zh", expanded) == oracle.urls(
        chinese(rare_earth | (oracle.has("rare") & oracle.has("earth")))
    )
    assert _seed(manifest, "smm")["title"] in {
        r.article["title"] for r in search(any_archive, "稀土", SearchOptions(limit=200)).results
    }
    # 督察 finds English reports by "inspection" and "supervision"; the switch turns it off.
    inspection = found(any_archive, "督察 lang:en", expanded)
    assert oracle.urls(english(oracle.has("inspection") | oracle.has("supervision"))) <= inspection
    assert found(any_archive, "督察 lang:en", SearchOptions(expand=False, collapse=False, limit=1000)) == set()


def test_facets_count_the_stories_found(any_archive, oracle):
    """Each story once, by the copy the results show (its face), as the total counts them."""
    page = search(any_archive, "稀土", SearchOptions(expand=False, limit=5), with_facets=True)
    matching = oracle.has("稀土")
    faces = oracle.faces(matching)
    rows = [r for r in oracle.rows if r.id in matching and r.url in faces]
    stories = lambda key: Counter(k for k, _ in {(key(r), r.story_id) for r in rows})  # noqa: E731
    assert dict(page.facets["site"]) == stories(lambda r: r.host)
    assert dict(page.facets["lang"]) == stories(lambda r: r.lang)
    assert dict(page.facets["month"]) == stories(lambda r: china_time(r.published_at)[:7])
    assert [m for m, _ in page.facets["month"]] == sorted(m for m, _ in page.facets["month"])
    tag_counts = Counter(tag for tag, _ in {(t["id"], r.story_id) for r in rows for t in r.tags})
    assert dict(page.facets["tag"]) == dict(sorted(tag_counts.items(), key=lambda i: (-i[1], i[0]))[:30])
    assert page.total == len({r.story_id for r in rows})


def test_sorting_and_paging(any_archive):
    by_date = search(any_archive, "整改", SearchOptions(sort="date", limit=1000)).results
    days = [r.article["published_at"] for r in by_date]
    assert days == sorted(days, reverse=True)
    whole = [r.article["id"] for r in search(any_archive, "稀土", SearchOptions(limit=1000)).results]
    pages = [
        r.article["id"]
        for offset in range(0, len(whole), 7)
        for r in search(any_archive, "稀土", SearchOptions(limit=7, offset=offset)).results
    ]
    assert pages == whole
    beyond = search(any_archive, "稀土", SearchOptions(limit=7, offset=len(whole) + 10))
    assert beyond.results == [] and beyond.total == len(whole)


@pytest.mark.parametrize("collapse", [True, False])
@pytest.mark.parametrize("query", ["稀土", "(rare earth OR 整改)", '"inspection team"'])
def test_ranking_from_the_index_alone_equals_ranking_through_the_rows(any_archive, query, collapse):
    """SQLite ranks from the full-text index alone, its filter terms included; a filter
    the index cannot hold (a moment that is not a China midnight) takes the road through
    each match's row: the same page, total and copies either way."""
    for offset in (0, 5):
        options = SearchOptions(collapse=collapse, limit=12, offset=offset)
        alone = search(any_archive, query, options)
        kept_by_terms = search(any_archive, query + " -site:nowhere.example", options)
        assert alone.total == kept_by_terms.total and alone.results
        assert [r.as_dict() for r in alone.results] == [r.as_dict() for r in kept_by_terms.results]
        dated_by_terms = search(any_archive, query + " since:1900", options)
        odd_moment = Filters(since=datetime(1900, 1, 1, 0, 0, 1, tzinfo=CHINA_TZ))
        through_rows = search(any_archive, query, replace(options, filters=odd_moment))
        assert dated_by_terms.total == through_rows.total and dated_by_terms.results
        assert [r.as_dict() for r in dated_by_terms.results] == [r.as_dict() for r in through_rows.results]


@pytest.mark.parametrize("collapse", [True, False])
def test_iterating_every_result_gives_the_pages_in_order(any_archive, collapse):
    options = SearchOptions(collapse=collapse, limit=1000)
    page = search(any_archive, "整改 OR rare earth", options)
    every = list(iterate(any_archive, "整改 OR rare earth", options, batch=7))
    assert [r.as_dict() for r in every] == [r.as_dict() for r in page.results] and len(every) == page.total > 50


def test_title_weighs_more_than_body(any_archive):
    results = search(any_archive, "lithium", SearchOptions(expand=False, limit=1000, collapse=False)).results
    in_title = ["lithium" in r.article["title"].lower() for r in results]
    assert in_title == sorted(in_title, reverse=True) and in_title[0] and not in_title[-1]


# --- the engines agree; generated queries ------------------------------------------------------


def test_both_engines_give_the_same_results(archive, postgres_archive):
    for query in [
        "稀土",
        "rare earth",
        "督察 lang:en",
        '"rare earth" -copper',
        "整改 since:2020 until:2021-06",
        "(稀土 OR 废水) tag:jiangxi",
        "-copper site:smm",
        "relevance:rectification",
    ]:
        sqlite_page = search(archive, query, SearchOptions(limit=1000, sort="date"))
        postgres_page = search(postgres_archive, query, SearchOptions(limit=1000, sort="date"))
        assert sqlite_page.total == postgres_page.total, query
        assert [r.article["url"] for r in sqlite_page.results] == [r.article["url"] for r in postgres_page.results]
        assert [r.snippet for r in sqlite_page.results] == [r.snippet for r in postgres_page.results]


PIECES = [
    "稀土",
    "督察",
    "整改",
    "rare",
    "earth",
    "copper",
    "AND",
    "OR",
    "NOT",
    "and",
    "(",
    ")",
    '"',
    "-",
    ":",
    "site:",
    "site:smm",
    "lang:en",
    "lang:xx",
    "tag:chinalco",
    "tag:",
    "since:2020",
    "until:2021-02-30",
    "relevance:related",
    "*",
    "^",
    "NEAR(",
    "c++",
    "中央环保督察组",
    "環保",
    "'",
    "\\",
    "{",
    "}",
    "+",
    "\u3000",
    "１２",
    "🙂",
    "\x00",
    "%",
    "_",
    "'; DROP TABLE articles; --",
    "$$",
    "::tsquery",
    "<->",
    "!",
    "&",
    "|",
]


def generated_queries(n: int, seed: int = 7) -> list[str]:
    """Random operators, quotes, brackets, filters and Unicode, joined with and without spaces."""
    rng = random.Random(seed)
    queries = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.7:
            parts = rng.choices(PIECES, k=rng.randint(1, 8))
            queries.append((" " if rng.random() < 0.7 else "").join(parts))
        else:
            queries.append(
                "".join(
                    chr(rng.choice([rng.randint(32, 126), rng.randint(0x4E00, 0x9FFF), rng.randint(0, 0x10FFFF)]))
                    for _ in range(rng.randint(0, 12))
                ).replace("\ud800", "")
            )
    return queries


def test_the_deepest_query_allowed_runs_on_both_engines(any_archive):
    deep = "稀土"
    for n in range(12):
        deep = f"整改 OR ({deep})" if n % 2 else f"copper ({deep})"
    assert search(any_archive, deep, SearchOptions(limit=3)).total > 0


def test_snippets_mark_numbers_inside_chinese_text(any_archive):
    page = search(any_archive, "2020 lang:zh", SearchOptions(expand=False, collapse=False, limit=1000))
    assert page.results and all("«2020»" in r.snippet for r in page.results)


def test_snippet_marks_are_the_only_guillemets():
    assert snippet("稀土«x»", None, (("稀土",),)) == ("«稀土»‹x›", True)
    assert snippet("Guangxi Rare Earths, rare-earth", None, (("rare", "earth"),)) == (
        "Guangxi «Rare Earths», «rare-earth»",
        True,
    )


@pytest.mark.slow
def test_ten_thousand_generated_queries_raise_only_query_errors(any_archive):
    searched = refused = 0
    with any_archive.engine.connect() as conn:
        for query in generated_queries(10_000):
            try:
                _, spec = plan(query.encode("utf-8", "replace").decode("utf-8"), SearchOptions())
            except QueryError as error:
                assert str(error)
                refused += 1
                continue
            ranked(conn, spec, limit=3)
            searched += 1
    assert searched > 3000 and refused > 1000


# --- the command line ------------------------------------------------------------------------


def test_command_line_search(archive, db_url, manifest):
    seed = _seed(manifest, "cnmn")
    out = json.loads(
        monitor_main("search", "--json", "--facets", "--limit", "3", "--", "中国铜业 lang:zh", db_url=db_url).stdout
    )
    assert (
        out["query"] == "中国铜业 lang:zh"
        and out["total"] >= 1
        and set(out["facets"]) == {"site", "lang", "month", "tag"}
    )
    assert seed["title"] in [r["title"] for r in out["results"]]
    text = monitor_main(
        "search", "--lang", "en", "--since", "2020-01-01", "--until", "2020-12-31", "稀土", db_url=db_url
    ).stdout
    assert "found; 1-" in text and "2020-" in text
    bad = monitor_main("search", "稀土 AND", db_url=db_url, check=False)
    assert (
        bad.returncode == 2
        and bad.stderr == "monitor: cannot search '稀土 AND': AND at position 4 needs a word after it\n"
    )


def test_bad_arguments_get_clear_messages(tmp_path):
    bad_date = monitor_main("search", "稀土", "--since", "2020-13-01", check=False)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr and "Traceback" not in bad_date.stderr
    for args, message in (
        (("search", "稀土", "--since", "0001-01-01"), "between the years 1900 and 2999"),
        (("search", "稀土", "--limit", "99999999999999999999"), "a whole number from 1 to 10000"),
        (("crawl", "cnmn=ftp://x"), "not an http(s) address"),
        (("crawl", "cnmn=http://[::1"), "not an http(s) address"),
        (("crawl", "nosuchsite"), "no spider named 'nosuchsite' (known: cnmn, mee, smm, smm_cn)"),
    ):
        result = monitor_main(*args, check=False)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, args
    bad_db = monitor_main("--db", "nosuchdialect://x", "search", "稀土", check=False)
    assert bad_db.returncode == 2 and bad_db.stderr.startswith("monitor: cannot open the archive")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    bad_path = monitor_main("--db", f"sqlite:///{blocked}/archive.sqlite3", "search", "稀土", check=False)
    assert bad_path.returncode == 2 and "Traceback" not in bad_path.stderr
