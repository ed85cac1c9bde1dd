"""Alert matching: N rules against M new articles (the issue's figure: 1,000 rules, 10,000
articles, under 10 s on one core).

The articles are bench/corpus.py's generated ones, loaded as bench/search_latency.py loads
them, then all queued as new. The rules are the search benchmark's queries of every kind
(words, common words, two-word AND, phrases, filtered, expanded through the vocabulary).
Timed: monitor.alerts.match_queue, all of it (reading the queue, every rule's match over
each batch, recording alerts, emptying the queue), wall and CPU time of this one process.
On PostgreSQL also the CPU time of the server's processes meanwhile (the server is on this
machine: every `postgres` process's, so another client's work would count too), which the
bench's own CPU time leaves out. Reference in the same run: the same rules as ordinary
searches (first page of 10) over the same archive, once each. Printed with each engine's figures: a digest of the alerts raised
(each rule's name, article and story), the same on either engine and before and after a
change that should raise the same alerts.

    .venv/bin/python -m bench.alert_matching [--articles 10000] [--rules 1000] [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import text

from bench import corpus
from bench.search_latency import PostgresLoader, SqliteLoader, load
from db import Archive
from db import alerts as store
from monitor.alerts import RunReport, match_queue
from monitor.search import SearchOptions, search

PG_DATABASE = "monitor_bench_alerts"  # its own database, made and dropped: never another bench's
KINDS = ("word", "common", "and", "phrase", "filtered", "expanded")


def rules(count: int, seed: int) -> list[corpus.Query]:
    per_kind = -(-count // len(KINDS))
    mixed = [q for kind in KINDS for q in corpus.queries(seed, kind, per_kind)]
    return mixed[:count]


def prepare(archive: Archive, queries: list[corpus.Query]) -> None:
    """The rules stored, every article queued as new, no alert yet."""
    with archive.transaction() as conn:
        for table in ("delivery_attempts", "deliveries", "alerts", "alert_rules", "alert_queue"):
            conn.execute(text(f"DELETE FROM {table}"))
        for i, query in enumerate(queries):
            store.add_rule(conn, f"rule-{i}", query.text, exact=not query.expand)
        conn.execute(text("INSERT INTO alert_queue (article_pk) SELECT id FROM articles"))


def server_cpu() -> float:
    """CPU seconds so far of every PostgreSQL process of this machine (live ones)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().rsplit(")", 1)
        except OSError:  # gone meanwhile
            continue
        if name.endswith("(postgres"):
            utime, stime = fields.split()[11:13]
            seconds += (int(utime) + int(stime)) / tick
    return seconds


def measure(name: str, archive: Archive, queries: list[corpus.Query]) -> dict:
    prepare(archive, queries)
    report = RunReport()
    server = server_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    match_queue(archive, report)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server = server_cpu() - server
    began = time.perf_counter()
    for query in queries:
        search(archive, query.text, SearchOptions(expand=query.expand))
    reference = time.perf_counter() - began
    return {
        "digest": digest(archive),
        "engine": name,
        "articles": report.articles,
        "rules": report.rules,
        "alerts": sum(report.alerts.values()),
        "match_s": wall,
        "match_cpu_s": cpu,
        "server_cpu_s": server if name == "postgres" else None,
        "searches_s": reference,
    }


def digest(archive: Archive) -> str:
    """The alerts raised: each rule's name with its alerts' article and story ids, in order."""
    with archive.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.name, a.article_pk, a.story_id FROM alerts AS a JOIN alert_rules AS r ON r.id = a.rule_id"
                " ORDER BY r.name, a.article_pk"
            )
        ).all()
    return hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--engines", default="sqlite", help="sqlite, postgres or both (comma-separated)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="processes generating the corpus")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="monitor-alert-bench-"))
    loaders = {
        "sqlite": lambda: SqliteLoader(folder / "bench.sqlite3"),
        "postgres": lambda: PostgresLoader("monitor_alert_bench", PG_DATABASE),
    }
    chosen = [loaders[name]() for name in args.engines.split(",")]
    try:
        load(
            chosen,
            SimpleNamespace(
                articles=args.articles,
                seed=args.seed,
                workers=args.workers,
                reuse=False,
                no_optimize=False,
                corpus=None,
                overlap=False,
                generate_only=False,
            ),
        )
        queries = rules(args.rules, args.seed)
        print(f"{args.rules} rules ({', '.join(KINDS)}) against {args.articles:,} new articles, one process")
        for loader in chosen:
            archive = Archive(loader.url)
            row = measure(loader.name, archive, queries)
            archive.engine.dispose()
            server = "" if row["server_cpu_s"] is None else f", PostgreSQL's {row['server_cpu_s']:.2f} s"
            print(
                f"{row['engine']}: matched {row['articles']:,} articles against {row['rules']} rules in "
                f"{row['match_s']:.2f} s (CPU {row['match_cpu_s']:.2f} s{server}), {row['alerts']:,} alerts "
                f"(digest {row['digest']}); "
                f"the same rules as {row['rules']} searches (first page): {row['searches_s']:.2f} s; "
                f"ratio {row['match_s'] / row['searches_s']:.2f}"
            )
    finally:
        for loader in chosen:
            loader.drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
