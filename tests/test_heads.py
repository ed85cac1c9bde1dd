"""Heads (db.search.top_k, precomputed top-k lists): one-word searches ranked from the frequent words' heads give FTS5's own
scores and the same pages as the whole index, on a copy of the crawled replica archive."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from db import Archive, printable_url
from db.search import top_k
from db.search.sqlite import BM25_WEIGHTS, SqliteIndex, fts5_match
from monitor.search import SearchOptions, plan, search
from tests.conftest import monitor_main
from tests.schedule_helpers import copy_of_archive

WORDS = ["稀土", "整改", "督察", "rectif", "inspect", "environment"]
INDEX = SqliteIndex()
FILTERS = ["", "lang:zh", "lang:en", "-lang:zh", "relevance:relevant", "-relevance:relevant", "site:smm"]


@pytest.fixture
def copied(archive, db_url, tmp_path) -> Archive:
    copy = Archive(copy_of_archive(db_url, tmp_path))
    yield copy
    copy.engine.dispose()


def fts5_ranking(conn, expression: str) -> list[tuple[int, float]]:
    return conn.execute(
        text(
            f"SELECT rowid, bm25(article_fts, {BM25_WEIGHTS}) AS rank FROM article_fts WHERE article_fts MATCH :q ORDER BY rank, rowid DESC"
        ),
        {"q": expression},
    ).all()


def led(conn, word: str, filters: str) -> tuple[list, list]:
    """(what the heads lead, FTS5's whole ranking) for the word within the filters."""
    _, spec = plan(f"{word} {filters}", SearchOptions(expand=False))
    term = spec.node.term  # as the index holds it: English stemmed
    expression = fts5_match(conn, spec) if filters else None
    expected = fts5_ranking(conn, expression or f'"{term}"')
    found, matches = top_k.best(conn, term, len(expected) + 1, expression)
    assert matches == len(expected)
    return found, expected


def pages(archive: Archive) -> dict:
    return {
        (word, filters, collapse, offset): (found.total, [r.as_dict() for r in found.results])
        for word in WORDS
        for filters in FILTERS
        for collapse in (True, False)
        for offset in (0, 7)
        for found in [
            search(archive, f"{word} {filters}", SearchOptions(expand=False, collapse=collapse, limit=7, offset=offset))
        ]
    }


def test_heads_give_fts5s_scores_and_the_same_pages(copied):
    before = pages(copied)
    optimized = monitor_main("db", "optimize", "--min-documents", "10", db_url=copied.url)
    assert optimized.stdout.startswith(f"optimized the archive at {copied.url} in ")
    assert optimized.stdout.endswith(" words in at least 10 articles have heads\n")
    with copied.engine.connect() as conn:
        for word in WORDS:
            for filters in FILTERS:
                # Fewer matches than the heads keep: all lead; every score bit for bit FTS5's.
                found, expected = led(conn, word, filters)
                assert found == expected
                assert len(expected) >= 10 or filters
            term = plan(word, SearchOptions(expand=False))[1].node.term
            assert top_k.best(conn, term, 5) == (
                fts5_ranking(conn, f'"{term}"')[:5],
                len(fts5_ranking(conn, f'"{term}"')),
            )
        assert top_k.best(conn, "no-such-word", 10) is None
    assert pages(copied) == before


def test_heads_lead_exactly_what_lies_above_the_bound(copied, monkeypatch):
    before = pages(copied)
    monkeypatch.setattr(top_k, "KEEP", 8)  # heads of a few of each word's matches, and bounds
    copied.optimize(min_documents=10)
    served = set()
    with copied.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(DISTINCT term) FROM article_fts_head_bounds")).scalar_one() > 0
        for word in WORDS:
            for filters in FILTERS:
                found, expected = led(conn, word, filters)
                assert found == expected[: len(found)]
                served.add(len(found) >= 7)
    assert served == {True, False}  # some pages from the heads, some from the whole index
    assert pages(copied) == before


def test_articles_indexed_later_join_the_heads_and_the_heads_stay_exact(copied, monkeypatch):
    monkeypatch.setattr(top_k, "KEEP", 8)
    monkeypatch.setattr(top_k, "STALE", 1)
    optimizing = copied.engine.connect()  # both optimizes on one connection, as a pool may give
    INDEX.optimize(optimizing, 10)
    with copied.transaction() as conn:  # new articles, the word three times in a title
        INDEX.write(conn, 10**6, "稀土 稀土 稀土", "稀土 出口", "", "")
        INDEX.write(conn, 10**6 + 1, "稀土", "出口", "", "")
        found, expected = led(conn, "稀土", "")
        assert found[0][0] == 10**6 and found == expected[: len(found)] and len(found) >= 8
    assert not copied.heads_stale()
    with copied.transaction() as conn:
        INDEX.write(conn, 10**6, "稀土", "出口", "", "")  # indexed again with other terms
        found, expected = led(conn, "稀土", "")
        assert found == expected[: len(found)]
        INDEX.write(conn, 10**6, "稀土", "出口", "", "")  # the same terms: not a change
        INDEX.write(conn, 10**6, "出口", "稀土", "", "")  # the same article: one change still
    assert not copied.heads_stale()
    with copied.transaction() as conn:
        INDEX.write(conn, 10**6 + 1, "出口", "稀土 稀土", "", "")
        found, expected = led(conn, "稀土", "")
        assert found == expected[: len(found)]
        INDEX.write(conn, 10**6 + 1, "出口", "铜", "", "")  # the word left: one article fewer has it
        found, fewer = led(conn, "稀土", "")
        assert found == fewer[: len(found)] and len(fewer) == len(expected) - 1
    assert copied.heads_stale()  # two articles > STALE: reprocess makes them anew
    with copied.transaction() as conn:  # an article of the first optimize's, now longer
        first = next(pk for pk, _ in expected if pk < 10**6)
        INDEX.write(conn, first, "稀土", "稀土 " + "出口 " * 50, "", "")
    INDEX.optimize(optimizing, 10)  # lengths read anew, not kept from the first
    optimizing.close()
    assert not copied.heads_stale()
    with copied.engine.connect() as conn:
        found, expected = led(conn, "稀土", "")
        assert found == expected[: len(found)] and len(found) >= 7 and first in [pk for pk, _ in expected]


def bm25(weight: float, length: int, idf: float, average: float) -> float:
    return -(idf * (weight * 2.2) / (weight + 1.2 * (0.25 + 0.75 * length / average)))


def test_what_lies_above_the_bound_leads_whatever_the_averages_and_the_filter():
    rng = random.Random(7)
    for _ in range(200):
        count = rng.randint(2, 300)  # distinct (weight, length) pairs: no ties
        pairs = rng.sample([(w, n) for w in (0.5, 1.0, 1.5, 2.0, 5.0, 6.0, 11.0) for n in range(20, 400)], count)
        matches = [(pk, w, n) for pk, (w, n) in enumerate(pairs, 1)]
        depth = rng.randint(1, 40)
        kept, bound = top_k.skyband(matches, depth)
        assert len(kept) < len(matches) or len(matches) <= depth * 7
        assert bool(bound) == (len(kept) < len(matches))
        for _ in range(5):
            idf, average = rng.uniform(1e-6, 8.0), rng.uniform(10.0, 500.0)
            share = rng.choice([1.0, 0.5, 0.1])
            chosen = {pk for pk, _, _ in matches if rng.random() < share}
            ranking = sorted(
                (m for m in matches if m[0] in chosen), key=lambda m: (bm25(m[1], m[2], idf, average), -m[0])
            )
            worst = min((bm25(w, n, idf, average) for w, n in bound), default=None)
            above = [
                m
                for m in sorted(kept, key=lambda m: (bm25(m[1], m[2], idf, average), -m[0]))
                if m[0] in chosen and (worst is None or bm25(m[1], m[2], idf, average) < worst)
            ]
            assert above == ranking[: len(above)]
            if share == 1.0:
                assert len(above) >= min(depth, len(matches))


def test_the_skyband_of_sorted_keys_is_the_skyband_of_the_matches():
    """What `db optimize` takes from the sorted keys, stopping early within each weight, is
    skyband() of all the matches, ties of weight and length included."""
    rng = random.Random(11)
    for _ in range(300):
        layout = top_k._Layout()
        matches = []
        for pk in rng.sample(range(1, 5_000), rng.randint(1, 400)):
            weight, length = rng.choice([0.5, 1.0, 1.5, 2.0, 5.0, 6.0, 11.0, 40.5]), rng.randint(1, 60)
            matches.append((pk, weight, length))
            layout.grow(pk, length)
        id_mask = (1 << layout.id_bits) - 1
        keys = sorted(
            ((layout.top - int(w * 2)) << layout.shift) | (n << layout.id_bits) | (id_mask - pk) for pk, w, n in matches
        )
        depth = rng.randint(1, 30)
        assert top_k._skyband_of_keys(keys, layout, depth) == top_k.skyband(matches, depth)


def test_the_keys_leave_the_weight_the_bits_that_ids_and_lengths_do_not_take():
    layout = top_k._Layout()
    layout.grow(10**6, 900)
    assert (layout.id_bits, layout.length_bits, layout.top) == (20, 10, (1 << 33) - 1)
    layout.grow(2**60, 1)
    assert layout.top == 0  # 61 + 10 bits: no weight fits, the window function makes them all
    negative = top_k._Layout()
    negative.grow(-5, 10)
    assert negative.top == 0


def test_optimize_on_postgresql_makes_heads_too(postgres_archive):
    optimized = monitor_main("db", "optimize", "--min-documents", "10", db_url=postgres_archive.url).stdout
    assert optimized.startswith(f"optimized the archive at {printable_url(postgres_archive.url)} in ")
    assert optimized.endswith(" words in at least 10 articles have heads\n")
    assert " 0 words" not in optimized


def test_a_later_optimize_only_adds_the_words_without_heads(copied):
    words, _ = copied.optimize(min_documents=40)
    with copied.engine.connect() as conn:
        kept = conn.execute(text("SELECT term, article_pk FROM article_fts_heads ORDER BY 1, 2")).all()
    more, minimum = copied.optimize(min_documents=10)
    assert minimum == 10 and more > words
    with copied.engine.connect() as conn:
        assert set(kept) <= set(conn.execute(text("SELECT term, article_pk FROM article_fts_heads")).all())
        for word in WORDS:
            found, expected = led(conn, word, "")
            assert found == expected


def test_the_heads_are_the_same_whatever_the_words_a_transaction(copied, monkeypatch):
    def made() -> tuple[list, list, list]:
        with copied.engine.connect() as conn:
            return tuple(  # type: ignore[return-value]
                sorted(conn.execute(text(f"SELECT * FROM {table}")).all())
                for table in ("article_fts_heads", "article_fts_head_bounds", "article_fts_head_terms")
            )

    monkeypatch.setattr(top_k, "KEEP", 8)  # bounds too
    monkeypatch.setattr(top_k, "TRANSACTION_SECONDS", 0.0)  # one word a transaction
    words, _ = copied.optimize(min_documents=10)
    one_by_one = made()
    with copied.transaction() as conn:  # heads no longer kept: the next optimize makes all anew
        conn.execute(text("DELETE FROM article_fts_heads_state"))
    monkeypatch.setattr(top_k, "TRANSACTION_SECONDS", 3600.0)  # every word in one
    assert copied.optimize(min_documents=10) == (words, 10)
    assert made() == one_by_one
    assert len(one_by_one[2]) == words > 1 and one_by_one[1]


def test_the_heads_are_the_same_when_a_weight_does_not_fit_the_sort_keys(copied, monkeypatch):
    """The sort keys hold a doubled weight in the bits that length and id leave; a word
    with a greater weight is made by the window-function statement: the same heads."""

    def made() -> tuple[list, ...]:
        with copied.engine.connect() as conn:
            return tuple(
                sorted(conn.execute(text(f"SELECT * FROM {table}")).all())
                for table in ("article_fts_heads", "article_fts_head_bounds", "article_fts_head_terms")
            )

    monkeypatch.setattr(top_k, "KEEP", 8)  # bounds too
    words, _ = copied.optimize(min_documents=10)
    by_keys = made()
    with copied.transaction() as conn:  # heads no longer kept: the next optimize makes all anew
        conn.execute(text("DELETE FROM article_fts_heads_state"))
    windowed: list[str] = []
    by_window = top_k._by_window

    def counted(cursor, term: str) -> list:
        windowed.append(term)
        return by_window(cursor, term)

    monkeypatch.setattr(top_k, "_by_window", counted)
    monkeypatch.setattr(top_k._Layout, "top", property(lambda self: 0))  # no weight fits
    assert copied.optimize(min_documents=10) == (words, 10)
    assert len(windowed) == words > 1
    assert made() == by_keys and by_keys[1]
