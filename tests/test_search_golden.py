"""Search results byte for byte: a fixed list of queries of every kind, run on the replica
archive on both engines (and on SQLite with the heads of its words, which must rank as the
index does), compared with tests/data/search_golden.json, as are the matches alert rules
copy out of the queue. The file holds what the search code gave when it was written; a
change of results fails here until it is meant and the file written anew:

    MONITOR_WRITE_GOLDEN=1 python -m pytest tests/test_search_golden.py

The crawl stores pages in the order they come, and ids break ties (in rank, in a story's
face, in which copy a story is named by): so the crawled pages are stored again, in the
order of their URLs, into an archive of their own on each engine, as `reprocess --into`
stores them. Database ids become URLs, and the replicas' addresses (a port each run) their
sites' names."""

from __future__ import annotations

import difflib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from db import Archive
from db.alerts import BATCH_TABLE, begin_batch
from db.models import AlertQueue, Article
from db.search.results import copy_queued_matches, prepare_queued_matches
from monitor.extract import extract_page
from monitor.reprocess import fit_document_frequencies
from monitor.search import SearchOptions, iterate, plan, search
from tests.conftest import postgres_schema

GOLDEN = Path(__file__).parent / "data" / "search_golden.json"
WRITE = os.environ.get("MONITOR_WRITE_GOLDEN") == "1"

EXACT = SearchOptions(expand=False, limit=25)
EVERY_COPY = SearchOptions(collapse=False, limit=25)

# (query, options, with facets)
PAGES: list[tuple[str, SearchOptions, bool]] = [
    ("稀土", SearchOptions(limit=20), False),
    ("copper", SearchOptions(limit=20), False),
    ("the", SearchOptions(limit=15), False),
    ("中国", SearchOptions(limit=15), True),
    ("稀土 整改", SearchOptions(limit=20), False),
    ("稀土 AND 整改", EXACT, False),
    ("稀土 OR 废水", SearchOptions(limit=30), False),
    ("稀土 -整改", SearchOptions(limit=20), False),
    ("稀土 NOT 整改", EVERY_COPY, False),
    ("-整改 -稀土", SearchOptions(limit=20), True),
    ("(稀土 OR 废水) 整改", SearchOptions(limit=20), False),
    ('"inspection team"', SearchOptions(limit=20), False),
    ('"督察发现"', EVERY_COPY, False),
    ("rectif*", SearchOptions(limit=20), False),
    ("penalt* lang:en", EXACT, False),
    ("NEAR(督察 整改, 10)", SearchOptions(limit=20), False),
    ('NEAR("rare earth" group, 3)', EVERY_COPY, False),
    ("rare earth", SearchOptions(limit=20), True),
    ("rare earth", EXACT, False),
    ("督察 lang:en", SearchOptions(limit=20), False),
    ("督察 lang:en", EXACT, False),
    ("整改 site:cnmn", SearchOptions(limit=20), False),
    ("整改 -site:smm", SearchOptions(limit=20), False),
    ("整改 since:2020-10-15", SearchOptions(limit=20), False),
    ("整改 since:2019-03 until:2020", SearchOptions(limit=20, sort="date"), False),
    ("稀土 relevance:relevant -relevance:related", SearchOptions(limit=20), False),
    ("tag:中铝", SearchOptions(limit=20), True),
    ("(稀土 OR 废水) tag:jiangxi -tag:chinalco", SearchOptions(limit=20), False),
    ("-copper site:smm", SearchOptions(limit=20, sort="date"), False),
    ("环保督察", EVERY_COPY, False),
    ("中国铜业", SearchOptions(limit=20), False),
    ("整改", SearchOptions(limit=20, sort="date"), True),
    ("整改", SearchOptions(limit=20, sort="date", collapse=False), False),
    ("稀土", SearchOptions(limit=7, offset=5), False),
    ("稀土", SearchOptions(limit=7, offset=5, collapse=False), False),
    ("稀土", SearchOptions(limit=0), True),
    ("整改 OR rare earth", SearchOptions(limit=0, collapse=False), True),
    ("lithium", SearchOptions(limit=20, expand=False, collapse=False), False),
    ("relevance:rectification", SearchOptions(limit=20), True),
]
# Exports read every result in one pass (monitor.search.iterate).
EVERY: list[tuple[str, SearchOptions]] = [
    ("整改 OR rare earth", SearchOptions()),
    ("稀土 since:2020", SearchOptions(collapse=False, sort="date")),
    ("-稀土 lang:zh", SearchOptions(expand=False)),
]
# Alert rules: (query, exact).
RULES: list[tuple[str, bool]] = [
    ("稀土", False),
    ("rare earth", True),
    ("(督察 OR 整改) -site:smm", False),
    ('"inspection team" lang:en', True),
    ("-copper tag:jiangxi", False),
    ("NEAR(督察 整改, 10) -lang:en", False),
    ("rectif*", True),
]


def _named(archive: Archive, replicas) -> tuple[dict[int, str], dict[str, str]]:
    """Each article's URL by id, and the replicas' hosts by the names they stand for."""
    hosts = {address.split("//")[1]: f"<{site}>" for site, address in replicas.addresses.items()}
    with archive.engine.connect() as conn:
        urls = {pk: _renamed(url, hosts) for pk, url in conn.execute(select(Article.id, Article.url))}
    return urls, hosts


def _renamed(written: str, hosts: dict[str, str]) -> str:
    for host, name in hosts.items():
        written = written.replace(host, name)
    return written


def _page(archive: Archive, query: str, options: SearchOptions, with_facets: bool, urls: dict[int, str]) -> Any:
    page = search(archive, query, options, with_facets=with_facets).as_dict()
    page["results"] = [_result(r, urls) for r in page["results"]]
    return page


