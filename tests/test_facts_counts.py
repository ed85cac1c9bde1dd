"""Counts the fact rules read for inspection cases: Chinese numerals and thousands
separators, signed-off and on-schedule counts, hazards, and what is no count."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.facts import extract_facts

PUBLISHED = date(2024, 5, 10)


def _counts(text: str, lang: str) -> list[tuple]:
    return [
        (f.kind, f.values.get("count", f.values.get("amount_yuan")))
        for f in extract_facts(text, lang, PUBLISHED)
        if f.kind not in ("team", "round", "stationed", "deadline")
    ]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "督察组受理转办群众信访举报七十六件，已办结六十八件；罚款一百二十万元，问责五人。",
            "zh",
            [("complaints_received", 76), ("complaints_closed", 68), ("penalty", 1_200_000), ("accountability", 5)],
        ),
        (
            "督察期间转办的1,899件群众信访举报件，已办结1,873件。",
            "zh",
            [("complaints_received", 1899), ("complaints_closed", 1873)],
        ),
        (
            "交办的28个问题已完成整改17个，达到序时进度11个。",
            "zh",
            [("issues_raised", 28), ("issues_rectified", 17), ("issues_in_progress", 11)],
        ),
        (
            "督察反馈的45个问题中已有44个通过验收并销号，其余1个属长期整改任务，将持续推进。",
            "zh",
            [("issues_raised", 45), ("issues_rectified", 44), ("issues_in_progress", 1)],
        ),
        ("方案梳理形成整改任务57项，计划2025年底前完成42项。", "zh", [("issues_raised", 57)]),
        ("对重点问题实行挂牌督办，整改一个、验收一个、销号一个。", "zh", []),
        (
            "共排查发现安全隐患97项，已整改68项，其余29项限期整改。",
            "zh",
            [("issues_raised", 97), ("issues_rectified", 68), ("issues_in_progress", 29)],
        ),
        ("针对督察反馈的5方面22个问题，制定整改措施123项。", "zh", [("issues_raised", 22)]),
        (
            "It said 29 of the 35 problems raised had been fixed, with six still in progress.",
            "en",
            [("issues_raised", 35), ("issues_rectified", 29), ("issues_in_progress", 6)],
        ),
        (
            "All 35 problems raised by the inspectors had been rectified.",
            "en",
            [("issues_raised", 35), ("issues_rectified", 35)],
        ),
        (
            "The team found 37 safety hazards, of which 24 were fixed on the spot.",
            "en",
            [("issues_raised", 37), ("issues_rectified", 24)],
        ),
        (
            "They received 468 complaints and closed 437; fines of RMB3.685 million were imposed.",
            "en",
            [("complaints_received", 468), ("complaints_closed", 437), ("penalty", 3_685_000)],
        ),
        ("Penalties totalled 5.745 million yuan.", "en", [("penalty", 5_745_000)]),
    ],
)
def test_counts_of_inspection_reports(text, lang, expected):
    assert _counts(text, lang) == expected
