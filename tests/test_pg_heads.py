"""Heads on PostgreSQL (db.search.pg_heads) and its filter terms (db.search.pg_filters), on the
crawled replica archive moved to PostgreSQL: one-word searches ranked from the heads give
the pages and ts_rank scores of ranking every match, filtered or not; no article left out
scores above a word's bound; an article indexed again joins the heads with ts_rank's own
score; filters said as filter terms keep what the rows keep."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from db.search import pg_heads
from db.search.expression import Term, lexeme
from db.search.index import SearchIndex
from db.search.pg_filters import filter_documents
from db.search.postgres import TS_RANK_WEIGHTS, PostgresIndex, tsvector_literal
from db.search.spec import Filters, Search
from db.search.statement import Statement, filter_rows

INDEX = PostgresIndex()
FILTERS = [
    Filters(),
    Filters(langs=("zh",)),
    Filters(langs=("en",)),
    Filters(not_langs=("zh",)),
    Filters(relevance=("relevant",)),
    Filters(sites=("smm",)),
    Filters(since=datetime(2021, 1, 1, tzinfo=UTC)),
    Filters(langs=("zh",), since=datetime(2020, 6, 30, 16, tzinfo=UTC), until=datetime(2022, 6, 30, 16, tzinfo=UTC)),
]


@pytest.fixture(scope="module")
def optimized(postgres_archive):
    words, minimum = postgres_archive.optimize(min_documents=10)
    assert words > 0 and minimum == 10
    return postgres_archive


def page(matches) -> list[tuple]:
    return [(m.id, m.story_id, m.rank, m.total) for m in matches]


def words_with_heads(conn, most: int = 12) -> list[str]:
    """Some of the words with heads, the most frequent and the least among them."""
    words = list(
        conn.execute(
            text(
                "SELECT t.term FROM article_fts_head_terms AS t"
                " ORDER BY (SELECT COUNT(*) FROM article_fts_heads AS h WHERE h.term = t.term) DESC, t.term"
            )
        ).scalars()
    )
    return words[: most // 2] + words[-(most - most // 2) :] if len(words) > most else words


def test_the_heads_give_the_pages_and_scores_of_ranking_every_match(optimized):
    led = 0
    with optimized.engine.connect() as conn:
        for word in words_with_heads(conn):
            for filters in FILTERS:
                for collapse in (True, False):
                    search = Search(Term(word), filters, collapse=collapse)
                    everything = SearchIndex.best(INDEX, conn, search, 10_000, 0, None)
                    for count, stories in ((7, None), (20, 5)):
                        found = pg_heads.best(conn, search, word, count, stories)
                        if found is None:
                            continue
                        led += 1
                        assert [(m.id, m.rank) for m in found] == [(r.id, r.rank) for r in everything[: len(found)]]
                        assert {m.total for m in found} <= {everything[0].total if everything else 0}
                    assert page(INDEX.best(conn, search, 7, 3, None)) == page(
                        SearchIndex.best(INDEX, conn, search, 7, 3, None)
                    )
    assert led > 20  # the heads served many of them


def test_no_article_left_out_scores_above_the_bound(optimized):
    with optimized.engine.connect() as conn:
        for word in words_with_heads(conn):
            bound, best_left_out = conn.execute(
                text(
                    f"SELECT t.bound, MAX(ts_rank(CAST('{TS_RANK_WEIGHTS}' AS float4[]), f.document, CAST(:q AS tsquery), 1))"
                    " FROM article_fts_head_terms AS t, article_fts AS f WHERE t.term = :t AND f.document @@ CAST(:q AS tsquery)"
                    " AND f.article_pk NOT IN (SELECT article_pk FROM article_fts_heads WHERE term = :t) GROUP BY t.bound"
                ),
                {"t": word, "q": lexeme(word)},
            ).one_or_none() or (None, None)
            assert best_left_out is None or best_left_out < bound


def test_an_article_indexed_again_joins_the_heads_with_ts_ranks_score(optimized):
    with optimized.engine.connect() as conn, conn.begin() as transaction:
        word = words_with_heads(conn)[0]
        pk = conn.execute(
            text(
                "SELECT article_pk FROM article_fts WHERE NOT document @@ CAST(:q AS tsquery) ORDER BY article_pk LIMIT 1"
            ),
            {"q": lexeme(word)},
        ).scalar_one()
        INDEX.write(conn, pk, f"{word} {word}", "some body words", "", "")
        score, ranked = conn.execute(
            text(
                f"SELECT h.score, ts_rank(CAST('{TS_RANK_WEIGHTS}' AS float4[]), CAST(:d AS tsvector), CAST(:q AS tsquery), 1)"
                " FROM article_fts_heads AS h WHERE h.term = :t AND h.article_pk = :pk"
            ),
            {"t": word, "pk": pk, "d": tsvector_literal(f"{word} {word}", "some body words", ""), "q": lexeme(word)},
        ).one()
        assert score == ranked
        assert conn.execute(text("SELECT article_pk FROM article_fts_heads_changed")).scalars().all() == [pk]
        search = Search(Term(word))
        assert pg_heads.best(conn, search, word, 5, None)[0].id == pk  # a short article with it twice in its title
        assert page(INDEX.best(conn, search, 5, 0, None)) == page(SearchIndex.best(INDEX, conn, search, 5, 0, None))
        transaction.rollback()


def test_filters_as_filter_terms_keep_what_the_rows_keep(optimized):
    with optimized.engine.connect() as conn:
        for filters in FILTERS + [Filters(not_sites=("smm",), tags=(("zh",),))]:
            counted = []
            for as_terms in (True, False):
                sql = Statement()
                if as_terms:
                    filter_documents(conn, sql, filters, "f.filters")
                else:
                    filter_rows(sql, filters)
                counted.append(
                    conn.execute(
                        sql.clause(
                            f"SELECT array_agg(a.id ORDER BY a.id) FROM article_fts AS f JOIN articles AS a ON a.id = f.article_pk{sql.conditions()}"
                        ),
                        sql.params,
                    ).scalar_one()
                )
            assert counted[0] == counted[1], filters
