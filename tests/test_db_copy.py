"""`monitor db copy`: an archive moved to the other engine behaves as it did. Its rules (queries
and follows), alerts, deliveries (delivered and pending), crawl runs, health events, cases
and case events are there, every row's content equal with its ids mapped; what it had
matched raises nothing again, what it had queued raises its alerts, and a new article
exactly its own. The archive: seed documents and labelled articles through the real
pipeline (tests/test_case_faces.py), on real SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from db import Archive
from db import alerts as alert_store
from db.copy import TABLES, references
from db.health import add_events
from db.models import AlertRule, Base, CrawlRun, Delivery, HealthEvent
from db.models import Article as ArticleRow
from db.runs import complete, insert_run
from db.search.engines import index_for
from db.search.postgres import MAX_POSITIONS, read_fields, tsvector_literal
from monitor.alerts import add_follow_rule, add_rule, rule_feed
from monitor.alerts.report import RunReport
from monitor.alerts.rules import match_case_events, match_queue
from monitor.evaluation import _article
from monitor.search import search
from pipelines.article import Article
from pipelines.stages import process
from tests.conftest import monitor_main, postgres_schema
from tests.test_case_faces import SEED_CASE, _case_id, _labelled, _seeds, _store

HOOK = "http://127.0.0.1:9/hook"  # nothing listens: deliveries stay pending
STARTED = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


def _labelled_by_url() -> dict[str, Article]:
    return {article.url: article for article in _labelled()}


STATIONED = "https://finance.sina.com.cn/a/20240418/cc252f50afac.shtml"  # chinalco, 2024: stationing
FEEDBACK = "https://www.ccmn.cn/a/20240707/2492c944c3f1.shtml"  # and its feedback
PROGRESS = "https://www.sasac.gov.cn/xxgk/202503/t20250302_780329.html"  # queued, not matched
LOOKBACK = "https://www.caixinglobal.com/news/2025/10/01/bd4ce11a51"  # stored after the move


@contextmanager
def _engine_url(engine: str, folder: Path, name: str) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{folder / f'{name}.sqlite3'}"
    else:
        with postgres_schema(f"monitor_copy_{name}") as url:
            yield url


def _shift_ids(url: str, by: int) -> None:
    """Move a PostgreSQL archive's id sequences on, as rows made and removed would: its ids
    then differ from the other engine's."""
    archive = Archive(url)
    with archive.transaction() as conn:
        for table in TABLES:
            if [column.name for column in table.primary_key.columns] == ["id"]:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {by})"))
    archive.engine.dispose()


def _alerts(archive: Archive) -> dict[str, int]:
    report = RunReport()
    match_queue(archive, report)
    match_case_events(archive, report)
    return {name: count for name, count in report.alerts.items() if count}


def _build(url: str, labelled: dict[str, Article]) -> None:
    """Rules, then articles they match (alerts, one delivery delivered, the others pending),
    then an article queued and not matched; a crawl run with a health event."""
    archive = Archive(url)
    _store(archive, _seeds())
    assert _alerts(archive) == {}  # no rules yet: the queues empty
    add_rule(archive, "chinalco", "中铝", webhook=HOOK)
    add_rule(archive, "minmetals", "五矿")
    add_follow_rule(archive, "seed-case", "case", str(_case_id(url, SEED_CASE)), webhook=HOOK)
    add_follow_rule(archive, "org-chinalco", "org", "中铝集团", webhook=HOOK)
    _store(archive, [labelled[STATIONED], labelled[FEEDBACK]])
    assert _alerts(archive) == {"chinalco": 2, "org-chinalco": 6}  # the new case's stages and figures
    with archive.transaction() as conn:
        first = conn.execute(select(Delivery.id).order_by(Delivery.id).limit(1)).scalar_one()
        alert_store.log_attempt(conn, [first], 200, "", 0.25, delivered=True, retry_in=None)
        conn.execute(update(Delivery).where(Delivery.id != first).values(next_attempt_at=STARTED))
        run = insert_run(conn, "cnmn", "http://127.0.0.1:8742", STARTED, "running", {})
        complete(conn, run, "failed", STARTED + timedelta(minutes=3), errors=4, detail={"list_failed": 4})
        add_events(conn, run, "cnmn", {"blocked": "4 of 4 list pages failed"}, STARTED + timedelta(minutes=3))
        insert_run(conn, "smm", "", STARTED + timedelta(hours=1), "refused", {"why": "busy"})
    _store(archive, [labelled[PROGRESS]])
    archive.engine.dispose()


