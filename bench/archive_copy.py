"""Moving an archive whole (`monitor db copy`): a generated archive of N articles
(bench/corpus.py, loaded as bench/search_latency.py loads them) with R rules matched over it
(their alerts), copied from SQLite to PostgreSQL and back to SQLite, each copy timed (wall,
and CPU of this process: the rest is the servers'). No reference is run beside it (the
copy is the only way to move an archive whole): on a loaded machine, compare the CPU
figures. The bench's own PostgreSQL database is made and dropped.

    .venv/bin/python -m bench.archive_copy [--articles 2000] [--rules 60]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, text

from bench.alert_matching import prepare, rules
from bench.search_latency import PG_SERVER, SqliteLoader, load
from db import Archive
from monitor.alerts import RunReport, match_queue
from monitor.cli import main as monitor

DATABASE = "monitor_bench_copy"


def timed_copy(source: str, target: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    assert monitor(["--db", source, "db", "copy", "--into", target]) == 0
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rules", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="monitor-copy-bench-"))
    server = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        loader = SqliteLoader(folder / "source.sqlite3")
        load(
            [loader],
            SimpleNamespace(
                articles=args.articles,
                seed=args.seed,
                workers=1,
                reuse=False,
                no_optimize=False,
                corpus=None,
                overlap=False,
                generate_only=False,
            ),
        )
        archive = Archive(loader.url)
        prepare(archive, rules(args.rules, args.seed))
        report = RunReport()
        match_queue(archive, report)
        archive.engine.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        postgres = f"{PG_SERVER}/{DATABASE}"
        back = f"sqlite:///{folder / 'back.sqlite3'}"
        print(f"{args.articles:,} articles, {args.rules} rules, {sum(report.alerts.values()):,} alerts")
        for name, source, target in (
            ("SQLite -> PostgreSQL", loader.url, postgres),
            ("PostgreSQL -> SQLite", postgres, back),
        ):
            wall, cpu = timed_copy(source, target)
            print(f"{name}: {wall:.1f} s (CPU {cpu:.1f} s), {args.articles / wall:,.0f} articles/s")
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        server.dispose()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
