"""The query language read into search expressions: operators, filters, expansions, errors."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.search.expression import (
    And,
    Near,
    Not,
    Or,
    Phrase,
    Prefix,
    Term,
    fts5_expression,
    split_top,
    tsquery_expression,
    vocabulary,
)
from db.search.spec import Filters
from monitor.query import QueryError, narrower, parse_query, tag_ids
from pipelines.article import CHINA_TZ
from pipelines.tag import find_concepts


def node(query: str):
    return parse_query(query, expand=False).node


def test_words_phrases_and_operators():
    assert node("稀土") == Term("稀土")
    assert node("稀土 整改") == node("稀土 AND 整改") == And((Term("稀土"), Term("整改")))
    assert node("稀土 OR 锂 整改") == Or((Term("稀土"), And((Term("锂"), Term("整改")))))
    assert node("(稀土 OR 锂) 整改") == And((Or((Term("稀土"), Term("锂"))), Term("整改")))
    assert node("稀土 -督察") == node("稀土 NOT 督察") == And((Term("稀土"), Not(Term("督察"))))
    assert node('"Rare Earths" copper') == And((Phrase(("rare", "earth")), Term("copper")))
    assert node("NOT NOT 稀土") == Term("稀土")
    # Lower-case and/or are words; a hyphen inside a word is not an exclusion.
    assert node("rare and earth") == And((Term("rare"), Term("and"), Term("earth")))
    assert node("lead-zinc") == Phrase(("lead", "zinc"))


def test_traditional_and_full_width_input_searches_the_simplified_terms():
    assert node("環保督察") == node("环保督察") == Term("环保督察")
    assert node("ＣＯＰＰＥＲ") == Term("copper")


def test_expressions_for_both_engines():
    query = node('(稀土 OR "rare earth") -督察')
    assert fts5_expression(query) == '((("稀土" OR {title body} : "rare earth")) NOT ("督察"))'
    assert tsquery_expression(query) == "(('稀土' | ('rare':AB <-> 'earth':AB)) & !'督察')"


def test_expansion_reaches_the_other_language():
    expanded = parse_query("稀土").node
    assert isinstance(expanded, Or) and expanded.children[0] == Term("稀土")
    assert Phrase(("rare", "earth")) in expanded.children and Term("稀土元素") in expanded.children
    # Plain words that spell a name expand as one; 督察 reaches "inspection" and "supervision".
    rare_earth = parse_query("rare earth").node
    assert rare_earth.children[0] == And((Term("rare"), Term("earth"))) and Term("稀土") in rare_earth.children
    inspection = parse_query("督察").node
    assert Term("inspect") in inspection.children and Term("supervis") in inspection.children
    assert Term("督察") in parse_query("supervision").node.children
    assert parse_query("稀土", expand=False).node == Term("稀土")


def test_filters():
    parsed = parse_query("稀土 site:smm site:www.cnmn.com.cn lang:EN -lang:und relevance:relevant -relevance:related")
    f = parsed.filters
    assert (f.sites, f.langs, f.not_langs, f.relevance, f.not_relevance) == (
        ("smm", "www.cnmn.com.cn"),
        ("en",),
        ("und",),
        ("relevant",),
        ("related",),
    )
    dates = parse_query("since:2020-10 until:2021").filters
    assert dates.since == datetime(2020, 10, 1, tzinfo=CHINA_TZ) and dates.until == datetime(
        2022, 1, 1, tzinfo=CHINA_TZ
    )
    assert parse_query("until:2020-12").filters.until == datetime(2021, 1, 1, tzinfo=CHINA_TZ)
    assert parse_query("until:2020-02-29").filters.until == datetime(2020, 3, 1, tzinfo=CHINA_TZ)
    assert parse_query("site:smm").node is None  # filters alone: browse
    # A tag by id or any name, with the concepts below it.
    assert parse_query("tag:chinalco").filters.tags == parse_query("tag:中铝").filters.tags
    assert "chinalco" in parse_query("tag:chinalco").filters.tags[0]
    assert parse_query('tag:"rare earth"').filters.tags == parse_query("tag:稀土").filters.tags


@pytest.mark.parametrize(
    "query, message",
    [
        ('copper "rare earth', "unbalanced quote at position 8"),
        ("(稀土", "unbalanced bracket: ( at position 1 is never closed"),
        ("稀土)", "unbalanced bracket: ) at position 3 has no ("),
        ("稀土 AND", "AND at position 4 needs a word after it"),
        ("OR 督察", "OR at position 1 needs a word before it"),
        ("稀土 OR", "OR at position 4 needs a word after it"),
        ("()", "empty brackets at position 1"),
        ("稀土 NOT", "NOT at position 4 needs a word after it"),
        ("", "the query is empty"),
        ("*", "the query has no words to search for"),
        ("lnag:en 稀土", "unknown filter 'lnag': at position 1"),
        ("稀土 lang:fr", "lang: at position 4 takes zh, en, und, not 'fr'"),
        ("稀土 since:2020-13", "since: at position 4 takes a day"),
        ("稀土 since:0001", "the year must be between 1900 and 2999"),
        ("稀土 since:2020 since:2021", "since: at position 15 is given twice"),
        ("稀土 tag:nosuchthing", "unknown tag 'nosuchthing' at position 4"),
        ("稀土 OR site:smm", "site: at position 7 is inside brackets, OR or NOT"),
        ("稀土 OR -督察", "nothing to find at position 7"),
        ("稀土 site:", "site: at position 4 has no value"),
        ("-since:2020 稀土", "since: at position 2 cannot be excluded"),
        ("稀土 since:2020-00", "since: at position 4 takes a day"),
        ("稀土 until:2020-01-00", "until: at position 4 takes a day"),
        ("(" * 13 + "稀土" + ")" * 13, "the query nests too deeply at position 13: at most 12"),
        ("-" * 1000 + "稀土", "the query nests too deeply at position 13"),
        # Several mistakes: the syntax first, then the filters' values, then the words.
        ("(稀土 OR site:smm", "unbalanced bracket: ( at position 1 is never closed"),
        ("(稀土 OR -督察) tag:nosuchthing", "unknown tag 'nosuchthing' at position 13"),
        ("(稀土 OR -督察) -(site:smm OR 整改)", "nothing to find at position 8"),
    ],
)
def test_malformed_queries_name_the_problem_and_its_position(query, message):
    with pytest.raises(QueryError) as error:
        parse_query(query)
    assert message in str(error.value)


def test_brackets_around_the_whole_query_hold_its_filters_and_two_exclusions_cancel():
    assert parse_query("((稀土 site:smm))", expand=False) == parse_query("稀土 site:smm", expand=False)
    assert parse_query("(site:smm) -(lang:en) 稀土", expand=False).filters == Filters(sites=("smm",), not_langs=("en",))
    assert node("((-稀土 -整改))") == And((Not(Term("稀土")), Not(Term("整改"))))
    assert node("--稀土") == node("NOT -稀土") == Term("稀土") and node("---稀土") == Not(Term("稀土"))
    assert parse_query("--稀土").marks == parse_query("稀土").marks and parse_query(
        "整改 -稀土", expand=False
    ).marks == (("整改",),)
    # A concept's name spelled across brackets around one word still expands as one.
    assert parse_query("rare (earth)") == parse_query("rare earth")
    with pytest.raises(QueryError, match="nothing to find at position 2"):
        parse_query("(-稀土 -整改) copper")


def test_deep_queries_stay_flat_and_any_white_space_separates():
    deep = "稀土"
    for _ in range(12):
        deep = f"x ({deep})"
    assert node(deep) == And((Term("x"),) * 12 + (Term("稀土"),))
    assert parse_query("稀土\u00a0site:smm", expand=False).filters.sites == ("smm",)
    assert node("稀土\u00a0OR\u00a0锂") == Or((Term("稀土"), Term("锂")))


def test_words_of_other_scripts_fold_as_both_engines_would():
    assert node("café") == Phrase(("caf", "é"))
    assert node("ſ µm ς") == And((Term("s"), Phrase(("μ", "m")), Term("σ")))


def test_exclusions_alone_search_everything_else():
    assert node("-督察 site:smm") == Not(Term("督察"))
    assert node("-督察 -稀土") == And((Not(Term("督察")), Not(Term("稀土"))))


QUERY_PARTS = st.sampled_from(
    [
        "稀土",
        "督察",
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
        "--",
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
        "rank:",
        "\u3000",
        "１２",
        "e\u0301",
        "🙂",
        "\x00",
        "#",
    ]
)
RANDOM_QUERIES = st.one_of(
    st.lists(QUERY_PARTS, max_size=12).map(" ".join),
    st.lists(QUERY_PARTS, max_size=12).map("".join),
    st.text(max_size=40),
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_QUERIES)
def test_any_text_gives_an_expression_or_a_query_error(query):
    """Parsing never fails otherwise; a parsed query compiles for both engines."""
    try:
        parsed = parse_query(query)
    except QueryError as error:
        assert str(error)
        return
    if parsed.node is None:
        return
    for part in split_top(parsed.node):
        if part is not None:
            assert fts5_expression(part) and tsquery_expression(part)


# --- prefixes, proximity and the vocabulary's core words ---------------------------------------


def test_a_star_makes_a_prefix_of_the_written_word_and_its_stem():
    assert node("稀土*") == Prefix("稀土")
    assert node("Rectif*") == Prefix("rectif")
    assert node("penalty*") == Or((Prefix("penalty"), Prefix("penalti")))  # its stem: penalties
    assert node("稀土* -铜") == And((Prefix("稀土"), Not(Term("铜"))))
    assert fts5_expression(Prefix("稀土")) == '{title body parts} : "稀土" *'
    assert tsquery_expression(Prefix("rectif")) == "'rectif':*"
    for query, message in (
        ("稀* r*", "needs 2 letters"),
        ('"rare ear*"', "cannot be inside a phrase"),
        ("c+*", "one word"),
    ):
        with pytest.raises(QueryError, match=message):
            parse_query(query)


def test_near_takes_two_words_or_phrases_and_a_distance():
    assert node("NEAR(督察 整改, 10)") == Near((("督察",), ("整改",)), 10)
    assert node('NEAR("rare earths" prices)') == Near((("rare", "earth"), ("price",)), 10)
    assert node("稀土 NEAR(督察 整改,3)") == And((Term("稀土"), Near((("督察",), ("整改",)), 3)))
    near = Near((("a",), ("b", "c")), 1)
    assert fts5_expression(near) == '{title body} : NEAR("a" "b c", 1)'
    # Within 1 word, either order, one field: the second starts 1 or 2 positions after the first ends.
    alternatives = tsquery_expression(near).split(" | ")
    assert len(alternatives) == 2 * 2 * 2 and "(('a':A) <2> ('b':A <-> 'c':A))" in tsquery_expression(near)
    for query, message in (
        ("NEAR(督察, 3)", "two words"),
        ("NEAR(a b c, 3)", "two words"),
        ("NEAR(a b, 51)", "from 0 to 50"),
        ("NEAR(a b, x)", "from 0 to 50"),
        ("NEAR(a b", "never closed"),
        ("NEAR(a* b)", "two words"),
    ):
        with pytest.raises(QueryError, match=message):
            parse_query(query)


def _expanded(query: str) -> set:
    found = parse_query(query).node
    children = found.children if isinstance(found, Or) else (found,)
    return {c.term if isinstance(c, Term) else c.terms for c in children if isinstance(c, (Term, Phrase))}


def test_core_words_expand_to_both_languages():
    assert {"罚款", "处罚", "penalti"} <= _expanded("penalty") and "penalti" in _expanded("罚款")
    assert {"信访", "举报", "投诉", "complaint", "petit"} <= _expanded("complaint") and "complaint" in _expanded("信访")
    assert "约谈" in _expanded("summoned") and "summon" in _expanded("约谈")
    assert "问责" in _expanded("accountability") and "立案处罚" in _expanded("case filed")


def test_fine_finds_penalties_but_a_search_for_penalties_never_looks_for_fine():
    """fine, fines and fined share the stem fine (fine particles, iron ore fines): typed,
    they find 罚款; 罚款 looks for "was fined", never for the bare word."""
    assert {"fine", "罚款", "penalti"} <= _expanded("fine")
    assert "fine" not in _expanded("罚款") and ("was", "fine") in _expanded("罚款")
    assert "fine" not in _expanded("penalty")


def test_summons_accountability_and_case_filing_are_told_apart():
    assert "约谈" not in _expanded("问责") and "问责" not in _expanded("约谈") and "立案处罚" not in _expanded("问责")
    assert tag_ids("约谈") == {"summons"} and tag_ids("立案处罚") == {"case-filed"}
    assert {"summons", "case-filed"} <= narrower()["accountability"] and "case-filed" in narrower()[
        "administrative-penalty"
    ]


def test_only_whole_names_tag_fines_and_penalties():
    def tagged(text: str) -> set[str]:
        return {hit.concept.id for hit in find_concepts(text)}

    assert "administrative-penalty" in tagged("The smelter Was Fined 2 million yuan.")
    assert "administrative-penalty" not in tagged("Fine particles and iron ore fines; a fine-grained result.")
    assert tagged("约谈企业负责人") & {"summons", "accountability"} == {"summons"}


def test_vocabulary_is_every_term_a_node_reads_and_its_prefixes():
    node = And(
        (
            Or((Term("稀土"), Phrase(("rare", "earth")))),
            Near((("督察",), ("整改", "通知")), 5),
            Prefix("rectif"),
            Not(Or((Term("copper"), Prefix("smm")))),
        )
    )
    assert vocabulary(node) == ({"稀土", "rare", "earth", "督察", "整改", "通知", "copper"}, {"rectif", "smm"})
    assert vocabulary(parse_query("-site:smm 稀土", expand=False).node) == ({"稀土"}, set())
