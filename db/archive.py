"""Writing to and reading from the archive: batched upserts, story clustering, look-ups."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.cases import keep_readings
from db.engine import ArchiveError, make_engine, printable_url, reason
from db.filter_terms import filter_terms
from db.migrate import open_schema
from db.models import AlertQueue, Article, ArticleTag, Fact, LshBand, RawPage, TermStat
from db.search.engines import index_for
from db.search.index import IndexEntry
from db.stories import find_stories, index_bands, link_languages
from db.writing import retried, write_transaction

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
    # Transactions tried again after a transient failure (db.writing.retried).
    retries: int = 0


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


# Case readings by identity: {"family", "reading"} (pipelines.cases), family "" about no case.
Readings = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class _Batch:
    records: Sequence[Mapping[str, Any]]
    readings: Readings
    readings_anew: bool


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

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction, committed when the block ends without an error, holding the
        archive's write lock (db.writing): writers of every process take turns, and none
        fails half-way on another's lock."""
        with write_transaction(self.engine) as conn:
            yield conn

    # --- reads -------------------------------------------------------------------------

    def archived_identities(self, site: str) -> Iterator[str]:
        """The identities of a site's stored articles, streamed: the crawl's seen filter."""
        with self.engine.connect().execution_options(yield_per=10_000) as conn:
            yield from conn.scalars(select(Article.identity).where(Article.site == site))

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
            return list(conn.execute(query).all())

    def raw_html(self, article_pk: int) -> tuple[str, bytes, str]:
        """(url, page bytes, encoding) of a stored article's raw page."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(RawPage.url, RawPage.html_zlib, RawPage.encoding).where(RawPage.article_pk == article_pk)
            ).one()
        return row.url, zlib.decompress(row.html_zlib), row.encoding

    # --- writes ------------------------------------------------------------------------

    def store_batch(
        self,
        records: Sequence[Mapping[str, Any]],
        readings: Readings | None = None,
        readings_anew: bool = False,
    ) -> StoreResult:
        """Insert or update articles by their identity, in one transaction, as one writer
        would whatever other processes write at once (db.writing), with their case readings
        when given ({identity: {"family", "reading"}}: db.cases.keep_readings, which notes
        the families to assemble again; `readings_anew`: every reading as changed). Should
        that fail, each record is tried in a transaction of its own, so one bad record costs
        only itself; those that fail are listed in the result."""
        batch = _Batch(records, readings or {}, readings_anew)
        try:
            return self._store(batch)
        except SQLAlchemyError:
            pass
        result = StoreResult()
        for record in records:
            try:
                single = self._store(_Batch([record], batch.readings, readings_anew))
            except SQLAlchemyError as exc:
                result.failed.append((record["identity"], reason(exc)))
                continue
            result.new += single.new
            result.updated += single.updated
            result.unchanged += single.unchanged
            result.retries += single.retries
        return result

    def _store(self, batch: _Batch) -> StoreResult:
        """The records in one write transaction, tried again whole after a transient failure."""
        result, retries = retried(lambda: self._store_once(batch))
        result.retries += retries
        return result

    def _store_once(self, batch: _Batch) -> StoreResult:
        result = StoreResult()
        with write_transaction(self.engine) as conn:
            for part in _distinct_runs(batch.records):
                ids, before = self._store_part(conn, part, result)
                if readings := {ids[i]: batch.readings[i] for i in ids if i in batch.readings}:
                    keep_readings(conn, readings, before, batch.readings_anew)
        return result

    def _store_part(
        self, conn: Connection, records: list[Mapping[str, Any]], result: StoreResult
    ) -> tuple[dict[str, int], set[int]]:
        """Records of distinct identities, in set-based statements: one look-up of the stored
        ones, then each table written for all of them at once. Their ids by identity, and
        the ids of those stored before."""
        existing = {
            row.identity: row
            for row in conn.execute(
                select(Article.identity, Article.id, Article.content_hash, Article.keywords).where(
                    Article.identity.in_([record["identity"] for record in records])
                )
            )
        }
        now = datetime.now(UTC)
        new, changed, reweighed = [], [], []
        for record in records:
            values = _article_values(record, now)
            old = existing.get(record["identity"])
            if old is None:
                new.append((record, values))
            elif old.content_hash != values["content_hash"]:
                changed.append((old.id, record, values))
            elif old.keywords != values["keywords"]:
                reweighed.append({"pk": old.id, "weighed": values["keywords"]})
        result.unchanged += len(records) - len(new) - len(changed)
        result.new += len(new)
        result.updated += len(changed)
        if reweighed:
            conn.execute(
                update(Article).where(Article.id == bindparam("pk")).values(keywords=bindparam("weighed")), reweighed
            )
        updated = self._update_changed(conn, changed)
        inserted = self._insert_new(conn, new)
        written = updated + inserted
        if written:
            self._write_contents(conn, written)
        before = {row.id for row in existing.values()}
        return {identity: row.id for identity, row in existing.items()} | {
            record["identity"]: pk for pk, record in inserted
        }, before

    def _update_changed(self, conn: Connection, changed: list) -> list[tuple[int, Mapping[str, Any]]]:
        """Stored articles whose content changed: their row updated, their page and facts
        dropped to be written anew (their story stays)."""
        if not changed:
            return []
        pks = [pk for pk, _, _ in changed]
        conn.execute(
            update(Article).where(Article.id == bindparam("pk")),
            [{"pk": pk, **values} for pk, _, values in changed],
        )
        conn.execute(delete(RawPage).where(RawPage.article_pk.in_(pks)))
        conn.execute(delete(Fact).where(Fact.article_pk.in_(pks)))
        conn.execute(delete(LshBand).where(LshBand.article_pk.in_(pks)))
        written = [(pk, record) for pk, record, _ in changed]
        index_bands(conn, written)
        return written

    def _insert_new(self, conn: Connection, new: list) -> list[tuple[int, Mapping[str, Any]]]:
        """New articles inserted at once, then joined to their stories (db.stories: an
        article's candidates are those stored before it, in this batch too)."""
        if not new:
            return []
        inserted = conn.execute(
            insert(Article).returning(Article.id, sort_by_parameter_order=True), [values for _, values in new]
        )
        written = [(pk, record) for pk, (record, _) in zip(inserted.scalars(), new, strict=True)]
        index_bands(conn, written)
        join = update(Article).where(Article.id == bindparam("pk")).values(story_id=bindparam("story"))
        conn.execute(join, [{"pk": pk, "story": story} for pk, story in find_stories(conn, written).items()])
        self._count_terms(conn, [record.get("terms") or [] for _, record in written])
        conn.execute(insert(AlertQueue), [{"article_pk": pk} for pk, _ in written])  # for the alert rules, once
        return written

    def _write_contents(self, conn: Connection, written: list[tuple[int, Mapping[str, Any]]]) -> None:
        """What goes with each written article: its page, index entry, tags, bands, language
        links and facts."""
        conn.execute(
            insert(RawPage),
            [
                {
                    "article_pk": pk,
                    "url": record["url"],
                    "status": record.get("status", 200),
                    "encoding": record.get("encoding", "utf-8"),
                    "html_zlib": zlib.compress(record["html"], 6),
                }
                for pk, record in written
            ],
        )
        pks = [pk for pk, _ in written]
        conn.execute(delete(ArticleTag).where(ArticleTag.article_pk.in_(pks)))
        tags = [{"article_pk": pk, "tag": tag} for pk, record in written for tag in _tag_ids(record)]
        if tags:
            conn.execute(insert(ArticleTag), tags)
        index_for(conn).write_many(conn, [_index_entry(pk, record) for pk, record in written])
        stories = {
            row.id: row.story_id
            for row in conn.execute(select(Article.id, Article.story_id).where(Article.id.in_(pks)))
        }
        link_languages(conn, [(stories[pk] or pk, record) for pk, record in written])  # each has its story by now
        facts = [_fact_row(pk, fact) for pk, record in written for fact in record.get("facts") or []]
        if facts:
            conn.execute(insert(Fact), facts)

    def _count_terms(self, conn: Connection, documents: list[list[str]]) -> None:
        """Document frequencies grow with each new article (a re-run changes them not)."""
        counts = Counter(term[:200] for terms in documents for term in {term[:200] for term in terms})
        if not counts:
            return
        upsert = (sqlite_insert if self.is_sqlite else postgresql_insert)(TermStat)
        conn.execute(
            upsert.on_conflict_do_update(
                index_elements=["term"], set_={"documents": TermStat.documents + upsert.excluded.documents}
            ),
            [{"term": term, "documents": n} for term, n in sorted(counts.items())],
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
        with self.transaction() as conn:
            conn.execute(delete(TermStat))
            if counts:
                conn.execute(insert(TermStat), [{"term": t[:200], "documents": n} for t, n in counts.items()])

    def document_frequencies(self, min_documents: int = 2) -> tuple[int, dict[str, int]]:
        """(articles stored, {word: articles it occurs in}) for words in at least
        `min_documents` articles: most words occur once, and a word left out weighs as a
        word never seen, which it nearly is, so memory stays small on a large archive."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(TermStat.term, TermStat.documents).where(TermStat.documents >= min_documents))
            counts: dict[str, int] = dict(rows.all())
        return self.count(), counts


def _index_entry(pk: int, record: Mapping[str, Any]) -> IndexEntry:
    filters = filter_terms(
        record["lang"],
        record["site"],
        record["host"],
        record["relevance_label"],
        record["relevant"],
        record.get("published_at"),
        _tag_ids(record),
    )
    return (pk, record["title_terms"], record["body_terms"], record["part_terms"], filters)


def _tag_ids(record: Mapping[str, Any]) -> list[str]:
    return sorted({tag["id"] for tag in record.get("tags") or []})


def _article_values(record: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The `articles` row of a record, its digest with it."""
    values = {name: record.get(name) for name in ARTICLE_FIELDS}
    values["content_hash"] = content_hash(record)
    values["updated_at"] = now
    return values


def _distinct_runs(records: Sequence[Mapping[str, Any]]) -> Iterator[list[Mapping[str, Any]]]:
    """The records in order, cut where an identity comes again (a page read twice): each
    run is stored before the next, which then updates what it stored."""
    run: list[Mapping[str, Any]] = []
    identities: set[str] = set()
    for record in records:
        if record["identity"] in identities:
            yield run
            run, identities = [], set()
        run.append(record)
        identities.add(record["identity"])
    if run:
        yield run
