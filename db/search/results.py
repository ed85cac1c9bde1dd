"""A search's results on either engine: pages of ranked matches (copies of one story
collapsed into the story's face), every match in order, counts, facets, and the copy of an
alert batch's matches."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text

from db.search.engines import index_for
from db.search.index import RANKED, order
from db.search.spec import Ranked, Search
from db.search.statement import Statement

# Searches matched in one statement (SQLite takes at most 500 parts of a UNION ALL).
RULES_PER_STATEMENT = 100


def ranked(conn: Connection, search: Search, limit: int, offset: int = 0) -> tuple[list[Ranked], int]:
    """One page of matches, best first, and how many there are in all (stories when
    collapsed: a story ranks where its best copy does, and shows its earliest matching
    copy that is not a garbled mirror copy). A second pass only when the best hold too
    few stories."""
    index = index_for(conn)
    if not search.collapse:
        rows = index.best(conn, search, limit, offset, None)
        total = rows[0].total if rows else (count(conn, search) if offset else 0)
        return [Ranked(r.id, r.story_id) for r in rows], total
    wanted, fetch = offset + limit, (offset + limit) * 2 + 20
    while True:
        rows = index.best(conn, search, fetch, 0, wanted)
        stories = list(dict.fromkeys(r.story_id for r in rows))
        if len(stories) >= wanted or len(rows) < fetch:
            break
        fetch *= 4
    total = rows[0].total if rows else 0
    page = stories[offset:wanted]
    members = _matching_copies(conn, search, page)
    return [Ranked(face(members[story]).id, story) for story in page], total


def every_ranked(conn: Connection, search: Search) -> list[Ranked]:
    """Every match in the order `ranked` pages through them, in one pass (exports)."""
    matches = index_for(conn).matches(conn, search)
    sql = matches.sql
    rows = conn.execute(
        sql.clause(f"SELECT * FROM ({matches.select(RANKED)}) AS m ORDER BY {order(search)}"), sql.params
    ).all()
    if not search.collapse:
        return [Ranked(r.id, r.story_id) for r in rows]
    stories: dict[int, list] = {}
    for row in rows:  # in order: a story first appears at its best copy
        stories.setdefault(row.story_id, []).append(row)
    return [Ranked(face(copies).id, story) for story, copies in stories.items()]


def _matching_copies(conn: Connection, search: Search, stories: list[int]) -> dict[int, list]:
    """The matching articles of these stories, by story."""
    if not stories:
        return {}
    ids = [
        row.id
        for row in conn.execute(
            text("SELECT id FROM articles WHERE story_id IN :stories").bindparams(bindparam("stories", expanding=True)),
            {"stories": stories},
        )
    ]
    matches = index_for(conn).matches(conn, search).unscored().among(ids)
    out: dict[int, list] = {}
    for row in conn.execute(matches.sql.clause(matches.select(RANKED)), matches.sql.params):
        out.setdefault(row.story_id, []).append(row)
    return out


def face(copies: list) -> Any:
    """The copy a story shows: the earliest that is not a garbled mirror copy."""
    far_future = datetime.max
    return min(copies, key=lambda r: (bool(r.garbled), r.published_at is None, r.published_at or far_future, r.id))


def count(conn: Connection, search: Search) -> int:
    matches = index_for(conn).matches(conn, search).unscored()
    counted = "COUNT(DISTINCT m.story_id)" if search.collapse else "COUNT(*)"
    statement = f"SELECT {counted} FROM ({matches.select('a.id, a.story_id')}) AS m"
    return conn.execute(matches.sql.clause(statement), matches.sql.params).scalar_one()


def facets(conn: Connection, search: Search, top_tags: int = 30) -> dict[str, list[tuple[str, int]]]:
    """Counts of the matches by site host, language, month (China time) and tag: the
    biggest first, months in order. Collapsed, they count what the total counts, stories,
    each by the copy it shows (`face`): a story's mirror copies add nothing."""
    index = index_for(conn)
    matches = index.matches(conn, search).unscored()
    shown = (
        (  # face() in SQL: the earliest copy that is not garbled
            "SELECT * FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.story_id"
            " ORDER BY c.garbled, c.published_at IS NULL, c.published_at, c.id) AS nth FROM c) AS f WHERE f.nth = 1"
        )
        if search.collapse
        else "SELECT * FROM c"
    )
    month = index.month_sql
    statement = (
        f"WITH c AS MATERIALIZED ({matches.select('a.id, a.story_id, a.host, a.lang, a.published_at, a.garbled')}),"
        f" m AS MATERIALIZED ({shown})"
        f" SELECT 'site' AS facet, m.host AS value, COUNT(*) AS n FROM m GROUP BY m.host"
        f" UNION ALL SELECT 'lang', m.lang, COUNT(*) FROM m GROUP BY m.lang"
        f" UNION ALL SELECT 'month', {month}, COUNT(*) FROM m WHERE m.published_at IS NOT NULL GROUP BY {month}"
        f" UNION ALL SELECT 'tag', t.tag, COUNT(*) FROM m JOIN article_tags AS t ON t.article_pk = m.id GROUP BY t.tag"
    )
    out: dict[str, list[tuple[str, int]]] = {"site": [], "lang": [], "month": [], "tag": []}
    for row in conn.execute(matches.sql.clause(statement), matches.sql.params):
        out[row.facet].append((row.value, row.n))
    for name in ("site", "lang", "tag"):
        out[name].sort(key=lambda item: (-item[1], item[0]))
    out["tag"] = out["tag"][:top_tags]
    out["month"].sort()
    return out


def prepare_queued_matches(conn: Connection, searches: Iterable[Search], low: int, high: int) -> None:
    """Ready the index for matching these searches against the queued articles with ids
    from `low` to `high` (copy_queued_matches), in this transaction."""
    index_for(conn).prepare_queued(conn, searches, low, high)


def copy_queued_matches(conn: Connection, searches: dict[int, Search], low: int, high: int, table: str) -> None:
    """Copy the queued articles with ids from `low` to `high` that each search (by rule
    id) matches into `table` (rule_id, article_pk, story_id, garbled, published_at), in the
    database: alert matching (db.alerts) then works on them as a set. The searches go
    RULES_PER_STATEMENT to a statement: one each, the statements' own cost (a round trip,
    a parse, a plan) was most of the time. prepare_queued_matches first."""
    index = index_for(conn)
    rules = list(searches.items())
    for start in range(0, len(rules), RULES_PER_STATEMENT):
        sql = Statement()
        parts = []
        for rule_id, search in rules[start : start + RULES_PER_STATEMENT]:
            matches = index.queued_matches(conn, search, low, high, sql)
            parts.append(
                f"SELECT {sql.param(rule_id)}, m.id, m.story_id, m.garbled, m.published_at"
                f" FROM ({matches.select('a.id, a.story_id, a.garbled, a.published_at')}) AS m"
            )
        conn.execute(
            sql.clause(
                f"INSERT INTO {table} (rule_id, article_pk, story_id, garbled, published_at) "
                + " UNION ALL ".join(parts)
            ),
            sql.params,
        )
