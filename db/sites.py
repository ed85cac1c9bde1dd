"""Each site's articles in figures: how many, how many relevant, how recent, how often."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Row, func, select

from db.models import Article


def article_counts(conn: Connection) -> list[Row]:
    """Per host and spider, most articles first: host, site, articles, relevant, newest
    publication time."""
    return list(
        conn.execute(
            select(
                Article.host,
                Article.site,
                func.count(),
                func.count().filter(Article.relevant),
                func.max(Article.published_at),
            )
            .group_by(Article.host, Article.site)
            .order_by(func.count().desc(), Article.host)
        ).all()
    )


def newest_publication_times(conn: Connection, site: str, host: str, limit: int) -> list[datetime]:
    """The publication times of the site's newest dated articles on this host, newest first."""
    return cast(  # dated articles only: no None among them
        list[datetime],
        conn.scalars(
            select(Article.published_at)
            .where(Article.site == site, Article.host == host, Article.published_at.is_not(None))
            .order_by(Article.published_at.desc())
            .limit(limit)
        ).all(),
    )


def last_fetched(conn: Connection, site: str, host: str) -> datetime | None:
    """When the site's newest article on this host was fetched."""
    return conn.scalar(select(func.max(Article.fetched_at)).where(Article.site == site, Article.host == host))
