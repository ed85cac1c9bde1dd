"""A whole archive copied into another, on either engine (`monitor db copy`): its articles
with their pages, stories, facts and cases, its alert rules with their alerts, deliveries
and both queues, its crawl runs and health events, so that the copy behaves as the archive
did: what it matched is not matched again, what it had queued stays queued.

Rows keep what they say; their ids are the target's, every reference mapped to the id its
row got there. Rows are copied oldest first, so the mapping keeps their order (a story's
first copy keeps the lowest id, the queues their order). The full-text index is copied too:
each article's terms as the source's index holds them, or, where it may not hold them all
(a PostgreSQL document past 16,383 positions), computed from the text again with the
segmenter the caller passes (db/ imports no pipeline code), as `db upgrade` does. All is
written in one transaction of the target: refused, failed or stopped, the copy leaves it as
it was."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, String, Table, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from db import alert_references
from db.archive import Archive
from db.engine import ArchiveError, printable_url, reason
from db.models import (
    Alert,
    AlertQueue,
    AlertRule,
    Article,
    ArticleTag,
    Case,
    CaseArticle,
    CaseChange,
    CaseEvent,
    CaseEventQueue,
    CaseFigure,
    CaseReadingRow,
    CaseStage,
    CrawlRun,
    Delivery,
    DeliveryAttempt,
    Fact,
    HealthEvent,
    LshBand,
    RawPage,
    StoryLink,
    TermStat,
)
from db.search.engines import index_for
from db.unindexed import TextTerms, index_rows, unindexed

BATCH = 1000  # rows read and written at a time

# Every table, each after the tables its rows refer to.
TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        Article,
        RawPage,
        ArticleTag,
        LshBand,
        Fact,
        StoryLink,
        TermStat,
        CaseReadingRow,
        CaseChange,
        Case,
        CaseArticle,
        CaseStage,
        CaseFigure,
        CaseEvent,
        CaseEventQueue,
        AlertRule,
        AlertQueue,
        Alert,
        Delivery,
        DeliveryAttempt,
        CrawlRun,
        HealthEvent,
    )
)
# Columns holding a story's id, which is the id of its first article (no foreign key).
STORY_COLUMNS = {"articles": ("story_id",), "story_links": ("story_a", "story_b"), "alerts": ("story_id",)}


def references(table: Table) -> dict[str, str]:
    """The columns of a table that hold another row's id: {column: the table of that row}."""
    found = {
        column.name: next(iter(column.foreign_keys)).column.table.name
        for column in table.columns
        if column.foreign_keys
    }
    found.update(dict.fromkeys(STORY_COLUMNS.get(table.name, ()), "articles"))
    if table.name == "alerts":
        found.update(alert_references.REFERENCES)
    return found


def _has_own_id(table: Table) -> bool:
    """Whether rows are known by an `id` the target assigns anew."""
    return [column.name for column in table.primary_key.columns] == ["id"]


@dataclass
class _Ids:
    """Each table's ids in the source mapped to those its rows got in the target."""

    tables: dict[str, dict[int, int]] = field(default_factory=dict)

    def of(self, table: str, old: int | None) -> int | None:
        if old is None:
            return None
        try:
            return self.tables[table][old]
        except KeyError:
            raise ArchiveError(f"the archive refers to {table} row {old}, which it does not hold: not copied") from None


def copy_archive(source: Archive, target_url: str, text_terms: TextTerms) -> dict[str, int]:
    """Copy every row of `source` into the archive at `target_url` (made when missing), which
    must hold no articles and no alert rules (its crawl runs and health events stay, the
    copied ones join them), and index the copied articles with `text_terms`. Raises
    ArchiveError, having written nothing, when it cannot. Returns the rows copied by table."""
    if _same(source.url, target_url):
        raise ArchiveError(f"the archive at {printable_url(source.url)} cannot be copied into itself")
    copied: dict[str, int] = {}
    try:
        with _snapshot(source) as src:
            _check_follows(src)
            target = Archive(target_url)
            with target.transaction() as dst:
                _check_empty(dst, target_url)
                dst.execute(delete(TermStat))  # the counts of articles it does not hold, if any
                ids = _Ids()
                for table in TABLES:
                    copied[table.name] = _copy_table(src, dst, table, ids)
                _index(src, dst, ids.tables["articles"], text_terms)
    except SQLAlchemyError as exc:  # a server gone, another writer meanwhile: nothing was written
        raise ArchiveError(f"cannot copy into the archive at {printable_url(target_url)}: {reason(exc)}") from exc
    target.optimize()  # the heads of the frequent words (SQLite), the planner's statistics (PostgreSQL)
    target.engine.dispose()
    return copied


