"""What a page of results shows, read from the articles' rows: the results themselves, the
other copies of their stories, and the sites and hosts a site: filter may name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from db.models import Article

_SHOWN = (
    Article.id,
    Article.title,
    Article.title_simplified,
    Article.body,
    Article.body_simplified,
    Article.published_at,
    Article.site,
    Article.host,
    Article.url,
    Article.lang,
    Article.relevant,
    Article.relevance_label,
    Article.garbled,
    Article.story_id,
    Article.tags,
)
_COPY = (
    Article.id,
    Article.story_id,
    Article.url,
    Article.host,
    Article.site,
    Article.lang,
    Article.title,
    Article.published_at,
    Article.garbled,
)


def shown_articles(conn: Connection, ids: list[int]) -> dict[int, Any]:
    """The articles with these ids, by id: what a result shows and its snippet is cut from."""
    if not ids:
        return {}
    return {row.id: row for row in conn.execute(select(*_SHOWN).where(Article.id.in_(ids)))}


def story_copies(conn: Connection, stories: list[int]) -> dict[int, list[Any]]:
    """Every copy of these stories, by story, in id order."""
    out: dict[int, list[Any]] = {}
    if not stories:
        return out
    for row in conn.execute(select(*_COPY).where(Article.story_id.in_(stories)).order_by(Article.id)):
        out.setdefault(row.story_id, []).append(row)
    return out


def sites_and_hosts(conn: Connection) -> tuple[set[str], set[str]]:
    """The archive's spider names and hosts, in lower case."""
    sites, hosts = set(), set()
    for site, host in conn.execute(select(Article.site, Article.host).distinct()):
        sites.add(site.lower())
        hosts.add(host.lower())
    return sites, hosts
