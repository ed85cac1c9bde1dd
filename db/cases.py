"""Inspection cases in the archive, kept up to date as articles are stored.

The case reading of each stored article about a case is kept (case_readings, with the
family of its party: the topmost organisation or place above it), in the transaction that
stores the article, and each reading that changed is noted there (case_changes) under its
families. Every so often (pipelines.case_upkeep says when) the families noted since are
assembled again, from their stored readings, by the `assemble` function the caller passes
(pipelines.case_groups.assemble: db/ never imports pipelines), and only the cases whose
articles or readings changed are written again; a case keeps its id while its key (party
and inspection) lives on, so links to it stay good. Each stage or figure a case did not
have is recorded as a case event, queued for the follow rules (monitor.alerts) in the same
transaction: so it is told once, and a repost tells nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import BindParameter, Text, bindparam, cast, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from db.models import (
    Article,
    Base,
    Case,
    CaseArticle,
    CaseChange,
    CaseEvent,
    CaseEventQueue,
    CaseFigure,
    CaseReadingRow,
    CaseStage,
)
from db.writing import retried, write_transaction

CASE_COLUMNS = ("family", "party", "party_kind", "round", "batch", "team", "stationed", "first_day", "last_day")
# A case's stage and figure rows as compared and written (tuples, as case_rows makes
# them): their columns but id and case_id.
STAGE_FIELDS = ("stage", "day", "article_pk", "sentence")
FIGURE_FIELDS = ("kind", "value", "as_of", "article_pk", "sentence")


class AssembledCase(Protocol):
    """A case as assembled (pipelines.case_groups.Case)."""

    @property
    def key(self) -> str: ...

    @property
    def articles(self) -> Collection[int]: ...  # their ids

    def rows(self) -> Mapping[str, Any]: ...  # as written, articles by id: pipelines.case_groups.case_rows

    # Whether the rows of these of its articles are those they had as the whole case.
    def keeps_rows_of(self, earlier: Collection[int]) -> bool: ...


# Stored readings, as their JSON text by article id -> the cases.
Assemble = Callable[[Mapping[int, str]], Sequence[AssembledCase]]


@dataclass
class CaseUpdate:
    """What an update changed; the new stages and figures are what a follower is told of."""

    families: int = 0  # families assembled again
    cases: int = 0  # their cases now
    removed: int = 0  # cases that no longer hold
    new_stages: list[tuple[int, str, str]] = field(default_factory=list)  # case id, stage, day
    new_figures: list[tuple[int, str, int, str]] = field(default_factory=list)  # case id, kind, value, as_of

    @property
    def events(self) -> int:
        """How many case events it recorded: its new stages and figures."""
        return len(self.new_stages) + len(self.new_figures)


# The statements of an update, built once, their lists expanding parameters: on SQLite,
# building a statement costs about as much as running it.
def _ids(name: str) -> BindParameter:
    return bindparam(name, expanding=True)


_READINGS_OF_ARTICLES = select(CaseReadingRow.article_pk, CaseReadingRow.family, CaseReadingRow.reading).where(
    CaseReadingRow.article_pk.in_(_ids("article_pks"))
)
_CHANGES = select(CaseChange.family, CaseChange.article_pk)
_FORGET_READINGS = delete(CaseReadingRow).where(CaseReadingRow.article_pk.in_(_ids("article_pks")))
_READINGS_OF_FAMILIES = select(CaseReadingRow.article_pk, cast(CaseReadingRow.reading, Text)).where(
    CaseReadingRow.family.in_(_ids("families"))
)
_CASES_OF_FAMILIES = select(Case).where(Case.family.in_(_ids("families")))
_ARTICLES_OF_CASES = select(CaseArticle.case_id, CaseArticle.article_pk).where(
    CaseArticle.case_id.in_(_ids("case_ids"))
)
_DELETE_CASES = delete(Case).where(Case.id.in_(_ids("case_ids")))
# Each id with its key: rows in any order let SQLite insert them all in one statement.
_INSERT_CASES = insert(Case).returning(Case.key, Case.id)
_UPDATE_CASES = (
    update(Case)
    .where(Case.id == bindparam("case_id"))
    .values({name: bindparam(f"new_{name}") for name in CASE_COLUMNS})
)
_ROWS_OF_CASES = {
    table: select(table.case_id, table.id, *(getattr(table, name) for name in fields)).where(
        table.case_id.in_(_ids("case_ids"))
    )
    for table, fields in ((CaseStage, STAGE_FIELDS), (CaseFigure, FIGURE_FIELDS))
}
_DELETE_ROWS = {table: delete(table).where(table.id.in_(_ids("ids"))) for table in (CaseStage, CaseFigure)}
_LEAVE_CASES = delete(CaseArticle).where(
    CaseArticle.case_id == bindparam("gone_case"), CaseArticle.article_pk == bindparam("gone_article")
)


def keep_readings(
    conn: Connection, readings: Mapping[int, Mapping[str, Any]], stored: Collection[int], anew: bool = False
) -> None:
    """In the transaction that stores the articles (db.archive): their readings ({article
    id: {"family", "reading"}}; family "" for an article about no case) replace those kept,
    and each reading that changed is noted (case_changes) under its families, the one it is
    in and the one it was in, for assemble_cases. `stored`: the articles that were in the
    archive before (the others have no reading yet). `anew`: every reading as changed
    (`monitor reprocess`: the grouping may have changed)."""
    old = _stored_readings(conn, [pk for pk in readings if pk in stored])
    new = {pk: (row["family"], row["reading"]) for pk, row in readings.items() if row["family"]}
    changed = {pk for pk in old.keys() | new.keys() if anew or old.get(pk) != new.get(pk)}
    if replaced := changed & old.keys():
        conn.execute(_FORGET_READINGS, {"article_pks": list(replaced)})
    inserted = [
        {"article_pk": pk, "family": family, "reading": reading}
        for pk, (family, reading) in new.items()
        if pk in changed
    ]
    if inserted:
        conn.execute(insert(CaseReadingRow), inserted)
    noted = {(old[pk][0], pk) for pk in changed & old.keys()} | {(new[pk][0], pk) for pk in changed & new.keys()}
    if noted:
        conn.execute(
            _insert_ignoring(conn, CaseChange), [{"family": family, "article_pk": pk} for family, pk in sorted(noted)]
        )


def _insert_ignoring(conn: Connection, table: type[CaseChange]) -> Any:
    """An insert that leaves a row already there alone: a reading changed twice before its
    family is assembled is noted once."""
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    return dialect_insert(table).on_conflict_do_nothing()


def _stored_readings(conn: Connection, pks: list[int]) -> dict[int, tuple[str, Any]]:
    """The reading rows (family, reading) kept of these articles."""
    readings: dict[int, tuple[str, Any]] = {}
    for start in range(0, len(pks), 500):  # bound the IN list
        rows = conn.execute(_READINGS_OF_ARTICLES, {"article_pks": pks[start : start + 500]})
        readings |= {pk: (family, reading) for pk, family, reading in rows.all()}
    return readings


def assemble_cases(engine: Engine, assemble: Assemble) -> CaseUpdate:
    """Assemble again the cases of the families whose readings changed since they were last
    assembled (case_changes: noted as the articles were stored, by any writer), in one write
    transaction that forgets the changes it assembled: a crash before it leaves them noted
    for the next one. A case's stages and figures, and its events, are those of the readings
    stored by then, however many batches stored them."""
    return retried(lambda: _assemble_cases(engine, assemble))[0]


def _assemble_cases(engine: Engine, assemble: Assemble) -> CaseUpdate:
    """assemble_cases in one write transaction: under the archive's write lock (db.writing),
    no writer notes a change between reading the changes and forgetting them."""
    with write_transaction(engine) as conn:
        noted = conn.execute(_CHANGES).all()
        if not noted:
            return CaseUpdate()
        conn.execute(delete(CaseChange))
        families = sorted({family for family, _ in noted})
        return _reassemble(conn, families, assemble, {pk for _, pk in noted})


def _reassemble(conn: Connection, families: list[str], assemble: Assemble, changed: set[int]) -> CaseUpdate:
    """The families' cases assembled again; written again where their articles changed, or
    the reading of one of them (`changed`: article ids): the others are as stored."""
    result = CaseUpdate(families=len(families))
    if not families:
        return result
    readings = conn.execute(_READINGS_OF_FAMILIES, {"families": families})
    cases = assemble(dict(readings.all()))
    stored_cases, members = _stored_cases(conn, families)
    keys = {case.key for case in cases}
    gone = [row.id for key, row in stored_cases.items() if key not in keys]
    if gone:
        conn.execute(_DELETE_CASES, {"case_ids": gone})
    to_write = []
    for case in cases:
        stored = stored_cases.get(case.key)
        articles = set(case.articles)
        had = members.get(stored.id, set()) if stored is not None else set()
        if stored is not None and articles == had and not articles & changed:
            continue  # as stored
        # Articles joined it, and those it had are as they were: only the new ones' rows are new.
        grown = stored is not None and had <= articles and not had & changed and case.keeps_rows_of(had)
        to_write.append(_Assembled.of(case.rows(), grown))
    _write_cases(conn, to_write, stored_cases, members, result)
    result.cases, result.removed = len(cases), len(gone)
    return result


def _write_cases(
    conn: Connection,
    cases: list[_Assembled],
    stored_cases: Mapping[str, Any],
    members: Mapping[int, set[int]],
    result: CaseUpdate,
) -> None:
    """Cases as assembled written where they differ from what is stored."""
    ids = {key: row.id for key, row in stored_cases.items()}
    ids |= _insert_cases(conn, [case.rows for case in cases if case.key not in stored_cases])
    _update_cases(
        conn,
        [
            (stored.id, case.rows)
            for case in cases
            if (stored := stored_cases.get(case.key)) is not None
            and any(case.rows[name] != getattr(stored, name) for name in CASE_COLUMNS)
        ],
    )
    rewritten = [ids[case.key] for case in cases if case.key in stored_cases and not case.grown]
    stored_rows = _Stored.of(conn, rewritten)
    writes = _Writes()
    for case in cases:
        # A new case has no articles yet, whatever its id: SQLite gives a case deleted just
        # now (its articles with it) the next id again.
        had = members[ids[case.key]] if case.key in stored_cases else set()
        writes.add(case, ids[case.key], had, stored_rows, result)
    writes.write(conn)


def _stored_cases(conn: Connection, families: list[str]) -> tuple[dict[str, Any], dict[int, set[int]]]:
    """The families' cases as stored, by key, and the articles of each."""
    stored = {row.key: row for row in conn.execute(_CASES_OF_FAMILIES, {"families": families}).all()}
    members: dict[int, set[int]] = {row.id: set() for row in stored.values()}
    if members:
        rows = conn.execute(_ARTICLES_OF_CASES, {"case_ids": list(members)})
        for case_id, article_pk in rows.all():  # all at once: far fewer calls than row by row
            members[case_id].add(article_pk)
    return stored, members