def _index(src: Connection, dst: Connection, copied: Mapping[int, int], text_terms: TextTerms) -> None:
    """The copied articles indexed with the terms the source's index holds of them (read
    back, no segmenting), or, where it does not hold them all, with `text_terms`."""
    source_ids = {new: old for old, new in copied.items()}
    last = 0
    with index_for(dst).loading(dst):
        while rows := unindexed(dst, last):
            old = [source_ids[row.id] for row in rows]
            held = index_for(src).indexed_terms(src, old)
            known = {row.id: held[pk] for row, pk in zip(rows, old, strict=True) if pk in held}
            index_rows(dst, rows, text_terms, known)
            last = rows[-1].id


@contextmanager
def _snapshot(archive: Archive) -> Iterator[Connection]:
    """A read transaction that sees the archive as it was when it began, whatever is stored meanwhile."""
    options = {} if archive.is_sqlite else {"isolation_level": "REPEATABLE READ"}
    with archive.engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _same(a: str, b: str) -> bool:
    """Whether two URLs name one database (a SQLite file however its path is written)."""
    try:
        first, second = make_url(a), make_url(b)
    except (ArgumentError, ValueError):
        return False  # a URL that does not read: opening it says why
    if first.get_backend_name() == second.get_backend_name() == "sqlite" and first.database and second.database:
        return Path(first.database).expanduser().resolve() == Path(second.database).expanduser().resolve()
    return first.render_as_string(hide_password=False) == second.render_as_string(hide_password=False)


def _check_follows(src: Connection) -> None:
    """A rule following a case the archive no longer holds could follow another one in the
    copy, where ids differ: the user decides first."""
    lost = src.execute(
        select(AlertRule.name, AlertRule.follow_id).where(
            AlertRule.follow_kind == "case", AlertRule.follow_id.not_in(select(cast(Case.id, String)))
        )
    ).first()
    if lost is not None:
        name, case_id = lost
        raise ArchiveError(
            f"the alert rule {name!r} follows case {case_id}, which the archive no longer holds:"
            f" remove it (`monitor alerts remove {name}`) before the copy"
        )


def _check_empty(dst: Connection, url: str) -> None:
    articles = dst.execute(select(func.count()).select_from(Article)).scalar_one()
    rules = dst.execute(select(func.count()).select_from(AlertRule)).scalar_one()
    if articles or rules:
        raise ArchiveError(
            f"the archive at {printable_url(url)} already holds {articles} articles and {rules} alert rules:"
            " db copy fills an archive without either"
        )


def _copy_table(src: Connection, dst: Connection, table: Table, ids: _Ids) -> int:
    """A table's rows, oldest first, in batches; the new ids of those others refer to kept."""
    refs = references(table)
    own_id = _has_own_id(table)
    mapped = ids.tables.setdefault(table.name, {}) if own_id else None
    stories = _Stories()
    copied = 0
    rows = src.execute(
        select(table).order_by(*table.primary_key.columns), execution_options={"yield_per": BATCH}
    ).mappings()
    for batch in rows.partitions():
        values = [_values(table, row, refs, ids, own_id) for row in batch]
        if mapped is None:
            dst.execute(insert(table), values)
        else:
            new = dst.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values).scalars()
            mapped.update(zip((row["id"] for row in batch), new, strict=True))
        if table.name == "articles":
            stories.note(dst, batch, values, ids)
        copied += len(batch)
    stories.write(dst, ids)
    return copied


@dataclass
class _Stories:
    """Articles' stories not known as they are inserted: a story's id is its first article's,
    most often the article itself (set batch by batch), or one inserted with it or later
    (set at the end)."""

    later: list[tuple[int, int]] = field(default_factory=list)  # (new id, old story id)

    def note(self, dst: Connection, batch: Sequence[RowMapping], values: list[dict[str, Any]], ids: _Ids) -> None:
        mapped = ids.tables["articles"]
        firsts = [mapped[row["id"]] for row in batch if row["story_id"] == row["id"]]
        if firsts:
            dst.execute(update(Article).where(Article.id.in_(firsts)).values(story_id=Article.id))
        self.later += [
            (mapped[row["id"]], row["story_id"])
            for row, value in zip(batch, values, strict=True)
            if value["story_id"] is None and row["story_id"] not in (None, row["id"])
        ]

    def write(self, dst: Connection, ids: _Ids) -> None:
        if self.later:
            dst.execute(
                update(Article).where(Article.id == bindparam("pk")).values(story_id=bindparam("story")),
                [{"pk": pk, "story": ids.of("articles", story)} for pk, story in self.later],
            )


def _values(table: Table, row: RowMapping, refs: Mapping[str, str], ids: _Ids, own_id: bool) -> dict[str, Any]:
    values = {name: value for name, value in row.items() if not (own_id and name == "id")}
    for column, referred in refs.items():
        if table.name == "articles":  # its story: an article copied before it, else set once inserted (_Stories)
            values[column] = ids.tables["articles"].get(row[column])
        else:
            values[column] = ids.of(referred, row[column])
    if table.name == "alert_rules" and row["follow_kind"] == "case":  # a case's id, as text
        values["follow_id"] = str(ids.of("cases", int(row["follow_id"])))
    return values
