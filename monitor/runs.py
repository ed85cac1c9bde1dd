"""Every crawl recorded in `crawl_runs`, scheduled or by hand: its row is written as it starts
(status running) and completed as it ends, with its figures, its status and its health.

Statuses: finished; failed (the crawl broke, or no list page could be read); time_limit
(stopped at the site's time limit); interrupted (stopped by a signal, or found still
`running` with its process gone: a run that holds the site's lock marks those);
refused (another run of the site was under way)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.spiderloader import SpiderLoader
from sqlalchemy import func, insert, or_, select, update

from db import Archive
from db.models import CrawlRun, HealthEvent
from monitor import health
from monitor.crawl import CrawlJob, project_settings, run_crawls
from monitor.locks import SiteLock
from pipelines.article import china_time


@dataclass
class RunResult:
    run_id: int
    spider: str
    base_url: str
    status: str
    stats: dict[str, Any] = field(default_factory=dict)
    health: dict[str, str] = field(default_factory=dict)  # this run's conditions
    raised: list[str] = field(default_factory=list)  # those raised as new health events


def _now() -> datetime:
    return datetime.now(UTC)


def site_address(job: CrawlJob) -> str:
    """The address a job crawls: its own, or its spider's live site."""
    if job.base_url:
        return job.base_url.rstrip("/")
    return SpiderLoader.from_settings(project_settings("sqlite://")).load(job.spider).live_base_url


def figures(stats: dict[str, Any]) -> dict[str, int]:
    """pages fetched (every response), new articles, errors: broken pages, failed list pages,
    articles not stored, exceptions in the spider's code."""
    errors = sum(stats.get(key, 0) for key in (
        "monitor/broken", "monitor/lists/failed", "monitor/articles/store_failed", "spider_exceptions/count",
    ))
    return {
        "pages_fetched": stats.get("downloader/response_count", 0),
        "new_articles": stats.get("monitor/articles/new", 0),
        "errors": errors,
    }


def status_of(stats: dict[str, Any]) -> str:
    reason = stats.get("finish_reason")
    if reason == "closespider_timeout":
        return "time_limit"
    if reason == "shutdown":
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


def start_run(archive: Archive, spider: str, base_url: str, status: str = "running") -> int:
    now = _now()
    with archive.engine.begin() as conn:
        return conn.execute(insert(CrawlRun).values(
            site=spider, base_url=base_url, started_at=now, ended_at=None if status == "running" else now,
            status=status, pages_fetched=0, new_articles=0, errors=0, detail={},
        )).inserted_primary_key[0]


def close_abandoned(archive: Archive, spider: str, base_url: str, status: str = "interrupted",
                    since: datetime | None = None, of: tuple[str, ...] = ("running",)) -> int:
    """Give the site's runs still `running` (or another of `of`) the status `status`: call it
    holding the site's lock, when no run of the site can be alive. `since`: only those
    started then or later."""
    query = update(CrawlRun).where(CrawlRun.site == spider, CrawlRun.base_url == base_url, CrawlRun.status.in_(of))
    if since is not None:
        query = query.where(CrawlRun.started_at >= since)
    with archive.engine.begin() as conn:
        return conn.execute(query.values(status=status, ended_at=func.coalesce(CrawlRun.ended_at, _now()))).rowcount


def finish_run(archive: Archive, result: RunResult, rhythm: timedelta | None) -> None:
    """Complete the run's row and raise its new health conditions, in one transaction."""
    result.health = health.conditions(archive, result.spider, result.base_url, result.stats, rhythm)
    with archive.transaction() as conn:
        result.raised = health.raise_new(conn, result.run_id, result.spider, result.base_url, result.health)
        conn.execute(update(CrawlRun).where(CrawlRun.id == result.run_id).values(
            ended_at=_now(), status=result.status, **figures(result.stats),
            detail={**_counts(result.stats), "health": result.health},
        ))


# --- crawling with records ---


def recorded_crawls(
    archive: Archive, jobs: list[CrawlJob], local: bool = False, time_limit: timedelta | None = None,
    rhythm: timedelta | None = None, **overrides: Any,
) -> list[RunResult]:
    """Run the jobs side by side in this process, each under its site's lock and recorded;
    a job whose site is being crawled already is refused. Results in the jobs' order."""
    if time_limit is not None:
        overrides["CLOSESPIDER_TIMEOUT"] = time_limit.total_seconds()
    results: list[RunResult] = []
    locks: list[SiteLock] = []
    try:
        for job in jobs:
            results.append(_begin(archive, job, locks))
        running = [r for r in results if r.status == "running"]
        _crawl(archive, running, local, overrides)
        for result in running:
            finish_run(archive, result, rhythm)
    finally:
        for lock in locks:
            lock.release()
    return results


def _begin(archive: Archive, job: CrawlJob, locks: list[SiteLock]) -> RunResult:
    address = site_address(job)
    lock = SiteLock(archive, job.spider, address)
    if not lock.acquire():
        return RunResult(start_run(archive, job.spider, address, status="refused"), job.spider, address, "refused")
    locks.append(lock)
    close_abandoned(archive, job.spider, address)  # we hold the lock: whatever is `running` is dead
    return RunResult(start_run(archive, job.spider, address), job.spider, address, "running")


def _crawl(archive: Archive, running: list[RunResult], local: bool, overrides: dict[str, Any]) -> None:
    if not running:
        return
    jobs = [CrawlJob(r.spider, r.base_url) for r in running]
    try:
        all_stats = run_crawls(jobs, archive.url, local, **overrides)
    except BaseException:
        for result in running:
            result.status = "failed"
            finish_run(archive, result, None)
        raise
    for result, stats in zip(running, all_stats):
        result.stats, result.status = stats, status_of(stats)


# --- reading ---


def list_runs(archive: Archive, site: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The newest runs first, each with the health events it raised. `site`: a spider name or
    a host (`127.0.0.1:8741`, `news.metal.com`)."""
    query = select(*CrawlRun.__table__.columns).order_by(CrawlRun.id.desc()).limit(limit)
    if site:
        query = query.where(or_(CrawlRun.site == site, CrawlRun.base_url.in_((f"http://{site}", f"https://{site}"))))
    with archive.engine.connect() as conn:
        runs = conn.execute(query).all()
        events = conn.execute(
            select(HealthEvent.run_id, HealthEvent.kind, HealthEvent.detail, HealthEvent.raised_at)
            .where(HealthEvent.run_id.in_([run.id for run in runs]))
            .order_by(HealthEvent.id)
        ).all()
    raised: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        raised.setdefault(event.run_id, []).append(
            {"kind": event.kind, "detail": event.detail, "raised_at": china_time(event.raised_at)}
        )
    return [_run_dict(run, raised.get(run.id, [])) for run in runs]


def _run_dict(run: Any, raised: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = (run.ended_at - run.started_at).total_seconds() if run.ended_at else None
    return {
        "id": run.id, "site": run.site, "base_url": run.base_url, "status": run.status,
        "started_at": china_time(run.started_at), "ended_at": china_time(run.ended_at), "seconds": seconds,
        "pages_fetched": run.pages_fetched, "new_articles": run.new_articles, "errors": run.errors,
        "health": run.detail.get("health", {}), "raised": raised, "detail": run.detail,
    }