def _insert_cases(conn: Connection, cases: list[Mapping[str, Any]]) -> dict[str, int]:
    """New cases, in order: their ids by key."""
    if not cases:
        return {}
    inserted = conn.execute(
        _INSERT_CASES,
        [{"key": case["key"], **{name: case[name] for name in CASE_COLUMNS}} for case in cases],
    )
    return dict(inserted.all())


def _update_cases(conn: Connection, cases: list[tuple[int, Mapping[str, Any]]]) -> None:
    if cases:
        conn.execute(
            _UPDATE_CASES,
            [{"case_id": case_id, **{f"new_{name}": case[name] for name in CASE_COLUMNS}} for case_id, case in cases],
        )


@dataclass
class _Assembled:
    """An assembled case as its rows: stages and figures as tuples of STAGE_FIELDS and
    FIGURE_FIELDS, its articles' ids."""

    rows: Mapping[str, Any]  # pipelines.case_groups.case_rows
    grown: bool  # what it had is as stored: only its new articles' rows are to write
    stages: list[tuple]
    figures: list[tuple]
    articles: set[int]

    @classmethod
    def of(cls, rows: Mapping[str, Any], grown: bool) -> _Assembled:
        return cls(
            rows,
            grown,
            rows["stages"],
            rows["figures"],
            set(rows["articles"]),
        )

    @property
    def key(self) -> str:
        return self.rows["key"]


