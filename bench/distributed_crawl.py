"""A CNMN replica of many articles crawled by 1, 2 and 4 `monitor worker` processes into a
PostgreSQL archive, a new database for each run: articles/s of each and the speed-up over one
worker, in the same run (these machines are shared and noisy: the ratios are what counts).

    .venv/bin/python bench/distributed_crawl.py [--articles 20000] [--workers 1,2,4]
        [--postgres URL] [--redis URL]

The replica (`python -m monitor.replica --articles N --sites cnmn`) runs in a process of its
own; the site is queued as `monitor crawl --distributed` queues it, at full speed (no delay,
32 downloads at once for all the workers together), then the workers start. A run's time is
from the workers' start to the last article stored (their start-up included). Also printed:
the workers' CPU per article, the seconds their stores spent on batches (waiting for the
archive's write lock included: one writer at a time) against the run's time, and the load.
Each database is dropped after its run."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawl_throughput import LIST_PAGE_SIZE, children_cpu, serve_replica, stored  # noqa: E402
from monitor.frontier import Frontier, Site, connect  # noqa: E402
from monitor.worker import seed  # noqa: E402

CONCURRENCY = 32


def run(address: str, articles: int, workers: int, postgres: str, redis_url: str) -> dict[str, float]:
    """One crawl of the replica by `workers` workers into a new database."""
    database = f"bench_distributed_{os.getpid()}_{workers}"
    admin = create_engine(make_url(postgres).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    url = make_url(postgres).set(database=database).render_as_string(hide_password=False)
    server, prefix = connect(redis_url), f"bench-distributed-{uuid.uuid4().hex[:8]}"
    site = Site("cnmn", address, 0.0, CONCURRENCY, max_pages=articles // LIST_PAGE_SIZE + 2)
    engine = create_engine(url)
    try:
        seed(server, prefix, site)
        environ = {**os.environ, "MONITOR_DB_URL": url, "MONITOR_REDIS_URL": redis_url, "MONITOR_REDIS_PREFIX": prefix}
        cpu_before, start = children_cpu(), time.perf_counter()
        logs = [tempfile.TemporaryFile("w+") for _ in range(workers)]  # noqa: SIM115 (closed in store_seconds)
        processes = [
            subprocess.Popen(
                # INFO: each crawl's stats are logged as it closes (the store's time among them).
                [sys.executable, "-m", "monitor.cli", "worker", "--until-idle", "1", "--log-level", "INFO"],
                cwd=ROOT,
                env=environ,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            for log in logs
        ]
        last_count, last_change = 0, start
        while any(process.poll() is None for process in processes):
            count = stored(engine)
            if count != last_count:
                last_count, last_change = count, time.perf_counter()
            time.sleep(0.5)
        count = stored(engine)
        if count != last_count:  # stored between the last look and the exit
            last_count, last_change = count, time.perf_counter()
        wall, cpu = last_change - start, children_cpu() - cpu_before
        assert all(process.returncode == 0 for process in processes), [p.returncode for p in processes]
        assert Frontier(server, prefix, site).state() == (0, 0)
        return {
            "stored": last_count,
            "wall": wall,
            "cpu": cpu,
            "load": os.getloadavg()[0],
            "store": store_seconds(logs),
        }
    finally:
        engine.dispose()
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def store_seconds(logs: list) -> float:
    """The seconds the workers' store threads spent on batches (waiting for the archive's
    write lock included), from the stats their crawls logged."""
    total = 0
    for log in logs:
        log.seek(0)
        total += sum(int(ms) for ms in re.findall(r"'monitor/store/ms': (\d+)", log.read()))
        log.close()
    return total / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--workers", default="1,2,4", help="the worker counts to run, in order")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("MONITOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="the PostgreSQL server (its databases are made and dropped by the bench)",
    )
    parser.add_argument("--redis", default=os.environ.get("MONITOR_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    replica, address = serve_replica(args.articles)
    results: dict[int, dict[str, float]] = {}
    try:
        for workers in (int(n) for n in args.workers.split(",")):
            results[workers] = result = run(address, args.articles, workers, args.postgres, args.redis)
            speed = result["stored"] / result["wall"]
            first = next(iter(results.values()))
            print(
                f"{workers} workers: {result['stored']} articles in {result['wall']:.1f} s: {speed:.1f} articles/s, "
                f"speed-up {speed / (first['stored'] / first['wall']):.2f}x; workers' CPU "
                f"{1000 * result['cpu'] / max(result['stored'], 1):.1f} ms an article; the stores busy "
                f"{result['store']:.0f} s ({result['store'] / result['wall']:.2f} of the time); load {result['load']:.1f}",
                flush=True,
            )
    finally:
        replica.terminate()
        replica.wait()


if __name__ == "__main__":
    main()
