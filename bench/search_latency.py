"""Search latency on a generated archive of N articles, SQLite (FTS5) and PostgreSQL
(tsvector + GIN), against a LIKE scan of the same data in the same run (these machines are
shared and noisy: the ratio is what counts).

    .venv/bin/python bench/search_latency.py --articles 100000 [--engines sqlite,postgres]
        [--queries 200] [--scan-queries 20] [--dir /tmp/bench-search] [--seed 1] [--json]
        [--keep] [--reuse] [--no-heads] [--cold] [--explain]

The corpus (bench/corpus.py) is generated once, deterministically, by worker processes and
fed to each engine in chunks (never all in memory): about half Chinese, half English,
300-900 index terms an article, real vocabulary with Zipf-like frequencies, eight years of
dates, six sites, tags, relevance labels, story_id = id. The text is composed already
segmented: index terms come from pipelines.segment.terms / inner_words, no jieba run.

Loading: into archives of the bench's own (a SQLite file under --dir; on PostgreSQL a database
it makes, --pg-database, never `test`, dropped at the end unless --keep); the schema comes
from db.Archive(url) (tables, full-text index). SQLite: executemany
in one transaction per chunk, journal off and synchronous off during the load (WAL again
after), secondary indexes dropped and made again after; FTS5's automerge off during the
load (crisismerge 64: FTS5 refuses a 2001st segment), then the index merged into one
b-tree ('optimize'), the frequent words' heads made (`monitor db optimize`, db.search.top_k),
automerge 4 / crisismerge 16 again (FTS5's defaults), ANALYZE. PostgreSQL: COPY into articles, article_tags and
article_fts (document = db.search.postgres.tsvector_literal as text, filters = the filter terms), foreign-key triggers off
for the load (session_replication_role = replica; the data is consistent by construction),
secondary indexes and the GIN index dropped and made again after, then ANALYZE.

Queries go through the real code path: monitor.search.plan(query, SearchOptions(...)),
then db.search.results.ranked(conn, search, limit=20) or db.search.results.facets(conn, search), on a
connection from the archive's engine (its pragmas and pool); the time includes plan().
On SQLite the index (FTS5's data and sizes, the heads, the covering search index: some 3 GB
at 1M) is read once before timing, as a server that has been answering queries holds it in
memory (`--cold` leaves that out: the first queries then read the disk). Before each kind,
ten other queries of that kind run untimed (a warm-up), and the scan reads the table once
before it is timed.
Kinds: word (one word, log-uniform over the frequency ranks, so frequent and rare alike),
and (two words), phrase ("rare earth", two Chinese words the generator writes together),
filtered (word + lang: + a one-year since:/until: + site: in half), facet (a word's facets)
and expanded (a vocabulary name with cross-language expansion on; the others expand=False).

The scan answers the same question without the index, on the same connection:
    SELECT id, COUNT(*) OVER () FROM articles AS a
    WHERE (a.title LIKE '%w%' OR a.body LIKE '%w%') [AND ... each word] [AND the filters]
    ORDER BY a.published_at DESC LIMIT 20
(facet: the same GROUP BYs as db.search.results.facets over the LIKE matches; expanded: every
name of the concept OR-ed). LIKE finds substrings, the index whole terms, so the scan finds
a few more; PostgreSQL's LIKE is case-sensitive (the cheaper scan). Only the first
--scan-queries queries of each kind are scanned (slow), within --scan-budget seconds.
Speed-up: scan p50 / index p50 (index p50 over all its queries); "worst" is the smallest
per-query ratio scan time / index time over the scanned queries.

Targets (the issue): p95 <= 50 ms at 1M articles on SQLite for word and filtered queries;
at least 100x faster than the scan."""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, create_engine, event, text

from bench import corpus
from db import Archive
from db.filter_terms import filter_terms
from db.models import UTCDateTime
from db.search.pg_filters import tsvector_filters
from db.search.postgres import tsvector_literal
from db.search.results import facets, ranked
from db.search.sqlite import BM25_WEIGHTS
from monitor.search import SearchOptions, plan
from pipelines.segment import segmenter_id

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASE = "monitor_bench_search"  # the bench's own database: made, and dropped unless --keep
PG_SCHEMA = "bench_search"
CHUNK = 2000
LIMIT = 20
TARGET_P95_MS = 50.0
TARGET_SPEEDUP = 100.0


# --- rows --------------------------------------------------------------------------------


def _default(type_name: str, fetched: datetime) -> Any:
    """A value for a NOT NULL column this benchmark does not know (added since)."""
    name = type_name.upper()
    if "INT" in name:
        return 0
    if "BOOL" in name:
        return False
    if any(k in name for k in ("FLOAT", "REAL", "DOUBLE", "NUMERIC")):
        return 0.0
    if "JSON" in name:
        return "[]"
    if "TIME" in name or "DATE" in name:
        return fetched
    return ""


