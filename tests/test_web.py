"""The web page in headless Chromium, driven by Playwright: Debian's browser at
/usr/bin/chromium (tests/install_chromium.sh installs it), never a downloaded one. Without
it the tests skip, saying so; under CI=true they fail instead."""

from __future__ import annotations

import html
import io
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from db import Archive
from monitor.export import COLUMNS
from monitor.extract import extract_page
from tests.test_api import _host, serving

pytestmark = pytest.mark.slow  # the whole module: README's fast command leaves it out

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = '<script>window.__pwned=1</script> zxqvtest <img src=x onerror="window.__pwned=2">'


class Chromium:
    """Headless Chromium driven from a thread of its own: the crawl fixtures leave Twisted's
    asyncio loop running on the main thread, beside which Playwright's sync API refuses to run.
    Every Playwright call happens on that one thread."""

    def __init__(self) -> None:
        self.thread = ThreadPoolExecutor(1)
        self.playwright = self.thread.submit(lambda: sync_playwright().start()).result()
        self.browser = self.thread.submit(
            self.playwright.chromium.launch, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        ).result()

    def run(self, scenario: Callable[[Page], None]) -> None:
        """The scenario on a fresh page that may talk to 127.0.0.1 only; afterwards, nothing
        may have been asked of another host, and no script error or CSP violation seen."""
        self.thread.submit(self._run, scenario).result()

    def _run(self, scenario: Callable[[Page], None]) -> None:
        context = self.browser.new_context()
        page = context.new_page()
        outside, errors = [], []

        def local_only(route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        def csp_violation(message) -> None:
            if "Content Security Policy" in message.text:
                errors.append(message.text)

        page.route("**/*", local_only)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", csp_violation)
        try:
            scenario(page)
        finally:
            context.close()
        assert outside == [] and errors == []

    def close(self) -> None:
        self.thread.submit(self.browser.close).result()
        self.thread.submit(self.playwright.stop).result()
        self.thread.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    if not CHROMIUM.exists():
        reason = f"no browser at {CHROMIUM}: run tests/install_chromium.sh as root to install Debian's chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    browser = Chromium()
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def site(archive, db_url) -> Iterator[str]:
    with serving(db_url) as base:
        yield base


def test_search_article_and_back(chromium, site):
    chromium.run(lambda page: search_article_and_back(page, site))


def search_article_and_back(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.fill("#q", "中国铜业")
    page.press("#q", "Enter")
    page.wait_for_selector("#results li mark")
    assert "#/search?q=%E4%B8%AD%E5%9B%BD%E9%93%9C%E4%B8%9A" in page.url  # bookmarkable
    assert "中国铜业" in page.locator("#results mark").all_inner_texts()

    page.locator("#results h2 a").first.click()
    page.wait_for_selector("#original p")
    assert "#/article/" in page.url
    assert "中国铜业" in page.inner_text("#original") and "中国铜业" in page.inner_text("#normalised")
    assert page.locator("#article-view table tr").count() > 1  # the facts

    # The story's mirror copy: Traditional, as it was served.
    page.locator("#article-view li", has_text="镜像 mirror").locator("a").first.click()
    expect(page.locator("#original")).to_have_attribute("lang", "zh-Hant")
    assert "銅業" in page.inner_text("#original") and "中国铜业" in page.inner_text("#normalised")

    page.go_back()
    page.go_back()
    page.wait_for_selector("#chart rect")
    assert page.locator("#chart rect").count() >= 1
    assert page.input_value("#q") == "中国铜业"


def test_a_facet_adds_a_filter_to_the_query(chromium, site):
    chromium.run(lambda page: facet_adds_a_filter(page, site))


def facet_adds_a_filter(page: Page, site: str) -> None:
    page.goto(site + "/#/search?q=中国铜业")
    page.locator("#facets button", has_text=re.compile(r"^en\s*\d")).click()
    expect(page.locator("#q")).to_have_value("中国铜业 lang:en")
    expect(page.locator("#results .meta", has_text=" · zh")).to_have_count(0)  # the new results are in
    metas = page.locator("#results .meta:not(.copies)").all_inner_texts()
    assert metas and all(" · en" in meta for meta in metas)


def test_a_malformed_query_shows_the_message(chromium, site):
    chromium.run(lambda page: malformed_query(page, site))


def malformed_query(page: Page, site: str) -> None:
    page.goto(site + "/#/search?q=中国铜业")
    page.wait_for_selector("#results li")
    page.fill("#q", "稀土 AND")
    page.press("#q", "Enter")
    expect(page.locator("#status")).to_contain_text("AND at position 4 needs a word after it")
    assert page.locator("#search-view").is_hidden()


@pytest.fixture(scope="module")
def hostile_site(archive, db_url, tmp_path_factory) -> Iterator[str]:
    """A copy of the crawled archive plus one article whose title and body hold markup."""
    path = tmp_path_factory.mktemp("hostile") / "archive.sqlite3"
    with (
        closing(sqlite3.connect(db_url.removeprefix("sqlite:///"))) as source,
        closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
    copy = Archive(f"sqlite:///{path}")
    # The oldest: the same article whatever order the crawl stored them in (a report that
    # names its own title in its text would show the markup a third time).
    original = min(copy.articles(site="cnmn", garbled=False), key=lambda article: article.published_at)
    url, page_bytes, encoding = copy.raw_html(original.id)
    text = page_bytes.decode(encoding).replace(original.title, html.escape(HOSTILE) + " " + original.title)
    text = text.replace('<div id="txtcont">', f'<div id="txtcont"><p>{html.escape(HOSTILE)}</p>', 1)
    article = extract_page(text.encode(encoding), url.split("?")[0] + "?id=999999", encoding, site="cnmn")
    assert HOSTILE in article.title and copy.store_batch([article.record()]).new == 1
    copy.engine.dispose()
    with serving(f"sqlite:///{path}") as base:
        yield base


def test_scraped_markup_is_shown_as_text_never_run(chromium, hostile_site):
    chromium.run(lambda page: markup_shown_as_text(page, hostile_site))


def markup_shown_as_text(page: Page, hostile_site: str) -> None:
    page.goto(hostile_site + "/#/search?q=zxqvtest")
    page.wait_for_selector("#results li mark")
    assert HOSTILE in page.inner_text("#results")
    page.locator("#results h2 a").first.click()
    page.wait_for_selector("#original p")
    shown = page.inner_text("#article-view")
    assert "<script>window.__pwned=1</script>" in shown and '<img src=x onerror="window.__pwned=2">' in shown
    assert page.inner_text("#original").count(HOSTILE) == 2  # title and first paragraph
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script:not([src])").count() == 0
    assert page.locator('img[src="x"]').count() == 0


def test_landing_view_shows_newest_reports_sites_and_feeds(chromium, site, archive, replicas):
    chromium.run(lambda page: landing_view(page, site, archive, _host(replicas, "mirror")))


def landing_view(page: Page, site: str, archive: Archive, mirror: str) -> None:
    page.goto(site + "/")
    expect(page.locator("#newest > li")).to_have_count(10)
    metas = page.locator("#newest .meta:not(.copies)").all_inner_texts()
    assert all(re.match(r"\d{4}-\d{2}-\d{2} · ", meta) for meta in metas), metas  # dates as YYYY-MM-DD
    # Each report's label, then a link to its inspection case where it is in one.
    labels = [meta.removesuffix(" · 督察案件 Inspection case") for meta in metas]
    assert metas == sorted(metas, reverse=True) and all(
        label.endswith(("supervision", "rectification")) for label in labels
    )
    rows = [row.split("\t") for row in page.locator("#sites tr").all_inner_texts()[1:]]
    assert {row[0]: int(row[1]) for row in rows} == {
        {mirror: "cnmn 镜像 mirror"}.get(host, site_name): count
        for (host, site_name), count in _articles_by_site(archive).items()
    }
    assert page.locator("#sites a", has_text="cnmn 镜像 mirror").get_attribute(
        "href"
    ) == "#/search?q=site%3A" + mirror.replace(":", "%3A")
    assert page.locator("#rules li", has_text="crawl-health").locator("a").all_inner_texts() == ["atom", "rss", "json"]
    assert chinese_renders(page)

    page.locator("#newest h2 a").first.click()
    page.wait_for_selector("#original p")
    assert re.match(r"\d{4}-\d{2}-\d{2} · ", page.inner_text("#article-view .meta"))
    assert (
        page.locator("#article-view li a", has_text="中央生态环境保护督察").count() >= 1
    )  # tags by their Chinese name


def _articles_by_site(archive: Archive) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for article in archive.articles():
        counts[(article.host, article.site)] = counts.get((article.host, article.site), 0) + 1
    return counts


def chinese_renders(page: Page) -> bool:
    """Whether Chinese is drawn with glyphs: without a CJK font Chromium draws 中国 as the
    same empty boxes as two characters no font has (private use)."""
    return page.evaluate("""() => {
        const pixels = (text) => {
            const canvas = document.createElement("canvas");
            canvas.width = 64; canvas.height = 32;
            const context = canvas.getContext("2d");
            context.font = "24px sans-serif";
            context.fillText(text, 0, 24);
            return context.getImageData(0, 0, 64, 32).data.join();
        };
        return pixels("中国") !== pixels("\\ue000\\ue001");
    }""")


def test_facets_show_chinese_tags_and_site_names(chromium, site):
    chromium.run(lambda page: facet_labels(page, site))


def facet_labels(page: Page, site: str) -> None:
    page.goto(site + "/#/search?q=中国铜业&collapse=false")
    page.wait_for_selector("#results li")
    sites = page.locator("#facets section").first.locator("button")
    assert {re.sub(r"\s*\d+$", "", text) for text in sites.all_inner_texts()} == {"cnmn", "cnmn 镜像 mirror", "smm"}
    page.locator("#facets button", has_text="中铝集团").click()
    expect(page.locator("#q")).to_have_value("中国铜业 tag:chinalco")


def test_export_downloads_the_results_as_a_workbook(chromium, site):
    chromium.run(lambda page: export_download(page, site))


def export_download(page: Page, site: str) -> None:
    page.goto(site + "/#/search?q=中国铜业")
    page.wait_for_selector("#results li")
    total = int(page.inner_text("#status").split()[0])
    assert page.locator("#status a").all_inner_texts() == ["CSV", "XLSX", "JSONL"]
    with page.expect_download() as download:
        page.locator("#status a", has_text="XLSX").click()
    assert download.value.suggested_filename == "monitor-export.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) == total + 1
    shown = page.locator("#results h2").all_inner_texts()  # the first page, in the same order
    assert [row[COLUMNS.index("title")] for row in rows[1 : len(shown) + 1]] == shown
    assert all(row[COLUMNS.index("body")] for row in rows[1:])  # the whole text of each


def test_a_prefix_search_finds_the_words_a_prefix_begins(chromium, site):
    chromium.run(lambda page: prefix_search(page, site))


def prefix_search(page: Page, site: str) -> None:
    """稀 alone is no word of the index; 稀* finds every article with a word it begins (稀土)."""
    page.goto(site + "/#/search?q=稀")
    expect(page.locator("#status")).to_have_text(re.compile(r"^0 条结果 results"))
    page.fill("#q", "稀*")
    page.press("#q", "Enter")
    page.wait_for_selector("#results li mark")
    found = int(page.inner_text("#status").split(" ", 1)[0])
    exact = page.evaluate("fetch('/api/search?q=' + encodeURIComponent('稀土') + '&expand=false').then(r => r.json())")
    assert found == exact["total"] > 0
    assert all(mark.startswith("稀") for mark in page.locator("#results mark").all_inner_texts())
