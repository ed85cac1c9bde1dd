"""What an analyst meets in the first hour (issue 18): a mistyped archive, a query of several
words, output piped to `head`, Ctrl-C, start-up cost, Chinese rule names, extract without
an address, the crawl's log."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import quote

import pytest

from db import Archive
from monitor.alerts import add_rule, rule_feed
from monitor.cli import EXIT_PIPE_CLOSED, build_parser, main
from tests.conftest import ROOT, monitor_main

_PARAGRAPH = "中铝集团召开会议，部署中央生态环境保护督察反馈问题整改工作，要求各单位逐项落实整改措施。"
_PAGE = (
    "<html><head><title>中铝集团部署督察整改</title></head><body><article><h1>中铝集团部署督察整改</h1>"
    + f"<p>{_PARAGRAPH}</p>" * 6
    + "</article></body></html>"
)
READING_COMMANDS = [
    ["search", "稀土"],
    ["facts"],
    ["runs"],
    ["show", "1"],
    ["export", "稀土"],
    ["reprocess"],
    ["alerts", "list"],
    ["alerts", "show", "x"],
    ["alerts", "feed", "x"],
    ["alerts", "run"],
    ["alerts", "add", "x", "稀土"],
    ["db", "current"],
    ["db", "optimize"],
    ["serve", "--port", "0"],
]


@pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
def test_a_reading_command_refuses_a_missing_archive_and_makes_none(tmp_path, capsys, command):
    missing = tmp_path / "nonexist" / "dir" / "x.sqlite3"
    assert main(["--db", f"sqlite:///{missing}", *command]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"monitor: no archive at sqlite:///{missing}") and err.count("\n") == 1
    assert not (tmp_path / "nonexist").exists()


def test_db_upgrade_and_reprocess_into_make_an_archive(tmp_path):
    made, into = tmp_path / "new" / "a.sqlite3", tmp_path / "moved" / "b.sqlite3"
    monitor_main("--db", f"sqlite:///{made}", "db", "upgrade")
    monitor_main("--db", f"sqlite:///{made}", "reprocess", "--into", f"sqlite:///{into}")
    assert made.is_file() and into.is_file()


def test_the_query_is_all_the_words_given(archive, capsys):
    def found(*args: str) -> dict:
        assert main(["--db", archive.url, "search", *args]) == 0
        return json.loads(capsys.readouterr().out)

    quoted = found("rare earth", "--json")
    assert quoted["total"] > 0
    assert found("rare", "earth", "--json") == found("--json", "rare", "earth") == quoted
    negated = found("--json", "--", "-稀土", "铜")
    assert negated["query"] == "-稀土 铜" and negated["total"] > 0


def test_a_reader_that_goes_away_ends_the_command_quietly(archive):
    """`monitor search ... | head -1`: the reader closes the pipe before the output is out."""
    search = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--db", archive.url, "search", "稀土", "--limit", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    search.stdout.close()
    errors = search.stderr.read().decode()
    assert search.wait(timeout=60) == EXIT_PIPE_CLOSED
    assert errors == ""


def test_ctrl_c_during_start_up_is_one_line_and_status_130(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr("monitor.cli.build_parser", interrupted)
    assert main(["--help"]) == 130
    assert capsys.readouterr().err == "monitor: interrupted\n"


@pytest.mark.parametrize("command", [["--help"], ["search", "--help"], ["runs", "--help"]], ids=" ".join)
def test_the_command_loads_no_crawler_database_or_server_it_does_not_use(command):
    """`monitor --help` loads neither Scrapy, SQLAlchemy, jieba nor the server (bench/startup.py
    times it); a search needs the archive but no Scrapy."""
    probe = (
        "import sys; from monitor.cli import main\ntry: main(sys.argv[1:])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('scrapy', 'sqlalchemy', 'jieba', 'fastapi', 'uvicorn') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_a_search_loads_no_scrapy(archive):
    probe = (
        "import sys; from monitor.cli import main; main(sys.argv[1:]); "
        "print('scrapy' in sys.modules, 'fastapi' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--db", archive.url, "search", "稀土", "--limit", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "False False"


def test_an_extract_loads_no_database(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(_PAGE, encoding="utf-8")
    probe = "import sys; from monitor.cli import main; main(sys.argv[1:]); print('sqlalchemy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe, "extract", str(page)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.splitlines()[-1] == "False"


def test_db_optimize_help_names_the_heads_default(capsys):
    """The help writes the default out rather than import db.search.top_k (and SQLAlchemy) for it."""
    from db.search.top_k import MIN_DOCUMENTS

    with pytest.raises(SystemExit):
        main(["db", "optimize", "--help"])
    assert f"else {MIN_DOCUMENTS:,})" in " ".join(capsys.readouterr().out.split())


def test_a_rule_name_may_be_chinese_and_its_feed_path_stays_a_valid_url(tmp_path):
    archive = Archive(f"sqlite:///{tmp_path / 'rules.sqlite3'}")
    add_rule(archive, "稀土-整改", "稀土 整改")
    feed = rule_feed(archive, "稀土-整改", "http://127.0.0.1:8750")
    assert feed.id == f"http://127.0.0.1:8750/feeds/{quote('稀土-整改')}"
    assert feed.self_link.format(format="atom").isascii()
    for bad in ("稀土 整改", "稀土/整改", "-稀土"):
        with pytest.raises(Exception, match="bad rule name"):
            add_rule(archive, bad, "稀土")
    archive.engine.dispose()


def test_extract_needs_no_url(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(_PAGE, encoding="utf-8")
    assert main(["extract", str(page), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "中铝集团部署督察整改"


def test_crawl_logs_warnings_only_by_default():
    assert build_parser().parse_args(["crawl"]).log_level == "WARNING"


def test_the_cached_segmenter_dictionary_segments_as_jieba_does(tmp_path, monkeypatch):
    """The pickled dictionary (quick to load: a search's start-up) is jieba's with the
    vocabulary added, exactly: made by the first call, read by the next."""
    import jieba

    from pipelines import segment
    from pipelines.vocabulary import load_vocabulary

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    segment.tokenizer.cache_clear()
    made = segment.tokenizer()
    assert segment._dictionary_file().is_file()
    segment.tokenizer.cache_clear()
    loaded = segment.tokenizer()
    segment.tokenizer.cache_clear()
    fresh = jieba.Tokenizer()
    fresh.initialize()
    for word in load_vocabulary().chinese_words():
        fresh.add_word(word)
    assert (loaded.FREQ, loaded.total) == (made.FREQ, made.total) == (fresh.FREQ, fresh.total)
    text = "中央第四生态环境保护督察组进驻中铝集团，立行立改，稀土整改任务80项。"
    assert list(loaded.cut(text)) == list(fresh.cut(text))