def _article_values(g: corpus.Generated, segmenter: str) -> dict[str, Any]:
    fetched = g.published_at + timedelta(hours=1)
    url = f"https://{g.host}/news/{g.id}.html"
    return {
        "id": g.id,
        "identity": f"{g.host}/{g.id}",
        "canonical_url": url,
        "url": url,
        "site": g.site,
        "host": g.host,
        "site_article_id": str(g.id),
        "title": g.title,
        "published_at": g.published_at,
        "author": "",
        "source": "",
        "category": "",
        "editor": "",
        "views": None,
        "page_tags": "[]",
        "field_sources": "{}",
        "body": g.body,
        "title_simplified": None,
        "body_simplified": None,
        "lang": g.lang,
        "script": "Hans" if g.lang == "zh" else None,
        "garbled": False,
        "relevant": g.relevance_label in ("supervision", "rectification"),
        "relevance_label": g.relevance_label,
        "relevance_score": g.relevance_score,
        "relevance_terms": "[]",
        "tags": json.dumps([{"id": t} for t in g.tags]),
        "keywords": "[]",
        "fingerprint": f"{g.id:016x}",
        "minhash": "[]",
        "figures": "[]",
        "content_hash": f"{g.id:064x}",
        "title_key": g.title[:200],
        "story_id": g.id,
        "segmenter": segmenter,
        "fetched_at": fetched,
        "updated_at": fetched,
    }


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # as SQLAlchemy's SQLite DATETIME stores it (UTC, naive)
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _pg_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def make_chunk(seed: int, start: int, count: int, columns: dict[str, list[tuple[str, str, bool]]]) -> dict[str, Any]:
    """Rows for articles start..start+count-1, for each engine named in `columns` (its
    articles columns: name, type, nullable). Runs in a worker process."""
    began = time.process_time()
    segmenter = segmenter_id()
    out: dict[str, Any] = {name: ([], [], []) for name in columns}
    for g in corpus.articles(seed, count, start):
        values = _article_values(g, segmenter)
        tags = [(g.id, t) for t in g.tags]
        for engine, cols in columns.items():
            articles, tag_rows, fts = out[engine]
            convert = _sqlite_value if engine == "sqlite" else _pg_value
            row = []
            for name, type_name, nullable in cols:
                if name in values:
                    row.append(convert(values[name]))
                else:
                    row.append(None if nullable else convert(_default(type_name, values["fetched_at"])))
            articles.append(tuple(row))
            tag_rows.extend(tags)
            filters = filter_terms(
                g.lang, g.site, g.host, g.relevance_label, values["relevant"], g.published_at, g.tags
            )
            if engine == "sqlite":
                fts.append((g.id, g.title_terms, g.body_terms, g.parts, filters))
            else:
                fts.append((g.id, tsvector_literal(g.title_terms, g.body_terms, g.parts), tsvector_filters(filters)))
    out["cpu"] = time.process_time() - began
    return out


def chunks(seed: int, total: int, columns, workers: int) -> Iterator[dict[str, Any]]:
    """The corpus in order, generated by `workers` processes, at most a few chunks ahead."""
    starts = list(range(1, total + 1, CHUNK))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = []
        for start in starts:
            pending.append(pool.submit(make_chunk, seed, start, min(CHUNK, total - start + 1), columns))
            if len(pending) > workers + 1:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


# --- the corpus kept on disk -------------------------------------------------------------------
# Generating the corpus costs more CPU than writing it into SQLite (about 690 s against 430 s
# at 1M), and on two cores the writer waited for the generators: with --corpus DIR the rows
# are generated once into DIR, one pickle a chunk, and later runs read them, so the load
# times writing alone. The files are named by a digest of what makes the rows (seed, the
# archive's columns, the generator's code): a change to any of them makes a new set.


def corpus_dir(root: Path, seed: int, columns: dict[str, list[tuple[str, str, bool]]]) -> Path:
    import hashlib
    import inspect

    digest = hashlib.sha256(repr((seed, CHUNK, sorted(columns.items()))).encode())
    for function in (make_chunk, _article_values, _default, _sqlite_value, _pg_value):
        digest.update(inspect.getsource(function).encode())
    here = Path(__file__).resolve().parent.parent
    for source in ("bench/corpus.py", "db/filter_terms.py", "db/search/postgres.py", "pipelines/segment.py"):
        digest.update((here / source).read_bytes())
    return root / f"corpus-{seed}-{digest.hexdigest()[:16]}"


def _chunk_path(folder: Path, start: int, count: int) -> Path:
    return folder / f"{start:09d}-{count}.pickle"


def _generate_chunk(seed: int, start: int, count: int, columns, folder: Path) -> float:
    """Chunk `start` into its file (written aside, then renamed: a killed run leaves no half
    file); the CPU it took."""
    import pickle

    rows = make_chunk(seed, start, count, columns)
    path = _chunk_path(folder, start, count)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        pickle.dump(rows, out, protocol=pickle.HIGHEST_PROTOCOL)
    partial.rename(path)
    return rows["cpu"]


def generate(folder: Path, seed: int, total: int, columns, workers: int) -> dict[str, float]:
    """The chunks of the first `total` articles not yet in `folder`, by `workers` processes:
    their CPU and the wall time."""
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    todo = [
        (start, count)
        for start in range(1, total + 1, CHUNK)
        if not _chunk_path(folder, start, count := min(CHUNK, total - start + 1)).exists()
    ]
    cpu = 0.0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_generate_chunk, seed, start, count, columns, folder) for start, count in todo]
        for n, future in enumerate(futures, start=1):
            cpu += future.result()
            if n % 50 == 0:
                print(f"  generated {n * CHUNK:,} of {len(todo) * CHUNK:,} articles", file=sys.stderr, flush=True)
    return {"cpu_s": cpu, "wall_s": time.perf_counter() - began, "chunks": len(todo)}


