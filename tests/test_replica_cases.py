"""The inspection cases the replica sites carry (monitor/replica/cases.py) and their truth in
the manifest: whole cases over months, on every site and in both languages, with reposts,
mirror copies and decoys; the seed documents their case's first stages."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest

from monitor.replica import catalog


@pytest.fixture(scope="module")
def manifest() -> dict:
    return catalog.manifest()


def _labelled(manifest: dict) -> list[dict]:
    return [a for a in manifest["articles"] if a["inspection"]]


def test_twelve_cases_of_four_stages_or_more_over_months(manifest):
    by_case = defaultdict(list)
    for article in _labelled(manifest):
        if article["inspection"]["case"]:
            by_case[article["inspection"]["case"]].append(article)
    assert sorted(by_case) == sorted(case["case"] for case in manifest["cases"])
    assert len(by_case) == 12
    for case, articles in by_case.items():
        days = sorted(date.fromisoformat(a["published_at"][:10]) for a in articles)
        assert len({a["inspection"]["stage"] for a in articles}) >= 4, case
        assert (days[-1] - days[0]).days > 120, case
    stationed = {case["case"]: date.fromisoformat(case["stationed"]) for case in manifest["cases"]}
    looked_back = {
        a["inspection"]["case"]
        for a in _labelled(manifest)
        if a["inspection"]["stage"] == "lookback"
        and (date.fromisoformat(a["published_at"][:10]) - stationed[a["inspection"]["case"]]).days >= 365
    }
    assert looked_back == {
        "baogang-2024",
        "chinalco-2020",
        "guangxi-2021",
        "inner-mongolia-2016",
        "minmetals-2023",
        "yunnan-2023",
    }


def test_every_site_and_both_languages_and_scripts(manifest):
    labelled = _labelled(manifest)
    assert Counter(a["site"] for a in labelled) == {"smm": 17, "cnmn": 17, "mirror": 17, "smm_cn": 18, "mee": 16}
    assert Counter((a["lang"], a["script"]) for a in labelled) == {
        ("zh", "Hans"): 51,
        ("en", None): 17,
        ("zh", "Hant"): 17,
    }
    stages = Counter(a["inspection"]["stage"] for a in labelled if a["inspection"]["case"])
    assert stages == {
        "stationing": 17,
        "onsite": 4,
        "feedback": 18,
        "plan": 12,
        "progress": 13,
        "typical_case": 2,
        "lookback": 8,
        "closure": 4,
    }


def test_mirror_copies_reposts_and_decoys(manifest):
    labelled = {a["inspection"]["label"]: a for a in _labelled(manifest)}
    for article in labelled.values():
        truth = article["inspection"]
        if truth["repost_of"]:  # a copy or repost: the same case, stage and figures as its original
            original = labelled[truth["repost_of"]]["inspection"]
            assert (truth["case"], truth["stage"], truth["figures"]) == (
                original["case"],
                original["stage"],
                original["figures"],
            )
    copies = Counter(labelled[a["inspection"]["repost_of"]]["site"] for a in labelled.values() if a["site"] == "mirror")
    assert copies == {"cnmn": 17}
    reposts = [a for a in labelled.values() if a["inspection"]["repost_of"] and a["site"] != "mirror"]
    assert sorted((a["site"], labelled[a["inspection"]["repost_of"]]["site"]) for a in reposts) == [
        ("cnmn", "mee"),
        ("smm_cn", "cnmn"),
    ]
    decoys = Counter(a["inspection"]["decoy"] for a in labelled.values() if not a["inspection"]["case"])
    assert decoys == {
        "other_round": 1,
        "safety_inspection": 2,
        "provincial_inspection": 2,
        "discipline_inspection": 1,
        "passing_mention": 1,
    }


def test_the_seeds_are_the_stationing_and_progress_of_the_chinalco_2020_case(manifest):
    seeds = {a["site"]: a["inspection"] for a in manifest["articles"] if a["seed"]}
    assert {site: (t["case"], t["stage"]) for site, t in seeds.items()} == {
        "smm": ("chinalco-2020", "progress"),
        "cnmn": ("chinalco-2020", "stationing"),
        "mirror": ("chinalco-2020", "stationing"),
    }
    assert {(f["kind"], f["value"], f["as_of"]) for f in seeds["cnmn"]["figures"]} == {
        ("problems_raised", 38, "2020-10-09"),
        ("problems_rectified", 24, "2020-10-09"),
        ("problems_in_progress", 14, "2020-10-09"),
        ("complaints_received", 5, "2020-10-08"),
        ("complaints_closed", 4, "2020-10-08"),
    }
    [case] = [case for case in manifest["cases"] if case["case"] == "chinalco-2020"]
    assert case == {
        "case": "chinalco-2020",
        "party": "chinalco",
        "party_kind": "organisation",
        "inspection": "第二轮第三批",
        "team": 4,
        "stationed": "2020-08-31",
    }


@pytest.mark.parametrize("articles", [1, 64, 300])
def test_the_written_articles_are_a_fixed_addition_with_ids_of_their_own(articles):
    written = catalog.manifest(articles)["articles"]
    assert sum(1 for a in written if a["inspection"]) == 85
    for site in catalog.SITES:
        ids = [a["article_id"] for a in written if a["site"] == site]
        assert len(ids) == len(set(ids)), site
