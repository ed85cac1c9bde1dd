"""SMM Chinese: its replica crawled through RSS feeds, sitemaps and the JSON list API with
the real Scrapy engine, checked against the manifest; the feed and sitemap readers and the
discovery helpers it shares with other spiders; its firewall; a redesign mid-test."""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from datetime import UTC, datetime

import pytest
import pytest_twisted
from scrapy.http import HtmlResponse
from scrapy.utils.defer import deferred_from_coro

from db import Archive
from monitor.crawl import CrawlJob, crawl_async
from monitor.replica.catalog import manifest as build_manifest
from pipelines.article import CHINA_TZ
from spiders.feeds import (
    Entry,
    NotAFeed,
    feeds_on_page,
    parse_feed_date,
    read_feed,
    read_sitemap,
    sitemaps_in_robots,
)
from spiders.smm import SmmSpider

ARTICLE_PATH = re.compile(r"^/(?:news|r/\d{4}-\d{2}-\d{2})/(\d+)")
BOT = "Mozilla/5.0 (compatible; MonitorBot/0.1)"


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    return [a for a in build_manifest()["articles"] if a["site"] == "smm_cn"]


def _get(url: str, user_agent: str = "monitor-test") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": user_agent})) as reply:
        return reply.read()


def _markup(replicas, site: str, version: int) -> dict:
    return json.loads(_get(f"{replicas.addresses[site]}/_replica/markup?version={version}"))


async def _crawl(replicas, db_url: str, **overrides) -> dict:
    job = CrawlJob("smm_cn", replicas.addresses["smm_cn"])
    [stats] = await deferred_from_coro(crawl_async([job], db_url, local=True, **overrides))
    return stats


def _article_fetches(paths: list[str]) -> Counter:
    return Counter(m.group(1) for m in map(ARTICLE_PATH.match, paths) if m)


# --- the crawl ---


@pytest_twisted.ensureDeferred
async def test_every_article_archived_once_with_its_truth_and_none_fetched_again(replicas, truth, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'smm_cn.sqlite3'}"
    before = len(replicas.requests("smm_cn"))
    stats = await _crawl(replicas, db_url)
    fetched = replicas.requests("smm_cn")[before:]

    rows = Archive(db_url).articles()
    assert len(truth) == len(rows) == 82
    stored = {row.site_article_id: row for row in rows}
    for expected in truth:
        row = stored[expected["article_id"]]
        for name in ("title", "source", "body", "canonical_url", "lang", "script", "relevant"):
            assert getattr(row, name) == expected[name], (expected["article_id"], name)
        assert row.published_at.astimezone(CHINA_TZ).isoformat() == expected["published_at"]
    assert (stats["monitor/articles/parsed"], stats["monitor/articles/new"]) == (82, 82)
    assert not {"monitor/broken", "monitor/lists/failed", "monitor/lists/empty"} & set(stats)

    # Each article is linked by the industry feed, a sitemap and the 要闻 API channel (the
    # copper ones twice more), yet its page is fetched once; the old /r/ links redirect.
    assert {"/robots.txt", "/", "/rss/industry", "/rss/copper", "/sitemap.xml", "/sitemap/news-2018.xml"} <= set(
        fetched
    )
    api = [p for p in fetched if p.startswith("/newscenter/news/list/")]
    assert sorted(api) == sorted(
        f"/newscenter/news/list/{channel}/{page}?page_limit=30"
        for channel, pages in (("%E8%A6%81%E9%97%BB", 4), ("%E9%93%9C", 2))
        for page in range(1, pages + 1)
    )
    pages = _article_fetches([p for p in fetched if p.startswith("/news/")])
    assert set(pages) == set(stored) and set(pages.values()) == {1}

    again = await _crawl(replicas, db_url)
    assert not _article_fetches(replicas.requests("smm_cn")[before + len(fetched) :])
    assert again["monitor/articles/skipped_archived"] == 82
    assert "monitor/articles/parsed" not in again and Archive(db_url).count() == 82


