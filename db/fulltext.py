"""Full-text queries against the archive's index (SQLite FTS5 over segmented text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, bindparam, text

from db.archive import Archive, ArchiveError
from db.models import UTCDateTime

# bm25 weights: a match in the title counts five times one in the body.
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0


@dataclass(frozen=True)
class Filters:
    lang: str | None = None
    site: str | None = None  # a spider name (cnmn) or a host (www.cnmn.com.cn)
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Hit:
    id: int
    title: str
    title_simplified: str | None
    body: str
    body_simplified: str | None
    published_at: datetime | None
    site: str
    host: str
    url: str
    lang: str
    relevant: bool
    garbled: bool
    story_id: int
    rank: float


def match(archive: Archive, expression: str, filters: Filters, limit: int) -> list[Hit]:
    """Articles matching an FTS5 expression, supervision reports first, then by BM25.

    FTS runs first (CROSS JOIN fixes the join order): with a plain JOIN SQLite may walk the
    date index and probe the index once per row."""
    if not archive.is_sqlite:
        raise ArchiveError("search needs the SQLite archive for now (PostgreSQL search is planned)")
    where, params = ["article_fts MATCH :expression"], {"expression": expression, "limit": limit}
    if filters.lang:
        where.append("a.lang = :lang")
        params["lang"] = filters.lang
    if filters.site:
        where.append("(a.site = :site OR a.host = :site)")
        params["site"] = filters.site
    if filters.since:
        where.append("a.published_at >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append("a.published_at < :until")
        params["until"] = filters.until
    sql = (
        "SELECT a.id, a.title, a.title_simplified, a.body, a.body_simplified, a.published_at,"
        " a.site, a.host, a.url, a.lang, a.relevant, a.garbled, a.story_id,"
        f" bm25(article_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS rank"
        " FROM article_fts CROSS JOIN articles AS a ON a.id = article_fts.rowid"
        f" WHERE {' AND '.join(where)}"
        " ORDER BY a.relevant DESC, rank LIMIT :limit"
    )
    statement = (
        text(sql)
        .bindparams(*(bindparam(name, type_=UTCDateTime()) for name in ("since", "until") if name in params))
        .columns(published_at=UTCDateTime(), relevant=Boolean(), garbled=Boolean())
    )
    with archive.engine.connect() as conn:
        return [Hit(**row._asdict()) for row in conn.execute(statement, params)]