def cached_chunks(
    folder: Path, total: int, generating: threading.Thread | None = None, waited: list[float] | None = None
) -> Iterator[dict[str, Any]]:
    """The chunks from their files, in order; a file not there yet is waited for while
    `generating` runs (the time it took added to `waited`)."""
    import pickle

    for start in range(1, total + 1, CHUNK):
        path = _chunk_path(folder, start, min(CHUNK, total - start + 1))
        began = time.perf_counter()
        while not path.exists() and generating is not None and generating.is_alive():
            time.sleep(0.05)
        if waited is not None:
            waited.append(time.perf_counter() - began)
        with path.open("rb") as source:
            yield pickle.load(source)


# --- loading -------------------------------------------------------------------------------


@dataclass
class Build:
    """Wall time of each step, and this process's CPU in it (SQLite's work; on PostgreSQL the
    client's only): the machines are shared, and the CPU says what a step costs."""

    engine: str
    finish: dict[str, float] = field(default_factory=dict)  # step -> seconds ("write" the load)
    cpu: dict[str, float] = field(default_factory=dict)  # step -> seconds of this process's CPU
    size_bytes: int = 0
    reused: bool = False
    heads: int = 0  # words with heads (SQLite)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.finish[name] = self.finish.get(name, 0.0) + time.perf_counter() - wall
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu

    @property
    def total_s(self) -> float:
        return sum(self.finish.values())


class SqliteLoader:
    name = "sqlite"

    def __init__(self, path: Path, bulk_fts: bool = True, heads: bool = True) -> None:
        self.path = path
        self.bulk_fts = bulk_fts
        self.heads = heads
        self.url = f"sqlite:///{path}"

    def existing(self) -> int:
        if not self.path.exists():
            return 0
        try:
            with sqlite3.connect(self.path) as db:
                return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            return 0

    def create(self) -> list[tuple[str, str, bool]]:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        Archive(self.url).engine.dispose()
        self.db = sqlite3.connect(self.path, isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-1000000",
            "foreign_keys=OFF",
            "temp_store=MEMORY",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('articles', 'article_tags')"
        ).fetchall()
        for name, _ in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        if self.bulk_fts:  # no incremental merging while loading: one merge ('optimize') at the end
            self.db.execute("INSERT INTO article_fts (article_fts, rank) VALUES ('automerge', 0)")
            self.db.execute("INSERT INTO article_fts (article_fts, rank) VALUES ('crisismerge', 64)")
        cols = [(r[1], r[2], not r[3] and not r[5]) for r in self.db.execute("PRAGMA table_info(articles)")]
        self.insert = f"INSERT INTO articles ({', '.join(c[0] for c in cols)}) VALUES ({', '.join('?' for _ in cols)})"
        return cols

    def write(self, rows) -> None:
        articles, tags, fts = rows
        self.db.execute("BEGIN")
        self.db.executemany(self.insert, articles)
        self.db.executemany("INSERT INTO article_tags (article_pk, tag) VALUES (?, ?)", tags)
        self.db.executemany("INSERT INTO article_fts (rowid, title, body, parts, filters) VALUES (?, ?, ?, ?, ?)", fts)
        self.db.execute("COMMIT")

    def finish(self, build: Build, optimize: bool) -> None:
        with build.step("indexes"):
            for _, sql in self.indexes:
                self.db.execute(sql)
        if optimize or self.bulk_fts:
            with build.step("fts optimize"):
                self.db.execute("INSERT INTO article_fts (article_fts) VALUES ('optimize')")
        if self.bulk_fts:  # FTS5's defaults again, as the archive runs
            self.db.execute("INSERT INTO article_fts (article_fts, rank) VALUES ('automerge', 4)")
            self.db.execute("INSERT INTO article_fts (article_fts, rank) VALUES ('crisismerge', 16)")
        with build.step("analyze"):
            self.db.execute("ANALYZE")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.close()
        if self.heads:
            with build.step("heads"):
                archive = Archive(self.url)  # `monitor db optimize`: the frequent words' heads
                build.heads, _ = archive.optimize()
                archive.engine.dispose()
        build.size_bytes = self.path.stat().st_size

    def size(self) -> int:
        return self.path.stat().st_size

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)


