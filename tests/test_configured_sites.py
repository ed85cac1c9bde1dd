"""Sites by configuration: the shipped MEE entry crawled from its replica with the real Scrapy
engine through the configured spider, checked against the manifest; a site defined only in a
temporary sites file crawled by `monitor crawl`; the sites files' errors, word for word."""

from __future__ import annotations

import re
import urllib.request
from collections import Counter

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro

from common.china_time import CHINA_TZ
from db import Archive
from monitor.crawl import CrawlJob, crawl_async, project_settings
from monitor.extract import extract_page
from monitor.replica.catalog import MEE_COLUMNS, MEE_PAGE_SIZE
from monitor.replica.catalog import manifest as build_manifest
from spiders.configured import BUILT_IN, ConfiguredSpiderLoader
from spiders.sites import SHIPPED_SITES, SitesError, read_sites_file
from tests.conftest import run_monitor

MEE_ARTICLE = re.compile(r"^/ywgz/zysthjbhdc/\w+/\d{6}/t\d{8}_(\d+)\.shtml$")
FIELDS = ("title", "source", "author", "body", "lang", "script", "relevant")


def _truth(site: str) -> list[dict]:
    return [a for a in build_manifest()["articles"] if a["site"] == site]


def _check_against_truth(rows: list, truth: list[dict], fields: tuple[str, ...]) -> None:
    """Every article stored once, with the manifest's fields and publication time."""
    stored = {row.url.rsplit("/", 1)[-1]: row for row in rows}
    assert len(rows) == len(stored) == len(truth)
    for expected in truth:
        row = stored[expected["path"].rsplit("/", 1)[-1]]
        for name in fields:
            assert getattr(row, name) == expected[name], (expected["article_id"], name)
        assert row.published_at.astimezone(CHINA_TZ).isoformat() == expected["published_at"]


async def _crawl_mee(replicas, db_url: str) -> dict:
    [stats] = await deferred_from_coro(crawl_async([CrawlJob("mee", replicas.addresses["mee"])], db_url, local=True))
    return stats


# --- the MEE columns, by the shipped configuration ---


@pytest_twisted.ensureDeferred
async def test_mee_crawled_by_configuration_matches_the_manifest_and_is_not_fetched_again(replicas, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'mee.sqlite3'}"
    truth = _truth("mee")
    before = len(replicas.requests("mee"))
    stats = await _crawl_mee(replicas, db_url)
    fetched = replicas.requests("mee")[before:]

    rows = Archive(db_url).articles()
    _check_against_truth(rows, truth, FIELDS)
    assert {row.site for row in rows} == {"mee"}
    assert sorted(row.site_article_id for row in rows) == sorted(a["article_id"] for a in truth)
    assert (stats["monitor/articles/parsed"], stats["monitor/articles/new"]) == (80, 80)
    assert not {"monitor/broken", "monitor/lists/failed", "monitor/lists/empty"} & set(stats)

    # Every page of every column's list, each once: index.shtml, index_1.shtml ...
    pages = {
        column: -(-sum(a["path"].split("/")[3] == column for a in truth) // MEE_PAGE_SIZE) for column in MEE_COLUMNS
    }
    lists = sorted(
        f"/ywgz/zysthjbhdc/{column}/index{f'_{n}' if n else ''}.shtml"
        for column, count in pages.items()
        for n in range(count)
    )
    assert max(pages.values()) > 2 and sorted(p for p in fetched if "/index" in p) == lists
    assert stats["monitor/lists/read"] == len(lists)
    # Articles are linked from their column and again from every list's "newest" box: each
    # is fetched once; the ministry's other news (not matching article_pattern) never.
    articles = Counter(m.group(1) for m in map(MEE_ARTICLE.match, fetched) if m)
    assert set(articles) == {a["article_id"] for a in truth} and set(articles.values()) == {1}
    assert not [p for p in fetched if p.startswith(("/ywdt/", "/xxgk/"))]
    assert "/robots.txt" in fetched and "/" not in fetched  # discover = false: robots.txt is Scrapy's

    again = await _crawl_mee(replicas, db_url)
    refetched = replicas.requests("mee")[before + len(fetched) :]
    assert not [p for p in refetched if MEE_ARTICLE.match(p)]
    assert again["monitor/articles/skipped_archived"] == 80
    assert "monitor/articles/parsed" not in again and Archive(db_url).count() == 80


@pytest.mark.parametrize("url", ["https://www.mee.gov.cn{path}", ""])
def test_extract_reads_an_mee_page_by_its_host_or_its_markup(replicas, url):
    truth = _truth("mee")[7]
    with urllib.request.urlopen(replicas.addresses["mee"] + truth["path"]) as reply:
        article = extract_page(reply.read(), url.format(path=truth["path"]))
    assert article.site == "mee"
    for name in ("title", "source", "author", "body"):
        assert getattr(article, name) == truth[name], name
    assert article.published_at.isoformat() == truth["published_at"]


# --- a site of the user's own sites file, no selectors ---


@pytest.mark.slow
def test_a_site_from_a_user_sites_file_is_crawled_by_monitor_crawl(replicas, tmp_path, monkeypatch):
    """SMM Chinese's sitemaps, read by a site that names them and an article pattern, nothing
    else: the generic extractor reads the pages. Its pattern has no group, so the URL's path
    is the article's id, and a second crawl fetches nothing again."""
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "smm_cn_sitemaps"\nbase_url = "https://news.smm.cn"\nsitemaps = ["/sitemap.xml"]\n'
        "discover = false\narticle_pattern = '/(?:news|r/\\d{4}-\\d{2}-\\d{2})/\\d+(?:\\.html)?$'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MONITOR_SITES", str(sites))
    monkeypatch.setenv("MONITOR_DOWNLOAD_DELAY", "0")
    db_url = f"sqlite:///{tmp_path / 'user.sqlite3'}"
    target = f"smm_cn_sitemaps={replicas.addresses['smm_cn']}"
    first = run_monitor("--db", db_url, "crawl", target, "--log-level", "ERROR").stdout.splitlines()
    second = run_monitor("--db", db_url, "crawl", target, "--log-level", "ERROR").stdout.splitlines()
    line = f"smm_cn_sitemaps {replicas.addresses['smm_cn']}: "
    assert first[1] == line + "82 pages parsed, 82 new, 0 updated, 0 already archived, 0 broken pages"
    assert second[1] == line + "0 pages parsed, 0 new, 0 updated, 82 already archived, 0 broken pages"
    rows = Archive(db_url).articles()
    _check_against_truth(rows, _truth("smm_cn"), ("title", "source", "lang"))
    assert all(row.site_article_id.startswith(("/news/", "/r/")) for row in rows)


