"""`monitor search` as a user runs it, on the crawled replica archive."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.conftest import run_monitor


def _search(db_url: str, query: str, *options: str) -> list[dict]:
    return json.loads(run_monitor("search", "--json", *options, "--", query, db_url=db_url).stdout)


def _seed(manifest, site: str) -> dict:
    return next(a for a in manifest["articles"] if a["seed"] and a["site"] == site)


@pytest.mark.parametrize("query", ["环保督察", "中国铜业"])
def test_chinese_query_finds_the_original_with_its_mirror_copy_collapsed(archive, db_url, replicas, manifest, query):
    results = _search(db_url, query, "--limit", "50")
    seed = _seed(manifest, "cnmn")
    cnmn_host = urlsplit(replicas.addresses["cnmn"]).netloc
    mirror_host = urlsplit(replicas.addresses["mirror"]).netloc
    hit = next(r for r in results if r["url"].endswith(seed["path"]) and r["host"] == cnmn_host)
    assert hit["title"] == seed["title"]
    assert [c["host"] for c in hit["copies"]] == [mirror_host]
    assert "«" + query + "»" in hit["snippet"]
    # Collapsed: the mirror copy is never a result of its own.
    assert not [r for r in results if r["host"] == mirror_host]


def test_rare_earth_finds_the_smm_seed(archive, db_url, manifest):
    results = _search(db_url, "rare earth")
    seed = _seed(manifest, "smm")
    assert seed["title"] in [r["title"] for r in results]


@pytest.mark.parametrize("query, unrelated", [("稀土", 19), ("rectification", 0), ("rare earth", 22)])
def test_relevant_reports_rank_first(archive, db_url, manifest, query, unrelated):
    results = _search(db_url, query, "--limit", "200")
    flags = [r["relevant"] for r in results]
    assert flags[0] is True and flags.count(False) == unrelated
    assert flags == sorted(flags, reverse=True)


def test_filters(archive, db_url):
    english = _search(db_url, "rectification", "--lang", "en", "--limit", "100")
    assert english and {r["lang"] for r in english} == {"en"}
    assert _search(db_url, "稀土", "--site", "smm") == []
    dated = _search(db_url, "整改", "--since", "2020-01-01", "--until", "2021-01-01", "--limit", "100")
    assert dated and all("2020-" == r["published_at"][:5] for r in dated)


@pytest.mark.parametrize(
    "query",
    ['"', "*", "(", ")", "NEAR", "NEAR(", "-", ":", "a:b", "稀土 AND", "OR 督察", "督察 -组", "c++",
     '"rare earth', "rare*", "(稀土", "site:cnmn 稀土", "-稀土", "^", "''", "督察 NOT", '""'],
)
def test_fts_syntax_gives_results_or_a_clear_message(archive, db_url, query):
    result = run_monitor("search", "--", query, db_url=db_url, check=False)
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        assert result.stdout
    else:
        assert result.returncode == 2
        assert result.stderr.startswith(f"monitor: cannot search {query!r}: ")


@pytest.mark.parametrize(
    "query, same_as",
    [("(稀土", "稀土"), ("rare AND earth", "rare and earth"), ("NEAR(稀土", "near 稀土"), ("稀土 _", "稀土"), ("rare*", "rare"),
     ("site:cnmn 稀土", "site cnmn 稀土"), ("OR 督察", "or 督察"), ('"rare earth"', "rare earth")],
)
def test_syntax_characters_are_plain_text(archive, db_url, query, same_as):
    """Operators and brackets are taken as text: the query finds what its words find."""
    found = _search(db_url, query, "--limit", "200")
    if query != '"rare earth"':
        assert found == _search(db_url, same_as, "--limit", "200")
    if same_as not in ("near 稀土", "site cnmn 稀土", "or 督察"):
        assert found


def test_excluded_words(archive, db_url):
    everything = {r["id"] for r in _search(db_url, "稀土", "--limit", "200")}
    without = {r["id"] for r in _search(db_url, "稀土 -督察", "--limit", "200")}
    with_it = {r["id"] for r in _search(db_url, "稀土 督察", "--limit", "200")}
    assert without and with_it and without | with_it == everything and not without & with_it


def test_unbalanced_quote_names_its_position(archive, db_url):
    result = run_monitor("search", 'copper "rare earth', db_url=db_url, check=False)
    assert result.returncode == 2
    assert "unbalanced quote at position 8" in result.stderr


def test_bad_arguments_get_clear_messages(tmp_path):
    bad_date = run_monitor("search", "稀土", "--since", "2020-13-01", check=False)
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr and "Traceback" not in bad_date.stderr
    for args, message in (
        (("search", "稀土", "--since", "0001-01-01"), "between the years 1900 and 2999"),
        (("search", "稀土", "--limit", "99999999999999999999"), "a whole number from 1 to 10000"),
        (("crawl", "cnmn=ftp://x"), "not an http(s) address"),
        (("crawl", "cnmn=http://[::1"), "not an http(s) address"),
        (("crawl", "nosuchsite"), "no spider named 'nosuchsite' (known: cnmn, smm)"),
    ):
        result = run_monitor(*args, check=False)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, args
    bad_db = run_monitor("--db", "nosuchdialect://x", "search", "稀土", check=False)
    assert bad_db.returncode == 2 and bad_db.stderr.startswith("monitor: cannot open the archive")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    bad_path = run_monitor("--db", f"sqlite:///{blocked}/archive.sqlite3", "search", "稀土", check=False)
    assert bad_path.returncode == 2 and "Traceback" not in bad_path.stderr