class PostgresLoader:
    name = "postgres"

    def __init__(self, schema: str = PG_SCHEMA, database: str = PG_DATABASE, heads: bool = True) -> None:
        self.schema = schema
        self.database = database
        self.heads = heads
        self.url = f"{PG_SERVER}/{database}?options=-csearch_path%3D{schema}"

    def _admin(self):
        return create_engine(f"{PG_SERVER}/{self.database}")

    def _server(self):
        """The server's maintenance database, to make and drop the bench's own."""
        return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")

    def _database_exists(self) -> bool:
        engine = self._server()
        try:
            with engine.connect() as conn:
                return bool(
                    conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": self.database}).first()
                )
        finally:
            engine.dispose()

    def existing(self) -> int:
        if not self._database_exists():
            return 0
        engine = self._admin()
        try:
            with engine.connect() as conn:
                found = conn.execute(text("SELECT to_regclass(:t)"), {"t": f"{self.schema}.articles"}).scalar()
                return conn.execute(text(f"SELECT COUNT(*) FROM {self.schema}.articles")).scalar() if found else 0
        finally:
            engine.dispose()

    def create(self) -> list[tuple[str, str, bool]]:
        import psycopg

        self.drop()
        server = self._server()
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.database}"'))
        server.dispose()
        engine = self._admin()
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {self.schema}"))
        engine.dispose()
        Archive(self.url).engine.dispose()
        self.db = psycopg.connect(
            f"host=127.0.0.1 port=5432 dbname={self.database} user=postgres", options=f"-csearch_path={self.schema}"
        )
        with self.db.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s"
                " AND tablename IN ('articles', 'article_tags', 'article_fts')"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE connamespace = %s::regnamespace)",
                (self.schema, self.schema),
            )
            self.indexes = cur.fetchall()
            for name, _ in self.indexes:
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("SET session_replication_role = replica")  # no FK triggers during COPY
            cur.execute(
                "SELECT column_name, data_type, is_nullable = 'YES' OR column_default IS NOT NULL FROM information_schema.columns"
                " WHERE table_schema = %s AND table_name = 'articles' ORDER BY ordinal_position",
                (self.schema,),
            )
            cols = [(name, type_name, nullable) for name, type_name, nullable in cur.fetchall()]
        self.db.commit()
        self.copy_articles = f"COPY articles ({', '.join(c[0] for c in cols)}) FROM STDIN"
        return cols

    def write(self, rows) -> None:
        articles, tags, fts = rows
        with self.db.cursor() as cur:
            for statement, data in (
                (self.copy_articles, articles),
                ("COPY article_tags (article_pk, tag) FROM STDIN", tags),
                ("COPY article_fts (article_pk, document, filters) FROM STDIN", fts),
            ):
                with cur.copy(statement) as copy:
                    for row in data:
                        copy.write_row(row)
        self.db.commit()

    def finish(self, build: Build, optimize: bool) -> None:
        self.db.autocommit = True
        with self.db.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
            cur.execute("SET maintenance_work_mem = '2GB'")
            for _name, sql in self.indexes:
                with build.step("GIN index" if "gin" in sql.lower() else "indexes"):
                    cur.execute(sql)
            with build.step("analyze"):
                cur.execute("ANALYZE articles")
                cur.execute("ANALYZE article_tags")
                cur.execute("ANALYZE article_fts")
            with build.step("vacuum"):  # the visibility map: GIN counts then read no row
                cur.execute("VACUUM article_fts")
        self.db.close()
        if self.heads:
            with build.step("heads"):
                archive = Archive(self.url)  # `monitor db optimize`: the frequent words' heads
                build.heads, _ = archive.optimize()
                archive.engine.dispose()
        build.size_bytes = self.size()

    def size(self) -> int:
        engine = self._admin()
        try:
            with engine.connect() as conn:
                return int(
                    conn.execute(
                        text(
                            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class AS c"
                            " JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"
                        ),
                        {"s": self.schema},
                    ).scalar()
                )
        finally:
            engine.dispose()

    def drop(self) -> None:
        engine = self._server()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
        engine.dispose()


def load(loaders, args) -> tuple[dict[str, Build], dict[str, Any]]:
    builds = {loader.name: Build(loader.name) for loader in loaders}
    todo = []
    for loader in loaders:
        if args.reuse and loader.existing() == args.articles:
            builds[loader.name].reused = True
            builds[loader.name].size_bytes = loader.size()
            print(f"{loader.name}: reusing the archive of {args.articles} articles", file=sys.stderr)
        else:
            todo.append(loader)
    generation: dict[str, Any] = {"cpu_s": 0.0, "wall_s": 0.0, "workers": args.workers}
    if not todo:
        return builds, generation
    columns = {loader.name: loader.create() for loader in todo}
    source: Iterator[dict[str, Any]]
    generating: threading.Thread | None = None
    waited: list[float] = []
    if args.corpus is not None:
        folder = corpus_dir(args.corpus, args.seed, columns)
        made: dict[str, float] = {}

        def fill() -> None:
            made.update(generate(folder, args.seed, args.articles, columns, args.workers))
            print(
                f"  corpus in {folder}: {made['chunks']} chunks generated ({made['cpu_s']:.0f} s CPU, {made['wall_s']:.0f} s)",
                file=sys.stderr,
                flush=True,
            )

        generation.update(cached=folder, generated=made, overlapped=args.overlap)
        if args.overlap and not args.generate_only:  # the missing chunks meanwhile, read as they come
            generating = threading.Thread(target=fill)
            generating.start()
        else:
            fill()
        if args.generate_only:
            return builds, generation
        source = cached_chunks(folder, args.articles, generating, waited)
    else:
        source = chunks(args.seed, args.articles, columns, args.workers)
    began = time.perf_counter()
    done = 0
    for chunk in source:
        if args.corpus is None:
            generation["cpu_s"] += chunk["cpu"]
        for loader in todo:
            with builds[loader.name].step("write"):
                loader.write(chunk[loader.name])
        done += len(chunk[todo[0].name][0])
        if done % 100_000 < CHUNK or done == args.articles:
            elapsed = time.perf_counter() - began
            print(
                f"  loaded {done:,} articles in {elapsed:.0f} s ({done / elapsed:,.0f}/s)", file=sys.stderr, flush=True
            )
    generation["wall_s"] = time.perf_counter() - began
    generation["waited_s"] = sum(waited)
    if generating is not None:
        generating.join()
    for loader in todo:
        print(f"  {loader.name}: indexing...", file=sys.stderr, flush=True)
        loader.finish(builds[loader.name], optimize=not args.no_optimize)
    return builds, generation


# --- queries -------------------------------------------------------------------------------


