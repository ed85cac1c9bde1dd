"""Inspection cases in the archive, kept up to date as articles are stored.

The case reading of each stored article about a case is kept (case_readings, with the
family of its party: the topmost organisation or place above it). When articles are stored, only the families
they touch are assembled again, from their stored readings, by the `assemble` function the
caller passes (pipelines.case_groups.assemble: db/ never imports pipelines); a case keeps its
id while its key (party and inspection) lives on, so links to it stay good. Each stage or
figure a case did not have is recorded as a case event, queued for the follow rules
(monitor.alerts) in the same transaction: so it is told once, and a repost tells nothing."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from db.models import Article, Case, CaseArticle, CaseEvent, CaseEventQueue, CaseFigure, CaseReadingRow, CaseStage

# Readings (with "article": the article's identity) -> case rows (pipelines.case_groups.case_rows).
Assemble = Callable[[list[Mapping[str, Any]]], list[dict[str, Any]]]
CASE_COLUMNS = ("family", "party", "party_kind", "round", "batch", "team", "stationed", "first_day", "last_day")


@dataclass
class CaseUpdate:
    """What an update changed; the new stages and figures are what a follower is told of."""

    families: int = 0  # families assembled again
    cases: int = 0  # their cases now
    removed: int = 0  # cases that no longer hold
    new_stages: list[tuple[int, str, str]] = field(default_factory=list)  # case id, stage, day
    new_figures: list[tuple[int, str, int, str]] = field(default_factory=list)  # case id, kind, value, as_of


def keep_cases(engine: Engine, rows: Mapping[str, Mapping[str, Any]], assemble: Assemble) -> CaseUpdate:
    """Store the readings ({identity: {"family", "reading"}}; family "" for an article about
    no case) of articles already in the archive, and assemble again the cases of the
    families they are in, or were in."""
    with engine.connect() as conn, conn.begin():
        pks = _article_pks(conn, list(rows))
        stored = set(pks.values())
        families = set(
            conn.execute(select(CaseReadingRow.family).where(CaseReadingRow.article_pk.in_(stored))).scalars()
        )
        conn.execute(delete(CaseReadingRow).where(CaseReadingRow.article_pk.in_(stored)))
        new_rows = [
            {"article_pk": pks[identity], "family": row["family"], "reading": row["reading"]}
            for identity, row in rows.items()
            if identity in pks and row["family"]  # "": about no case, nothing to keep
        ]
        if new_rows:
            conn.execute(insert(CaseReadingRow), new_rows)
        families |= {row["family"] for row in new_rows}
        return _reassemble(conn, sorted(families), assemble)


def _article_pks(conn: Connection, identities: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(identities), 500):  # bound the IN list
        chunk = identities[start : start + 500]
        rows = conn.execute(select(Article.identity, Article.id).where(Article.identity.in_(chunk)))
        found.update({row.identity: row.id for row in rows})
    return found


def _reassemble(conn: Connection, families: list[str], assemble: Assemble) -> CaseUpdate:
    result = CaseUpdate(families=len(families))
    if not families:
        return result
    readings = conn.execute(
        select(Article.identity, Article.id, CaseReadingRow.reading)
        .join(Article, Article.id == CaseReadingRow.article_pk)
        .where(CaseReadingRow.family.in_(families))
    ).all()
    pk_of = {row.identity: row.id for row in readings}
    cases = assemble([row.reading for row in readings])
    existing = {row.key: row.id for row in conn.execute(select(Case.key, Case.id).where(Case.family.in_(families)))}
    gone = [case_id for key, case_id in existing.items() if key not in {case["key"] for case in cases}]
    if gone:
        conn.execute(delete(Case).where(Case.id.in_(gone)))
    for case in cases:
        _write_case(conn, case, existing.get(case["key"]), pk_of, result)
    result.cases, result.removed = len(cases), len(gone)
    return result


def _write_case(
    conn: Connection, case: Mapping[str, Any], case_id: int | None, pk_of: Mapping[str, int], result: CaseUpdate
) -> None:
    """Write one case, noting the stages (stage, day) and figures (kind, value, as-of) it
    did not have: another article showing a stage it has is no new stage."""
    values = {name: case[name] for name in CASE_COLUMNS}
    old_stages: set[tuple] = set()
    old_figures: set[tuple] = set()
    if case_id is None:
        case_id = conn.execute(insert(Case).values(key=case["key"], **values).returning(Case.id)).scalar_one()
    else:
        conn.execute(update(Case).where(Case.id == case_id).values(**values))
        old_stages = set(conn.execute(select(CaseStage.stage, CaseStage.day).where(CaseStage.case_id == case_id)))
        old_figures = set(
            conn.execute(
                select(CaseFigure.kind, CaseFigure.value, CaseFigure.as_of).where(CaseFigure.case_id == case_id)
            )
        )
        for table in (CaseArticle, CaseStage, CaseFigure):
            conn.execute(delete(table).where(table.case_id == case_id))
    stages = dict.fromkeys((row["stage"], row["day"]) for row in case["stages"])
    figures = dict.fromkeys((row["kind"], row["value"], row["as_of"]) for row in case["figures"])
    new_stages = [(case_id, *stage) for stage in stages if stage not in old_stages]
    new_figures = [(case_id, *figure) for figure in figures if figure not in old_figures]
    result.new_stages += new_stages
    result.new_figures += new_figures
    _record_events(conn, case, new_stages, new_figures, pk_of)
    conn.execute(insert(CaseArticle), [{"case_id": case_id, "article_pk": pk_of[a]} for a in case["articles"]])
    if case["stages"]:
        conn.execute(insert(CaseStage), [_child(case_id, row, pk_of) for row in case["stages"]])
    if case["figures"]:
        conn.execute(insert(CaseFigure), [_child(case_id, row, pk_of) for row in case["figures"]])


def _child(case_id: int, row: Mapping[str, Any], pk_of: Mapping[str, int]) -> dict[str, Any]:
    values = {name: value for name, value in row.items() if name != "article"}
    return {"case_id": case_id, "article_pk": pk_of[row["article"]], **values}


def _record_events(
    conn: Connection,
    case: Mapping[str, Any],
    new_stages: list[tuple[int, str, str]],
    new_figures: list[tuple[int, str, int, str]],
    pk_of: Mapping[str, int],
) -> None:
    """The new stages and figures as case events, each with the first article that shows
    it, queued for the follow rules."""
    first_stage = {(row["stage"], row["day"]): row["article"] for row in reversed(case["stages"])}
    first_figure = {(row["kind"], row["value"], row["as_of"]): row["article"] for row in reversed(case["figures"])}
    events = [
        {
            "case_id": case_id,
            "kind": "stage",
            "name": stage,
            "day": day,
            "value": None,
            "article_pk": pk_of[first_stage[(stage, day)]],
        }
        for case_id, stage, day in new_stages
    ] + [
        {
            "case_id": case_id,
            "kind": "figure",
            "name": kind,
            "day": as_of,
            "value": value,
            "article_pk": pk_of[first_figure[(kind, value, as_of)]],
        }
        for case_id, kind, value, as_of in new_figures
    ]
    if not events:
        return
    now = datetime.now(UTC)
    ids = conn.execute(
        insert(CaseEvent).returning(CaseEvent.id, sort_by_parameter_order=True),
        [{**event, "recorded_at": now} for event in events],
    ).scalars()
    conn.execute(insert(CaseEventQueue), [{"event_id": event_id} for event_id in ids])


# --- reading cases back -------------------------------------------------------------------

_ARTICLE = (Article.id, Article.title, Article.lang, Article.host, Article.site, Article.url, Article.published_at)


def list_cases(conn: Connection, parties: Collection[str] | None = None, since: str | None = None) -> list[Any]:
    """Cases with their article and stage counts and latest stage day, latest first; of
    these parties (concept ids) when given, active on or after `since` (YYYY-MM-DD)."""
    articles = select(CaseArticle.case_id, func.count().label("articles")).group_by(CaseArticle.case_id).subquery()
    stages = (
        select(CaseStage.case_id, func.count(func.distinct(CaseStage.stage)).label("stages"))
        .group_by(CaseStage.case_id)
        .subquery()
    )
    query = (
        select(Case, articles.c.articles, func.coalesce(stages.c.stages, 0).label("stages"))
        .join(articles, articles.c.case_id == Case.id)
        .outerjoin(stages, stages.c.case_id == Case.id)
        .order_by(Case.last_day.desc(), Case.id)
    )
    if parties is not None:
        query = query.where(or_(Case.party.in_(sorted(parties)), Case.family.in_(sorted(parties))))
    if since:
        query = query.where(Case.last_day >= since)
    return list(conn.execute(query).all())


def get_case(conn: Connection, case_id: int) -> Any | None:
    return conn.execute(select(Case).where(Case.id == case_id)).first()


def case_stages(conn: Connection, case_id: int) -> list[Any]:
    """A case's stages by day, each with its article."""
    return list(
        conn.execute(
            select(CaseStage.stage, CaseStage.day, CaseStage.sentence, *_ARTICLE)
            .join(Article, Article.id == CaseStage.article_pk)
            .where(CaseStage.case_id == case_id)
            .order_by(CaseStage.day, Article.published_at, Article.id)
        ).all()
    )


def case_figures(conn: Connection, case_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(CaseFigure.kind, CaseFigure.value, CaseFigure.as_of, CaseFigure.sentence, *_ARTICLE)
            .join(Article, Article.id == CaseFigure.article_pk)
            .where(CaseFigure.case_id == case_id)
            .order_by(CaseFigure.as_of, CaseFigure.kind, Article.id)
        ).all()
    )


def case_articles(conn: Connection, case_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(*_ARTICLE)
            .join(CaseArticle, CaseArticle.article_pk == Article.id)
            .where(CaseArticle.case_id == case_id)
            .order_by(Article.published_at, Article.id)
        ).all()
    )


def case_ids(conn: Connection, article_ids: Collection[int]) -> dict[int, int]:
    """The case of each of these articles that is in one."""
    if not article_ids:
        return {}
    rows = conn.execute(
        select(CaseArticle.article_pk, func.min(CaseArticle.case_id))
        .where(CaseArticle.article_pk.in_(sorted(article_ids)))
        .group_by(CaseArticle.article_pk)
    )
    return dict(rows.all())  # not dict(rows): a result has keys()
