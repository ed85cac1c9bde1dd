"""`monitor show` and `monitor export` over a small archive made here from two pages, so
that every value printed is known: one article in the terminal, and full records as CSV
(formulas neutralised), JSON Lines and an Excel workbook."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import openpyxl
import pytest

from db import Archive
from monitor.export import COLUMNS, inert
from monitor.extract import extract_page
from tests.conftest import monitor_main

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><article><h1>{title}</h1><p class="info">来源：中国有色网 作者：张三 {day} 10:30</p>{paragraphs}</article></body></html>"""
CHINALCO = (
    "中铝集团落实中央生态环境保护督察整改要求",
    "2021-06-15",
    "中铝集团召开会议，部署中央生态环境保护督察整改工作。",
    "6月15日，中央第三生态环境保护督察组向中铝集团反馈督察情况。中铝集团表示，将认真落实整改要求，截至6月10日，已完成整改24项。",
    "督察组指出，部分企业环境问题突出，群众反映强烈，要求限期整改。",
)
# Scraped text that a spreadsheet would run as formulas: the title, the body, author and source.
FORMULAS = (
    '=HYPERLINK("http://x") 稀土企业被督察通报',
    "2021-07-01",
    "-5万元罚款：江西某稀土企业因环境违法被中央生态环境保护督察组通报，并处罚款5万元。",
    "督察组要求该企业立即停产整治，并于8月底前完成整改，整改情况向社会公开。",
)


def _record(page: tuple[str, ...], number: int, fetched: datetime) -> dict:
    title, day, *paragraphs = page
    html = PAGE.format(title=title, day=day, paragraphs="".join(f"<p>{p}</p>" for p in paragraphs))
    return extract_page(html.encode(), f"https://news.example.cn/a/{number}.html", fetched_at=fetched).record()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('records') / 'archive.sqlite3'}"
    archive = Archive(url)
    formulas = _record(FORMULAS, 2, datetime(2021, 7, 2, tzinfo=UTC))
    formulas["author"], formulas["source"] = "@SUM(A1:A9)", "+cmd|' /C calc'!A0"
    assert archive.store_batch([_record(CHINALCO, 1, datetime(2021, 6, 16, tzinfo=UTC))]).new == 1
    assert archive.store_batch([formulas]).new == 1
    archive.engine.dispose()
    return url


def test_show_prints_the_article_whole(db):
    lines = monitor_main("show", "1", db_url=db).stdout.splitlines()
    assert lines[:4] == [
        "#1 中铝集团落实中央生态环境保护督察整改要求",
        "published: 2021-06-15 10:30  site: news.example.cn  host: news.example.cn  lang: zh-Hans",
        "url: https://news.example.cn/a/1.html",
        "author: 张三  source: 中国有色网",
    ]
    assert lines[4].startswith("relevance: rectification ")
    assert lines[5].startswith("tags: ") and "中铝集团 (chinalco)" in lines[5]
    facts = lines.index("facts:")
    assert lines[facts + 1 : facts + 5] == [
        "  team: number 3",
        "    6月15日，中央第三生态环境保护督察组向中铝集团反馈督察情况。",
        "  issues_rectified: number 24, as_of 2021-06-10",
        "    中铝集团表示，将认真落实整改要求，截至6月10日，已完成整改24项。",
    ]
    assert "copies: none" in lines and "linked: none" in lines
    assert lines[-4:] == ["", *CHINALCO[2:]]


def test_show_json_and_an_unknown_id(db):
    view = json.loads(monitor_main("show", "2", "--json", db_url=db).stdout)
    assert (view["id"], view["title"], view["author"]) == (2, FORMULAS[0], "@SUM(A1:A9)")
    assert view["normalised"]["paragraphs"] == list(FORMULAS[2:])
    missing = monitor_main("show", "99", db_url=db, check=False)
    assert (missing.returncode, missing.stderr) == (2, "monitor: no article 99\n")


def test_inert_quotes_what_would_run_as_a_formula():
    assert [inert(v) for v in ("=1+2", "+1", "-1", "@A1", "\tx", "\rx", "稀土", "a=b", 3)] == [
        "'=1+2",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "'\rx",
        "稀土",
        "a=b",
        3,
    ]


