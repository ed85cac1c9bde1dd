"""The CLI end to end: `monitor crawl --replicas` twice into one archive, the second time on another port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from tests.conftest import monitor_main, run_monitor
from tests.schedule_helpers import copy_of_archive


@contextmanager
def _taken(port: int) -> Iterator[None]:
    """The port busy (by this socket, or by whatever holds it already)."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with suppress(OSError):
            holder.bind(("127.0.0.1", port))
            holder.listen()
        yield


@pytest.mark.slow
def test_crawl_replicas_twice_fetches_nothing_again(tmp_path):
    """The second time with CNMN's replica on another port (its own taken, as on a busy
    machine), which the crawl says: its articles are known by the site the replica stands
    for, not by the port it got, and none is fetched again."""
    from monitor.replica.server import DEMO_PORTS

    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    first = run_monitor("--db", db, "crawl", "--replicas", "--log-level", "ERROR").stdout.splitlines()
    with _taken(DEMO_PORTS["cnmn"]):
        crawl = run_monitor("--db", db, "crawl", "--replicas", "--log-level", "ERROR")
    second = crawl.stdout.splitlines()
    assert f"monitor: replica cnmn: port {DEMO_PORTS['cnmn']} is taken" in crawl.stderr
    assert not second[1].startswith(f"cnmn http://127.0.0.1:{DEMO_PORTS['cnmn']}:")
    assert first[0] == second[0] == f"archive: {db}"
    assert [line.split(": ", 1)[1] for line in first[1:]] == [
        "81 pages parsed, 81 new, 0 updated, 0 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "81 pages parsed, 81 new, 0 updated, 0 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "80 pages parsed, 80 new, 0 updated, 0 already archived, 0 broken pages",
        "86 pages parsed, 86 new, 0 updated, 0 already archived, 4 broken pages (captcha 1, empty_body 1, http_500 1, truncated 1)",
        "82 pages parsed, 82 new, 0 updated, 0 already archived, 0 broken pages",
    ]
    assert [line.split(": ", 1)[1] for line in second[1:]] == [
        "0 pages parsed, 0 new, 0 updated, 81 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "0 pages parsed, 0 new, 0 updated, 81 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "0 pages parsed, 0 new, 0 updated, 80 already archived, 0 broken pages",
        "0 pages parsed, 0 new, 0 updated, 86 already archived, 4 broken pages (captcha 1, empty_body 1, http_500 1, truncated 1)",
        "0 pages parsed, 0 new, 0 updated, 82 already archived, 0 broken pages",
    ]


def test_reprocess_brings_old_articles_up_to_date(archive, db_url, manifest, tmp_path):
    """Articles stored by an older pipeline (here: their tags, relevance and facts wiped, in a
    copy of the crawled replicas) are brought back by `monitor reprocess` from the raw pages
    alone; a second run changes nothing."""
    import sqlite3

    url = copy_of_archive(db_url, tmp_path)
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT id, relevant, relevance_label, tags FROM articles ORDER BY id").fetchall()
        conn.execute(
            "UPDATE articles SET relevant = 0, relevance_label = 'unrelated', tags = '[]', content_hash = 'old'"
        )
        conn.execute("DELETE FROM facts")
    first = monitor_main("--db", url, "reprocess").stdout
    second = monitor_main("--db", url, "reprocess").stdout
    stored = len(manifest["articles"])
    assert first.strip() == f"reprocessed: {stored} updated, 0 unchanged, 0 failed"
    assert second.strip() == f"reprocessed: 0 updated, {stored} unchanged, 0 failed"
    with sqlite3.connect(path) as conn:
        after = conn.execute("SELECT id, relevant, relevance_label, tags FROM articles ORDER BY id").fetchall()
        facts = conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
    assert after == before and facts > 100


@pytest.mark.slow
def test_the_first_reprocess_after_a_crawl_stores_nothing_again(tmp_path):
    """A crawl weighs keywords by the archive as it starts, reprocess by the whole archive:
    only the keywords' weights differ, and they are written in place (no article is stored
    and indexed again)."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'mee.sqlite3'}"
    run_monitor("--db", url, "crawl", "--replicas", "mee")
    with sqlite3.connect(tmp_path / "mee.sqlite3") as conn:
        before = dict(conn.execute("SELECT id, keywords FROM articles").fetchall())
    assert monitor_main("--db", url, "reprocess").stdout.strip() == "reprocessed: 0 updated, 80 unchanged, 0 failed"
    with sqlite3.connect(tmp_path / "mee.sqlite3") as conn:
        after = dict(conn.execute("SELECT id, keywords FROM articles").fetchall())
    assert after.keys() == before.keys() and sum(after[pk] != before[pk] for pk in after) > 40