def _result(result: dict[str, Any], urls: dict[int, str]) -> dict[str, Any]:
    shown = {k: v for k, v in result.items() if k not in ("id", "story_id")}
    shown["story"] = urls[result["story_id"]]
    shown["copies"] = [{k: v for k, v in c.items() if k != "id"} for c in result["copies"]]
    return shown


def _alert_matches(archive: Archive, urls: dict[int, str]) -> dict[str, list]:
    """What each rule copies out of a queue of every article (in a transaction rolled back)."""
    out: dict[str, list] = {}
    with archive.engine.connect() as conn, conn.begin() as transaction:
        queued = set(conn.execute(select(AlertQueue.article_pk)).scalars())
        missing = [{"article_pk": pk} for pk in urls if pk not in queued]
        if missing:
            conn.execute(insert(AlertQueue), missing)
        begin_batch(conn)
        specs = [plan(query, SearchOptions(expand=not exact))[1] for query, exact in RULES]
        prepare_queued_matches(conn, specs, min(urls), max(urls))
        copy_queued_matches(conn, dict(enumerate(specs, 1)), min(urls), max(urls), BATCH_TABLE)
        rows = conn.execute(text(f"SELECT rule_id, article_pk, story_id, garbled FROM {BATCH_TABLE}")).all()
        transaction.rollback()
    for rule_id, (query, exact) in enumerate(RULES, 1):
        matched = [(urls[r.article_pk], urls[r.story_id], bool(r.garbled)) for r in rows if r.rule_id == rule_id]
        out[f"{query} exact={exact}"] = [list(m) for m in sorted(matched)]
    return out


def _answers(archive: Archive, replicas) -> dict[str, Any]:
    urls, hosts = _named(archive, replicas)
    answers = {
        "pages": {
            f"{query} {options} facets={with_facets}": _page(archive, query, options, with_facets, urls)
            for query, options, with_facets in PAGES
        },
        "every": {
            f"{query} {options}": [_result(r.as_dict(), urls) for r in iterate(archive, query, options, batch=9)]
            for query, options in EVERY
        },
        "alerts": _alert_matches(archive, urls),
    }
    renamed = json.loads(_renamed(json.dumps(answers, ensure_ascii=False), hosts))
    for page in renamed["pages"].values():
        if "facets" in page:  # hosts of equal counts stand in the order of their ports: by name here
            page["facets"]["site"].sort(key=lambda f: (-f["count"], f["value"]))
    return renamed


def _golden() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}


def _store_in_url_order(source: Archive, target: Archive, hosts: dict[str, str]) -> None:
    """Every stored page of `source` through the pipeline into `target`, by URL (the
    replicas' names for their hosts): the same ids whatever order the crawl took."""
    frequencies = fit_document_frequencies(source, lambda done, total: None, target)
    pages = sorted((p for batch in source.stored_pages() for p in batch), key=lambda p: _renamed(p.url, hosts))
    for page in pages:  # one at a time: each one's story is found among those before it
        article = extract_page(page.html, page.url, page.encoding, site=page.site, frequencies=frequencies)
        article.fetched_at, article.status = page.fetched_at, page.status
        assert not target.store_batch([article.record()]).failed


@pytest.fixture(scope="module")
def ordered_sqlite(archive, replicas, tmp_path_factory) -> Iterator[Archive]:
    ordered = Archive(f"sqlite:///{tmp_path_factory.mktemp('ordered') / 'archive.sqlite3'}")
    _store_in_url_order(archive, ordered, _named(archive, replicas)[1])
    yield ordered
    ordered.engine.dispose()


@pytest.fixture(scope="module")
def ordered_postgres(archive, replicas) -> Iterator[Archive]:
    with postgres_schema("monitor_golden") as url:
        ordered = Archive(url)
        _store_in_url_order(archive, ordered, _named(archive, replicas)[1])
        yield ordered
        ordered.engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def ordered_archive(request) -> Archive:
    return request.getfixturevalue(f"ordered_{request.param}")


@pytest.fixture(scope="module")
def archive_with_heads(ordered_sqlite, tmp_path_factory) -> Archive:
    """The ordered SQLite archive copied, with heads for every word in 3 articles or more."""
    path = tmp_path_factory.mktemp("heads") / "archive.sqlite3"
    source = sqlite3.connect(ordered_sqlite.engine.url.database)
    with sqlite3.connect(path) as copy:
        source.backup(copy)
    source.close()
    copied = Archive(f"sqlite:///{path}")
    words, _ = copied.optimize(min_documents=3)
    assert words > 100
    return copied


def _written(answers: Any) -> str:
    return json.dumps(answers, ensure_ascii=False, indent=1, sort_keys=True)


def _same(answers: dict[str, Any], engine: str) -> None:
    """The answers as the file holds them, or where they differ from it."""
    expected, found = _written(_golden()[engine]), _written(answers)
    if found != expected:
        lines = difflib.unified_diff(expected.splitlines(), found.splitlines(), "golden", "now", n=2, lineterm="")
        pytest.fail("search answers changed:\n" + "\n".join(list(lines)[:80]))


def test_search_answers_are_what_they_were(ordered_archive, replicas):
    engine = ordered_archive.engine.dialect.name
    answers = _answers(ordered_archive, replicas)
    if WRITE:
        GOLDEN.write_text(_written({**_golden(), engine: answers}) + "\n", encoding="utf-8")
    _same(answers, engine)


def test_heads_rank_as_the_index_does(archive_with_heads, replicas):
    _same(_answers(archive_with_heads, replicas), "sqlite")
