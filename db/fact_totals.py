"""Facts rolled up by who or where they are about: the facts of one kind with their party
or place and the article's publication time, which monitor.cases totals by year."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from db.models import Article, ArticleTag, Fact

BY = ("party", "place")


def fact_numbers(
    conn: Connection,
    kind: str,
    by: str,
    tags: Collection[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Any]:
    """(who: the fact's party or place, number, published_at, story_id) of the facts of `kind` that name
    one; of articles tagged with any of `tags` and published in [since, until) when given."""
    column = Fact.party if by == "party" else Fact.place
    query = (
        select(column.label("who"), Fact.number, Article.published_at, Article.story_id)
        .join(Article, Article.id == Fact.article_pk)
        .where(Fact.kind == kind, column.is_not(None), Fact.number.is_not(None))
    )
    if since:
        query = query.where(Article.published_at >= since)
    if until:
        query = query.where(Article.published_at < until)
    if tags is not None:
        query = query.where(Article.id.in_(select(ArticleTag.article_pk).where(ArticleTag.tag.in_(sorted(tags)))))
    return list(conn.execute(query).all())
