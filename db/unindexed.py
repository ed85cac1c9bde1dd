"""Articles the full-text index lacks, indexed: what `monitor db upgrade` does once the
migrations have run. A migration must give the same result whenever it runs, so none
computes index terms (they come from the segmenter of the day: jieba, the vocabulary,
Snowball); migration 0002 leaves the index it makes empty, and this fills it, with the
segmenter the caller passes in (db/ imports no pipeline code). Every other write indexes
its article in the same transaction, so an article missing from the index is one a
migration left to this; stopped halfway, the next run goes on where this one stopped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import sqlalchemy as sa
from sqlalchemy import Connection

from db.archive import Archive
from db.filter_terms import filter_terms
from db.models import Article, ArticleTag
from db.search.engines import index_for

# A text's index terms: (its terms in order, the dictionary words inside its long tokens),
# as pipelines.segment computes them for a crawl.
TextTerms = Callable[[str], tuple[list[str], list[str]]]
# An article's index fields, space-separated terms: title, body, parts (db.search.index).
IndexedTerms = tuple[str, str, str]
BATCH = 500  # articles indexed in one transaction


def index_unindexed(archive: Archive, text_terms: TextTerms) -> int:
    """Index every article of `archive` that the index lacks, in write transactions of
    BATCH articles each; returns how many were indexed."""
    indexed = last = 0
    while True:
        with archive.transaction() as conn:
            rows = unindexed(conn, after=last)
            index_rows(conn, rows, text_terms)
        if not rows:
            return indexed
        indexed, last = indexed + len(rows), rows[-1].id


def unindexed(conn: Connection, after: int) -> list[sa.Row]:
    """The next BATCH articles the index lacks, by id, after the article `after`."""
    key = "rowid" if conn.dialect.name == "sqlite" else "article_pk"  # the index's article id
    index = sa.table("article_fts", sa.column(key))
    return list(
        conn.execute(
            sa.select(
                Article.id,
                sa.func.coalesce(Article.title_simplified, Article.title).label("title"),
                sa.func.coalesce(Article.body_simplified, Article.body).label("body"),
                Article.lang,
                Article.site,
                Article.host,
                Article.relevance_label,
                Article.relevant,
                Article.published_at,
            )
            .where(Article.id > after, ~sa.exists().where(index.c[key] == Article.id))
            .order_by(Article.id)
            .limit(BATCH)
        )
    )


def index_rows(
    conn: Connection, rows: list[sa.Row], text_terms: TextTerms, known: Mapping[int, IndexedTerms] | None = None
) -> None:
    """Index these articles (as `unindexed` reads them): with their terms `known` already
    (by article id: an index copied), else with those `text_terms` computes."""
    tags: dict[int, list[str]] = defaultdict(list)
    ids = [row.id for row in rows]
    for pk, tag in conn.execute(sa.select(ArticleTag.article_pk, ArticleTag.tag).where(ArticleTag.article_pk.in_(ids))):
        tags[pk].append(tag)
    entries = []
    for row in rows:
        title, body, parts = (known or {}).get(row.id) or _computed(row, text_terms)
        filters = filter_terms(
            row.lang, row.site, row.host, row.relevance_label, row.relevant, row.published_at, tags[row.id]
        )
        entries.append((row.id, title, body, parts, filters))
    index_for(conn).write_many(conn, entries)


def _computed(row: sa.Row, text_terms: TextTerms) -> IndexedTerms:
    title_terms, title_parts = text_terms(row.title)
    body_terms, body_parts = text_terms(row.body)
    return " ".join(title_terms), " ".join(body_terms), " ".join(title_parts + body_parts)
