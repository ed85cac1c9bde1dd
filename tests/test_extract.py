"""`monitor extract` on saved pages: the seeds as the replicas serve them, and bad input."""

from __future__ import annotations

import json
import urllib.request

import pytest

from monitor.replica.render import CAPTCHA_PAGE
from tests.conftest import monitor_main

FIELDS = ("title", "published_at", "author", "source", "body", "lang", "script")


@pytest.mark.parametrize("site", ["smm", "cnmn", "mirror"])
def test_extract_prints_the_seed_pages_fields(replicas, manifest, tmp_path, site):
    truth = next(a for a in manifest["articles"] if a["seed"] and a["site"] == site)
    page = tmp_path / "page.html"
    with urllib.request.urlopen(replicas.addresses[site] + truth["path"]) as reply:
        page.write_bytes(reply.read())
    printed = json.loads(monitor_main("extract", str(page), "--url", truth["canonical_url"], "--json").stdout)
    for name in FIELDS:
        assert printed[name] == truth[name], name
    assert printed["relevant"] is True
    tag_ids = {t["id"] for t in printed["tags"]}
    assert {"chinalco", "rare-earth" if site == "smm" else "china-copper", "rectification"} <= tag_ids


def test_extract_explains_what_it_cannot_read(tmp_path):
    missing = monitor_main("extract", str(tmp_path / "nope.html"), "--url", "https://www.cnmn.com.cn/x", check=False)
    assert missing.returncode == 2 and missing.stderr.startswith("monitor: unreadable: cannot read")
    captcha = tmp_path / "captcha.html"
    captcha.write_text(CAPTCHA_PAGE, encoding="utf-8")
    blocked = monitor_main("extract", str(captcha), "--url", "https://news.smm.cn/news/1", check=False)
    assert blocked.returncode == 2 and blocked.stderr.startswith("monitor: captcha")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    nothing = monitor_main("extract", str(empty), "--url", "", check=False)
    assert nothing.returncode == 2 and nothing.stderr.startswith("monitor: empty_page")
    bare = tmp_path / "bare.html"
    bare.write_text("<html><body><div></div></body></html>", encoding="utf-8")
    no_text = monitor_main("extract", str(bare), "--url", "https://example.org/a", check=False)
    assert no_text.returncode == 2 and no_text.stderr.startswith("monitor: empty_body")


def test_extract_reads_pages_no_spider_knows(tmp_path):
    """The generic extractor's site is the URL's host; with no URL, `generic`."""
    other = tmp_path / "other.html"
    other.write_text("<html><body><p>Copper output rose by a tenth in October.</p></body></html>", encoding="utf-8")
    printed = json.loads(monitor_main("extract", str(other), "--url", "https://example.org/a", "--json").stdout)
    assert (printed["site"], printed["body"]) == ("example.org", "Copper output rose by a tenth in October.")
    unknown_address = json.loads(monitor_main("extract", str(other), "--url", "", "--json").stdout)
    assert (unknown_address["site"], unknown_address["url"]) == ("generic", "")


def test_extract_prints_fields_for_people_too(replicas, manifest, tmp_path):
    truth = next(a for a in manifest["articles"] if a["seed"] and a["site"] == "cnmn")
    page = tmp_path / "page.html"
    with urllib.request.urlopen(replicas.addresses["cnmn"] + truth["path"]) as reply:
        page.write_bytes(reply.read())
    lines = monitor_main("extract", str(page), "--url", truth["canonical_url"]).stdout.splitlines()
    assert lines[:7] == [
        f"title: {truth['title']}",
        "published_at: 2020-10-15T14:52:00+08:00",
        "author: 伍玉静",
        "source: 中国有色金属报",
        "lang: zh",
        "script: Hans",
        "relevant: True",
    ]
    assert lines[7].startswith("tags: ") and "china-copper" in lines[7]
    assert "\n".join(lines[9:]) == truth["body"]
