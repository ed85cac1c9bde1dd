"""Writing to and reading from the archive: batched upserts, story clustering, look-ups."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.engine import ArchiveError, make_engine, printable_url, reason
from db.filter_terms import filter_terms
from db.migrate import open_schema
from db.models import AlertQueue, Article, ArticleTag, Fact, RawPage, TermStat
from db.search.engines import index_for
from db.stories import find_story, index_bands, link_languages

# Columns copied from a pipeline record into `articles`.
ARTICLE_FIELDS = (
    "identity",
    "canonical_url",
    "url",
    "site",
    "host",
    "site_article_id",
    "title",
    "published_at",
    "author",
    "source",
    "category",
    "editor",
    "views",
    "page_tags",
    "field_sources",
    "body",
    "title_simplified",
    "body_simplified",
    "lang",
    "script",
    "garbled",
    "relevant",
    "relevance_label",
    "relevance_score",
    "relevance_terms",
    "tags",
    "keywords",
    "fingerprint",
    "title_key",
    "minhash",
    "figures",
    "segmenter",
    "fetched_at",
)


@dataclass(frozen=True)
class StoredPage:
    pk: int
    site: str
    fetched_at: datetime
    url: str
    html: bytes
    encoding: str
    status: int


@dataclass
class StoreResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # (identity, reason) of records that could not be stored; the others were.
    failed: list[tuple[str, str]] = field(default_factory=list)


# Not in the digest: the fetch time, and the keywords, whose weights follow the archive's
# document frequencies (a crawl's are those at its start, reprocess's those of the whole
# archive): reweighed keywords alone are written in place, the article not stored again.
UNHASHED = ("fetched_at", "keywords")


def content_hash(record: Mapping[str, Any]) -> str:
    """A digest of what an article is: equal digests mean nothing to store again."""
    payload = {name: record.get(name) for name in ARTICLE_FIELDS if name not in UNHASHED}
    for extra in ("title_terms", "body_terms", "part_terms", "facts"):
        payload[extra] = record.get(extra)
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _fact_row(article_pk: int, fact: Mapping[str, Any]) -> dict[str, Any]:
    number = fact.get("number", fact.get("count", fact.get("amount_yuan")))
    return {
        "article_pk": article_pk,
        "kind": fact["kind"],
        "number": number,
        "day": fact.get("date"),
        "as_of": fact.get("as_of"),
        "batches": fact.get("batches"),
        "action": fact.get("action"),
        "sentence": fact["sentence"],
        "offset": fact["offset"],
        "party": fact.get("party"),
        "place": fact.get("place"),
    }


class Archive:
    """The archive behind one database URL."""

    def __init__(self, url: str, engine: Engine | None = None, create: bool = True) -> None:
        self.url = url
        try:
            self.engine = engine or make_engine(url, create)
            open_schema(self.engine, url)
        except (SQLAlchemyError, OSError, ImportError) as exc:
            raise ArchiveError(f"cannot open the archive at {printable_url(url)}: {reason(exc)}") from exc
        self.is_sqlite = self.engine.dialect.name == "sqlite"

    def _write(self):
        return self.engine.connect().execution_options(sqlite_immediate=True)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction, committed when the block ends without an error; on SQLite
        taken at once (BEGIN IMMEDIATE), so it never fails half-way on another writer's lock."""
        with self._write() as conn, conn.begin():
            yield conn

    # --- reads -------------------------------------------------------------------------

    def archived_identities(self, site: str) -> set[str]:
        """The identities of a site's stored articles: the crawl's seen filter."""
        with self.engine.connect() as conn:
            return set(conn.scalars(select(Article.identity).where(Article.site == site)))

    def optimize(self, min_documents: int | None = None) -> tuple[int, int]:
        """Merge the full-text index and make its heads anew (db.search: each engine's index optimizes itself)."""
        with self.engine.connect() as conn:
            return index_for(conn).optimize(conn, min_documents)

    def heads_stale(self) -> bool:
        """Whether so many articles were indexed again that the heads serve fewer searches
        (db.search.top_k: optimize makes them anew)."""
        with self.engine.connect() as conn:
            return index_for(conn).stale(conn)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Article)).scalar_one()

    def summary(self) -> dict[str, Any]:
        """Counts by site host, language and relevance, for the demo and `monitor stats`."""
        with self.engine.connect() as conn:
            by_host = conn.execute(
                select(Article.host, func.count()).group_by(Article.host).order_by(Article.host)
            ).all()
            by_lang = conn.execute(
                select(Article.lang, func.count()).group_by(Article.lang).order_by(Article.lang)
            ).all()
            relevant = conn.execute(select(func.count()).select_from(Article).where(Article.relevant)).scalar_one()
            stories = conn.execute(select(func.count(func.distinct(Article.story_id)))).scalar_one()
        return {
            "articles": sum(n for _, n in by_host),
            "stories": stories,
            "relevant": relevant,
            "by_host": dict(by_host),
            "by_lang": dict(by_lang),
        }

    def articles(self, **where: Any) -> list[Article]:
        """Stored articles matching column equalities, ordered by id (for tests and tools)."""
        query = select(Article).order_by(Article.id)
        for name, value in where.items():
            query = query.where(getattr(Article, name) == value)
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(query))

    def stored_pages(self, batch: int = 100) -> Iterator[list[StoredPage]]:
        """Every article's raw page with what a re-run must keep, in batches, by id."""
        last = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(
                        Article.id,
                        Article.site,
                        Article.fetched_at,
                        RawPage.url,
                        RawPage.html_zlib,
                        RawPage.encoding,
                        RawPage.status,
                    )
                    .join(RawPage, RawPage.article_pk == Article.id)
                    .where(Article.id > last)
                    .order_by(Article.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            last = rows[-1].id
            yield [
                StoredPage(
                    row.id, row.site, row.fetched_at, row.url, zlib.decompress(row.html_zlib), row.encoding, row.status
                )
                for row in rows
            ]

    def facts(
        self,
        kind: str | None = None,
        tags: Collection[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> list[Any]:
        """Stored facts with their article (title, date, URL), newest articles first; of
        articles tagged with any of `tags` (concept ids) when given."""
        query = (
            select(
                Fact.kind,
                Fact.number,
                Fact.day,
                Fact.as_of,
                Fact.batches,
                Fact.action,
                Fact.sentence,
                Article.id.label("article_id"),
                Article.title,
                Article.published_at,
                Article.url,
                Article.host,
            )
            .join(Article, Article.id == Fact.article_pk)
            .order_by(Article.published_at.desc(), Fact.id)
            .limit(limit)
        )
        if kind:
            query = query.where(Fact.kind == kind)
        if since:
            query = query.where(Article.published_at >= since)
        if until:
            query = query.where(Article.published_at < until)
        if tags is not None:
            query = query.where(Article.id.in_(select(ArticleTag.article_pk).where(ArticleTag.tag.in_(sorted(tags)))))
        with self.engine.connect() as conn:
            return conn.execute(query).all()

    def raw_html(self, article_pk: int) -> tuple[str, bytes, str]:
        """(url, page bytes, encoding) of a stored article's raw page."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(RawPage.url, RawPage.html_zlib, RawPage.encoding).where(RawPage.article_pk == article_pk)
            ).one()
        return row.url, zlib.decompress(row.html_zlib), row.encoding

    # --- writes ------------------------------------------------------------------------

    def store_batch(self, records: list[Mapping[str, Any]]) -> StoreResult:
        """Insert or update articles by their identity, in one transaction. Should that
        fail, each record is tried in a transaction of its own, so one bad record costs
        only itself; those that fail are listed in the result."""
        try:
            return self._store(records)
        except SQLAlchemyError:
            pass
        result = StoreResult()
        for record in records:
            try:
                single = self._store([record])
            except SQLAlchemyError as exc:
                result.failed.append((record["identity"], reason(exc)))
                continue
            result.new += single.new
            result.updated += single.updated
            result.unchanged += single.unchanged
        return result

    def _store(self, records: list[Mapping[str, Any]]) -> StoreResult:
        result = StoreResult()
        with self._write() as conn, conn.begin():
            for record in records:
                self._store_one(conn, record, result)
        return result

    def _store_one(self, conn, record: Mapping[str, Any], result: StoreResult) -> None:
        digest = content_hash(record)
        existing = conn.execute(
            select(Article.id, Article.content_hash, Article.keywords).where(Article.identity == record["identity"])
        ).first()
        values = {name: record.get(name) for name in ARTICLE_FIELDS}
        values["content_hash"] = digest
        values["updated_at"] = datetime.now(UTC)
        if existing is not None and existing.content_hash == digest:
            if existing.keywords != values["keywords"]:
                conn.execute(update(Article).where(Article.id == existing.id).values(keywords=values["keywords"]))
            result.unchanged += 1
            return
        if existing is None:
            values["story_id"] = find_story(conn, record)
            pk = conn.execute(insert(Article).values(**values)).inserted_primary_key[0]
            if values["story_id"] is None:
                conn.execute(update(Article).where(Article.id == pk).values(story_id=pk))
            self._count_terms(conn, record.get("terms") or [])
            conn.execute(insert(AlertQueue).values(article_pk=pk))  # for the alert rules, once
            result.new += 1
        else:
            pk = existing.id
            conn.execute(update(Article).where(Article.id == pk).values(**values))
            conn.execute(delete(RawPage).where(RawPage.article_pk == pk))
            conn.execute(delete(Fact).where(Fact.article_pk == pk))
            result.updated += 1
        conn.execute(
            insert(RawPage).values(
                article_pk=pk,
                url=record["url"],
                status=record.get("status", 200),
                encoding=record.get("encoding", "utf-8"),
                html_zlib=zlib.compress(record["html"], 6),
            )
        )
        self._index(conn, pk, record)
        index_bands(conn, pk, record.get("bands") or [])
        story_id = conn.execute(select(Article.story_id).where(Article.id == pk)).scalar_one()
        link_languages(conn, story_id, record)
        if record.get("facts"):
            conn.execute(insert(Fact), [_fact_row(pk, fact) for fact in record["facts"]])

    def _count_terms(self, conn, terms: list[str]) -> None:
        """Document frequencies grow with each new article (a re-run changes them not)."""
        if not terms:
            return
        upsert = (sqlite_insert if self.is_sqlite else postgresql_insert)(TermStat)
        rows = [{"term": term[:200], "documents": 1} for term in dict.fromkeys(terms)]
        conn.execute(
            upsert.on_conflict_do_update(index_elements=["term"], set_={"documents": TermStat.documents + 1}), rows
        )

    def texts(self, batch: int = 500) -> Iterator[list[tuple[str, str]]]:
        """(title, body) of every article in their Simplified form, in batches, by id."""
        last = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(
                        Article.id,
                        func.coalesce(Article.title_simplified, Article.title),
                        func.coalesce(Article.body_simplified, Article.body),
                    )
                    .where(Article.id > last)
                    .order_by(Article.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            last = rows[-1][0]
            yield [(title, body) for _, title, body in rows]

    def replace_document_frequencies(self, counts: Mapping[str, int]) -> None:
        with self._write() as conn, conn.begin():
            conn.execute(delete(TermStat))
            if counts:
                conn.execute(insert(TermStat), [{"term": t[:200], "documents": n} for t, n in counts.items()])

    def document_frequencies(self, min_documents: int = 2) -> tuple[int, dict[str, int]]:
        """(articles stored, {word: articles it occurs in}) for words in at least
        `min_documents` articles: most words occur once, and a word left out weighs as a
        word never seen, which it nearly is, so memory stays small on a large archive."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(TermStat.term, TermStat.documents).where(TermStat.documents >= min_documents))
            counts = dict(rows.tuples().all())
        return self.count(), counts

    def _index(self, conn, pk: int, record: Mapping[str, Any]) -> None:
        tags = sorted({tag["id"] for tag in record.get("tags") or []})
        filters = filter_terms(
            record["lang"],
            record["site"],
            record["host"],
            record["relevance_label"],
            record["relevant"],
            record.get("published_at"),
            tags,
        )
        index_for(conn).write(conn, pk, record["title_terms"], record["body_terms"], record["part_terms"], filters)
        conn.execute(delete(ArticleTag).where(ArticleTag.article_pk == pk))
        if tags:
            conn.execute(insert(ArticleTag), [{"article_pk": pk, "tag": tag} for tag in tags])