def _contents(url: str, timeless: bool = False) -> dict[str, list[tuple]]:
    """Every table's rows, oldest first, each id (its own and those it refers to) replaced
    by its row's rank in its table: equal contents with ids mapped, in order, compare equal.
    `timeless`: without the times (of rows written on each archive apart, at their moment)."""
    archive = Archive(url)
    with archive.engine.connect() as conn:
        ranks = {
            table.name: {pk: rank for rank, pk in enumerate(conn.scalars(select(table.c.id).order_by(table.c.id)))}
            for table in TABLES
            if "id" in table.c
        }
        contents = {}
        for table in TABLES:
            refs = {**references(table), "id": table.name}
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            contents[table.name] = [
                tuple(
                    ranks[refs[name]].get(value) if name in refs and value is not None else value
                    for name, value in _follows_by_rank(table.name, row, ranks).items()
                    if not (timeless and isinstance(value, datetime))
                )
                for row in rows
            ]
    archive.engine.dispose()
    return contents


def _first_article(url: str) -> int:
    archive = Archive(url)
    with archive.engine.connect() as conn:
        first = conn.execute(select(ArticleRow.id).order_by(ArticleRow.id).limit(1)).scalar_one()
    archive.engine.dispose()
    return first


def _indexed(url: str) -> dict[str, tuple[str, str, str]]:
    """Each article's index terms (title, body, parts), by its identity."""
    archive = Archive(url)
    with archive.engine.connect() as conn:
        identities = dict(conn.execute(select(ArticleRow.id, ArticleRow.identity)).all())
        held = index_for(conn).indexed_terms(conn, sorted(identities))
    archive.engine.dispose()
    return {identities[pk]: terms for pk, terms in held.items()}


def _follows_by_rank(table: str, row, ranks) -> dict:
    values = dict(row)
    if table == "alert_rules" and values["follow_kind"] == "case":
        values["follow_id"] = ranks["cases"][int(values["follow_id"])]
    return values


@pytest.mark.parametrize("direction", [("sqlite", "postgres"), ("postgres", "sqlite")], ids="-to-".join)
def test_an_archive_moved_to_the_other_engine_behaves_as_it_did(tmp_path, direction):
    labelled = _labelled_by_url()
    with (
        _engine_url(direction[0], tmp_path, "source") as source,
        _engine_url(direction[1], tmp_path, "target") as target,
    ):
        for url in (source, target):
            if url.startswith("postgresql"):
                _shift_ids(url, 500 if url == target else 1000)
        _build(source, labelled)
        before = _contents(source)
        counted = ("alert_rules", "alerts", "deliveries", "crawl_runs", "health_events")
        assert [len(before[name]) for name in counted] == [4, 8, 8, 2, 1]
        assert (len(before["alert_queue"]), len(before["case_event_queue"])) == (1, 3)

        result = monitor_main("db", "copy", "--into", target, db_url=source)
        assert result.stdout == (
            f"copied the archive at {source} into {target}: 6 articles (1 queued for the rules), 2 cases"
            " (3 of 16 case events queued), 4 alert rules with 8 alerts and 8 deliveries, 2 crawl runs"
            " and 1 health events\n"
        )
        assert _contents(target) == before
        assert _first_article(target) != _first_article(source)  # the ids differ: the references were mapped
        assert _indexed(target) == _indexed(source) and len(_indexed(source)) == 6

        moved = Archive(target)
        with moved.engine.connect() as conn:
            statuses = sorted(conn.scalars(select(Delivery.status)))
            [seed_rule] = alert_store.rules(conn, "seed-case")
        assert statuses == ["delivered"] + ["pending"] * 7
        assert seed_rule.follow_id == str(_case_id(target, SEED_CASE))
        found = [{hit.article["url"] for hit in search(Archive(url), "中铝 督察").results} for url in (source, target)]
        assert found[0] == found[1] and len(found[0]) == 5  # stories; the engines rank alike, not identically
        # What was queued raises its alerts now; then a new article exactly its own; nothing again.
        for url in (source, target):
            archive = Archive(url)
            assert _alerts(archive) == {"chinalco": 1, "org-chinalco": 3}
            _store(archive, [labelled[LOOKBACK]])
            assert _alerts(archive) == {"chinalco": 1, "org-chinalco": 4}
            assert _alerts(archive) == {}
            archive.engine.dispose()
        # The same alerts, deliveries and events, and the same rows besides.
        assert _contents(target, timeless=True) == _contents(source, timeless=True)
        assert [entry.title for entry in rule_feed(moved, "chinalco", "http://m.test").entries] == [
            entry.title for entry in rule_feed(Archive(source), "chinalco", "http://m.test").entries
        ]
        moved.engine.dispose()