@dataclass
class Timing:
    engine: str
    kind: str
    ms: list[float] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)
    scan_ms: list[float] = field(default_factory=list)
    scan_matches: list[int] = field(default_factory=list)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def run_index(archive: Archive, query: corpus.Query) -> tuple[float, int]:
    began = time.perf_counter()
    _, search = plan(query.text, SearchOptions(expand=query.expand, limit=LIMIT))
    with archive.engine.connect() as conn:
        if query.facets:
            found = facets(conn, search)
            total = sum(n for _, n in found["lang"])
        else:
            _, total = ranked(conn, search, limit=LIMIT)
    return (time.perf_counter() - began) * 1000.0, total


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scan_statement(query: corpus.Query, sqlite: bool):
    params: dict[str, Any] = {}
    typed = []

    def param(value: Any) -> str:
        name = f"p{len(params)}"
        params[name] = value
        if isinstance(value, datetime):
            typed.append(bindparam(name, type_=UTCDateTime()))
        return ":" + name

    where = []
    for group in query.like:
        alternatives = []
        for value in group:
            p = param(_like(value))
            alternatives.append(f"a.title LIKE {p} ESCAPE '\\' OR a.body LIKE {p} ESCAPE '\\'")
        where.append("(" + " OR ".join(alternatives) + ")")
    if query.kind == "filtered":
        where.append(f"a.lang = {param(query.lang)}")
        where.append(f"a.published_at >= {param(query.since)} AND a.published_at < {param(query.until)}")
        if query.site:
            p = param(query.site)
            where.append(f"(a.site = {p} OR a.host = {p})")
    conditions = " AND ".join(where)
    if query.facets:
        month = (
            "strftime('%Y-%m', m.published_at, '+8 hours')"
            if sqlite
            else "to_char(m.published_at + INTERVAL '8 hours', 'YYYY-MM')"
        )
        counted = "COUNT(DISTINCT m.story_id)"
        sql = (
            f"WITH m AS MATERIALIZED (SELECT a.id, a.story_id, a.host, a.lang, a.published_at FROM articles AS a WHERE {conditions})"
            f" SELECT 'site' AS facet, m.host AS value, {counted} AS n FROM m GROUP BY m.host"
            f" UNION ALL SELECT 'lang', m.lang, {counted} FROM m GROUP BY m.lang"
            f" UNION ALL SELECT 'month', {month}, {counted} FROM m WHERE m.published_at IS NOT NULL GROUP BY {month}"
            f" UNION ALL SELECT 'tag', t.tag, {counted} FROM m JOIN article_tags AS t ON t.article_pk = m.id GROUP BY t.tag"
        )
    else:
        sql = (
            f"SELECT a.id, COUNT(*) OVER () AS total FROM articles AS a WHERE {conditions}"
            f" ORDER BY a.published_at DESC LIMIT {LIMIT}"
        )
    return text(sql).bindparams(*typed), params


def run_scan(archive: Archive, query: corpus.Query) -> tuple[float, int]:
    statement, params = scan_statement(query, archive.engine.dialect.name == "sqlite")
    began = time.perf_counter()
    with archive.engine.connect() as conn:
        rows = conn.execute(statement, params).all()
    elapsed = (time.perf_counter() - began) * 1000.0
    total = sum(r.n for r in rows if r.facet == "lang") if query.facets else rows[0].total if rows else 0
    return elapsed, total


# What SQLite's searches read, read once before timing (as a server that has been answering
# queries holds it in memory): the full-text index, its sizes, the heads, the search index.
SQLITE_PREWARM = (
    "SELECT SUM(LENGTH(block)) FROM article_fts_data",
    "SELECT SUM(LENGTH(sz)) FROM article_fts_docsize",
    "SELECT SUM(weight) FROM article_fts_heads",
    "SELECT SUM(length) FROM article_fts_head_bounds",
    "SELECT SUM(documents) FROM article_fts_head_terms",
    "SELECT SUM(story_id) FROM articles INDEXED BY ix_articles_search",
)


def prewarm(archive: Archive) -> float:
    began = time.perf_counter()
    with archive.engine.connect() as conn:
        for statement in SQLITE_PREWARM:
            conn.execute(text(statement)).all()
    return time.perf_counter() - began


