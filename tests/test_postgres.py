"""The archive's storage on PostgreSQL: the same identity, story and raw-page rules."""

from __future__ import annotations

import urllib.request

from db import Archive
from monitor.extract import extract_page


def _seed_records(replicas, manifest) -> list[dict]:
    records = []
    for truth in (a for a in manifest["articles"] if a["seed"]):
        with urllib.request.urlopen(replicas.addresses[truth["site"]] + truth["path"]) as reply:
            records.append(extract_page(reply.read(), truth["canonical_url"]).record())
    return records


def test_postgres_archive_stores_once_and_joins_the_mirror_copy(postgres_url, replicas, manifest):
    archive = Archive(postgres_url)
    records = _seed_records(replicas, manifest)
    first = archive.store_batch(records)
    again = archive.store_batch(records)
    assert (first.new, again.new, again.unchanged, archive.count()) == (3, 0, 3, 3)
    rows = {row.canonical_url: row for row in archive.articles()}
    smm, cnmn, mirror = (rows[r["canonical_url"]] for r in records)
    assert mirror.story_id == cnmn.story_id != smm.story_id
    assert cnmn.published_at.isoformat() == "2020-10-15T06:52:00+00:00"
    _url, html, encoding = archive.raw_html(mirror.id)
    assert html == records[2]["html"] and encoding == "utf-8"