@pytest_twisted.ensureDeferred
async def test_a_bot_user_agent_meets_the_captcha_counted_broken_not_archived(replicas, truth, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    captcha = _get(replicas.addresses["smm_cn"] + truth[-1]["path"], BOT)
    assert b"TCaptcha.js" in captcha and b"/WafCaptcha" in captcha

    stats = await _crawl(replicas, db_url, USER_AGENT=BOT)
    assert stats["monitor/broken/captcha"] == stats["monitor/broken"] == 82
    assert "monitor/articles/parsed" not in stats and Archive(db_url).count() == 0


@pytest_twisted.ensureDeferred
async def test_after_a_redesign_every_article_is_still_read_and_the_misses_counted(replicas, truth, tmp_path):
    """A redesign no selector fits loses no article: the generic extractor reads each page,
    and every selector's miss is counted for crawl health (selectors_drift)."""
    db_url = f"sqlite:///{tmp_path / 'redesign.sqlite3'}"
    assert _markup(replicas, "smm_cn", 2) == {"site": "smm_cn", "markup": 2}
    try:
        stats = await _crawl(replicas, db_url)
    finally:
        assert _markup(replicas, "smm_cn", 1) == {"site": "smm_cn", "markup": 1}
    assert "monitor/broken" not in stats
    assert stats["monitor/articles/parsed"] == stats["monitor/articles/new"] == 82
    for name in ("title", "published_at", "source", "body", "author"):
        assert stats[f"monitor/selectors/missed/{name}"] == 82
    assert stats["monitor/fields/title/generic"] == stats["monitor/fields/body/generic"] == 82
    stored = {row.site_article_id: row for row in Archive(db_url).articles()}
    for expected in truth:
        row = stored[expected["article_id"]]
        assert (row.title, row.body) == (expected["title"], expected["body"])
        assert row.published_at.astimezone(CHINA_TZ).isoformat() == expected["published_at"]
        assert row.field_sources["title"] == row.field_sources["body"] == "generic"


def test_the_smm_english_second_build_is_read_from_its_next_data(replicas):
    """Another build of the Next.js site renames its CSS classes; the article's data in
    __NEXT_DATA__ stays, and gives every field as before."""
    page = max((a for a in build_manifest()["articles"] if a["site"] == "smm"), key=lambda a: int(a["article_id"]))
    url = replicas.addresses["smm"] + page["path"]
    first = SmmSpider().extract(HtmlResponse(url, body=_get(url)))
    _markup(replicas, "smm", 2)
    try:
        second = SmmSpider().extract(HtmlResponse(url, body=_get(url)))
    finally:
        _markup(replicas, "smm", 1)
    # The author is named in the body's contact line: by the selectors while they fit.
    for article, author_from in ((first, "selectors"), (second, "structured")):
        assert (article.title, article.author, article.page_tags) == (page["title"], page["author"], page["tags"])
        assert article.published_at.astimezone(CHINA_TZ).isoformat() == page["published_at"]
        assert article.field_sources == {
            "title": "structured",
            "published_at": "structured",
            "source": "structured",
            "body": "structured",
            "author": author_from,
        }
    assert first.paragraphs == second.paragraphs
    assert first.selectors_missed == []
    assert second.selectors_missed == ["title", "published_at", "author", "source", "body"]


def test_markup_versions_a_site_lacks_are_refused(replicas):
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(replicas.addresses["cnmn"] + "/_replica/markup?version=2")
    assert refused.value.code == 400
    assert json.loads(_get(replicas.addresses["cnmn"] + "/_replica/markup")) == {"site": "cnmn", "markup": 1}


# --- the readers ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("周二,06 10月 2026 10:31:40 +0800", datetime(2026, 10, 6, 10, 31, 40, tzinfo=CHINA_TZ)),
        ("周日, 1 3月 2020 08:05:00 +0800", datetime(2020, 3, 1, 8, 5, tzinfo=CHINA_TZ)),
        ("星期一,12 1月 2026 23:59 +0000", datetime(2026, 1, 12, 23, 59, tzinfo=UTC)),
        ("周三,06 10月 2026 10:31:40", datetime(2026, 10, 6, 10, 31, 40, tzinfo=CHINA_TZ)),  # no zone: China
        ("Tue, 06 Oct 2026 02:31:40 GMT", datetime(2026, 10, 6, 2, 31, 40, tzinfo=UTC)),
        ("2018-08-16T20:05:00+08:00", datetime(2018, 8, 16, 20, 5, tzinfo=CHINA_TZ)),
        ("2026-10-06", datetime(2026, 10, 6, tzinfo=CHINA_TZ)),
        ("周二,06 13月 2026 10:31:40 +0800", None),
        ("", None),
    ],
)
def test_feed_dates(text, expected):
    parsed = parse_feed_date(text)
    assert parsed == expected
    if expected is not None:
        assert parsed.utcoffset() == expected.utcoffset()


def test_the_replica_feeds_pubdate_reads_back_exactly(replicas, truth):
    base = replicas.addresses["smm_cn"]
    entries = read_feed(_get(base + "/rss/copper"), base + "/rss/copper")
    by_url = {base + a["path"]: a for a in truth}
    assert entries and all(entry.url in by_url for entry in entries)
    for entry in entries:
        expected = by_url[entry.url]
        assert (entry.title, entry.published.isoformat()) == (expected["title"], expected["published_at"])
    assert b"<pubDate>\xe5\x91\xa8" in _get(base + "/rss/copper")  # 周..., not RFC 822


