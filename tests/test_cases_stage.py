"""The case reading as a pipeline stage: it reads only the articles whose title and lead
name a central inspection, and keeps for every article what read_case, reading it whole,
would have it keep."""

from __future__ import annotations

import json
from datetime import datetime

from monitor.case_evaluation import DATA
from monitor.evaluation import _article
from pipelines.cases import CaseReading, family, read_case
from pipelines.stages import process

# Of the 330 labelled articles: those whose title and lead name no central inspection (decoys
# among them, whose figures read_case still reads for the evaluation), and those about a case.
SKIPPED, ABOUT_A_CASE = 46, 278


def _kept_by_read_case(reading: CaseReading) -> str:
    return family(reading.party) if reading.central and reading.party else ""


def test_the_stage_keeps_what_the_whole_reading_would_on_every_labelled_article():
    skipped = about_a_case = 0
    for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        published = datetime.fromisoformat(f"{truth['published']}T12:00:00+08:00")
        article = process(_article(truth["title"], truth["body"], published, truth["url"]))
        reading = read_case(article)
        kept = article.case_reading
        assert kept["family"] == _kept_by_read_case(reading), truth["id"]
        if kept["reading"] is None:
            skipped += 1
            assert not reading.central, truth["id"]
        else:
            assert kept["reading"] == reading.record(), truth["id"]
        about_a_case += bool(kept["family"])
    assert (skipped, about_a_case) == (SKIPPED, ABOUT_A_CASE)


def test_an_article_naming_no_central_inspection_is_not_read():
    article = process(
        _article(
            "铜价周评：沪铜震荡走高",
            "本周沪铜主力合约上涨1.2%，截至3月5日库存减少2000吨，发现问题38个。",
            datetime.fromisoformat("2026-03-06T10:00:00+08:00"),
            "https://example.com/copper-weekly",
        )
    )
    assert article.case_reading == {"family": "", "reading": None}
    assert [(figure.kind, figure.value) for figure in read_case(article).figures] == [("problems_raised", 38)]
