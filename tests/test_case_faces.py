"""The faces of inspection cases: `monitor cases`, `monitor case`, `monitor facts --by`, the
API (/api/cases, /api/cases/{id}, /api/parties/..., /api/follows), search results that link
to their case, rules that follow a case, an organisation or a place (one alert per new stage
or figure, none for a repost), `monitor reprocess` giving an archive its cases, and the web
page's case view in Chromium. The archive is the seed documents and the labelled set
(tests/data/cases/articles.jsonl) through the real pipeline, stored and kept as a crawl does;
the browser test's own archive is crawled from the replicas, their clock set (server.py)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from db import Archive
from db import alerts as alert_store
from db.models import Alert, CaseEvent
from monitor import alerts
from monitor.alerts import AlertError, add_follow_rule, rule_feed
from monitor.alerts.deliveries import webhook_body
from monitor.alerts.report import RunReport
from monitor.alerts.rules import match_case_events, match_queue
from monitor.case_evaluation import DATA
from monitor.cases import case_view, list_cases
from monitor.cli import main
from monitor.crawl import crawl_async
from monitor.evaluation import _article, _served_lines
from monitor.replica import catalog
from monitor.reprocess import reprocess
from monitor.settings import delivery_settings
from pipelines.article import Article
from pipelines.case_groups import assemble_cases, readings_of
from pipelines.stages import process
from tests.conftest import postgres_schema, replica_process
from tests.test_api import get_json, serving
from tests.test_web import CHROMIUM, Chromium

SEED_CASE = "chinalco/t4-2020"
# A new stage of the seed case: its feedback, naming the team, stating no figure.
FEEDBACK = (
    "中央第四生态环境保护督察组向中铝集团反馈督察情况",
    "2020年12月1日，中央第四生态环境保护督察组向中国铝业集团有限公司反馈督察情况。中铝集团表示将认真抓好整改落实。",
)


def _seeds() -> list[Article]:
    articles = []
    for site in ("smm", "cnmn", "mirror"):
        page = next(page for page in catalog.pages_of(site) if page.seed)
        title = page.served.get("title", page.title)
        articles.append(process(_article(title, "\n".join(_served_lines(page)), page.published_at, page.canonical_url)))
    return articles


def _labelled() -> list[Article]:
    articles = []
    for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        published = datetime.fromisoformat(f"{truth['published']}T12:00:00+08:00")
        articles.append(process(_article(truth["title"], truth["body"], published, truth["url"])))
    return articles


def _feedback(url: str, published: str = "2020-12-01") -> Article:
    return process(_article(*FEEDBACK, datetime.fromisoformat(f"{published}T18:00:00+08:00"), url))


def _store(archive: Archive, articles: list[Article]) -> None:
    """As the store does: the batch with its readings, then (the spider closing) its cases."""
    archive.store_batch([article.record() for article in articles], readings_of(articles))
    assemble_cases(archive.engine)


@pytest.fixture(scope="module")
def case_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cases') / 'cases.sqlite3'}"
    archive = Archive(url)
    _store(archive, _seeds() + _labelled())
    archive.engine.dispose()
    return url


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _case_id(url: str, key: str) -> int:
    archive = Archive(url)
    found = next(case["id"] for case in list_cases(archive) if case["key"] == key)
    archive.engine.dispose()
    return found


# --- the CLI ------------------------------------------------------------------------------


def test_cases_of_an_organisation_and_its_subsidiaries(case_db, capsys):
    status, out, _ = _cli(capsys, "--db", case_db, "cases", "--org", "中铝", "--json")
    assert status == 0
    assert [case["key"] for case in json.loads(out)] == [
        "chinalco/r3b2",
        "yunnan-copper/t6-2024",
        "yunnan-copper/r2b3",
        "chinalco/t4-2020",
    ]
    status, out, _ = _cli(capsys, "--db", case_db, "cases", "--place", "guangxi", "--since", "2022-01-01")
    assert [line.split()[1] for line in out.splitlines()] == ["hechi/r3b3", "guangxi/r2b3"]


def test_cases_refuse_what_is_no_organisation_or_place(case_db, capsys):
    status, out, err = _cli(capsys, "--db", case_db, "cases", "--org", "guangxi")
    assert (status, out) == (2, "")
    assert err == (
        "monitor: 'guangxi' is not an organisation of the vocabulary: give a concept id (chinalco, guangxi) or a name\n"
    )
    with pytest.raises(SystemExit):
        main(["--db", case_db, "cases", "--since", "yesterday"])
    assert "not a day (YYYY-MM-DD): 'yesterday'" in capsys.readouterr().err
    status, _, err = _cli(capsys, "--db", case_db, "case", "99999")
    assert (status, err) == (2, "monitor: no case 99999 (`monitor cases` lists them)\n")


def test_the_seed_case_timeline_in_the_terminal(case_db, capsys):
    case_id = _case_id(case_db, SEED_CASE)
    status, out, _ = _cli(capsys, "--db", case_db, "case", str(case_id))
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == f"case {case_id}: chinalco/t4-2020  中铝集团 (organisation)  team 4, stationed 2020-08-31"
    stages = [line.strip() for line in lines if line.startswith("  20")]
    assert stages[:2] == ["2020-08-31  stationing", "2020-09-24  progress"]
    assert [line.split("  (")[0].strip() for line in lines[lines.index("figures:") + 1 :]] == [
        "2020-10-08  complaints_closed: 4",
        "2020-10-08  complaints_received: 5",
        "2020-10-09  problems_in_progress: 14",
        "2020-10-09  problems_raised: 38",
        "2020-10-09  problems_rectified: 24",
    ]
    # The stationing is shown by the cnmn article and its mirror's copy, with their sentence.
    stationing = lines[lines.index("  2020-08-31  stationing") + 1 : lines.index("  2020-09-24  progress")]
    assert [line.split("] ")[0].split()[-1] for line in stationing[::2]] == ["[zh", "[zh"]
    assert all("8月31日中央第四生态环境保护督察组进驻中铝集团" in line for line in stationing[1::2])


def test_penalties_totalled_by_place_and_year(case_db, capsys):
    status, out, _ = _cli(capsys, "--db", case_db, "facts", "--by", "place", "--kind", "penalty", "--json")
    totals = json.loads(out)
    assert status == 0
    assert totals[0] == {"place": "liaoning", "label": "辽宁", "year": 2026, "total": 215_950_000, "facts": 1}
    assert {(t["place"], t["year"]): t["total"] for t in totals}[("gansu", 2026)] == 139_646_000
    _, out, _ = _cli(capsys, "--db", case_db, "facts", "--by", "party", "--since", "2026")
    assert out.splitlines()[0] == "2026  liaoning 辽宁: 215,950,000 yuan (1 facts)"


# --- the API ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(case_db) -> Iterator[str]:
    with serving(case_db) as base:
        yield base


def _post(api: str, path: str, body: bytes, content_type: str) -> tuple[int, dict]:
    request = urllib.request.Request(api + path, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_api_lists_cases_and_shows_one(api, case_db):
    status, listed = get_json(api, "/api/cases", org="chinalco", since="2024-01-01")
    assert status == 200
    assert [case["key"] for case in listed] == ["chinalco/r3b2", "yunnan-copper/t6-2024"]
    case_id = _case_id(case_db, SEED_CASE)
    _, case = get_json(api, f"/api/cases/{case_id}")
    assert [(stage["stage"], stage["day"], [a["lang"] for a in stage["articles"]]) for stage in case["stages"]] == [
        ("stationing", "2020-08-31", ["zh", "zh"]),
        ("progress", "2020-09-24", ["en"]),
    ]
    assert [(f["kind"], f["value"], f["as_of"]) for f in case["figures"]][2:] == [
        ("problems_in_progress", 14, "2020-10-09"),
        ("problems_raised", 38, "2020-10-09"),
        ("problems_rectified", 24, "2020-10-09"),
    ]
    assert sorted(article["lang"] for article in case["articles"]) == ["en", "zh", "zh"]
    assert get_json(api, "/api/cases/99999") == (404, {"error": "no case 99999"})
    assert get_json(api, "/api/cases", place="chinalco")[0] == 400
    assert get_json(api, "/api/cases", org="chinalco", place="guangxi") == (
        400,
        {"error": "give an organisation or a place, not both"},
    )


def test_api_party_page_and_search_results_link_to_their_case(api, case_db):
    _, page = get_json(api, "/api/parties/place/liaoning")
    assert (page["id"], page["label"], page["kind"]) == ("liaoning", "辽宁", "province")
    assert {year["year"]: year["total_yuan"] for year in page["penalties"]} == {2025: 214_650_000, 2026: 215_950_000}
    assert [case["key"] for case in page["cases"]] == ["liaoning/r3b3"]
    _, found = get_json(api, "/api/search", q="中国铜业")
    assert _case_id(case_db, SEED_CASE) in {hit["case_id"] for hit in found["results"]}
    assert get_json(api, "/api/parties/org/nowhere")[0] == 404
    _, spec = get_json(api, "/openapi.json")
    assert {"/api/cases", "/api/cases/{case_id}", "/api/parties/{kind}/{party}", "/api/follows"} <= set(spec["paths"])


def test_api_follow_makes_a_rule_and_refuses_what_is_not_json(api, case_db):
    case_id = _case_id(case_db, "liaoning/r3b3")
    body = json.dumps({"name": f"case-{case_id}", "kind": "case", "id": str(case_id)}).encode()
    assert _post(api, "/api/follows", body, "application/json") == (
        201,
        {
            "name": f"case-{case_id}",
            "follows": f"case {case_id}",
            "feeds": {fmt: f"/feeds/case-{case_id}.{fmt}" for fmt in ("atom", "rss", "json")},
        },
    )
    assert _post(api, "/api/follows", body, "application/json") == (
        400,
        {"error": f"a rule named 'case-{case_id}' exists already (remove it first)"},
    )
    # A form or plain text, which another site's page could send unasked, is refused.
    assert _post(api, "/api/follows", body, "text/plain")[0] == 422
    assert _post(api, "/api/follows", b"name=x&kind=case&id=1", "application/x-www-form-urlencoded")[0] == 422


# --- following -----------------------------------------------------------------------------


def test_a_new_stage_alerts_each_follower_once_and_a_repost_none_on_sqlite(tmp_path):
    _followed(f"sqlite:///{tmp_path / 'follow.sqlite3'}")


def test_a_new_stage_alerts_each_follower_once_and_a_repost_none_on_postgresql():
    with postgres_schema("monitor_case_follows") as url:
        _followed(url)


def _followed(url: str) -> None:
    archive = Archive(url)
    _store(archive, _seeds())
    case_id = _case_id(archive.url, SEED_CASE)
    add_follow_rule(archive, "seed-case", "case", str(case_id), webhook="http://127.0.0.1:9/hook")
    add_follow_rule(archive, "chinalco", "org", "中铝集团")
    add_follow_rule(archive, "guangxi", "place", "guangxi")
    with pytest.raises(AlertError, match="no case 99999"):
        add_follow_rule(archive, "nothing", "case", "99999")

    def alerts() -> dict[str, int]:
        report = RunReport()
        match_queue(archive, report)
        match_case_events(archive, report)
        return {name: count for name, count in report.alerts.items() if count}

    assert alerts() == {}  # the stages found before the rules were added are not news to them
    _store(archive, [_feedback("https://news.example/feedback")])
    assert alerts() == {"seed-case": 1, "chinalco": 1}
    _store(archive, [_feedback("https://repost.example/feedback", "2020-12-03")])
    assert alerts() == {}

    entries = rule_feed(archive, "seed-case", "http://monitor.test").entries
    assert [(entry.title, entry.archive_link) for entry in entries] == [
        (
            f"case {case_id} 中铝集团 ({SEED_CASE}): new stage feedback on 2020-12-01: {FEEDBACK[0]}",
            f"http://monitor.test/#/case/{case_id}",
        )
    ]
    with archive.engine.connect() as conn:
        [pending] = alert_store.due(conn, "webhook", datetime.now(UTC))
    document = json.loads(webhook_body(pending, "http://monitor.test"))
    assert (document["event"], document["stage"], document["case"]["id"], document["article"]["title"]) == (
        "case_stage",
        {"day": "2020-12-01", "stage": "feedback"},
        case_id,
        FEEDBACK[0],
    )
    _alerts_go_with_their_case_event(archive)
    archive.engine.dispose()


def _alerts_go_with_their_case_event(archive: Archive) -> None:
    """Triggers keep an alert's case event (db.alert_references), as a foreign key did: an
    alert names a case event that exists, and goes when its case event is deleted."""
    with archive.engine.connect() as conn, conn.begin() as transaction:
        alerted = conn.execute(select(Alert).where(Alert.case_event_id.is_not(None)).order_by(Alert.id)).all()
        missing = conn.execute(select(func.max(CaseEvent.id))).scalar_one() + 1
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(update(Alert).where(Alert.id == alerted[0].id).values(case_event_id=missing))
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(
                insert(Alert).values(
                    rule_id=alerted[0].rule_id,
                    article_pk=alerted[0].article_pk,
                    matched_at=alerted[0].matched_at,
                    case_event_id=missing,
                )
            )
        gone = alerted[0].case_event_id
        conn.execute(delete(CaseEvent).where(CaseEvent.id == gone))
        left = conn.execute(select(Alert.id).order_by(Alert.id)).scalars().all()
        assert left == [a.id for a in alerted if a.case_event_id != gone]
        transaction.rollback()


def test_alerts_add_follows_from_the_command_line(case_db, capsys):
    status, out, _ = _cli(capsys, "--db", case_db, "alerts", "add", "gx", "--place", "广西")
    assert (status, out) == (
        0,
        "rule gx added: follows place guangxi (feeds only); each new stage or figure raises an alert\n",
    )
    status, _, err = _cli(capsys, "--db", case_db, "alerts", "add", "both", "稀土", "--org", "chinalco")
    assert (status, err) == (
        2,
        "monitor: a rule follows a case, an organisation or a place, or matches a query: not both\n",
    )
    status, _, err = _cli(capsys, "--db", case_db, "alerts", "add", "none")
    assert (status, err) == (2, "monitor: give a QUERY, or --case, --org or --place to follow\n")
    _, out, _ = _cli(capsys, "--db", case_db, "alerts", "list")
    assert "gx: follows place guangxi  [feeds only; 0 alerts]" in out.splitlines()


# --- reprocess ------------------------------------------------------------------------------


def _seed_case_articles(archive: Archive) -> list[dict]:
    seed = next(case for case in list_cases(archive) if case["key"] == SEED_CASE)
    view = case_view(archive, seed["id"])
    assert view is not None
    assert {stage["stage"] for stage in view["stages"]} >= {"stationing", "progress"}
    return view["articles"]


def test_a_crawl_keeps_the_cases_as_it_stores(archive):
    """The crawled replica archive: its store kept the cases batch by batch, and the seed
    documents of every site are in the Chinalco case of the fourth team."""
    articles = _seed_case_articles(archive)
    assert len({article["host"] for article in articles}) == 3  # SMM, CNMN and the mirror, each on its port


def test_reprocess_gives_a_crawled_archive_its_cases(archive, tmp_path):
    """The replica archive moved by reprocess: the seed documents of every site land in the
    Chinalco case of the fourth team there too."""
    into = Archive(f"sqlite:///{tmp_path / 'moved.sqlite3'}")
    result = reprocess(archive, into=into)
    assert result.case_events > 0
    seed = next(case for case in list_cases(into) if case["key"] == SEED_CASE)
    view = case_view(into, seed["id"])
    assert view is not None
    assert {stage["stage"] for stage in view["stages"]} >= {"stationing", "progress"}
    hosts = {article["host"].split(":")[0] for article in view["articles"]}
    assert hosts == {"127.0.0.1"} and len(view["articles"]) >= 3
    into.engine.dispose()


# --- the web page ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM}: run tests/install_chromium.sh as root")
    browser = Chromium()
    yield browser
    browser.close()


# The seed case as its sites published it, up to mid-2022: its stationing (CNMN's report of
# 2020-10-15 with figures as of 10月9日, and the mirror's copy), the notification meeting
# (SMM English, no figures), the feedback (the ministry, and SMM English a day later), the
# rectification plan (CNMN) and a progress report (SMM Chinese); the ministry's report of the
# look-back, which states no figure, came out on 2022-10-21.
CASE_SITES = ("smm", "cnmn", "mirror", "smm_cn", "mee")
BEFORE_THE_LOOK_BACK, ITS_DAY = "2022-06-30", "2022-10-21"


@pytest.mark.slow  # a browser test, as tests/test_web.py's are
@pytest_twisted.ensureDeferred
async def test_open_a_case_from_a_search_result_see_its_timeline_and_chart_and_follow_it(chromium, tmp_path):
    """The replicas crawled as they were on 2022-06-30, the case opened from a search result,
    its timeline and chart seen, and the case followed in the page; then crawled again as on
    2022-10-21 and alerts matched as after a scheduled crawl: the new look-back stage raises
    exactly one alert for the follower, and none for a rule following Yunnan. The page then
    shows the new stage."""
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    with replica_process(CASE_SITES, "--articles", "8", "--today", BEFORE_THE_LOOK_BACK) as replicas:
        await deferred_from_coro(crawl_async(replicas.jobs(CASE_SITES), url, local=True))
        archive = Archive(url)
        case_id = _case_id(url, SEED_CASE)

        def open_from_search(page, query: str) -> None:
            page.goto(base + "/")
            page.fill("#q", query)
            page.press("#q", "Enter")
            page.wait_for_selector("#results li")
            page.locator(f'#results a[href="#/case/{case_id}"]').first.click()
            page.wait_for_selector("#case-view .timeline li")
            assert page.url.endswith(f"#/case/{case_id}")

        def stages(page) -> list[str]:
            return page.locator("#case-view .timeline > li").evaluate_all(
                "lis => lis.map(li => `${li.querySelector('time').textContent} ${li.querySelector('strong').textContent}`)"
            )

        def sources(page) -> list[list[tuple[str, ...]]]:
            """(language, the site's replica) of the articles the timeline shows, stage by stage
            (a copy published with its original may come before it or after)."""
            site_of = {urlsplit(address).netloc: site for site, address in replicas.addresses.items()}
            stages = page.locator("#case-view .timeline > li").evaluate_all(
                "lis => lis.map(li => [...li.querySelectorAll('li')].map(a => a.innerText.split('\\n')[0]))"
            )
            return [
                sorted((lang, site_of[host]) for lang, host in (line.split(" · ")[1:] for line in lines))
                for lines in stages
            ]

        def chart(page, series: str) -> list[str]:
            return page.locator(f"#case-chart circle.{series} title").all_text_contents()

        def before_the_look_back(page) -> None:
            open_from_search(page, "中国铜业")
            assert stages(page) == STAGES_BEFORE
            assert sources(page) == SOURCES_BEFORE
            assert chart(page, "raised") == RAISED
            assert chart(page, "rectified") == RECTIFIED
            page.click("#case-view .follow button")
            page.wait_for_selector("#case-view .follow a")
            assert page.inner_text("#case-view .follow").startswith(f"已关注 Following (case-{case_id})")

        def after_it(page) -> None:
            open_from_search(page, "Chinalco rare earth")
            assert stages(page) == [*STAGES_BEFORE, "2022-10-21 回头看 Look-back"]
            assert sources(page) == [*SOURCES_BEFORE, [("zh", "mee")]]
            assert (chart(page, "raised"), chart(page, "rectified")) == (RAISED, RECTIFIED)

        with serving(url) as base:  # the page, served all along
            chromium.run(before_the_look_back)
            add_follow_rule(archive, "yunnan", "place", "yunnan")  # its case is of 2023: no news of it yet
            replicas.set_clock(ITS_DAY)
            await deferred_from_coro(crawl_async(replicas.jobs(CASE_SITES), url, local=True))
            report = alerts.run(archive, delivery_settings())  # what a scheduled crawl does once it stored articles
            assert report.alerts == {f"case-{case_id}": 1, "yunnan": 0}
            titles = [entry.title for entry in rule_feed(archive, f"case-{case_id}", "http://monitor.test").entries]
            assert titles == [
                f"case {case_id} 中铝集团 ({SEED_CASE}): new stage lookback on 2022-10-21: "
                "中铝集团开展督察整改“回头看” 巩固整改成效"
            ]
            chromium.run(after_it)
        archive.engine.dispose()


# What the case view shows before the look-back: each stage on the day its sentence states,
# its articles in both languages beside it, and the figures over time.
STAGES_BEFORE = [
    "2020-08-31 进驻 Stationing",
    "2020-09-24 整改进展 Progress",
    "2021-01-29 反馈 Feedback",
    "2021-05-10 整改方案 Rectification plan",
    "2021-12-31 整改进展 Progress",
]
SOURCES_BEFORE = [
    [("zh", "cnmn"), ("zh", "mirror")],
    [("en", "smm")],
    [("en", "smm"), ("zh", "mee")],
    [("zh", "cnmn"), ("zh", "mirror")],
    [("zh", "smm_cn")],
]
RAISED = [
    "交办问题 Problems raised 38 · 2020-10-09",
    "交办问题 Problems raised 41 · 2021-05-10",
    "交办问题 Problems raised 41 · 2021-12-31",
]
RECTIFIED = ["已整改 Rectified 24 · 2020-10-09", "已整改 Rectified 33 · 2021-12-31"]


@pytest.mark.slow  # a browser test, as tests/test_web.py's are
def test_a_case_with_figures_over_time_is_charted_to_scale(chromium, case_db):
    case_id = _case_id(case_db, "xiamen-tungsten/r2b1")

    def scenario(page) -> None:
        page.goto(f"{base}/#/case/{case_id}")
        page.wait_for_selector("#case-chart polyline.raised", state="attached")
        raised = page.locator("#case-chart circle.raised title").all_text_contents()
        assert raised == [
            "交办问题 Problems raised 37 · 2019-10-19",
            "交办问题 Problems raised 37 · 2021-04-08",
            "交办问题 Problems raised 37 · 2021-11-14",
        ]
        xs = [
            float(x)
            for x in page.locator("#case-chart circle.raised").evaluate_all("cs => cs.map(c => c.getAttribute('cx'))")
        ]
        assert xs[0] < xs[1] < xs[2] and xs[0] == 34 and xs[2] == 480 - 34
        page.click("#case-view h2 a")
        page.wait_for_selector("#party-view li")
        assert page.url.endswith("#/org/xiamen-tungsten")

    with serving(case_db) as base:
        chromium.run(scenario)