def test_atom_feeds_are_read():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>One</title><link rel="alternate" href="/a/1"/><link rel="edit" href="/edit/1"/>
<published>2026-10-06T10:31:40+08:00</published><updated>2026-10-07T09:00:00Z</updated></entry>
<entry><title>Two</title><link href="https://example.org/a/2"/><updated>2026-10-08</updated></entry>
<entry><title>No link</title></entry></feed>"""
    assert read_feed(atom, "https://example.org/feed.atom") == [
        Entry(
            "https://example.org/a/1",
            "One",
            datetime(2026, 10, 6, 10, 31, 40, tzinfo=CHINA_TZ),
            datetime(2026, 10, 7, 9, tzinfo=UTC),
        ),
        Entry("https://example.org/a/2", "Two", None, datetime(2026, 10, 8, tzinfo=CHINA_TZ)),
    ]


def test_rss_links_fall_back_to_a_permalink_guid():
    rss = b"""<rss version="2.0"><channel><title>t</title>
<item><title>A</title><guid>https://example.org/a</guid><pubDate>Tue, 06 Oct 2026 02:31:40 GMT</pubDate></item>
<item><title>B</title><guid isPermaLink="false">tag:example.org,2026:b</guid></item>
</channel></rss>"""
    assert read_feed(rss, "https://example.org/") == [
        Entry("https://example.org/a", "A", datetime(2026, 10, 6, 2, 31, 40, tzinfo=UTC)),
    ]


def test_sitemap_index_and_its_sitemaps(replicas, truth):
    base = replicas.addresses["smm_cn"]
    is_index, sitemaps = read_sitemap(_get(base + "/sitemap.xml"), base + "/sitemap.xml")
    newest: dict[int, str] = {}
    for article in truth:  # ascending by date
        newest[int(article["published_at"][:4])] = article["published_at"]
    assert is_index
    assert [(e.url, e.lastmod.isoformat()) for e in sitemaps] == [
        (f"{base}/sitemap/news-{year}.xml", stamp) for year, stamp in sorted(newest.items())
    ]
    is_index, pages = read_sitemap(_get(sitemaps[0].url), sitemaps[0].url)
    of_first_year = [a for a in truth if a["published_at"].startswith(str(min(newest)))]
    assert not is_index
    assert [(e.url, e.lastmod.isoformat()) for e in pages] == [
        (f"{base}/r/{a['published_at'][:10]}/{a['article_id']}.html", a["published_at"]) for a in of_first_year
    ]


def test_a_captcha_or_an_error_page_is_no_feed_and_no_sitemap(replicas):
    captcha = _get(replicas.addresses["smm"] + "/en/", BOT)
    for reader in (read_feed, read_sitemap):
        for body in (captcha, b"", b'{"code": 100000}'):
            with pytest.raises(NotAFeed):
                reader(body, "https://example.org/")


# --- discovery ---


def test_sitemaps_named_in_robots_txt(replicas):
    base = replicas.addresses["smm_cn"]
    assert sitemaps_in_robots(_get(base + "/robots.txt"), base + "/robots.txt") == [base + "/sitemap.xml"]
    robots = b"User-agent: *\nDisallow: /x\nsitemap: /maps/index.xml\nSitemap: https://cdn.example.org/s.xml.gz\n"
    assert sitemaps_in_robots(robots, "https://example.org/robots.txt") == [
        "https://example.org/maps/index.xml",
        "https://cdn.example.org/s.xml.gz",
    ]


def test_feeds_named_by_link_rel_alternate(replicas):
    base = replicas.addresses["smm_cn"]
    home = HtmlResponse(base + "/", body=_get(base + "/"))
    assert feeds_on_page(home) == [
        f"{base}/rss/{name}" for name in ("original", "industry", "copper", "aluminum", "mining")
    ]
    page = HtmlResponse(
        "https://example.org/news/",
        body=b"""<html><head>
<link rel="Alternate" type="application/atom+xml" href="/feed.atom">
<link rel="alternate" type="application/rss+xml" href="https://example.org/rss.xml">
<link rel="alternate" hreflang="en" href="/en/"><link rel="stylesheet" type="text/css" href="/s.css">
<link rel="alternate" type="text/html" href="/print/">
</head><body></body></html>""",
    )
    assert feeds_on_page(page) == ["https://example.org/feed.atom", "https://example.org/rss.xml"]