def test_every_table_is_copied():
    assert {table.name for table in TABLES} == set(Base.metadata.tables)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('copy') / 'source.sqlite3'}"
    _build(url, _labelled_by_url())
    return url


def _refused(source: str, target: str, *more: str) -> str:
    result = monitor_main("db", "copy", "--into", target, *more, db_url=source, check=False)
    assert (result.returncode, result.stdout, result.stderr.count("\n")) == (2, "", 1)
    return result.stderr


def test_a_target_holding_articles_or_rules_is_refused_and_left_as_it_was(source, tmp_path):
    full = f"sqlite:///{tmp_path / 'full.sqlite3'}"
    monitor_main("db", "copy", "--into", full, db_url=source)
    held = _contents(full)
    assert _refused(source, full) == (
        f"monitor: the archive at {full} already holds 6 articles and 4 alert rules: db copy fills an archive"
        " without either\n"
    )
    assert _contents(full) == held
    ruled = f"sqlite:///{tmp_path / 'ruled.sqlite3'}"
    add_rule(Archive(ruled), "mine", "稀土")
    assert _refused(source, ruled) == (
        f"monitor: the archive at {ruled} already holds 0 articles and 1 alert rules: db copy fills an archive"
        " without either\n"
    )


def test_runs_already_in_the_target_stay_and_the_copied_ones_join_them(source, tmp_path):
    target = f"sqlite:///{tmp_path / 'runs.sqlite3'}"
    archive = Archive(target)
    with archive.transaction() as conn:
        mine = insert_run(conn, "smm_cn", "", STARTED - timedelta(days=1), "finished", {})
        add_events(conn, mine, "smm_cn", {"quiet": "no new article in 3 days"}, STARTED - timedelta(days=1))
    monitor_main("db", "copy", "--into", target, db_url=source)
    with archive.engine.connect() as conn:
        runs = [(run.id, run.site, run.status) for run in conn.execute(select(CrawlRun).order_by(CrawlRun.id))]
        events = conn.execute(select(HealthEvent.run_id, HealthEvent.kind).order_by(HealthEvent.id)).all()
    assert runs == [(1, "smm_cn", "finished"), (2, "cnmn", "failed"), (3, "smm", "refused")]
    assert [tuple(event) for event in events] == [(1, "quiet"), (2, "blocked")]  # the copied run's event, mapped
    archive.engine.dispose()


def test_an_archive_is_not_copied_into_itself(source):
    path = source.removeprefix("sqlite:///")
    assert _refused(source, f"sqlite:///{Path(path).parent}/./{Path(path).name}") == (
        f"monitor: the archive at {source} cannot be copied into itself\n"
    )