@dataclass
class _Stored:
    """Cases' rows as stored: their stages and figures (each row's id, then its fields)."""

    stages: dict[int, list[tuple]] = field(default_factory=dict)
    figures: dict[int, list[tuple]] = field(default_factory=dict)

    @classmethod
    def of(cls, conn: Connection, case_ids: list[int]) -> _Stored:
        stored = cls()
        for table, rows in ((CaseStage, stored.stages), (CaseFigure, stored.figures)):
            if case_ids:
                for case_id, *row in conn.execute(_ROWS_OF_CASES[table], {"case_ids": case_ids}).all():
                    rows.setdefault(case_id, []).append(tuple(row))
        return stored


def _changes(
    rows: list[tuple], stored: list[tuple], grown_from: set[int] | None, article_at: int
) -> tuple[list[tuple], list[int], list[tuple]]:
    """A case's rows of one table against those stored (id first): the stored rows (without
    their ids), the ids of those that are no more, and the rows to add. A grown case's stored
    rows are those of the articles it had (`grown_from`), as its assembly has them: they are
    not read, none is to go, the others are to add."""
    if grown_from is not None:
        kept = [row for row in rows if row[article_at] in grown_from]
        return kept, [], [row for row in rows if row[article_at] not in grown_from]
    gone, added = _diff(stored, rows)
    return [row[1:] for row in stored], gone, added


