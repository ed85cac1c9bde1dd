"""A CNMN replica of many articles crawled at full speed into an archive of the bench's own,
against the text pipeline alone on the same articles in the same run (these machines are
shared and noisy: the ratio is what counts).

    .venv/bin/python bench/crawl_throughput.py [--articles 10000] [--db URL] [--set NAME=VALUE]

The replica (`python -m monitor.replica --articles N --sites cnmn`) and the crawl run in
processes of their own, so that the crawl's CPU time and memory are its own. Prints the
crawl's articles/s and CPU per article, the text stages' CPU per article on the stored
articles, and the crawl's peak RSS when 1k, 5k and N articles were stored.
Targets: the crawl's CPU per article <= 2x the pipeline's; peak RSS flat within 20%, < 500 MB.
--db: an archive URL of the bench's own (default: a SQLite file in a temporary folder); the
crawl adds to it."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

ROOT = Path(__file__).resolve().parents[1]
FULL_SPEED = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "LOG_LEVEL": "WARNING",
}
LIST_PAGE_SIZE = 20  # CNMN's lists (catalog.CNMN_PAGE_SIZE): the all-news channel links every article


def serve_replica(articles: int) -> tuple[subprocess.Popen, str]:
    replica = subprocess.Popen(
        [sys.executable, "-m", "monitor.replica", "--articles", str(articles), "--sites", "cnmn"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert replica.stdout is not None
    _site, address = replica.stdout.readline().split()
    return replica, address


def crawl(address: str, db_url: str, articles: int, overrides: dict[str, str]) -> None:
    """The crawl itself, in the child process: prints its stats as JSON."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from monitor.crawl import project_settings

    process = CrawlerProcess(project_settings(db_url, local=True, **{**FULL_SPEED, **overrides}))
    crawler = process.create_crawler("cnmn")
    opened: list[float] = []  # the process's CPU seconds as the spider opened: imports, settings, the archive
    crawler.signals.connect(lambda: opened.append(time.process_time()), signal=signals.spider_opened, weak=False)
    process.crawl(crawler, base_url=address, max_pages=articles // LIST_PAGE_SIZE + 2)
    process.start()
    print(json.dumps({"stats": crawler.stats.get_stats(), "threads": thread_cpu(), "startup": opened[0]}, default=str))


def thread_cpu() -> dict[str, float]:
    """CPU seconds of each live thread of this process, by name (the reactor is MainThread)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds: dict[str, float] = {}
    for thread in threading.enumerate():
        fields = Path(f"/proc/self/task/{thread.native_id}/stat").read_text().rsplit(")", 1)[1].split()
        name = thread.name.rsplit("_", 1)[0]  # an executor's threads: prefix_N
        seconds[name] = seconds.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return seconds


def stored(engine) -> int:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    except SQLAlchemyError:  # the crawl (or the workers) has not made the schema yet
        return 0


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def watched_crawl(address: str, db_url: str, articles: int, checkpoints: list[int], sets: list[str]) -> dict:
    """Run the crawl in a child process; note its peak RSS as the archive reaches each
    checkpoint; return its stats, wall time and CPU time."""
    engine = create_engine(db_url)
    before = stored(engine)
    start, cpu_before = time.perf_counter(), children_cpu()
    child = subprocess.Popen(
        [sys.executable, __file__, "--crawl", address, "--db", db_url, "--articles", str(articles)]
        + [f"--set={setting}" for setting in sets],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    peaks: dict[int, float] = {}
    while child.poll() is None:
        count = stored(engine) - before
        try:
            rss = peak_rss_mb(child.pid)
        except (OSError, RuntimeError):  # exiting
            break
        for checkpoint in checkpoints:
            if count >= checkpoint and checkpoint not in peaks:
                peaks[checkpoint] = rss
        time.sleep(0.25)
    out, _ = child.communicate()
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu_before
    # The last checkpoint may come as the crawl exits: its peak is the whole crawl's.
    peaks.setdefault(checkpoints[-1], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    child_report = json.loads(out.strip().splitlines()[-1])
    engine.dispose()
    return {**child_report, "wall": wall, "cpu": cpu, "peaks": peaks}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pipeline_cpu(db_url: str) -> tuple[int, float]:
    """(articles, CPU seconds) of the text stages alone on the stored articles' text."""
    from db import Archive
    from pipelines.article import Article
    from pipelines.stages import process

    batch = [
        Article(
            url=row.url,
            site=row.site,
            html=b"",
            encoding="utf-8",
            status=200,
            fetched_at=datetime.now(UTC),
            canonical_url=row.canonical_url,
            site_article_id=row.site_article_id,
            title=row.title,
            published_at=row.published_at,
            paragraphs=row.body.split("\n"),
        )
        for row in Archive(db_url).articles(site="cnmn")
    ]
    process(batch[0])  # load jieba, OpenCC, the vocabulary outside the timing
    start = time.process_time()
    for article in batch:
        process(article)
    return len(batch), time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", help="an archive of the bench's own (default: a new SQLite file)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting for the crawl (repeatable)"
    )
    parser.add_argument("--crawl", metavar="ADDRESS", help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args()
    if any("=" not in setting for setting in args.set):
        parser.error("--set takes NAME=VALUE")
    if args.crawl:
        crawl(args.crawl, args.db, args.articles, dict(setting.split("=", 1) for setting in args.set))
        return
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as folder:
        db_url = args.db or f"sqlite:///{folder}/archive.sqlite3"
        replica, address = serve_replica(args.articles)
        try:
            checkpoints = sorted({k for k in (1000, 5000) if k < args.articles} | {args.articles})
            run = watched_crawl(address, db_url, args.articles, checkpoints, args.set)
        finally:
            replica.terminate()
            replica.wait()
        report(run, *pipeline_cpu(db_url), checkpoints)


def report(run: dict, pipeline_articles: int, pipeline_seconds: float, checkpoints: list[int]) -> None:
    stats = run["stats"]
    new = stats.get("monitor/articles/new", 0)
    failed = stats.get("monitor/articles/store_failed", 0)
    cpu = run["cpu"]
    crawl_ms, pipeline_ms = 1000 * cpu / new, 1000 * pipeline_seconds / pipeline_articles
    print(
        f"crawl: {new} articles stored, {failed} not stored, in {run['wall']:.1f} s: {new / run['wall']:.1f} articles/s"
    )
    print(f"CPU per article: crawl {crawl_ms:.1f} ms, text stages alone {pipeline_ms:.1f} ms:")
    print(f"  ratio {crawl_ms / pipeline_ms:.2f}x (target <= 2.00x)")
    threads = ", ".join(f"{name} {1000 * seconds / new:.1f} ms" for name, seconds in sorted(run["threads"].items()))
    print(f"  the crawl's CPU per article by thread: {threads}")
    print(f"  of which before the spider opened (imports, settings, the archive): {1000 * run['startup'] / new:.2f} ms")
    peaks = [run["peaks"].get(k) for k in checkpoints]
    print("peak RSS: " + ", ".join(f"{k:,} articles {p:.0f} MB" for k, p in zip(checkpoints, peaks, strict=True) if p))
    known = [p for p in peaks if p]
    if known:
        print(f"  growth {max(known) / min(known) - 1:.0%} (target <= 20%, < 500 MB)")
    print(
        f"store: {stats.get('monitor/store/ms', 0) / new:.1f} ms an article in the writer (wall); queue"
        f" peak {stats.get('monitor/store/queue_peak', 0)} batches; {stats.get('monitor/store/waits', 0)} articles"
        " waited for room"
    )


if __name__ == "__main__":
    main()
