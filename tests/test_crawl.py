"""A crawl of all replicas, checked against the manifest's truth."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
import zlib
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import text

from db.models import Article
from monitor.crawl import crawl_async
from monitor.replica.server import SMM_PRIVATE_PATH
from pipelines.article import CHINA_TZ
from pipelines.article import Article as Fetched
from tests.conftest import ARCHIVED_SITES

COMPARED = ("title", "author", "source", "body", "canonical_url", "lang", "script", "relevant")
SITE_FIELDS = {"cnmn": ("category", "editor", "views"), "mirror": ("category", "editor", "views"), "smm": ()}


def _stored(archive, replicas) -> dict[tuple[str, str], list[Article]]:
    site_of_host = {urlsplit(address).netloc: site for site, address in replicas.addresses.items()}
    stored: dict[tuple[str, str], list[Article]] = {}
    for row in archive.articles():
        stored.setdefault((site_of_host[row.host], row.site_article_id), []).append(row)
    return stored


def test_every_manifest_article_archived_exactly_once(archive, replicas, manifest):
    stored = _stored(archive, replicas)
    expected = {(a["site"], a["article_id"]) for a in manifest["articles"]}
    assert set(stored) == expected
    assert all(len(rows) == 1 for rows in stored.values())
    assert archive.count() == len(manifest["articles"]) == 248


@pytest.mark.parametrize("site", ["smm", "cnmn", "mirror"])
def test_fields_equal_the_manifest_truth(archive, replicas, manifest, site):
    stored = _stored(archive, replicas)
    for truth in (a for a in manifest["articles"] if a["site"] == site):
        row = stored[(site, truth["article_id"])][0]
        for name in COMPARED + SITE_FIELDS[site]:
            assert getattr(row, name) == truth[name], (site, truth["article_id"], name)
        published = row.published_at.astimezone(CHINA_TZ)
        assert published.isoformat() == truth["published_at"]
        assert published.utcoffset().total_seconds() == 8 * 3600
        if site == "smm":
            assert row.page_tags == truth["tags"]


def test_seed_documents_are_archived(archive, replicas, manifest):
    stored = _stored(archive, replicas)
    seeds = [a for a in manifest["articles"] if a["seed"]]
    assert sorted(a["site"] for a in seeds) == ["cnmn", "mirror", "smm"]
    smm = stored[("smm", next(a["article_id"] for a in seeds if a["site"] == "smm"))][0]
    assert smm.title.startswith("Chinalco Group has made comprehensive arrangements")
    assert smm.published_at.astimezone(CHINA_TZ).isoformat() == "2020-09-27T07:50:00+08:00"
    assert "For queries" not in smm.body and "SMM Events" not in smm.body
    original = stored[("cnmn", next(a["article_id"] for a in seeds if a["site"] == "cnmn"))][0]
    assert original.title == "借力环保督察 擦亮绿色发展底色——中国铜业全力配合中央生态环保督察工作侧记"
    assert (original.author, original.source, original.editor, original.views) == (
        "伍玉静",
        "中国有色金属报",
        "付宇",
        8747,
    )
    assert original.published_at.astimezone(CHINA_TZ).isoformat() == "2020-10-15T14:52:00+08:00"
    assert "截至10月9日，已完成整改24项，14项在持续整改中。" in original.body
    mirror = stored[("mirror", original.site_article_id)][0]
    assert mirror.garbled and mirror.script == "Hant" and "(huán)" not in mirror.body
    assert mirror.title_simplified == original.title
    assert "中国铜业" in mirror.body_simplified and "环保督察" in mirror.body_simplified
    assert "bestexercisefitness" not in mirror.body and "中國有色網聲明" not in mirror.body


def test_mirror_copies_join_their_originals_story(archive, replicas, manifest):
    stored = _stored(archive, replicas)
    story_ids: dict[str, set[int]] = {}
    for truth in manifest["articles"]:
        story_ids.setdefault(truth["story"], set()).add(stored[(truth["site"], truth["article_id"])][0].story_id)
    assert all(len(ids) == 1 for ids in story_ids.values())
    assert len({next(iter(ids)) for ids in story_ids.values()}) == len(story_ids) == 167


def test_broken_pages_are_counted_and_not_archived(first_crawl, archive, manifest):
    stored_ids = {(row.host, row.site_article_id) for row in archive.articles()}
    for site, stats in first_crawl.items():
        kinds = sorted(b["kind"] for b in manifest["broken"] if b["site"] == site)
        counted = sorted(k.rsplit("/", 1)[1] for k in stats if k.startswith("monitor/broken/"))
        assert counted == kinds, site
        assert stats["monitor/broken"] == len(kinds)
        assert stats.get("monitor/articles/store_failed") is None
    broken_ids = {b["article_id"] for b in manifest["broken"]}
    assert not any(article_id in broken_ids for _, article_id in stored_ids)


def test_raw_pages_are_kept_compressed(archive, replicas, manifest):
    stored = _stored(archive, replicas)
    for truth in (a for a in manifest["articles"] if a["seed"]):
        row = stored[(truth["site"], truth["article_id"])][0]
        with urllib.request.urlopen(replicas.addresses[truth["site"]] + truth["path"]) as reply:
            served = reply.read()
        url, html, encoding = archive.raw_html(row.id)
        assert (url, html, encoding) == (row.url, served, "utf-8")
    with archive.engine.connect() as conn:
        compressed = conn.execute(text("SELECT html_zlib FROM raw_pages")).scalars().all()
    assert len(compressed) == 248
    assert sum(map(len, compressed)) < 0.55 * sum(len(zlib.decompress(blob)) for blob in compressed)


def test_robots_txt_is_obeyed(first_crawl, replicas):
    assert SMM_PRIVATE_PATH not in replicas.requests("smm")
    assert first_crawl["smm"]["robotstxt/forbidden"] == 1


def _archive_digest(archive) -> str:
    rows = [(r.id, r.canonical_url, r.content_hash, r.story_id, r.updated_at.isoformat()) for r in archive.articles()]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest_twisted.ensureDeferred
async def test_second_crawl_downloads_no_article_and_changes_nothing(first_crawl, archive, replicas, manifest, db_url):
    before = {site: len(replicas.requests(site)) for site in ARCHIVED_SITES}
    digest = _archive_digest(archive)
    stats = await deferred_from_coro(crawl_async(replicas.jobs(), db_url, local=True))
    article_ids = {(a["site"], a["article_id"]) for a in manifest["articles"]}
    for site in ARCHIVED_SITES:
        fetched = replicas.requests(site)[before[site] :]
        assert fetched, site  # the lists were read again
        ids = {(site, m.group(1)) for m in map(re.compile(r"(?:newscontent/|\?id=)(\d{6,})").search, fetched) if m}
        assert not ids & article_ids, site
    for site, crawl in zip(ARCHIVED_SITES, stats, strict=False):  # the jobs' order: smm, cnmn, the mirror
        # Broken pages are not archived, so they are fetched again, and counted broken again
        # (the empty-body one by the text stages, which find only boilerplate in it).
        assert "monitor/articles/parsed" not in crawl and crawl["monitor/broken/empty_body"] == 1
        assert crawl.get("monitor/articles/new") is None
        assert crawl["monitor/articles/skipped_archived"] == {"smm": 86, "cnmn": 81, "mirror": 81}[site]
    assert _archive_digest(archive) == digest


def test_facts_of_the_seed_are_stored_with_their_sentence(archive, replicas, manifest):
    stored = _stored(archive, replicas)
    seed = next(a for a in manifest["articles"] if a["seed"] and a["site"] == "cnmn")
    pk = stored[("cnmn", seed["article_id"])][0].id
    with archive.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, number, day, as_of, batches, sentence FROM facts WHERE article_pk = :pk ORDER BY id"),
            {"pk": pk},
        ).all()
    facts = {(r.kind, r.number, r.day, r.as_of, r.batches) for r in rows}
    assert {
        ("team", 4, None, None, None),
        ("stationed", None, "2020-08-31", None, None),
        ("issues_raised", 38, None, None, None),
        ("issues_rectified", 24, None, "2020-10-09", None),
        ("issues_in_progress", 14, None, "2020-10-09", None),
        ("complaints_received", 5, None, "2020-10-08", 4),
        ("complaints_closed", 4, None, None, None),
        ("complaints_partly_closed", 1, None, None, None),
    } <= facts
    sentence = next(r.sentence for r in rows if r.kind == "issues_rectified")
    assert sentence == "截至10月9日，已完成整改24项，14项在持续整改中。"


def test_the_two_seeds_are_linked_across_languages(archive, replicas, manifest):
    stored = _stored(archive, replicas)
    smm = stored[("smm", next(a["article_id"] for a in manifest["articles"] if a["seed"] and a["site"] == "smm"))][0]
    cnmn = stored[("cnmn", next(a["article_id"] for a in manifest["articles"] if a["seed"] and a["site"] == "cnmn"))][0]
    with archive.engine.connect() as conn:
        links = conn.execute(text("SELECT story_a, story_b, shared FROM story_links")).all()
    pairs = {(a, b) for a, b, _ in links}
    assert tuple(sorted((smm.story_id, cnmn.story_id))) in pairs
    shared = next(s for a, b, s in links if {a, b} == {smm.story_id, cnmn.story_id})
    assert {"chinalco", "inspection-team-4"} <= set(json.loads(shared))
    # Across the languages, the written case articles (monitor/replica/cases.py) are linked only
    # within their case: the seeds, and Yunnan's feedback in Chinese and English.
    case_of = {
        stored[(a["site"], a["article_id"])][0].story_id: a["inspection"]["case"]
        for a in manifest["articles"]
        if a["inspection"]
    }
    written = [(a, b) for a, b in pairs if a in case_of and b in case_of]
    assert len(written) == 2 and all(case_of[a] and case_of[a] == case_of[b] for a, b in written)
    assert len(links) <= 5  # and three weak links that share only a team number, or a province and a company


def test_keywords_and_labels(archive):
    rows = archive.articles()
    assert all(row.keywords for row in rows)
    labels = {row.relevance_label for row in rows}
    assert {"supervision", "rectification", "unrelated"} <= labels
    assert all(row.relevant == (row.relevance_label in ("supervision", "rectification")) for row in rows)


def _copy(url: str, canonical_url: str) -> Fetched:
    """Article 476355 of CNMN's spider as fetched from `url`, declaring `canonical_url`."""
    return Fetched(
        url=url,
        site="cnmn",
        html=b"",
        encoding="utf-8",
        status=200,
        fetched_at=datetime.now(UTC),
        canonical_url=canonical_url,
        site_article_id="476355",
        title="",
        published_at=None,
    )