def _diff(stored: list[tuple], rows: list[tuple]) -> tuple[list[int], list[tuple]]:
    """The stored rows (id first) that are no more, by id, and the rows to add: a case's rows
    change little as articles join it, so only what changed is written."""
    wanted = Counter(rows)
    gone = []
    for row_id, *values in stored:
        if wanted[tuple(values)]:
            wanted[tuple(values)] -= 1
        else:
            gone.append(row_id)
    added = []
    for row in rows:
        if wanted[row]:
            wanted[row] -= 1
            added.append(row)
    return gone, added


def _row(case_id: int, fields: tuple[str, ...], row: tuple) -> dict[str, Any]:
    return {"case_id": case_id, **dict(zip(fields, row, strict=True))}


@dataclass
class _Writes:
    """What an update writes, gathered case by case and written in a few statements."""

    gone_stages: list[int] = field(default_factory=list)
    gone_figures: list[int] = field(default_factory=list)
    gone_articles: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def add(self, case: _Assembled, case_id: int, had: set[int], stored: _Stored, result: CaseUpdate) -> None:
        """A case's rows (`had`: its articles as stored), noting the stages (stage, day) and
        figures (kind, value, as-of) it did not have: another article showing a stage it has
        is no new stage."""
        self.gone_articles += [{"gone_case": case_id, "gone_article": pk} for pk in had - case.articles]
        self.articles += [{"case_id": case_id, "article_pk": pk} for pk in case.articles - had]
        grown_from = had if case.grown else None
        old_stages, gone, added = _changes(case.stages, stored.stages.get(case_id, []), grown_from, 2)
        self.gone_stages += gone
        self.stages += [_row(case_id, STAGE_FIELDS, row) for row in added]
        old_figures, gone, added = _changes(case.figures, stored.figures.get(case_id, []), grown_from, 3)
        self.gone_figures += gone
        self.figures += [_row(case_id, FIGURE_FIELDS, row) for row in added]
        had_stages = {row[:2] for row in old_stages}
        had_figures = {row[:3] for row in old_figures}
        new_stages = [
            (case_id, *stage) for stage in dict.fromkeys(row[:2] for row in case.stages) if stage not in had_stages
        ]
        new_figures = [
            (case_id, *figure) for figure in dict.fromkeys(row[:3] for row in case.figures) if figure not in had_figures
        ]
        result.new_stages += new_stages
        result.new_figures += new_figures
        self.events += _events(case, new_stages, new_figures)

    def write(self, conn: Connection) -> None:
        if self.gone_articles:
            conn.execute(_LEAVE_CASES, self.gone_articles)
        for table, gone in ((CaseStage, self.gone_stages), (CaseFigure, self.gone_figures)):
            if gone:
                conn.execute(_DELETE_ROWS[table], {"ids": gone})
        for child, rows in ((CaseArticle, self.articles), (CaseStage, self.stages), (CaseFigure, self.figures)):
            if rows:
                _insert_all(conn, child, rows)
        if self.events:  # queued for the follow rules
            now = datetime.now(UTC)
            ids = _insert_all(conn, CaseEvent, [{**event, "recorded_at": now} for event in self.events], returning=True)
            _insert_all(conn, CaseEventQueue, [{"event_id": event_id} for event_id in ids])


