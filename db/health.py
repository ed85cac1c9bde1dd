"""The health_events table: a site's condition (blocked, extracts nothing, selectors drift,
quiet) raised by a run. monitor.health decides when one is raised; this stores and reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, func, insert, select

from db.models import CrawlRun, HealthEvent


def add_events(conn: Connection, run_id: int, site: str, details: dict[str, str], raised_at: datetime) -> None:
    """One event per kind of condition: {kind: what was seen}."""
    conn.execute(
        insert(HealthEvent),
        [
            {"site": site, "run_id": run_id, "kind": kind, "detail": detail, "raised_at": raised_at}
            for kind, detail in details.items()
        ],
    )


def events_of_runs(conn: Connection, run_ids: list[int]) -> list[Row]:
    """The events these runs raised, in order: run_id, kind, detail, raised_at."""
    return list(
        conn.execute(
            select(HealthEvent.run_id, HealthEvent.kind, HealthEvent.detail, HealthEvent.raised_at)
            .where(HealthEvent.run_id.in_(run_ids))
            .order_by(HealthEvent.id)
        ).all()
    )


def latest_events(conn: Connection, limit: int) -> list[Row]:
    """The newest events first, each with its run's address: id, site, kind, detail,
    raised_at, base_url (None once the run is gone)."""
    return list(
        conn.execute(
            select(
                HealthEvent.id,
                HealthEvent.site,
                HealthEvent.kind,
                HealthEvent.detail,
                HealthEvent.raised_at,
                CrawlRun.base_url,
            )
            .outerjoin(CrawlRun, CrawlRun.id == HealthEvent.run_id)
            .order_by(HealthEvent.id.desc())
            .limit(limit)
        ).all()
    )


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(HealthEvent)).scalar_one()