def measure(engine_name: str, archive: Archive, args) -> list[Timing]:
    kinds = [k for k in corpus.KINDS if k in args.kinds] if args.queries else []
    if not kinds:
        return []
    if engine_name == "sqlite" and not args.cold:
        print(f"  sqlite: index read once in {prewarm(archive):.0f} s", file=sys.stderr, flush=True)
    timings = []
    for kind in kinds:
        # Warm-up, not timed: other queries of the kind, so that what every such query
        # reads (the index's upper pages, filter terms, heads) is read once before.
        for query in corpus.queries(args.seed + 1000, kind, 10):
            run_index(archive, query)
        timing = Timing(engine_name, kind)
        for query in corpus.queries(args.seed, kind, args.queries):
            ms, total = run_index(archive, query)
            timing.ms.append(ms)
            timing.matches.append(total)
        timings.append(timing)
        print(
            f"  {engine_name} {kind}: p50 {percentile(timing.ms, 50):.1f} ms, p95 {percentile(timing.ms, 95):.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    if args.scan_queries:
        run_scan(archive, corpus.queries(args.seed + 1000, "word", 1)[0])  # warm-up: reads the table once
        for timing in timings:
            started = time.perf_counter()
            for query in corpus.queries(args.seed, timing.kind, args.queries)[: args.scan_queries]:
                ms, total = run_scan(archive, query)
                timing.scan_ms.append(ms)
                timing.scan_matches.append(total)
                if time.perf_counter() - started > args.scan_budget and len(timing.scan_ms) >= 3:
                    break
            print(
                f"  {engine_name} {timing.kind} scan: {len(timing.scan_ms)} queries, p50 {percentile(timing.scan_ms, 50):.0f} ms",
                file=sys.stderr,
                flush=True,
            )
    return timings


# --- explaining ------------------------------------------------------------------------------


def _best_of(cur, sql: str, parameters, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        cur.execute(sql, parameters)
        cur.fetchall()
        best = min(best, (time.perf_counter() - began) * 1000)
    return best


def _sqlite_parts(cur, match: str) -> list[str]:
    """What one word query costs on SQLite, step by step (each step adds to the one above)."""
    bm25 = f"bm25(article_fts, {BM25_WEIGHTS})"
    fts = "FROM article_fts WHERE article_fts MATCH ?"
    indexes = {row[0] for row in cur.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    columns = "a.relevant AS x, a.published_at AS y, a.story_id AS z, a.garbled AS g"

    def joined(how: str) -> str:
        return f"FROM article_fts CROSS JOIN articles AS a{how} ON a.id = article_fts.rowid WHERE article_fts MATCH ?"

    steps = [
        ("MATCH, rowids only (COUNT(*))", f"SELECT COUNT(*) {fts}"),
        ("+ bm25 of every match", f"SELECT MIN(r) FROM (SELECT {bm25} AS r {fts} LIMIT -1)"),
        (
            "+ each match's row in articles by rowid (the wide row: story_id, garbled, relevant lie past the body)",
            f"SELECT MIN(r), MAX(x), MAX(y), MAX(z), MAX(g) FROM (SELECT {bm25} AS r, {columns} {joined('')} LIMIT -1)",
        ),
    ]
    if "ix_articles_search" in indexes:
        steps += [
            (
                "+ the same columns from the covering index ix_articles_search instead",
                f"SELECT MIN(r), MAX(x), MAX(y), MAX(z), MAX(g) FROM (SELECT {bm25} AS r, {columns} {joined(' INDEXED BY ix_articles_search')} LIMIT -1)",
            ),
            (
                "  ... ORDER BY relevant, rank, date LIMIT 62 (a bounded sort)",
                (
                    f"SELECT a.id FROM (SELECT a.id, a.relevant, {bm25} AS r, a.published_at {joined(' INDEXED BY ix_articles_search')} LIMIT -1) AS a"
                    " ORDER BY relevant DESC, r, published_at DESC LIMIT 62"
                ),
            ),
            (
                "  ... COUNT(DISTINCT story_id) (the total)",
                f"SELECT COUNT(DISTINCT z) FROM (SELECT a.story_id AS z {joined(' INDEXED BY ix_articles_search')})",
            ),
        ]
    out = []
    for label, sql in steps:
        try:
            out.append(f"  {_best_of(cur, sql, (match,)):9.1f}  {label}")
        except sqlite3.Error as exc:  # a step SQLite cannot run: say so, go on
            out.append(f"  {'-':>9}  {label}: {exc}")
    return out


def explain(archive: Archive, query_text: str) -> str:
    """The SQL statements that ranked() runs for `query_text`, their plans and times, and
    (SQLite) what the parts of a word query cost."""
    captured: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    sqlite = archive.engine.dialect.name == "sqlite"
    _, search = plan(query_text, SearchOptions(expand=False, limit=LIMIT))
    event.listen(archive.engine, "before_cursor_execute", capture)
    try:
        with archive.engine.connect() as conn:
            began = time.perf_counter()
            _, total = ranked(conn, search, limit=LIMIT)
            full_ms = (time.perf_counter() - began) * 1000
    finally:
        event.remove(archive.engine, "before_cursor_execute", capture)
    statements = [(s, p) for s, p in captured if "article_fts" in s or "articles" in s]
    lines = [
        (
            f"query {query_text!r} on {archive.engine.dialect.name}: {total} matches, ranked() {full_ms:.1f} ms"
            f" in {len(statements)} statement(s)"
        )
    ]
    raw = archive.engine.raw_connection()
    try:
        cur = raw.cursor()
        for n, (statement, parameters) in enumerate(statements, start=1):
            lines += ["", f"statement {n}: {statement}"]
            if sqlite:
                cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                lines += ["EXPLAIN QUERY PLAN:"] + [f"  {row[0]} {row[1]} {row[3]}" for row in cur.fetchall()]
                lines.append(f"best of 3: {_best_of(cur, statement, parameters):.1f} ms")
            else:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                lines += ["EXPLAIN (ANALYZE, BUFFERS):"] + [f"  {row[0]}" for row in cur.fetchall()]
        if sqlite and statements:
            first = statements[0][1]
            match = first[0] if isinstance(first, (list, tuple)) else next(iter(first.values()))
            lines += ["", "a word query's parts (best of 3, ms):"] + _sqlite_parts(cur, match)
        cur.close()
    finally:
        raw.close()
    return "\n".join(lines)


# --- output ----------------------------------------------------------------------------------


def table(timings: list[Timing]) -> list[dict[str, Any]]:
    rows = []
    for t in timings:
        p50 = percentile(t.ms, 50)
        ratios = [s / i for s, i in zip(t.scan_ms, t.ms, strict=False) if i > 0]
        scan_p50 = percentile(t.scan_ms, 50)
        rows.append(
            {
                "engine": t.engine,
                "kind": t.kind,
                "queries": len(t.ms),
                "p50_ms": p50,
                "p95_ms": percentile(t.ms, 95),
                "max_ms": max(t.ms) if t.ms else float("nan"),
                "matches_p50": percentile([float(m) for m in t.matches], 50),
                "matches_max": max(t.matches) if t.matches else 0,
                "scan_queries": len(t.scan_ms),
                "scan_p50_ms": scan_p50,
                "scan_p95_ms": percentile(t.scan_ms, 95),
                "speedup_p50": scan_p50 / p50 if t.scan_ms and p50 > 0 else None,
                "speedup_worst": min(ratios) if ratios else None,
                "scan_matches_p50": percentile([float(m) for m in t.scan_matches], 50),
            }
        )
    return rows


BUCKETS = (0, 100, 1_000, 10_000, 100_000, 10**9)
TIMINGS: list[Timing] = []


def by_matches(timings: list[Timing]) -> list[dict[str, Any]]:
    """Index latency by how many matches the queries have: what the time is proportional to."""
    out = []
    for t in timings:
        for low, high in itertools.pairwise(BUCKETS):
            ms = [m for m, n in zip(t.ms, t.matches, strict=False) if low <= n < high]
            if ms:
                out.append(
                    {
                        "engine": t.engine,
                        "kind": t.kind,
                        "from": low,
                        "to": high,
                        "queries": len(ms),
                        "p50_ms": percentile(ms, 50),
                        "p95_ms": percentile(ms, 95),
                    }
                )
    return out


def _num(value, fmt: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    return format(value, fmt)


def print_table(rows: list[dict[str, Any]], builds: dict[str, Build], generation: dict[str, Any], args) -> None:
    print(
        f"search latency, {args.articles:,} articles (seed {args.seed}), limit {LIMIT}, {args.queries} queries per kind; "
        f"times in ms"
    )
    header = f"{'engine':<9} {'kind':<9} {'n':>4} {'p50':>8} {'p95':>8} {'max':>8} {'hits p50':>9} {'hits max':>9} | {'scan n':>6} {'scan p50':>9} {'scan p95':>9} | {'x p50':>7} {'x worst':>7}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['engine']:<9} {r['kind']:<9} {r['queries']:>4} {_num(r['p50_ms'], '8.1f')} {_num(r['p95_ms'], '8.1f')} "
            f"{_num(r['max_ms'], '8.1f')} {_num(r['matches_p50'], '9,.0f')} {r['matches_max']:>9,} | {r['scan_queries']:>6} "
            f"{_num(r['scan_p50_ms'], '9.0f')} {_num(r['scan_p95_ms'], '9.0f')} | {_num(r['speedup_p50'], '6.0f')}x {_num(r['speedup_worst'], '6.0f')}x"
        )
    print(
        "x p50 = scan p50 / index p50; x worst = the smallest scan/index ratio of one query (scanned queries only);"
        " hits = matches (stories; for facets, of the lang facet)"
    )
    buckets = by_matches([t for t in TIMINGS if t.kind in ("word", "filtered")])
    if buckets:
        print("index latency by matches (word and filtered queries): engine kind [matches) n p50 p95")
        for b in buckets:
            print(
                f"  {b['engine']:<9} {b['kind']:<9} [{b['from']:>7,} - {b['to']:>9,})  n {b['queries']:>4}  p50 {b['p50_ms']:7.1f}  p95 {b['p95_ms']:7.1f}"
            )
    made = generation.get("generated")
    if isinstance(made, dict) and made:
        when = "during the load, competing with it" if generation["overlapped"] else "before the load"
        print(
            f"corpus read from {generation['cached']}: {made['chunks']} of its chunks generated in this run"
            f" ({generation['workers']} worker processes, {made['cpu_s']:.0f} s CPU, {made['wall_s']:.0f} s wall,"
            f" {when}); load wall time (reading the corpus and writing) {generation['wall_s']:.0f} s,"
            f" of which {generation.get('waited_s', 0.0):.0f} s waiting for chunks"
        )
    elif generation.get("wall_s"):
        cpu = generation["cpu_s"]
        print(
            f"generation: {generation['workers']} worker processes, {cpu:.0f} s CPU "
            f"({args.articles / cpu:,.0f} articles/s per core; PostgreSQL's tsvector_literal included); "
            f"load wall time {generation['wall_s']:.0f} s"
        )
    for name, build in builds.items():
        if build.reused:
            print(f"build {name}: reused ({build.size_bytes / 1e9:.2f} GB)")
            continue
        steps = ", ".join(f"{k} {v:.0f} s ({build.cpu[k]:.0f} s CPU)" for k, v in build.finish.items())
        print(
            f"build {name}: {steps}: {build.total_s:.0f} s in all, "
            f"{args.articles / build.total_s:,.0f} articles/s (generation not included); "
            f"{build.size_bytes / 1e9:.2f} GB" + (f"; heads for {build.heads:,} words" if build.heads else "")
        )
    for r in rows:
        if r["engine"] == "sqlite" and r["kind"] in ("word", "filtered"):
            verdict = "met" if r["p95_ms"] <= TARGET_P95_MS else "MISSED"
            print(
                f"target sqlite {r['kind']} p95 <= {TARGET_P95_MS:.0f} ms: {r['p95_ms']:.1f} ms, {verdict}"
                + ("" if args.articles >= 1_000_000 else f" (the target is for 1M articles; this is {args.articles:,})")
            )
    for r in rows:
        if r["speedup_p50"] is not None:
            verdict = "met" if r["speedup_p50"] >= TARGET_SPEEDUP else "MISSED"
            print(
                f"target {r['engine']} {r['kind']} >= {TARGET_SPEEDUP:.0f}x the scan (p50): {r['speedup_p50']:.0f}x, {verdict}"
            )


def code_version() -> dict[str, str]:
    """Which search code was measured (others change it): HEAD, and digests of the files."""
    import hashlib
    import subprocess

    root = Path(__file__).resolve().parent.parent
    out = {}
    try:
        out["git_head"] = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        out["git_head"] = "?"
    for name in ("db/search/results.py", "db/search/sqlite.py", "monitor/search.py", "db/models.py"):
        source = (root / name).read_bytes()
        out[name] = hashlib.sha256(source).hexdigest()[:12]
    fulltext = (root / "db/search/results.py").read_text(encoding="utf-8")
    out["collapse"] = (
        "window functions"
        if "OVER (PARTITION BY" in fulltext
        else "one materialised pass: bounded sort + count"
        if "MATERIALIZED" in fulltext
        else "bounded sort + count"
    )
    return out


def pg_settings() -> dict[str, str]:
    engine = create_engine(f"{PG_SERVER}/postgres")
    try:
        with engine.connect() as conn:
            names = (
                "server_version",
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "jit",
                "max_parallel_workers_per_gather",
            )
            return {n: str(conn.execute(text(f"SHOW {n}")).scalar()) for n in names}
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--scan-queries", type=int, default=20, help="of these, how many the LIKE scan times (0: none)")
    parser.add_argument(
        "--scan-budget", type=float, default=180.0, help="seconds of scanning per kind at most (3 queries at least)"
    )
    parser.add_argument("--kinds", default=",".join(corpus.KINDS))
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-search"), help="for the SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pg-schema", default=PG_SCHEMA, help="the PostgreSQL schema to build in, in the bench's own database"
    )
    parser.add_argument(
        "--pg-database",
        default=PG_DATABASE,
        help="the PostgreSQL database the bench makes for itself (dropped at the end unless --keep; never `test`)",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        help="keep the generated corpus in this folder and load from it (generated once; the load then times writing alone)",
    )
    parser.add_argument(
        "--overlap",
        action="store_true",
        help="with --corpus: generate the chunks not in it while loading those that are (they compete for the CPU)",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="with --corpus: generate the corpus into it, and stop"
    )
    parser.add_argument("--workers", type=int, default=max(1, min(2, os.cpu_count() or 1)), help="generator processes")
    parser.add_argument(
        "--no-optimize",
        action="store_true",
        help="load with FTS5's own merging and leave the index as loaded (no 'optimize')",
    )
    parser.add_argument(
        "--cold", action="store_true", help="SQLite: time the queries without reading the index once before"
    )
    parser.add_argument(
        "--no-heads", action="store_true", help="make no heads (`monitor db optimize` makes them later)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and the PostgreSQL schema")
    parser.add_argument("--reuse", action="store_true", help="use a kept archive of the same size instead of building")
    parser.add_argument(
        "--explain", action="append", default=[], metavar="QUERY", help="print the SQL, plan and costs of QUERY"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    version = code_version()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"sqlite", "postgres"} | set(args.kinds) - set(corpus.KINDS)
    if unknown:
        parser.error(f"unknown engine or kind: {', '.join(sorted(unknown))}")

    print(corpus.describe("zh") + "; " + corpus.describe("en"), file=sys.stderr)
    args.dir.mkdir(parents=True, exist_ok=True)
    loaders: list[SqliteLoader | PostgresLoader] = []
    if "sqlite" in engines:
        loaders.append(
            SqliteLoader(
                args.dir / f"search-{args.articles}-{args.seed}.sqlite3",
                bulk_fts=not args.no_optimize,
                heads=not args.no_heads,
            )
        )
    if "postgres" in engines:
        loaders.append(PostgresLoader(args.pg_schema, args.pg_database, heads=not args.no_heads))
    settings = pg_settings() if "postgres" in engines else {}
    timings: list[Timing] = []
    explained = []
    try:
        builds, generation = load(loaders, args)
        if args.generate_only:
            return
        for loader in loaders:
            archive = Archive(loader.url)
            try:
                timings += measure(loader.name, archive, args)
                explained += [explain(archive, q) for q in args.explain]
            finally:
                archive.engine.dispose()
    finally:
        if not args.keep:
            for loader in loaders:
                loader.drop()
            if args.dir.exists() and not any(args.dir.iterdir()) and args.dir != Path("/tmp"):
                shutil.rmtree(args.dir, ignore_errors=True)
    rows = table(timings)
    TIMINGS[:] = timings
    if args.json:
        print(
            json.dumps(
                {
                    "articles": args.articles,
                    "seed": args.seed,
                    "queries_per_kind": args.queries,
                    "limit": LIMIT,
                    "scan_queries": args.scan_queries,
                    "fts_optimize": not args.no_optimize,
                    "postgres_settings": settings,
                    "code": version,
                    "generation": generation,
                    "builds": {
                        n: {
                            "finish_s": b.finish,
                            "cpu_s": b.cpu,
                            "total_s": b.total_s,
                            "bytes": b.size_bytes,
                            "heads": b.heads,
                            "reused": b.reused,
                            "articles_per_s": args.articles / b.total_s if b.total_s else None,
                        }
                        for n, b in builds.items()
                    },
                    "results": rows,
                    "by_matches": by_matches(timings),
                    "explain": explained,
                },
                indent=2,
                default=str,
            )
        )
        return
    print_table(rows, builds, generation, args)
    print("code measured: " + ", ".join(f"{k} {v}" for k, v in version.items()) + " (working tree)")
    if settings:
        print("postgres settings: " + ", ".join(f"{k} {v}" for k, v in settings.items()))
    for block in explained:
        print()
        print(block)


if __name__ == "__main__":
    main()
