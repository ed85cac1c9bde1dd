"""The crawl_runs table: one row per crawl of a site, written as it starts and completed as
it ends. monitor.runs decides what a run's row says; this stores and reads it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, func, insert, or_, select, update

from db.models import CrawlRun


def insert_run(
    conn: Connection, site: str, base_url: str, started_at: datetime, status: str, detail: dict[str, Any]
) -> int:
    """A new run's row, with no figures yet; one not `running` has ended as it started."""
    return conn.execute(
        insert(CrawlRun)
        .values(
            site=site,
            base_url=base_url,
            started_at=started_at,
            ended_at=None if status == "running" else started_at,
            status=status,
            pages_fetched=0,
            new_articles=0,
            errors=0,
            detail=detail,
        )
        .returning(CrawlRun.id)
    ).scalar_one()


def _of_site(site: str, base_url: str) -> ColumnElement[bool]:
    return (CrawlRun.site == site) & (CrawlRun.base_url == base_url)


def recorded_since(conn: Connection, site: str, base_url: str, since: datetime) -> bool:
    query = select(CrawlRun.id).where(_of_site(site, base_url), CrawlRun.started_at >= since)
    return conn.execute(query.limit(1)).first() is not None


def new_articles_since(conn: Connection, site: str, base_url: str, since: datetime) -> int:
    """The new articles the site's runs started since then have stored."""
    query = select(func.coalesce(func.sum(CrawlRun.new_articles), 0)).where(
        _of_site(site, base_url), CrawlRun.started_at >= since
    )
    return conn.execute(query).scalar_one()


def newest_running(conn: Connection, site: str, base_url: str) -> int | None:
    query = select(CrawlRun.id).where(_of_site(site, base_url), CrawlRun.status == "running")
    return conn.execute(query.order_by(CrawlRun.id.desc()).limit(1)).scalar()


def first_started(conn: Connection, site: str, base_url: str) -> datetime | None:
    return conn.scalar(select(func.min(CrawlRun.started_at)).where(_of_site(site, base_url)))


def with_status(
    conn: Connection, site: str, base_url: str, statuses: Iterable[str], since: datetime | None = None
) -> list[Row]:
    """The site's runs of these statuses (started `since` or later): id, started_at, ended_at, detail."""
    query = select(CrawlRun.id, CrawlRun.started_at, CrawlRun.ended_at, CrawlRun.detail).where(
        _of_site(site, base_url), CrawlRun.status.in_(list(statuses))
    )
    if since is not None:
        query = query.where(CrawlRun.started_at >= since)
    return list(conn.execute(query).all())


def set_status(conn: Connection, run_id: int, status: str, ended_at: datetime) -> None:
    conn.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(status=status, ended_at=ended_at))


def complete(conn: Connection, run_id: int, status: str, ended_at: datetime, **figures: Any) -> None:
    """A run's row as it ends: its status, its figures (columns and detail)."""
    conn.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(ended_at=ended_at, status=status, **figures))


def save_progress(conn: Connection, run_id: int, **figures: Any) -> None:
    """A running run's figures so far; a row completed meanwhile keeps its final figures."""
    conn.execute(update(CrawlRun).where(CrawlRun.id == run_id, CrawlRun.status == "running").values(**figures))


def earlier_details(conn: Connection, site: str, base_url: str, before_run: int, limit: int) -> Iterable[dict]:
    """The details of the site's runs before this one, newest first, leaving out those still
    running and those refused."""
    return conn.execute(
        select(CrawlRun.detail)
        .where(_of_site(site, base_url), CrawlRun.id < before_run, CrawlRun.status.not_in(("running", "refused")))
        .order_by(CrawlRun.id.desc())
        .limit(limit)
    ).scalars()


def newest(conn: Connection, site: str | None, limit: int) -> list[Row]:
    """The newest runs first, whole rows. `site`: a spider name or a host (`127.0.0.1:8741`)."""
    query = select(*CrawlRun.__table__.columns).order_by(CrawlRun.id.desc()).limit(limit)
    if site:
        query = query.where(or_(CrawlRun.site == site, CrawlRun.base_url.in_((f"http://{site}", f"https://{site}"))))
    return list(conn.execute(query).all())
