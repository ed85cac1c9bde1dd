"""Inspection cases: reading an article for its case, grouping readings into cases, the
seed documents, the floors of the evaluation, and the cases kept in the archive."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from db import Archive
from db.cases import CaseUpdate
from monitor.case_evaluation import DATA, report
from monitor.evaluation import _article, _served_lines
from monitor.replica import catalog
from pipelines.article import Article
from pipelines.case_groups import assemble_cases, assign_cases, readings_of
from pipelines.cases import CaseReading, read_case
from pipelines.stages import process
from tests.conftest import postgres_schema


def _processed(title: str, body: str, published: str, url: str) -> Article:
    return process(_article(title, body, datetime.fromisoformat(f"{published}T10:00:00+08:00"), url))


def _read(title: str, body: str, published: str, url: str = "") -> CaseReading:
    return read_case(_processed(title, body, published, url or f"https://example.com/{abs(hash(title))}"))


# --- the seed documents ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_readings() -> dict[str, CaseReading]:
    readings = {}
    for site in ("smm", "cnmn", "mirror"):
        page = next(page for page in catalog.pages_of(site) if page.seed)
        title = page.served.get("title", page.title)
        article = process(_article(title, "\n".join(_served_lines(page)), page.published_at, page.canonical_url))
        readings[site] = read_case(article)
    return readings


def test_both_seed_documents_are_the_chinalco_2020_case_of_the_fourth_team(seed_readings):
    cases = assign_cases(seed_readings.values())
    assert {site: cases[r.article].key for site, r in seed_readings.items()} == {
        "smm": "chinalco/t4-2020",
        "cnmn": "chinalco/t4-2020",
        "mirror": "chinalco/t4-2020",  # the mirror's garbled copy of the cnmn article
    }
    case = cases[seed_readings["cnmn"].article]
    assert (case.party, case.team, case.stationed) == ("chinalco", 4, date(2020, 8, 31))


def test_the_seeds_join_the_case_an_article_naming_round_and_batch_founds(seed_readings):
    stationing = _read(
        "中央第四生态环境保护督察组督察中国铝业集团有限公司工作动员会召开",
        "经党中央、国务院批准，中央第四生态环境保护督察组于2020年8月31日进驻中国铝业集团有限公司，"
        "开展第二轮第三批中央生态环境保护例行督察。",
        "2020-08-31",
    )
    cases = assign_cases([stationing, *seed_readings.values()])
    assert {cases[r.article].key for r in (stationing, *seed_readings.values())} == {"chinalco/r2b3"}


def test_the_china_copper_seed_is_the_stationing_with_the_figures_it_states(seed_readings):
    reading = seed_readings["cnmn"]
    assert reading.central and reading.party == "china-copper"  # a Chinalco subsidiary: the case is Chinalco's
    assert reading.stage is not None
    assert (reading.stage.stage, reading.stage.day) == ("stationing", date(2020, 8, 31))
    assert "8月31日中央第四生态环境保护督察组进驻中铝集团" in reading.stage.sentence
    assert {(f.kind, f.value, f.as_of.isoformat()) for f in reading.figures} == {
        ("problems_raised", 38, "2020-10-09"),
        ("problems_rectified", 24, "2020-10-09"),
        ("problems_in_progress", 14, "2020-10-09"),
        ("complaints_received", 5, "2020-10-08"),
        ("complaints_closed", 4, "2020-10-08"),
    }


def test_the_smm_seed_is_the_rectification_after_the_notification_meeting(seed_readings):
    reading = seed_readings["smm"]
    assert (reading.central, reading.party, reading.inspection.team) == (True, "chinalco", 4)
    assert reading.stage is not None
    assert (reading.stage.stage, reading.stage.day) == ("progress", date(2020, 9, 24))
    assert reading.figures == ()


# --- grouping ---------------------------------------------------------------------------

STATIONING_ZH = (
    "中央第三生态环境保护督察组进驻江西铜业",
    "2021年8月25日，中央第三生态环境保护督察组对江西铜业集团有限公司开展第二轮第四批中央生态环境保护例行督察，动员会在南昌召开。",
)
FEEDBACK_EN = (
    "Inspectors hand back findings on Jiangxi Copper",
    "The third central eco-environmental protection inspection team handed its findings to Jiangxi Copper on "
    "December 2, saying it had received 61 complaints and closed 58 of them. Fines of 3.2 million yuan were imposed.",
)
LOOKBACK_ZH_HANT = (
    "江西銅業開展督察整改「回頭看」",
    "江西銅業近日就中央生態環境保護督察整改開展「回頭看」。督察反饋的27個問題已完成整改25個，2個正在推進。",
)
OTHER_ROUND_ZH = (
    "中央第七生态环境保护督察组进驻江西铜业",
    "2024年11月27日，中央第七生态环境保护督察组对江西铜业集团有限公司开展第三轮第三批中央生态环境保护例行督察。",
)
SAFETY_ZH = (
    "国务院安委会检查组进驻江西铜业开展安全生产检查",
    "9月10日，国务院安委会第二考核巡查组进驻江西铜业集团有限公司，开展安全生产专项督导检查。截至9月20日，共发现安全隐患40项，已整改31项。",
)
PROVINCIAL_ZH = (
    "江西省第二生态环境保护督察组进驻江西铜业",
    "10月8日，江西省第二生态环境保护督察组进驻江西铜业集团有限公司，开展省级生态环境保护例行督察。",
)


@pytest.fixture(scope="module")
def jiangxi_copper() -> dict[str, CaseReading]:
    return {
        "stationing": _read(*STATIONING_ZH, "2021-08-25"),
        "feedback": _read(*FEEDBACK_EN, "2021-12-02"),
        "lookback": _read(*LOOKBACK_ZH_HANT, "2022-11-20"),
        "other_round": _read(*OTHER_ROUND_ZH, "2024-11-27"),
        "safety": _read(*SAFETY_ZH, "2021-09-21"),
        "provincial": _read(*PROVINCIAL_ZH, "2021-10-08"),
    }


def test_languages_and_a_look_back_join_the_case_a_later_round_is_another(jiangxi_copper):
    cases = assign_cases(jiangxi_copper.values())
    keys = {name: cases[r.article].key for name, r in jiangxi_copper.items() if r.article in cases}
    assert keys == {
        "stationing": "jiangxi-copper/r2b4",
        "feedback": "jiangxi-copper/r2b4",  # English, names the team only
        "lookback": "jiangxi-copper/r2b4",  # Traditional, names nothing: a year after stationing
        "other_round": "jiangxi-copper/r3b3",
    }


def test_other_inspections_with_the_same_words_are_no_case(jiangxi_copper):
    assert not jiangxi_copper["safety"].central
    assert not jiangxi_copper["provincial"].central
    assert jiangxi_copper["stationing"].central


def test_stages_and_figures_of_the_written_articles(jiangxi_copper):
    stages = {name: (r.stage.stage, r.stage.day) for name, r in jiangxi_copper.items() if r.stage}
    assert stages["stationing"] == ("stationing", date(2021, 8, 25))
    assert stages["feedback"] == ("feedback", date(2021, 12, 2))
    assert stages["lookback"] == ("lookback", date(2022, 11, 20))
    figures = {name: {(f.kind, f.value, f.as_of.isoformat()) for f in r.figures} for name, r in jiangxi_copper.items()}
    assert figures["feedback"] == {
        ("complaints_received", 61, "2021-12-02"),
        ("complaints_closed", 58, "2021-12-02"),
        ("penalty_yuan", 3_200_000, "2021-12-02"),
    }
    assert figures["lookback"] == {
        ("problems_raised", 27, "2022-11-20"),
        ("problems_rectified", 25, "2022-11-20"),
        ("problems_in_progress", 2, "2022-11-20"),
    }


def test_a_reading_keeps_through_its_record(jiangxi_copper):
    for reading in jiangxi_copper.values():
        assert CaseReading.from_record(reading.record()) == reading


# --- the evaluation ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def evaluation() -> dict:
    return report()


def test_the_labelled_cases_are_read_and_grouped_above_the_floors(evaluation):
    pairs, stages, figures = (evaluation["labelled"][name] for name in ("pairs", "stages", "figures"))
    assert (pairs["pairs"], stages["articles"], figures["labelled"]) == (723, 270, 693)
    assert pairs["precision"] >= 0.98 and pairs["recall"] >= 0.97
    assert stages["accuracy"] >= 0.98
    assert figures["errors"] == []  # every labelled figure exact, and none found besides


def test_the_replicas_cases_are_read_and_grouped_above_the_floors(evaluation):
    """Grouped with every generated article of the replicas, scored on the written ones."""
    pairs, stages, figures = (evaluation["replica"][name] for name in ("pairs", "stages", "figures"))
    assert (pairs["pairs"], stages["articles"], figures["labelled"], figures["articles"]) == (230, 78, 160, 85)
    assert pairs["precision"] >= 0.90 and pairs["recall"] >= 0.90
    assert stages["accuracy"] >= 0.90
    assert figures["errors"] == []


def test_both_sets_together_are_above_the_floors(evaluation):
    both = evaluation["both"]
    assert (both["pairs"]["pairs"], both["stages"]["articles"], both["figures"]["labelled"]) == (953, 348, 853)
    assert both["pairs"]["precision"] >= 0.90 and both["pairs"]["recall"] >= 0.90
    assert both["stages"]["accuracy"] >= 0.90
    assert both["figures"]["errors"] == []


# --- the archive ------------------------------------------------------------------------


def _cases(archive: Archive) -> dict[str, tuple]:
    with archive.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, c.key, COUNT(DISTINCT a.article_pk), COUNT(DISTINCT s.id) FROM cases c"
                " JOIN case_articles a ON a.case_id = c.id LEFT JOIN case_stages s ON s.case_id = c.id"
                " GROUP BY c.id, c.key"
            )
        ).all()
    return {row[1]: (row[0], row[2], row[3]) for row in rows}


def _store(archive: Archive, articles: list[Article]) -> CaseUpdate:
    """The articles stored with their readings, then their cases assembled."""
    archive.store_batch([article.record() for article in articles], readings_of(articles))
    return assemble_cases(archive.engine)


def _kept_incrementally(url: str) -> None:
    archive = Archive(url)
    first = [
        _processed(*STATIONING_ZH, "2021-08-25", "https://a.example/1"),
        _processed(*OTHER_ROUND_ZH, "2024-11-27", "https://a.example/2"),
        _processed(*SAFETY_ZH, "2021-09-21", "https://a.example/3"),
    ]
    _store(archive, first)
    before = _cases(archive)
    assert {key: counts[1:] for key, counts in before.items()} == {
        "jiangxi-copper/r2b4": (1, 1),
        "jiangxi-copper/r3b3": (1, 1),
    }
    update = _store(
        archive,
        [
            _processed(*FEEDBACK_EN, "2021-12-02", "https://b.example/1"),
            _processed(*LOOKBACK_ZH_HANT, "2022-11-20", "https://b.example/2"),
        ],
    )
    after = _cases(archive)
    case_id = before["jiangxi-copper/r2b4"][0]
    assert (update.families, update.cases, update.removed) == (1, 2, 0)
    assert update.new_stages == [(case_id, "feedback", "2021-12-02"), (case_id, "lookback", "2022-11-20")]
    assert len(update.new_figures) == 6 and {figure[0] for figure in update.new_figures} == {case_id}
    # The same lookback again, reposted elsewhere: no new stage, no new figure.
    repost = _store(archive, [_processed(*LOOKBACK_ZH_HANT, "2022-11-20", "https://c.example/1")])
    assert (repost.new_stages, repost.new_figures) == ([], [])
    assert after["jiangxi-copper/r2b4"] == (case_id, 3, 3)  # the same id, two more articles and stages
    assert after["jiangxi-copper/r3b3"] == before["jiangxi-copper/r3b3"]
    with archive.engine.connect() as conn:
        figures = conn.execute(
            text(
                "SELECT DISTINCT f.kind, f.value, f.as_of FROM case_figures f JOIN cases c ON c.id = f.case_id"
                " WHERE c.key = 'jiangxi-copper/r2b4' ORDER BY f.as_of, f.kind"
            )
        ).all()
    assert [tuple(row) for row in figures] == [
        ("complaints_closed", 58, "2021-12-02"),
        ("complaints_received", 61, "2021-12-02"),
        ("penalty_yuan", 3_200_000, "2021-12-02"),
        ("problems_in_progress", 2, "2022-11-20"),
        ("problems_raised", 27, "2022-11-20"),
        ("problems_rectified", 25, "2022-11-20"),
    ]
    # The later round's only article, stored again as a safety check, leaves no case behind.
    _store(archive, [_processed(*SAFETY_ZH, "2024-11-27", "https://a.example/2")])
    assert {key: counts[1:] for key, counts in _cases(archive).items()} == {"jiangxi-copper/r2b4": (4, 4)}
    archive.engine.dispose()


def test_cases_are_kept_as_articles_are_stored_on_sqlite(tmp_path):
    _kept_incrementally(f"sqlite:///{tmp_path / 'cases.db'}")


def test_cases_are_kept_as_articles_are_stored_on_postgresql():
    with postgres_schema("monitor_cases") as url:
        _kept_incrementally(url)


# --- the upkeep coalesced -----------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled_articles() -> list[Article]:
    """The labelled case articles through the pipeline, and each again on another host two
    days later (a repost joins its case), published in that order."""
    articles = []
    for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        for host, days in (("a.example", 0), ("b.example", 2)):
            published = datetime.fromisoformat(f"{truth['published']}T12:00:00+08:00") + timedelta(days=days)
            articles.append(
                process(_article(truth["title"], truth["body"], published, f"https://{host}/{truth['id']}"))
            )
    return articles


def _state(archive: Archive) -> dict[str, list[tuple]]:
    """The cases as stored, by their keys and the articles' identities (ids aside), and
    their events (the first article stored showing each)."""
    queries = {
        "cases": "SELECT key, family, party, party_kind, round, batch, team, stationed, first_day, last_day FROM cases",
        "articles": "SELECT c.key, a.identity FROM cases c JOIN case_articles ca ON ca.case_id = c.id"
        " JOIN articles a ON a.id = ca.article_pk",
        "stages": "SELECT c.key, s.stage, s.day, a.identity, s.sentence FROM cases c"
        " JOIN case_stages s ON s.case_id = c.id JOIN articles a ON a.id = s.article_pk",
        "figures": "SELECT c.key, f.kind, f.value, f.as_of, a.identity, f.sentence FROM cases c"
        " JOIN case_figures f ON f.case_id = c.id JOIN articles a ON a.id = f.article_pk",
        "events": "SELECT c.key, e.kind, e.name, e.day, e.value, a.identity FROM case_events e"
        " JOIN cases c ON c.id = e.case_id JOIN articles a ON a.id = e.article_pk",
        "queued": "SELECT c.key, e.kind, e.name, e.day, e.value FROM case_event_queue q"
        " JOIN case_events e ON e.id = q.event_id JOIN cases c ON c.id = e.case_id",
        "changes": "SELECT family, article_pk FROM case_changes",
    }
    with archive.engine.connect() as conn:
        return {name: sorted(tuple(row) for row in conn.execute(text(query))) for name, query in queries.items()}


CHANGES_NOTED = 556
FAMILIES = 36


def _batches_of(articles: list[Article], size: int = 10) -> list[list[Article]]:
    return [articles[start : start + size] for start in range(0, len(articles), size)]


def _crash_between_batches_and_assembly(url: str, articles: list[Article], per_batch: Archive) -> None:
    archive = Archive(url)
    for batch in _batches_of(articles):
        archive.store_batch([article.record() for article in batch], readings_of(batch))
    noted = _state(archive)
    assert noted["cases"] == noted["events"] == [] and len(noted["changes"]) == CHANGES_NOTED
    archive.engine.dispose()  # the writer is gone before it assembled anything
    reopened = Archive(url)
    update = assemble_cases(reopened.engine)  # the next upkeep
    assert (update.families, update.cases, update.removed) == (FAMILIES, 55, 0)
    assert _state(reopened) == _state(per_batch)
    assert assemble_cases(reopened.engine) == CaseUpdate()  # nothing left noted
    reopened.engine.dispose()


def _per_batch(url: str, articles: list[Article]) -> Archive:
    archive = Archive(url)
    for batch in _batches_of(articles):
        _store(archive, batch)
    state = _state(archive)
    assert state["changes"] == [] and len(state["cases"]) == 55
    # Each stage and figure a case shows told once, by the first article stored showing it.
    shown = {(key, "stage", stage, day, None) for key, stage, day, _, _ in state["stages"]}
    shown |= {(key, "figure", kind, as_of, value) for key, kind, value, as_of, _, _ in state["figures"]}
    assert [event[:5] for event in state["events"]] == sorted(shown) == state["queued"]
    return archive


def test_a_crash_between_stored_batches_and_their_assembly_loses_no_case_on_sqlite(tmp_path, labelled_articles):
    per_batch = _per_batch(f"sqlite:///{tmp_path / 'per-batch.db'}", copy.deepcopy(labelled_articles))
    _crash_between_batches_and_assembly(
        f"sqlite:///{tmp_path / 'crashed.db'}", copy.deepcopy(labelled_articles), per_batch
    )
    per_batch.engine.dispose()


def test_a_crash_between_stored_batches_and_their_assembly_loses_no_case_on_postgresql(tmp_path, labelled_articles):
    per_batch = _per_batch(f"sqlite:///{tmp_path / 'per-batch.db'}", labelled_articles)
    with postgres_schema("monitor_cases_crash") as url:
        _crash_between_batches_and_assembly(url, labelled_articles, per_batch)
    per_batch.engine.dispose()
