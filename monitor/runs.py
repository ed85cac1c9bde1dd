"""Every crawl recorded in `crawl_runs`, scheduled or by hand: its row is written as it starts
(status running) and completed as it ends, with its figures, its status and its health.

Statuses: finished; failed (the crawl broke, no list page could be read, or its process
failed before it could record itself: the scheduler records those); time_limit (stopped at
the site's time limit); interrupted (stopped by a signal, or found still `running` with its
process gone: a run that holds the site's lock marks those); refused (another run of the
site was under way).

While a run goes, its row gets its figures so far every PROGRESS_EVERY seconds, with the time
(`seen_at` in its detail): a run killed without a word is then closed with what it had done
and the time it was last seen alive."""

from __future__ import annotations

import logging
import signal
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Self, cast

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task, threads
from twisted.internet.defer import Deferred

from db import Archive
from db import health as health_events
from db import runs as run_rows
from monitor import health
from monitor.crawl import CrawlJob, project_settings, run_crawls, spider_loader, uninterrupted
from monitor.locks import SiteLock, site_key
from pipelines.archive_access import archive_for
from pipelines.article import china_time
from spiders.base import SiteSpider

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5.0  # seconds between saves of a running run's figures


@dataclass
class RunResult:
    run_id: int
    spider: str
    base_url: str
    status: str
    stats: dict[str, Any] = field(default_factory=dict)
    holder: int | None = None  # refused: the run that holds the site
    health: dict[str, str] = field(default_factory=dict)  # this run's conditions
    raised: list[str] = field(default_factory=list)  # those raised as new health events


def _now() -> datetime:
    return datetime.now(UTC)


def site_address(job: CrawlJob) -> str:
    """The address a job crawls: its own, or its spider's live site."""
    if job.base_url:
        return job.base_url.rstrip("/")
    spider = cast(type[SiteSpider], spider_loader().load(job.spider))  # every project spider is one
    return spider.live_base_url


def figures(stats: dict[str, Any]) -> dict[str, int]:
    """pages fetched (every response), new articles, errors: broken pages, failed list pages,
    articles not stored, exceptions in the spider's code."""
    errors = sum(
        stats.get(key, 0)
        for key in (
            "monitor/broken",
            "monitor/lists/failed",
            "monitor/articles/store_failed",
            "spider_exceptions/count",
        )
    )
    return {
        "pages_fetched": stats.get("downloader/response_count", 0),
        "new_articles": stats.get("monitor/articles/new", 0),
        "errors": errors,
    }


def status_of(stats: dict[str, Any]) -> str:
    reason = stats.get("finish_reason")
    if reason == "closespider_timeout":
        return "time_limit"
    if reason in ("shutdown", None):  # None: a second signal stopped the crawl before it closed
        return "interrupted"
    if reason != "finished" or not stats.get("monitor/lists/read"):
        return "failed"
    return "finished"