def _insert_all(conn: Connection, model: type[Base], rows: list[dict[str, Any]], returning: bool = False) -> list[int]:
    """Rows of a model's table inserted, in order; their ids (in any order) if `returning`. On
    PostgreSQL in one statement, from one array a column (unnest): psycopg's executemany sends a
    statement a row, and an assembly writes thousands of rows."""
    if conn.dialect.name != "postgresql":
        statement = insert(model)
        if returning:  # one statement on SQLite too, its ids in any order
            return list(conn.execute(statement.returning(model.__table__.c.id), rows).scalars())
        conn.execute(statement, rows)
        return []
    names = list(rows[0])
    arrays = [bindparam(name, [row[name] for row in rows], type_=ARRAY(model.__table__.c[name].type)) for name in names]
    unnested = func.unnest(*arrays).table_valued(*names).render_derived()
    statement = insert(model).from_select(names, select(*(unnested.c[name] for name in names)))
    if returning:
        return list(conn.execute(statement.returning(model.__table__.c.id)).scalars())
    conn.execute(statement)
    return []


def _first_stored(rows: Iterable[tuple[tuple, int]]) -> dict[tuple, int]:
    """The lowest article id of each stage or figure, from (stage or figure, article id) pairs."""
    first: dict[tuple, int] = {}
    for shown, article_pk in rows:
        first[shown] = min(first.get(shown, article_pk), article_pk)
    return first


def _events(
    case: _Assembled, new_stages: list[tuple[int, str, str]], new_figures: list[tuple[int, str, int, str]]
) -> list[dict[str, Any]]:
    """The new stages and figures as case events, each with the first article stored that
    shows it (the lowest id: ids are drawn in the order of storing), the one that brought it
    however many batches an assembly covers."""
    first_stage = _first_stored((row[:2], row[2]) for row in case.stages)
    first_figure = _first_stored((row[:3], row[3]) for row in case.figures)
    return [
        {
            "case_id": case_id,
            "kind": "stage",
            "name": stage,
            "day": day,
            "value": None,
            "article_pk": first_stage[(stage, day)],
        }
        for case_id, stage, day in new_stages
    ] + [
        {
            "case_id": case_id,
            "kind": "figure",
            "name": kind,
            "day": as_of,
            "value": value,
            "article_pk": first_figure[(kind, value, as_of)],
        }
        for case_id, kind, value, as_of in new_figures
    ]


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