# --- the sites files' errors ---

SITE = '[[site]]\nname = "x"\nbase_url = "https://a.example"\nlists = ["/news/"]\narticle_pattern = "/a/"\n'
KNOWN = "name, base_url, lists, next_page, page_count, page_url, page_first, feeds, sitemaps, discover, article_pattern, selectors"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (SITE + "lits = ['/']\n", f"site 'x': unknown key 'lits' (known: {KNOWN})"),
        (
            SITE.replace('"/a/"', '"/a/([0-9]+"'),
            "site 'x': article_pattern: not a regular expression: "
            "missing ), unterminated subpattern at position 3 in '/a/([0-9]+'",
        ),
        (
            SITE + "[site.selectors]\ntitle = 'h1['\n",
            "site 'x': selectors.title: not a CSS selector: Expected ident or '*', got <EOF at 3> in 'h1['",
        ),
        (
            SITE + "[site.selectors]\ntitle = 'h1::text'\n",
            "site 'x': selectors.title: select elements, without ::text or ::attr(): 'h1::text'",
        ),
        (
            SITE + "[site.selectors]\ndate = 'time'\n",
            "site 'x': selectors: unknown key 'date' (known: title, published_at, author, source, body)",
        ),
        (
            SITE + "next_page = 'a:unknown'\n",
            "site 'x': next_page: not a CSS selector: The pseudo-class :unknown is unknown in 'a:unknown'",
        ),
        (
            SITE.replace('"x"', '"smm"'),
            "site 'smm': name: 'smm' is a built-in spider's (cnmn, smm, smm_cn): choose another",
        ),
        (
            SITE.replace('"x"', '"My Site"'),
            "site 'My Site': name: 'My Site' is not lower-case letters, digits and _ starting with a letter",
        ),
        (SITE.replace('name = "x"\n', ""), "site number 1: name: missing"),
        (SITE + SITE, "site 'x': name: two sites are named 'x'"),
        (SITE.replace("https://a.example", "a.example"), "site 'x': base_url: not an http(s) address: 'a.example'"),
        (SITE.replace('"/news/"', '"news/"'), "site 'x': lists: 'news/' is not a path on the site (starting with /)"),
        (
            SITE.replace('lists = ["/news/"]', "discover = false"),
            "site 'x': lists, feeds, sitemaps: none given and discover is false: nothing to crawl",
        ),
        (SITE + "discover = 'yes'\n", "site 'x': discover: true or false, not 'yes'"),
        ("[site]\nname = 'x'\n", "site: write each site as a [[site]] table"),
        ("sites = []\n", "unknown key 'sites' (a site is a [[site]] table)"),
        ("[[site]\n", "not TOML: Expected ']]' at the end of an array declaration (at line 1, column 7)"),
        (
            SITE + "page_count = 'countPage = (\\d+)'\n",
            "site 'x': page_count and page_url: give both (the pattern of the page count, the pages' template) or neither",
        ),
        (
            SITE + "page_count = 'countPage'\npage_url = 'index_{n}.shtml'\n",
            "site 'x': page_count: the pattern needs a group around the number: 'countPage'",
        ),
        (
            SITE + "page_count = '(\\d+)'\npage_url = 'index.shtml'\n",
            "site 'x': page_url: a template with {n} for the page's number, not 'index.shtml'",
        ),
        (
            SITE + "page_count = '(\\d+)'\npage_url = 'index_{n}.shtml'\npage_first = -1\n",
            "site 'x': page_first: a whole number from 0, not -1",
        ),
    ],
)
def test_a_bad_sites_file_gets_one_line_naming_the_file_the_site_and_the_key(tmp_path, text, error):
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SitesError) as raised:
        read_sites_file(path, BUILT_IN)
    assert str(raised.value) == f"{path}: {error}"


