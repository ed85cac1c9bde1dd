"""Scraped text on a terminal: the commands print no escape sequence or bidi control a page
held, and their JSON keeps every character of it (escaped)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from db import Archive
from monitor.alerts import add_rule, run, show_rule
from monitor.cli import main
from monitor.settings import delivery_settings
from monitor.terminal import json_text, shown
from pipelines.article import Article
from pipelines.stages import process

URL = "https://news.example.com/news/1.html"
# What a hostile page can put in a title: colours, a clear-screen through the one-byte C1
# CSI, a window title set by OSC, and a right-to-left override that turns "gnp.exe" round.
TITLE = "Copper smelter \x1b[31mfined\x1b[0m \u202egnp.exe\u202c \x9b2J\x1b]0;owned\x07"
SHOWN_TITLE = "Copper smelter [31mfined[0m gnp.exe 2J]0;owned"
BODY = "The smelter was fined 2 million yuan\r\x1b[2K for copper waste.\u2066\u202e"
SHOWN_SNIPPET = "The «smelter» was fined 2 million yuan[2K for copper waste."
SENTENCE = "The smelter was fined 2 million yuan\x1b[8m."
# Every character `shown` takes out: C0 (but tab and newline), DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a\x1b[31mb\x1b[0m", "a[31mb[0m"),
        ("\x9b31m", "31m"),
        ("x\u202ey\u202c", "xy"),
        ("\u2066a\u2069\u2067b\u2068", "ab"),
        ("\u200fabc\u200e\u061c", "abc"),
        ("tab\tand\nline\r\x00\x07\x7f", "tab\tand\nline"),
        ("稀土 «整改» café", "稀土 «整改» café"),
    ],
)
def test_shown_text_holds_nothing_a_terminal_obeys(text, expected):
    assert shown(text) == expected


def test_json_text_escapes_what_shown_drops_and_keeps_the_value():
    value = {"title": TITLE, "body": "稀土\n\u2066x\u2069\x85"}
    text = json_text(value)
    assert text == (
        '{"title": "Copper smelter \\u001b[31mfined\\u001b[0m \\u202egnp.exe\\u202c \\u009b2J\\u001b]0;owned\\u0007", '
        '"body": "稀土\\n\\u2066x\\u2069\\u0085"}'
    )
    assert json.loads(text) == value


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> str:
    """An archive of one article whose title, body and fact hold escapes, matched by a rule."""
    db = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'a.sqlite3'}"
    article = Article(
        url=URL,
        site="example",
        html=b"<html></html>",
        encoding="utf-8",
        status=200,
        fetched_at=datetime(2021, 5, 1, 3, 0, tzinfo=UTC),
        canonical_url=URL,
        site_article_id="1",
        title="Copper smelter fined",
        published_at=datetime(2021, 5, 1, 2, 0, tzinfo=UTC),
        paragraphs=["The smelter was fined 2 million yuan for copper waste."],
    )
    # As an archive can hold them: stored by an older pipeline, or through a field it misses.
    record = {
        **process(article).record(),
        "title": TITLE,
        "body": BODY,
        "facts": [{"kind": "penalty", "amount_yuan": 2_000_000, "sentence": SENTENCE, "offset": 0}],
    }
    archive = Archive(db)
    archive.store_batch([record])
    add_rule(archive, "smelters", "smelter")
    run(archive, delivery_settings({}))
    return db


def test_search_prints_scraped_text_without_escapes(hostile, capsys):
    assert main(["--db", hostile, "search", "smelter", "--exact"]) == 0
    assert capsys.readouterr().out == (
        f"1 found; 1-1:\n1. {SHOWN_TITLE}\n   2021-05-01 10:00  example news.example.com  {URL}\n   {SHOWN_SNIPPET}\n"
    )


def test_search_json_keeps_the_stored_text_escaped(hostile, capsys):
    assert main(["--db", hostile, "search", "smelter", "--exact", "--json"]) == 0
    out = capsys.readouterr().out
    [result] = json.loads(out)["results"]
    assert (result["title"], result["snippet"]) == (
        TITLE,
        "The «smelter» was fined 2 million yuan\r\x1b[2K for copper waste.\u2066\u202e",
    )
    assert UNSAFE.findall(out) == []


def test_facts_and_alerts_print_scraped_text_without_escapes(hostile, capsys):
    assert main(["--db", hostile, "facts"]) == 0
    assert capsys.readouterr().out == (
        f"2021-05-01  penalty: number 2000000\n   The smelter was fined 2 million yuan[8m.\n   {SHOWN_TITLE}  {URL}\n"
    )
    assert main(["--db", hostile, "alerts", "show", "smelters"]) == 0
    [alert] = show_rule(Archive(hostile), "smelters")["recent"]
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "latest alerts (1):",
        f"  {alert['matched_at']}  #1 {SHOWN_TITLE}  {URL}",
    ]
    assert main(["--db", hostile, "alerts", "show", "smelters", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["recent"][0]["title"] == TITLE and UNSAFE.findall(out) == []
