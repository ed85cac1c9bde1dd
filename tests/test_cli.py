"""The CLI end to end: `monitor crawl --replicas` twice into one archive."""

from __future__ import annotations

from tests.conftest import run_monitor


def test_crawl_replicas_twice_fetches_nothing_again(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    first = run_monitor("--db", db, "crawl", "--replicas", "--log-level", "ERROR").stdout.splitlines()
    second = run_monitor("--db", db, "crawl", "--replicas", "--log-level", "ERROR").stdout.splitlines()
    assert first[0] == second[0] == f"archive: {db}"
    assert [line.split(": ", 1)[1] for line in first[1:]] == [
        "65 pages parsed, 65 new, 0 updated, 0 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "65 pages parsed, 65 new, 0 updated, 0 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "64 pages parsed, 64 new, 0 updated, 0 already archived, 0 broken pages",
        "70 pages parsed, 70 new, 0 updated, 0 already archived, 4 broken pages (captcha 1, empty_body 1, http_500 1, truncated 1)",
        "64 pages parsed, 64 new, 0 updated, 0 already archived, 0 broken pages",
    ]
    assert [line.split(": ", 1)[1] for line in second[1:]] == [
        "0 pages parsed, 0 new, 0 updated, 65 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "0 pages parsed, 0 new, 0 updated, 65 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "0 pages parsed, 0 new, 0 updated, 64 already archived, 0 broken pages",
        "0 pages parsed, 0 new, 0 updated, 70 already archived, 4 broken pages (captcha 1, empty_body 1, http_500 1, truncated 1)",
        "0 pages parsed, 0 new, 0 updated, 64 already archived, 0 broken pages",
    ]


def test_reprocess_brings_old_articles_up_to_date(tmp_path):
    """Articles stored by an older pipeline (here: their tags, relevance and facts wiped)
    are brought back by `monitor reprocess` from the raw pages alone; a second run changes
    nothing."""
    import sqlite3

    path = tmp_path / "old.sqlite3"
    run_monitor("--db", f"sqlite:///{path}", "crawl", "--replicas", "--log-level", "ERROR")
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT id, relevant, relevance_label, tags FROM articles ORDER BY id").fetchall()
        conn.execute("UPDATE articles SET relevant = 0, relevance_label = 'unrelated', tags = '[]', content_hash = 'old'")
        conn.execute("DELETE FROM facts")
    first = run_monitor("--db", f"sqlite:///{path}", "reprocess").stdout
    second = run_monitor("--db", f"sqlite:///{path}", "reprocess").stdout
    assert first.strip() == "reprocessed: 328 updated, 0 unchanged, 0 failed"
    assert second.strip() == "reprocessed: 0 updated, 328 unchanged, 0 failed"
    with sqlite3.connect(path) as conn:
        after = conn.execute("SELECT id, relevant, relevance_label, tags FROM articles ORDER BY id").fetchall()
        facts = conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0]
    assert after == before and facts > 100
