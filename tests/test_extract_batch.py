"""`monitor extract --batch LIST`: many saved pages in one process, one JSON line each, in
order, through the same code as the single-page command; what cannot be read is a line with
its error, and only an unreadable LIST stops the command."""

from __future__ import annotations

import io
import json

import pytest

from monitor.cli import main

ENGLISH = """<html><head><title>Copper smelters agree on a cut in output | Metals Daily</title>
<meta property="article:published_time" content="2024-04-30T09:00:00+08:00">
<meta name="author" content="Li Wei"></head>
<body><article><h1>Copper smelters agree on a cut in output</h1>
<p>Copper smelters in the region agreed on Tuesday to cut their output by a tenth, the association said.</p>
<p>The cut follows a fall in treatment charges that left several plants running at a loss this spring.</p>
</article></body></html>"""
CHINESE = """<html><head><meta charset="gbk"><title>铜冶炼企业联合减产_有色新闻</title></head>
<body><div class="content"><h1>铜冶炼企业联合减产</h1><p>2024年4月30日 09:00 来源：有色日报 作者：王明</p>
<p>国内主要铜冶炼企业周二在行业会议上达成一致，决定自下月起联合减产一成，以应对加工费持续下滑带来的亏损压力。</p>
<p>业内人士表示，此次减产有望缓解铜精矿供应紧张局面，但短期内加工费难以明显回升。</p></div></body></html>"""
ENGLISH_BODY = (
    "Copper smelters in the region agreed on Tuesday to cut their output by a tenth, the association said.\n"
    "The cut follows a fall in treatment charges that left several plants running at a loss this spring."
)
CHINESE_BODY = (
    "国内主要铜冶炼企业周二在行业会议上达成一致，决定自下月起联合减产一成，以应对加工费持续下滑带来的亏损压力。\n"
    "业内人士表示，此次减产有望缓解铜精矿供应紧张局面，但短期内加工费难以明显回升。"
)


@pytest.fixture
def saved(tmp_path):
    """A folder of saved pages and a list of them, paths relative to the list's folder."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "en.html").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "pages" / "zh.html").write_bytes(CHINESE.encode("gbk"))
    (tmp_path / "pages" / "empty.html").write_bytes(b"")
    (tmp_path / "list.tsv").write_text(
        "# saved on 2024-05-01\n"
        "pages/en.html\thttps://metals.example.com/2024/04/30/copper-cut\n"
        "\n"
        "pages/missing.html\thttps://metals.example.com/gone\n"
        "pages/zh.html\n"  # no tab: a path without an address
        "pages/empty.html\t\n"
        "\thttps://metals.example.com/no-path\n"
        f"{tmp_path / 'pages' / 'en.html'}\t\r\n",  # an absolute path, a Windows line end
        encoding="utf-8",
    )
    return tmp_path


def _batch(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["extract", "--batch", *argv])
    printed = capsys.readouterr()
    return code, [json.loads(line) for line in printed.out.splitlines()], printed.err


def test_batch_prints_one_line_a_page_in_order(saved, capsys):
    code, lines, err = _batch(capsys, str(saved / "list.tsv"))
    assert (code, err) == (0, "")
    assert [(line["file"], line.get("error")) for line in lines] == [
        ("pages/en.html", None),
        (
            "pages/missing.html",
            f"unreadable: cannot read {saved / 'pages' / 'missing.html'}: No such file or directory",
        ),
        ("pages/zh.html", None),
        ("pages/empty.html", f"empty_page: {saved / 'pages' / 'empty.html'} is empty"),
        ("", "no_path: line 7 gives an address but no file"),
        (str(saved / "pages" / "en.html"), None),
    ]
    english, chinese, absolute = lines[0], lines[2], lines[5]
    assert {k: english[k] for k in ("url", "site", "title", "published_at", "author", "body", "lang")} == {
        "url": "https://metals.example.com/2024/04/30/copper-cut",
        "site": "metals.example.com",
        "title": "Copper smelters agree on a cut in output",
        "published_at": "2024-04-30T09:00:00+08:00",
        "author": "Li Wei",
        "body": ENGLISH_BODY,
        "lang": "en",
    }
    assert {
        k: chinese[k] for k in ("url", "site", "title", "published_at", "author", "source", "body", "lang", "script")
    } == {
        "url": "",
        "site": "generic",
        "title": "铜冶炼企业联合减产",
        "published_at": "2024-04-30T09:00:00+08:00",
        "author": "王明",
        "source": "有色日报",
        "body": CHINESE_BODY,
        "lang": "zh",
        "script": "Hans",
    }
    assert (absolute["url"], absolute["body"]) == ("", ENGLISH_BODY)


def test_batch_lines_are_the_single_page_json_plus_file(saved, capsys):
    _, lines, _ = _batch(capsys, str(saved / "list.tsv"))
    assert (
        main(
            [
                "extract",
                str(saved / "pages" / "en.html"),
                "--url",
                "https://metals.example.com/2024/04/30/copper-cut",
                "--json",
            ]
        )
        == 0
    )
    single = json.loads(capsys.readouterr().out)
    assert list(lines[0]) == ["file", *single]
    assert {k: v for k, v in lines[0].items() if k != "file"} == single


def test_batch_reads_standard_input_relative_to_the_current_folder(saved, capsys, monkeypatch):
    monkeypatch.chdir(saved / "pages")
    monkeypatch.setattr("sys.stdin", io.StringIO("zh.html\t\nnope.html\n"))
    code, lines, _ = _batch(capsys, "-")
    assert code == 0
    assert (lines[0]["file"], lines[0]["body"]) == ("zh.html", CHINESE_BODY)
    assert lines[1] == {"file": "nope.html", "error": "unreadable: cannot read nope.html: No such file or directory"}


def test_batch_streams_each_line_as_it_is_done(saved, capsys, monkeypatch):
    """Each line is printed (and flushed) before the next page is read."""
    import monitor.extract

    seen: list[str] = []
    extract_file = monitor.extract.extract_file

    def watched(path, url):
        seen.append(capsys.readouterr().out)
        return extract_file(path, url)

    monkeypatch.setattr(monitor.extract, "extract_file", watched)
    (saved / "two.tsv").write_text("pages/en.html\npages/zh.html\n", encoding="utf-8")
    assert main(["extract", "--batch", str(saved / "two.tsv")]) == 0
    assert seen[0] == "" and json.loads(seen[1])["file"] == "pages/en.html"


def test_an_unreadable_list_stops_the_command(tmp_path, capsys):
    assert main(["extract", "--batch", str(tmp_path / "nope.tsv")]) == 2
    assert capsys.readouterr().err == f"monitor: cannot read {tmp_path / 'nope.tsv'}: No such file or directory\n"
    assert main(["extract", "--batch", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"monitor: cannot read {tmp_path}: Is a directory\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["extract"], "give a saved page (FILE [--url URL]) or a list of pages (--batch LIST)"),
        (
            ["extract", "page.html", "--batch", "list.tsv"],
            "--batch takes no FILE or --url: its list names the pages and their addresses",
        ),
        (
            ["extract", "--batch", "list.tsv", "--url", ""],
            "--batch takes no FILE or --url: its list names the pages and their addresses",
        ),
    ],
)
def test_extract_usage_errors(capsys, argv, message):
    assert main(argv) == 2
    assert capsys.readouterr().err == f"monitor: {message}\n"
