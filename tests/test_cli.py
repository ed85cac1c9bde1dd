"""The CLI end to end: `monitor crawl --replicas` twice into one archive."""

from __future__ import annotations

from tests.conftest import run_monitor


def test_crawl_replicas_twice_fetches_nothing_again(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    first = run_monitor("--db", db, "crawl", "--replicas", "--log-level", "ERROR").stdout.splitlines()
    second = run_monitor("--db", db, "crawl", "--replicas", "--log-level", "ERROR").stdout.splitlines()
    assert first[0] == second[0] == f"archive: {db}"
    assert [line.split(": ", 1)[1] for line in first[1:]] == [
        "66 pages parsed, 65 new, 0 updated, 0 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "66 pages parsed, 65 new, 0 updated, 0 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "66 pages parsed, 65 new, 0 updated, 0 already archived, 4 broken pages (captcha 1, empty_body 1, http_500 1, truncated 1)",
    ]
    assert [line.split(": ", 1)[1] for line in second[1:]] == [
        "1 pages parsed, 0 new, 0 updated, 65 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "1 pages parsed, 0 new, 0 updated, 65 already archived, 4 broken pages (empty_body 1, http_500 1, truncated 1, wrong_charset 1)",
        "1 pages parsed, 0 new, 0 updated, 65 already archived, 4 broken pages (captcha 1, empty_body 1, http_500 1, truncated 1)",
    ]
