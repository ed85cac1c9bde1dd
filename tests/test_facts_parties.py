"""Each fact names the party and the place it is about (issue 15, item 5)."""

from __future__ import annotations

from datetime import datetime

from monitor.evaluation import _article
from pipelines.stages import process


def _facts(title: str, body: str) -> list[tuple]:
    article = process(_article(title, body, datetime.fromisoformat("2021-12-02T10:00:00+08:00"), "https://f.example/1"))
    return [(f["kind"], f.get("count", f.get("amount_yuan")), f["party"], f["place"]) for f in article.facts]


def test_a_fact_is_about_what_its_sentence_names_else_what_the_article_is_about():
    facts = _facts(
        "中央第三生态环境保护督察组向江西铜业集团有限公司反馈督察情况",
        "12月2日，中央第三生态环境保护督察组向江西铜业集团有限公司反馈督察情况。"
        "督察进驻期间，督察组受理转办群众信访举报一百零二件，已办结九十件。"
        "鹰潭市对贵溪冶炼厂罚款120万元，问责4人。"
        "云南铜业所属企业罚款35万元。",
    )
    assert [f for f in facts if f[0] != "team"] == [
        # The article's place: the city it names (the party's smelter is there).
        ("complaints_received", 102, "jiangxi-copper", "yingtan"),
        ("complaints_closed", 90, "jiangxi-copper", "yingtan"),
        ("penalty", 1_200_000, "jiangxi-copper", "yingtan"),
        ("accountability", 4, "jiangxi-copper", "yingtan"),
        ("penalty", 350_000, "yunnan-copper", None),  # another party, in no place named
    ]


def test_a_province_is_the_party_and_the_place_of_its_facts():
    facts = _facts(
        "湖南省召开中央生态环境保护督察整改推进会",
        "截至2021年11月30日，湖南省交办的95个问题已完成整改60个。累计罚款1.2亿元。",
    )
    assert [f for f in facts if f[0] != "team"] == [
        ("issues_raised", 95, "hunan", "hunan"),
        ("issues_rectified", 60, "hunan", "hunan"),
        ("penalty", 120_000_000, "hunan", "hunan"),
    ]