def test_the_shipped_sites_file_is_valid_and_holds_mee():
    sites = read_sites_file(SHIPPED_SITES, BUILT_IN)
    assert list(sites) == ["mee"] and sites["mee"].base_url == "https://www.mee.gov.cn"


def test_the_sites_files_are_named_by_a_scrapy_setting(tmp_path, monkeypatch):
    """MONITOR_SITES_FILES names the files Scrapy's spider loader makes spiders of; left
    empty, the shipped file and the one MONITOR_SITES names. A broken file adds no spider,
    and a spider not found names it."""
    mine, broken = tmp_path / "mine.toml", tmp_path / "broken.toml"
    mine.write_text(SITE, encoding="utf-8")
    broken.write_text(SITE + "lits = ['/']\n", encoding="utf-8")
    monkeypatch.setenv("MONITOR_SITES", str(mine))

    def loader(**settings) -> ConfiguredSpiderLoader:
        return ConfiguredSpiderLoader.from_settings(project_settings("sqlite://", **settings))

    default, named = loader(), loader(MONITOR_SITES_FILES=[str(mine)])
    assert (sorted(default.list()), default.sites_error) == (["cnmn", "mee", "smm", "smm_cn", "x"], None)
    assert (sorted(named.list()), named.sites_error) == (["cnmn", "smm", "smm_cn", "x"], None)
    assert named.load("x").site.base_url == "https://a.example"

    with_broken = loader(MONITOR_SITES_FILES=f"{SHIPPED_SITES},{broken}")  # as `scrapy crawl -s` gives it
    error = f"{broken}: site 'x': unknown key 'lits' (known: {KNOWN})"
    assert (sorted(with_broken.list()), with_broken.sites_error) == (["cnmn", "mee", "smm", "smm_cn"], error)
    with pytest.raises(KeyError) as raised:
        with_broken.load("x")
    assert raised.value.args == (f"Spider not found: x (a sites file is not used: {error})",)


def test_a_broken_sites_file_stops_only_what_needs_it(replicas, tmp_path, monkeypatch):
    """Crawling every site, or a site the file should define, is refused with the file's
    error; the shipped sites still load: extract still knows MEE's pages."""
    sites = tmp_path / "sites.toml"
    sites.write_text(SITE + "lits = ['/']\n", encoding="utf-8")
    monkeypatch.setenv("MONITOR_SITES", str(sites))
    error = f"a sites file is not used: {sites}: site 'x': unknown key 'lits' (known: {KNOWN})"
    db = f"sqlite:///{tmp_path / 'broken.sqlite3'}"

    every = run_monitor("--db", db, "crawl", check=False)
    assert (every.returncode, every.stderr) == (2, f"monitor: {error}\n")
    named = run_monitor("--db", db, "crawl", "x", check=False)
    assert (named.returncode, named.stderr) == (
        2,
        f"monitor: no spider named 'x' (known: cnmn, mee, smm, smm_cn); {error}\n",
    )

    truth = _truth("mee")[3]
    page = tmp_path / "mee.shtml"
    with urllib.request.urlopen(replicas.addresses["mee"] + truth["path"]) as reply:
        page.write_bytes(reply.read())
    extracted = run_monitor("extract", str(page), "--url", "")
    assert f"title: {truth['title']}" in extracted.stdout.splitlines()