def test_a_replica_article_is_known_by_the_site_it_stands_for_not_its_port():
    """A page served on this machine is known by the host its canonical URL names, marked as a
    copy: the same on any port, never the live site's article, and a mirror's replica apart
    from its original's. Elsewhere the host a page came from decides, as before."""
    original = "https://www.cnmn.com.cn/ShowNews1.aspx?id=476355"
    mirror = "http://www.bestexercisefitness.com/ShowNews1.aspx?id=476355"
    replica = _copy("http://127.0.0.1:8742/ShowNews1.aspx?id=476355", original).identity
    assert replica == "cnmn:www.cnmn.com.cn (copy on this machine):476355"
    assert _copy("http://localhost:39001/ShowNews1.aspx?id=476355", original).identity == replica
    assert _copy("http://127.0.0.1:8743/ShowNews1.aspx?id=476355", mirror).identity != replica
    assert _copy(original, original).identity == "cnmn:www.cnmn.com.cn:476355"
    # A mirror on the web keeping the original's canonical tag stays the mirror's.
    assert _copy(mirror, original).identity == "cnmn:www.bestexercisefitness.com:476355"
    # Without a canonical URL of its own a page on this machine is known by its address.
    assert _copy("http://127.0.0.1:8742/a", "http://127.0.0.1:8742/a").identity == "cnmn:127.0.0.1:8742:476355"