def test_a_rule_following_a_case_gone_stops_the_copy_before_anything_is_made(source, tmp_path):
    gone = f"sqlite:///{tmp_path / 'gone.sqlite3'}"
    monitor_main("db", "copy", "--into", gone, db_url=source)
    archive = Archive(gone)
    with archive.transaction() as conn:
        conn.execute(update(AlertRule).where(AlertRule.name == "seed-case").values(follow_id="99"))
    target = tmp_path / "never.sqlite3"
    assert _refused(gone, f"sqlite:///{target}") == (
        "monitor: the alert rule 'seed-case' follows case 99, which the archive no longer holds:"
        " remove it (`monitor alerts remove seed-case`) before the copy\n"
    )
    assert not target.exists()


def test_bad_sources_and_targets_are_one_line(source, tmp_path):
    missing = tmp_path / "missing.sqlite3"
    assert _refused(f"sqlite:///{missing}", f"sqlite:///{tmp_path / 'x.sqlite3'}").startswith(
        f"monitor: no archive at sqlite:///{missing}"
    )
    assert not (tmp_path / "x.sqlite3").exists()
    assert _refused(source, "nonsense://x") == (
        "monitor: cannot open the archive at nonsense://x: Can't load plugin: sqlalchemy.dialects:nonsense\n"
    )
    result = monitor_main("db", "copy", db_url=source, check=False)
    assert result.returncode == 2 and "the following arguments are required: --into" in result.stderr


def test_a_postgresql_document_gives_back_its_terms_unless_it_left_some_out(postgres_url):
    archive = Archive(postgres_url)

    def read_back(title: str, body: str, parts: str) -> tuple[str, str, str] | None:
        with archive.engine.connect() as conn:
            document = {"document": tsvector_literal(title, body, parts)}
            return read_fields(conn, "SELECT 1, CAST(:document AS tsvector)", document).get(1)

    whole = ("中铝 督察 整改", "it's a \\ back slash 中铝 rare earth earth", "督察 中铝")
    assert read_back(*whole) == whole
    assert read_back("", "稀土", "") == ("", "稀土", "")
    assert read_back("稀土", " ".join(["整改"] * MAX_POSITIONS), "") is None  # positions dropped
    assert read_back("稀土", " ".join(f"w{n}" for n in range(16_400)), "") is None  # positions past the last
    archive.engine.dispose()


def test_terms_a_postgresql_index_left_out_are_made_again_from_the_text(postgres_url, tmp_path):
    body = "中铝集团部署督察整改工作。" * 300  # 整改 more often than a document keeps positions of a word
    long = process(_article("中铝集团部署督察整改", body, "2024-05-01T10:00:00+08:00", "https://long.example/1"))
    _store(Archive(postgres_url), [long])
    copied = f"sqlite:///{tmp_path / 'copied.sqlite3'}"
    monitor_main("db", "copy", "--into", copied, db_url=postgres_url)
    assert _indexed(copied) == {long.identity: (long.title_terms, long.body_terms, long.part_terms)}
    assert _indexed(postgres_url) == {}  # PostgreSQL's document does not give them back


def test_a_copy_stopped_half_way_leaves_the_target_as_it_was(source, postgres_url, monkeypatch):
    def interrupted(*args) -> None:  # Ctrl-C once every row is written, before the index
        raise KeyboardInterrupt

    monkeypatch.setattr("db.copy._index", interrupted)
    result = monitor_main("db", "copy", "--into", postgres_url, db_url=source, check=False)
    assert (result.returncode, result.stderr) == (130, "monitor: interrupted\n")
    assert all(rows == [] for rows in _contents(postgres_url).values())


def test_a_server_error_half_way_is_one_line_and_leaves_the_target_as_it_was(source, postgres_url):
    target = Archive(postgres_url)
    with target.transaction() as conn:  # the server refuses the alerts, as a full disk would
        conn.execute(
            text(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'no space left on device'; END $$"
            )
        )
        conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION refuse()"))
    target.engine.dispose()
    stderr = _refused(source, postgres_url)
    assert stderr == f"monitor: cannot copy into the archive at {postgres_url}: no space left on device\n"
    assert all(rows == [] for rows in _contents(postgres_url).values())