def _counts(stats: dict[str, Any]) -> dict[str, Any]:
    """What `detail` keeps of Scrapy's stats: the counts (times are the row's own)."""
    kept: dict[str, Any] = {k: v for k, v in stats.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    if "finish_reason" in stats:
        kept["finish_reason"] = stats["finish_reason"]
    return kept


# --- the rows ---


def start_run(
    archive: Archive, spider: str, base_url: str, status: str = "running", detail: dict[str, Any] | None = None
) -> int:
    with archive.engine.begin() as conn:
        return run_rows.insert_run(conn, spider, base_url, _now(), status, detail or {})


def record_failed_start(
    archive: Archive, spider: str, base_url: str, error: str, exit_status: int | None = None
) -> int:
    """A run whose process failed before it could record itself (it could not start, or
    died importing): a failed row saying why, so that no scheduled run goes unrecorded."""
    detail: dict[str, Any] = {"error": error}
    if exit_status is not None:
        detail["exit_status"] = exit_status
    return start_run(archive, spider, base_url, status="failed", detail=detail)


def recorded_since(archive: Archive, spider: str, base_url: str, since: datetime) -> bool:
    """Whether a run of the site has been recorded since then."""
    with archive.engine.connect() as conn:
        return run_rows.recorded_since(conn, spider, base_url, since)


def new_articles_since(archive: Archive, spider: str, base_url: str, since: datetime) -> int:
    """The new articles the site's runs recorded since then have stored."""
    with archive.engine.connect() as conn:
        return run_rows.new_articles_since(conn, spider, base_url, since)


def running_run(archive: Archive, spider: str, base_url: str) -> int | None:
    """The site's newest run still `running`: the one that holds its lock, as a rule."""
    with archive.engine.connect() as conn:
        return run_rows.newest_running(conn, spider, base_url)


def close_abandoned(
    archive: Archive,
    spider: str,
    base_url: str,
    status: str = "interrupted",
    since: datetime | None = None,
    of: tuple[str, ...] = ("running",),
    ended_at: datetime | None = None,
) -> int:
    """Give the site's runs still `running` (or another of `of`) the status `status`: call it
    holding the site's lock, or knowing the run's process has ended, when no run of the site
    can be alive. `since`: only those started then or later. A row without an end ends at
    `ended_at` (when its process was seen to end), else when its run was last seen alive."""
    with archive.transaction() as conn:
        rows = run_rows.with_status(conn, spider, base_url, of, since)
        for row in rows:
            run_rows.set_status(conn, row.id, status, row.ended_at or ended_at or _last_seen(row))
    return len(rows)


def _last_seen(row: Any) -> datetime:
    """When a run found dead was last seen alive: its last saved progress, else its start."""
    seen = (row.detail or {}).get("seen_at")
    return datetime.fromisoformat(seen) if seen else row.started_at


def finish_run(archive: Archive, result: RunResult, rhythm: timedelta | None) -> None:
    """Complete the run's row and raise its new health conditions, in one transaction."""
    result.health = health.conditions(archive, result.spider, result.base_url, result.stats, rhythm)
    with archive.transaction() as conn:
        result.raised = health.raise_new(conn, result.run_id, result.spider, result.base_url, result.health)
        run_rows.complete(
            conn,
            result.run_id,
            result.status,
            _now(),
            **figures(result.stats),
            detail={**_counts(result.stats), "health": result.health},
        )


class Progress:
    """A Scrapy extension: every PROGRESS_EVERY seconds of a recorded crawl, the run's row
    gets the figures so far and the time (its process may be killed at any moment, and the
    run that finds it dead has nothing else to go by). The crawl's MONITOR_RUNS setting maps
    each site (locks.site_key) to its run's row."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archive: Archive | None = None  # the crawl's own, once a run is known
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider: SiteSpider) -> None:
        run_id = self.crawler.settings.getdict("MONITOR_RUNS").get(site_key(spider.name, spider.base_url))
        if run_id is not None:
            self.archive = archive_for(self.crawler)
            self.loop = task.LoopingCall(self._save, run_id)
            self.loop.start(PROGRESS_EVERY, now=True)

    def closed(self, spider: Spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def _save(self, run_id: int) -> Deferred:
        """The stats are read here, on the crawl's thread; the row is written off it."""
        stats = self.crawler.stats.get_stats()
        values = {**figures(stats), "detail": {**_counts(stats), "seen_at": _now().isoformat()}}
        return threads.deferToThread(self._write, run_id, values)

    def _write(self, run_id: int, values: dict[str, Any]) -> None:
        try:
            assert self.archive is not None
            with self.archive.transaction() as conn:
                run_rows.save_progress(conn, run_id, **values)
        except SQLAlchemyError as error:  # the next save may get through; the crawl goes on regardless
            logger.warning("progress of run %s not saved: %s", run_id, error)


# --- crawling with records ---


def recorded_crawls(
    archive: Archive,
    jobs: list[CrawlJob],
    local: bool = False,
    time_limit: timedelta | None = None,
    rhythm: timedelta | None = None,
    **overrides: Any,
) -> list[RunResult]:
    """Run the jobs side by side in this process, each under its site's lock and recorded;
    a job whose site is being crawled already is refused. Results in the jobs' order."""
    # Until the crawl's own handlers take over, SIGTERM stops this as Ctrl-C does, so that a
    # run begun is recorded interrupted rather than left `running` by a process gone.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if time_limit is not None:
        overrides["CLOSESPIDER_TIMEOUT"] = time_limit.total_seconds()
    results: list[RunResult] = []
    locks: list[SiteLock] = []
    try:
        try:
            for job in jobs:
                results.append(_begin(archive, job, locks))
            running = [r for r in results if r.status == "running"]
            _crawl(archive, running, local, overrides)
        except KeyboardInterrupt:  # before the crawls' own handlers took over: reported as they would be
            _interrupted(archive, results)
            return results
        with uninterrupted():
            for result in running:
                finish_run(archive, result, rhythm)
    finally:
        for lock in locks:
            lock.release()
    return results


def _interrupted(archive: Archive, results: list[RunResult]) -> None:
    """The runs begun, recorded interrupted."""
    with uninterrupted():
        for result in results:
            if result.status == "running":
                result.status = "interrupted"
                finish_run(archive, result, None)


def _begin(archive: Archive, job: CrawlJob, locks: list[SiteLock]) -> RunResult:
    address = site_address(job)
    lock = SiteLock(archive, job.spider, address)
    if not lock.acquire():
        holder = running_run(archive, job.spider, address)
        run_id = start_run(
            archive, job.spider, address, status="refused", detail={"holder": holder} if holder else None
        )
        return RunResult(run_id, job.spider, address, "refused", holder=holder)
    locks.append(lock)
    close_abandoned(archive, job.spider, address)  # we hold the lock: whatever is `running` is dead
    return RunResult(start_run(archive, job.spider, address), job.spider, address, "running")


def _crawl(archive: Archive, running: list[RunResult], local: bool, overrides: dict[str, Any]) -> None:
    if not running:
        return
    jobs = [CrawlJob(r.spider, r.base_url) for r in running]
    # Beside the extensions the project enables: a setting given here replaces theirs.
    extensions = {**project_settings(archive.url, **overrides).getdict("EXTENSIONS"), "monitor.runs.Progress": 0}
    overrides = {
        **overrides,
        "EXTENSIONS": extensions,
        "MONITOR_RUNS": {site_key(r.spider, r.base_url): r.run_id for r in running},
    }
    try:
        all_stats = run_crawls(jobs, archive.url, local, **overrides)
    except Exception:
        for result in running:
            result.status = "failed"
            finish_run(archive, result, None)
        raise
    for result, stats in zip(running, all_stats, strict=False):
        result.stats, result.status = stats, status_of(stats)


# --- reading ---


def list_runs(archive: Archive, site: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The newest runs first, each with the health events it raised. `site`: a spider name or
    a host (`127.0.0.1:8741`, `news.metal.com`)."""
    with archive.engine.connect() as conn:
        runs = run_rows.newest(conn, site, limit)
        events = health_events.events_of_runs(conn, [run.id for run in runs])
    raised: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        raised.setdefault(event.run_id, []).append(
            {"kind": event.kind, "detail": event.detail, "raised_at": china_time(event.raised_at)}
        )
    return [_run_dict(run, raised.get(run.id, [])) for run in runs]


def _run_dict(run: Any, raised: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = (run.ended_at - run.started_at).total_seconds() if run.ended_at else None
    return {
        "id": run.id,
        "site": run.site,
        "base_url": run.base_url,
        "status": run.status,
        "started_at": china_time(run.started_at),
        "ended_at": china_time(run.ended_at),
        "seconds": seconds,
        "pages_fetched": run.pages_fetched,
        "new_articles": run.new_articles,
        "errors": run.errors,
        "health": run.detail.get("health", {}),
        "raised": raised,
        "detail": run.detail,
    }