def test_export_csv_is_full_records_with_formulas_neutralised(db, tmp_path):
    out = tmp_path / "reports.csv"
    done = monitor_main("export", "督察", "--sort", "date", "--output", str(out), db_url=db)
    assert done.stdout == f"exported 2 records to {out}\n"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    newest, older = (dict(zip(COLUMNS, row, strict=True)) for row in rows[1:])
    assert {
        k: newest[k]
        for k in (
            "id",
            "title",
            "published_at",
            "fetched_at",
            "site",
            "url",
            "author",
            "source",
            "lang",
            "relevance_label",
            "copies",
            "body",
        )
    } == {
        "id": "2",
        "title": "'" + FORMULAS[0],
        "published_at": "2021-07-01T10:30:00+08:00",
        "fetched_at": "2021-07-02T08:00:00+08:00",
        "site": "news.example.cn",
        "url": "https://news.example.cn/a/2.html",
        "author": "'@SUM(A1:A9)",
        "source": "'+cmd|' /C calc'!A0",
        "lang": "zh",
        "relevance_label": "supervision",
        "copies": "0",
        "body": "'" + "\n".join(FORMULAS[2:]),
    }
    assert (older["id"], older["title"], older["author"], older["body"]) == (
        "1",
        CHINALCO[0],
        "张三",
        "\n".join(CHINALCO[2:]),
    )
    tags, labels = older["tags"].split("; "), older["tag_labels"].split("; ")
    assert labels[tags.index("chinalco")] == "中铝集团"
    assert float(older["relevance_score"]) > 0


def test_export_jsonl_to_standard_output(db):
    lines = monitor_main("export", "中铝", "--format", "jsonl", db_url=db).stdout.splitlines()
    [record] = [json.loads(line) for line in lines]
    assert (record["id"], record["title"], record["author"], record["source"]) == (1, CHINALCO[0], "张三", "中国有色网")
    assert record["body"] == "\n".join(CHINALCO[2:]) and record["copies"] == []
    assert record["tag_labels"][record["tags"].index("chinalco")] == "中铝集团"


def test_export_xlsx_keeps_formulas_as_text(db, tmp_path):
    out = tmp_path / "reports.xlsx"
    monitor_main("export", "督察", "--sort", "date", "--format", "xlsx", "--output", str(out), db_url=db)
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and [row[0] for row in rows[1:]] == [2, 1]
    record = dict(zip(COLUMNS, rows[1], strict=True))
    assert (record["title"], record["author"], record["body"]) == (FORMULAS[0], "@SUM(A1:A9)", "\n".join(FORMULAS[2:]))
    assert {sheet.cell(2, column).data_type for column in (2, 8, 9, 17)} == {"s"}  # text, never a formula


def test_export_refuses_a_bad_query_before_writing(db, tmp_path):
    out = tmp_path / "never.csv"
    refused = monitor_main("export", "稀土", "AND", "--output", str(out), db_url=db, check=False)
    assert refused.returncode == 2 and "AND at position 4 needs a word after it" in refused.stderr
    assert not out.exists()


def test_overview_shows_each_sites_latest_run_and_its_health(db):
    """The landing view's data over this archive: a site blocked by a captcha at its second run."""
    from monitor.api import overview
    from monitor.runs import RunResult, finish_run, start_run

    archive = Archive(db)
    for stats in (
        {"monitor/lists/read": 3, "monitor/articles/new": 2},
        {"monitor/lists/read": 17, "monitor/lists/blocked": 17},
    ):
        run = start_run(archive, "news.example.cn", "https://news.example.cn")
        finish_run(archive, RunResult(run, "news.example.cn", "https://news.example.cn", "finished", stats), None)
    found = overview(archive)
    [latest] = found["health"]
    assert (latest["run"], latest["status"], latest["health"]) == (
        run,
        "finished",
        {"blocked": "the site answered with a captcha page: 17 of 17 list pages"},
    )
    assert found["sites"] == [
        {
            "host": "news.example.cn",
            "site": "news.example.cn",
            "label": "news.example.cn",
            "articles": 2,
            "relevant": 2,
            "newest": "2021-07-01",
        }
    ]
    assert [hit["id"] for hit in found["newest"]] == [2, 1]
    assert found["rules"] == [
        {
            "name": "crawl-health",
            "query": "crawl health events",
            "alerts": 1,
            "last_alert": None,
            "feeds": {f: f"/feeds/crawl-health.{f}" for f in ("atom", "rss", "json")},
        }
    ]
