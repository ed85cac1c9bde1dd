"""Heads (db.heads): one-word searches ranked from the frequent words' heads give FTS5's own
scores and the same pages as the whole index, on a copy of the crawled replica archive."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from db import Archive, heads, printable_url
from db.fulltext import BM25_WEIGHTS, write_index
from monitor.search import SearchOptions, search
from tests.conftest import run_monitor
from tests.schedule_helpers import copy_of_archive

WORDS = ["稀土", "整改", "督察", "rectif", "inspect", "environment"]


@pytest.fixture
def copied(archive, db_url, tmp_path) -> Archive:
    copy = Archive(copy_of_archive(db_url, tmp_path))
    yield copy
    copy.engine.dispose()


def fts5_ranking(conn, word: str) -> list[tuple[int, float]]:
    return conn.execute(text(
        f"SELECT rowid, bm25(article_fts, {BM25_WEIGHTS}) AS rank FROM article_fts WHERE article_fts MATCH :q ORDER BY rank, rowid DESC"
    ), {"q": f'"{word}"'}).all()


def pages(archive: Archive) -> dict:
    return {
        (word, collapse, offset): (found.total, [r.as_dict() for r in found.results])
        for word in WORDS for collapse in (True, False) for offset in (0, 7)
        for found in [search(archive, word, SearchOptions(expand=False, collapse=collapse, limit=7, offset=offset))]
    }


def test_heads_give_fts5s_scores_and_the_same_pages(copied):
    before = pages(copied)
    optimized = run_monitor("db", "optimize", "--min-documents", "10", db_url=copied.url)
    assert optimized.stdout.startswith(f"optimized the archive at {copied.url} in ")
    assert optimized.stdout.endswith(" words in at least 10 articles have heads\n")
    with copied.engine.connect() as conn:
        for word in WORDS:
            expected = fts5_ranking(conn, word)
            assert len(expected) >= 10
            # Every score is bit for bit FTS5's, the order and the number of matches too.
            assert heads.best(conn, word, limit=len(expected), offset=0) == (expected, len(expected))
            assert heads.best(conn, word, limit=5, offset=3) == (expected[3:8], len(expected))
        assert heads.best(conn, "no-such-word", 10, 0) is None
        assert heads.best(conn, WORDS[0], heads.DEPTH, 1) is None  # deeper than the heads go
    assert pages(copied) == before


def test_articles_indexed_later_join_the_heads_and_changes_set_them_aside(copied, monkeypatch):
    copied.optimize(min_documents=10)
    with copied.transaction() as conn:  # new articles, the word three times in a title
        write_index(conn, 10**6, "稀土 稀土 稀土", "稀土 出口", "", "")
        write_index(conn, 10**6 + 1, "稀土", "出口", "", "")
        ranking = fts5_ranking(conn, "稀土")
        assert ranking[0][0] == 10**6
        assert heads.best(conn, "稀土", limit=len(ranking), offset=0) == (ranking, len(ranking))
    monkeypatch.setattr(heads, "SLACK", 1)
    with copied.transaction() as conn:
        write_index(conn, 10**6, "稀土", "出口", "", "")  # indexed again with other terms
        ranking = fts5_ranking(conn, "稀土")
        assert heads.best(conn, "稀土", limit=len(ranking), offset=0) == (ranking, len(ranking))
        write_index(conn, 10**6, "稀土", "出口", "", "")  # the same terms: not a change
        write_index(conn, 10**6, "出口", "稀土", "", "")  # the same article: one change still
        ranking = fts5_ranking(conn, "稀土")
        assert heads.best(conn, "稀土", limit=len(ranking), offset=0) == (ranking, len(ranking))
        write_index(conn, 10**6 + 1, "出口", "稀土 稀土", "", "")
        assert heads.best(conn, "稀土", limit=5, offset=0) is None  # two articles > SLACK: set aside
    copied.optimize(min_documents=10)
    with copied.engine.connect() as conn:
        assert heads.best(conn, "稀土", limit=5, offset=0) == (fts5_ranking(conn, "稀土")[:5], len(fts5_ranking(conn, "稀土")))


def bm25(weight: float, length: int, idf: float, average: float) -> float:
    return -(idf * (weight * 2.2) / (weight + 1.2 * (0.25 + 0.75 * length / average)))


def test_the_skyband_holds_the_best_whatever_the_averages():
    rng = random.Random(7)
    for _ in range(200):
        matches = [(pk, rng.choice([0.5, 1.0, 1.5, 2.0, 5.0, 6.0, 11.0]), rng.randint(20, 400)) for pk in range(1, rng.randint(2, 300))]
        depth = rng.randint(1, 40)
        kept = {pk for pk, _, _ in heads.skyband(matches, depth)}
        for _ in range(5):
            idf, average = rng.uniform(1e-6, 8.0), rng.uniform(10.0, 500.0)
            best = sorted(matches, key=lambda m: (bm25(m[1], m[2], idf, average), -m[0]))[:depth]
            assert {pk for pk, _, _ in best} <= kept
        assert len(kept) < len(matches) or len(matches) <= depth * 7


def test_optimize_on_postgresql_refreshes_the_statistics(postgres_archive):
    optimized = run_monitor("db", "optimize", db_url=postgres_archive.url).stdout
    assert optimized.startswith(f"optimized the archive at {printable_url(postgres_archive.url)} in ")
    assert optimized.endswith(" s: the planner's statistics of the index are new (PostgreSQL keeps no heads)\n")


def test_a_later_optimize_only_adds_the_words_without_heads(copied):
    words, _ = copied.optimize(min_documents=40)
    with copied.engine.connect() as conn:
        kept = conn.execute(text("SELECT term, article_pk FROM article_fts_heads ORDER BY 1, 2")).all()
    more, minimum = copied.optimize(min_documents=10)
    assert minimum == 10 and more > words
    with copied.engine.connect() as conn:
        assert set(kept) <= set(conn.execute(text("SELECT term, article_pk FROM article_fts_heads")).all())
        for word in WORDS:
            expected = fts5_ranking(conn, word)
            assert heads.best(conn, word, limit=len(expected), offset=0) == (expected, len(expected))
