"""Alert rules over the crawled replica archive, on both engines: each new article matched
once, one alert per story, nothing again after a second run or a reprocess; feeds served by
a real `monitor serve` and parsed by feedparser; webhooks to a real HTTP receiver (signed,
retried, exactly once across a killed run); digests to a real SMTP server."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import feedparser
import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from db import Archive
from db.models import Alert, AlertQueue, AlertRule, Article, Delivery, DeliveryAttempt
from monitor import alerts
from monitor.alerts import AlertError, RunReport
from monitor.feeds import render
from monitor.query import QueryError
from monitor.replica.server import serving
from monitor.settings import SmtpSettings, delivery_settings
from tests.conftest import ROOT, monitor_main
from tests.schedule_helpers import copy_of_archive
from tests.test_search import Oracle

SECRET = "s3cret"
DEFAULTS = delivery_settings({})  # the settings no MONITOR_* variable changes


def reset(archive: Archive) -> None:
    """No rules, every stored article queued: as if all had just been crawled."""
    with archive.transaction() as conn:
        for table in (DeliveryAttempt, Delivery, Alert, AlertRule, AlertQueue):
            conn.execute(delete(table))
        ids = conn.execute(select(Article.id)).scalars().all()
        conn.execute(insert(AlertQueue), [{"article_pk": pk} for pk in ids])


@pytest.fixture
def fresh(any_archive) -> Iterator[Archive]:
    reset(any_archive)
    yield any_archive
    reset(any_archive)


@pytest.fixture(scope="module")
def oracle(any_archive) -> Oracle:
    return Oracle(any_archive)


def alerted_urls(archive: Archive, rule: str) -> list[str]:
    """The rule's alerts' article URLs, in the order they were raised."""
    with archive.engine.connect() as conn:
        return list(
            conn.execute(
                select(Article.url)
                .join(Alert, Alert.article_pk == Article.id)
                .join(AlertRule, AlertRule.id == Alert.rule_id)
                .where(AlertRule.name == rule)
                .order_by(Alert.id)
            ).scalars()
        )


# --- matching ----------------------------------------------------------------------------


def test_each_rule_alerts_once_per_matching_story(fresh, oracle):
    alerts.add_rule(fresh, "rectify", "整改", exact=True)
    alerts.add_rule(fresh, "inspection-copper", '"环保督察" 中国铜业', exact=True)
    alerts.add_rule(fresh, "english-rare-earth", '"rare earth" lang:en', exact=True)
    alerts.add_rule(fresh, "nothing", "zzzunseenword")
    report = RunReport()
    alerts.match_queue(fresh, report, batch=40)  # several batches: stories span them
    assert report.articles == len(oracle.rows) and report.rules == 4
    expected = {
        "rectify": oracle.faces(oracle.has("整改")),
        "inspection-copper": oracle.faces(oracle.has("环保督察") & oracle.has("中国铜业")),
        "english-rare-earth": oracle.faces(
            oracle.where(oracle.english_phrase("rare earth"), lang=lambda r: r.lang == "en")
        ),
        "nothing": set(),
    }
    for name, faces in expected.items():
        urls = alerted_urls(fresh, name)
        assert len(urls) == len(set(urls)) and set(urls) == faces, name
        assert report.alerts.get(name, 0) == len(faces)
    # The CNMN seed and its mirror copy are one story: one alert, for the original.
    copies = oracle.has("环保督察") & oracle.has("中国铜业")
    assert len(copies) > len(expected["inspection-copper"]) >= 1
    assert not any(r.garbled for r in oracle.rows if r.url in expected["inspection-copper"])
    with fresh.engine.connect() as conn:
        assert conn.execute(select(AlertQueue)).all() == []


def test_nothing_fires_twice_nor_after_a_reprocess_or_a_later_copy(fresh, oracle):
    alerts.add_rule(fresh, "rectify", "整改", exact=True)
    mirror = [r.id for r in oracle.rows if r.garbled]
    with fresh.transaction() as conn:  # the mirror's copies arrive after the originals
        conn.execute(delete(AlertQueue).where(AlertQueue.article_pk.in_(mirror)))
    first = RunReport()
    alerts.match_queue(fresh, first)
    before = alerted_urls(fresh, "rectify")
    with fresh.transaction() as conn:
        conn.execute(insert(AlertQueue), [{"article_pk": pk} for pk in mirror])
    later = RunReport()
    alerts.match_queue(fresh, later)
    assert later.articles == len(mirror) and later.alerts == {"rectify": 0}
    again = RunReport()
    alerts.match_queue(fresh, again)
    assert again.articles == 0 and alerted_urls(fresh, "rectify") == before
    assert set(before) == oracle.faces(oracle.has("整改"))


def test_an_alert_goes_with_its_rule_or_article_and_names_only_ones_that_exist(fresh):
    """Triggers keep an alert's rule and article (db.alert_references), as foreign keys did."""
    alerts.add_rule(fresh, "rectify", "整改", exact=True)
    alerts.add_rule(fresh, "copper", "copper", exact=True)
    alerts.match_queue(fresh, RunReport())
    with fresh.engine.connect() as conn, conn.begin() as transaction:
        rules = dict(conn.execute(select(AlertRule.name, AlertRule.id)).all())
        alerted = conn.execute(select(Alert.article_pk).where(Alert.rule_id == rules["rectify"])).scalars().all()
        counted = select(func.count()).select_from(Alert)
        before = conn.execute(counted).scalar_one()
        by_article = conn.execute(counted.where(Alert.article_pk == alerted[0])).scalar_one()
        assert before > by_article >= 1
        conn.execute(delete(Article).where(Article.id == alerted[0]))
        assert conn.execute(counted).scalar_one() == before - by_article
        conn.execute(delete(AlertRule).where(AlertRule.id == rules["copper"]))
        assert conn.execute(select(Alert.rule_id).distinct()).scalars().all() == [rules["rectify"]]
        now = datetime.now(UTC)
        for rule_id, article_pk in ((rules["copper"], alerted[1]), (rules["rectify"], alerted[0])):
            with pytest.raises(IntegrityError), conn.begin_nested():
                conn.execute(
                    insert(Alert).values(rule_id=rule_id, story_id=None, article_pk=article_pk, matched_at=now)
                )
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(update(Alert).where(Alert.article_pk == alerted[1]).values(article_pk=alerted[0]))
        transaction.rollback()


def test_a_reprocess_in_place_queues_nothing(archive, db_url, tmp_path):
    url = copy_of_archive(db_url, tmp_path)
    copied = Archive(url)
    with copied.transaction() as conn:
        conn.execute(delete(AlertQueue))
    monitor_main("reprocess", db_url=url)
    with copied.engine.connect() as conn:
        assert conn.execute(select(AlertQueue)).all() == []
    copied.engine.dispose()


def test_rules_are_checked_before_they_are_stored(fresh):
    with pytest.raises(QueryError, match=r"unbalanced"):
        alerts.add_rule(fresh, "bad", '"open quote')
    for name in ("crawl-health", "has space", "", "-dash", "x" * 81):
        with pytest.raises(AlertError, match="bad rule name"):
            alerts.add_rule(fresh, name, "copper")
    with pytest.raises(AlertError, match="http"):
        alerts.add_rule(fresh, "hook", "copper", webhook="ftp://127.0.0.1/x")
    with pytest.raises(AlertError, match="e-mail"):
        alerts.add_rule(fresh, "mail", "copper", email="nobody")
    alerts.add_rule(fresh, "copper", "copper")
    with pytest.raises(AlertError, match="exists already"):
        alerts.add_rule(fresh, "copper", "zinc")
    with pytest.raises(AlertError, match="no rule named 'zinc'"):
        alerts.remove_rule(fresh, "zinc")
    assert [r["name"] for r in alerts.list_rules(fresh)] == ["copper"]


# --- feeds -------------------------------------------------------------------------------


@contextmanager
def served(db_url: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--db", db_url, "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("serving "), process.stderr.read()
        yield line.rsplit(" on ", 1)[1].strip().rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str) -> tuple[int, str, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_feeds_hold_exactly_the_alerts(archive, db_url, oracle):
    reset(archive)
    try:
        alerts.add_rule(archive, "rectify", "整改 site:cnmn", exact=True)
        alerts.add_rule(archive, "empty", "zzzunseenword")
        alerts.run(archive, DEFAULTS)
        expected = alerted_urls(archive, "rectify")[::-1]  # newest alert first
        assert set(expected) == oracle.faces(oracle.where(oracle.has("整改"), site=lambda r: r.site == "cnmn"))
        with served(db_url) as base:
            for fmt, media in (("atom", "application/atom+xml"), ("rss", "application/rss+xml")):
                status, content_type, body = fetch(f"{base}/feeds/rectify.{fmt}")
                assert (status, content_type) == (200, f"{media}; charset=utf-8")
                parsed = feedparser.parse(body)
                assert parsed.bozo == 0, parsed.bozo_exception
                assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
                assert [e.link for e in parsed.entries] == expected
                first = parsed.entries[0]
                assert "<b>整改</b>" in first.summary and first.published_parsed
                assert first.title == archive.articles(url=expected[0])[0].title
                assert {t.term for t in first.tags} == {t["id"] for t in archive.articles(url=expected[0])[0].tags}
                empty = feedparser.parse(fetch(f"{base}/feeds/empty.{fmt}")[2])
                assert (empty.bozo, len(empty.entries), empty.feed.title) == (0, 0, "monitor: empty")
            status, content_type, body = fetch(f"{base}/feeds/rectify.json")
            document = json.loads(body)
            assert (status, content_type) == (200, "application/feed+json; charset=utf-8")
            assert document["version"] == "https://jsonfeed.org/version/1.1"
            assert [item["url"] for item in document["items"]] == expected
            assert all(item["external_url"].startswith(f"{base}/#/article/") for item in document["items"])
            assert all("«整改»" in item["summary"] for item in document["items"])
            assert json.loads(fetch(f"{base}/feeds/empty.json")[2])["items"] == []
            health = feedparser.parse(fetch(f"{base}/feeds/crawl-health.atom")[2])
            assert (health.bozo, health.feed.title) == (0, "monitor: crawl health")
            assert fetch(f"{base}/feeds/nope.atom")[:2] == (404, "application/json")
            assert json.loads(fetch(f"{base}/feeds/rectify.xml")[2]) == {
                "error": "no feed 'rectify.xml': ask for NAME.atom, NAME.rss or NAME.json"
            }
    finally:
        reset(archive)


def test_scraped_markup_in_a_feed_stays_text():
    from datetime import UTC, datetime

    from monitor.feeds import Entry, Feed

    moment = datetime(2026, 11, 1, tzinfo=UTC)
    entry = Entry(
        "urn:x:1",
        "<script>alert(1)</script>\x01\x0b",
        "http://127.0.0.1/a?x=1&y=2",
        "http://127.0.0.1/#/article/1",
        moment,
        moment,
        "«<img src=x onerror=alert(1)>» & more",
        ("<b>",),
    )
    feed = Feed("urn:x", "t", "d", "http://127.0.0.1/", "http://127.0.0.1/feeds/t.{format}", moment, [entry])
    parsed = feedparser.parse(render(feed, "atom"))
    # Control characters XML does not allow become spaces, the rest stays text.
    assert parsed.bozo == 0 and parsed.entries[0].title == "<script>alert(1)</script>"
    assert parsed.entries[0].link == "http://127.0.0.1/a?x=1&y=2"
    assert "&lt;img src=x onerror=alert(1)&gt;" in parsed.entries[0].content[0].value
    rss = feedparser.parse(render(feed, "rss"))
    assert rss.bozo == 0 and "<img" not in rss.entries[0].description.replace("&lt;img", "")


# --- webhooks ----------------------------------------------------------------------------


class Receiver:
    """A webhook receiver on 127.0.0.1. `fail` first answers are 500; request number
    `hang_at` (1-based) is held until `release` is set, then answered 503. `accepted`: the
    bodies answered 200, in the order they came."""

    def __init__(self, fail: int = 0, hang_at: int | None = None) -> None:
        self.fail, self.hang_at = fail, hang_at
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.accepted: list[dict] = []  # bodies answered 200
        self.release = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body))
                    number = len(receiver.requests)
                if number == receiver.hang_at:
                    receiver.release.wait(30)
                    status = 503
                else:
                    status = 500 if number <= receiver.fail else 200
                if status == 200:  # noted before answering: the sender's next request may come first
                    with receiver.lock:
                        receiver.accepted.append(json.loads(body))
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    return

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def valid_signature(headers: dict[str, str], body: bytes) -> bool:
    signed = headers["X-Monitor-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Monitor-Signature"], expected)


def alerts_env(**more: str) -> dict[str, str]:
    return {**os.environ, "MONITOR_RETRY_BASE": "0.05", "MONITOR_RETRY_WAIT_MAX": "1", **more}


def test_a_webhook_gets_each_alert_once_signed_after_failing_twice(archive, db_url, oracle):
    reset(archive)
    receiver = Receiver(fail=2)
    try:
        monitor_main(
            "alerts",
            "add",
            "rectify",
            "整改",
            "--site",
            "cnmn",
            "--exact",
            "--webhook",
            receiver.url,
            "--secret",
            SECRET,
            db_url=db_url,
        )
        ran = subprocess.run(
            [sys.executable, "-m", "monitor.cli", "--db", db_url, "alerts", "run"],
            capture_output=True,
            text=True,
            env=alerts_env(),
            cwd=ROOT,
        )
        wanted = alerted_urls(archive, "rectify")
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines() == [
            f"matched {len(oracle.rows)} new articles against 1 rules: {len(wanted)} alerts (rectify {len(wanted)})",
            f"webhook: {len(wanted)} delivered",
        ]
        assert [a["article"]["url"] for a in receiver.accepted] == wanted
        assert len(receiver.requests) == len(wanted) + 2
        assert all(valid_signature(headers, body) for headers, body in receiver.requests)
        first = receiver.accepted[0]
        assert first["rule"] == {"name": "rectify", "query": "(整改) site:cnmn"}
        assert "«整改»" in first["snippet"] and first["article"]["archive_url"].endswith(
            f"/#/article/{first['article']['id']}"
        )
        with archive.engine.connect() as conn:
            log = conn.execute(select(DeliveryAttempt.status_code).order_by(DeliveryAttempt.id)).scalars().all()
            assert log == [500, 500] + [200] * len(wanted)
            assert set(conn.execute(select(Delivery.status)).scalars()) == {"delivered"}
        again = monitor_main("alerts", "run", db_url=db_url)
        assert again.stdout == "matched 0 new articles against 1 rules: 0 alerts\n"
        assert len(receiver.requests) == len(wanted) + 2
    finally:
        receiver.close()
        reset(archive)


def test_a_killed_run_and_a_new_one_deliver_every_alert_exactly_once(archive, db_url):
    reset(archive)
    receiver = Receiver(hang_at=3)
    try:
        alerts.add_rule(archive, "rectify", "整改", exact=True, webhook=receiver.url, secret=SECRET)
        runner = subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "--db", db_url, "alerts", "run"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=alerts_env(),
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while len(receiver.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(receiver.requests) == 3, runner.stderr.read() if runner.poll() is not None else "runner too slow"
        runner.send_signal(signal.SIGKILL)  # mid-delivery: the third alert sent, not acknowledged
        runner.wait()
        receiver.release.set()
        assert len(receiver.accepted) == 2
        finished = subprocess.run(
            [sys.executable, "-m", "monitor.cli", "--db", db_url, "alerts", "run"],
            capture_output=True,
            text=True,
            env=alerts_env(),
            cwd=ROOT,
        )
        assert finished.returncode == 0, finished.stderr
        wanted = alerted_urls(archive, "rectify")
        assert len(wanted) > 3
        assert [a["article"]["url"] for a in receiver.accepted] == wanted
        assert len({a["alert"] for a in receiver.accepted}) == len(wanted)
        assert len(receiver.requests) == len(wanted) + 1  # the unacknowledged one, sent again
        with archive.engine.connect() as conn:
            # The try cut off by the kill left no answer to log: each delivery shows one.
            assert conn.execute(select(Delivery.status, Delivery.attempts).order_by(Delivery.id)).all() == (
                [("delivered", 1)] * len(wanted)
            )
    finally:
        receiver.close()
        reset(archive)


def test_a_receiver_that_is_down_holds_up_no_other(fresh):
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    receiver = Receiver()
    try:
        alerts.add_rule(fresh, "dead", "整改", exact=True, webhook=dead)
        alerts.add_rule(fresh, "live", "rectification", exact=True, webhook=receiver.url)
        began = time.monotonic()
        report = alerts.run(fresh, replace(DEFAULTS, retry_base=0.05, retry_wait_max=0.2))
        assert time.monotonic() - began < 30
        assert report.delivered == {"webhook": report.alerts["live"]} and report.failed == {}
        assert report.retrying == {"webhook": report.alerts["dead"]}
        assert [a["article"]["url"] for a in receiver.accepted] == alerted_urls(fresh, "live")
        with fresh.engine.connect() as conn:
            tries = (
                conn.execute(
                    select(Delivery.attempts)
                    .join(Alert, Alert.id == Delivery.alert_id)
                    .join(AlertRule, AlertRule.id == Alert.rule_id)
                    .where(AlertRule.name == "dead")
                    .order_by(Delivery.id)
                )
                .scalars()
                .all()
            )
        # Waits of 0.05 and 0.1 s fit the run's 0.2 s, the next (0.2 s) does not: three tries,
        # then the address is left alone until the next run.
        assert tries == [3] + [0] * (report.alerts["dead"] - 1)
    finally:
        receiver.close()


class Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class Drip(Quiet):
    """Reads the alert, then answers one header byte every 0.5 s, never ending the headers:
    each read gets a byte well within any per-read timeout."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        try:
            for byte in b"HTTP/1.1 200 OK\r\nX-Drip: " + b"." * 10_000:
                self.wfile.write(bytes([byte]))
                time.sleep(0.5)
        except OSError:  # the sender hung up
            return


def attempts_of(archive: Archive, rule: str) -> list[tuple]:
    """(status code, error) of every try of the rule's deliveries, in order."""
    with archive.engine.connect() as conn:
        return conn.execute(
            select(DeliveryAttempt.status_code, DeliveryAttempt.error, DeliveryAttempt.seconds)
            .join(Delivery, Delivery.id == DeliveryAttempt.delivery_id)
            .join(Alert, Alert.id == Delivery.alert_id)
            .join(AlertRule, AlertRule.id == Alert.rule_id)
            .where(AlertRule.name == rule)
            .order_by(DeliveryAttempt.id)
        ).all()


def test_a_receiver_dripping_its_answer_gets_the_deadline_and_the_run_ends(archive, db_url):
    """MONITOR_WEBHOOK_TIMEOUT bounds the whole request, not each read: the try is cut at 1 s
    and logged, and the run, its 1 s of waiting spent on it, leaves the receiver alone."""
    reset(archive)
    try:
        with serving(Drip) as address:
            alerts.add_rule(archive, "rectify", "整改", exact=True, webhook=address + "/hook")
            began = time.monotonic()
            ran = subprocess.run(
                [sys.executable, "-m", "monitor.cli", "--db", db_url, "alerts", "run"],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=30,
                check=False,
                env=alerts_env(MONITOR_WEBHOOK_TIMEOUT="1", MONITOR_RETRY_WAIT_MAX="1"),
            )
            took = time.monotonic() - began
        wanted = alerted_urls(archive, "rectify")
        assert ran.returncode == 0, ran.stderr
        # Why, and to whom: the last failed try.
        assert ran.stdout.splitlines()[-1] == (
            f"webhook: {len(wanted)} to retry later (last try: {address}/hook: no answer within 1 s)"
        )
        assert took < 10  # start-up, matching, and the one try of 1 s
        [(status, error, seconds)] = attempts_of(archive, "rectify")
        assert (status, error) == (None, "no answer within 1 s") and 1 <= seconds < 2
    finally:
        reset(archive)


class Redirect(Quiet):
    """/found: 302 to another path; /ftp: 302 to ftp://; /moved: 301. /elsewhere takes
    anything with 200, and notes it was reached."""

    reached: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        targets = {"/found": (302, "/elsewhere"), "/ftp": (302, "ftp://127.0.0.1/hook"), "/moved": (301, "/elsewhere")}
        status, location = targets.get(self.path, (200, None))
        if status == 200:
            Redirect.reached.append(f"{self.command} {self.path}")
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_redirects_are_not_followed_but_logged_with_their_location(fresh):
    """A 302 is a failed try, tried again later; a 301 (moved for good) is given up at once.
    Nothing reaches the address redirected to, and nothing is marked delivered."""
    Redirect.reached.clear()
    with serving(Redirect) as address:
        for name in ("found", "ftp", "moved"):
            alerts.add_rule(fresh, name, "整改 site:cnmn", exact=True, webhook=f"{address}/{name}")
        report = alerts.run(fresh, replace(DEFAULTS, retry_base=0.05, retry_wait_max=0.2))
    assert Redirect.reached == [] and report.delivered == {}
    assert report.failed == {"webhook": report.alerts["moved"]}
    assert report.retrying == {"webhook": report.alerts["found"] + report.alerts["ftp"]}
    for name, expected in (
        ("found", "HTTP 302 Found, a redirect to /elsewhere: not followed"),
        ("ftp", "HTTP 302 Found, a redirect to ftp://127.0.0.1/hook: not followed"),
        ("moved", "HTTP 301 Moved Permanently, a redirect to /elsewhere: not followed"),
    ):
        tries = attempts_of(fresh, name)
        assert tries and {(status, error) for status, error, _ in tries} == {(int(expected[5:8]), expected)}
    with fresh.engine.connect() as conn:
        assert "delivered" not in set(conn.execute(select(Delivery.status)).scalars())


# --- e-mail ------------------------------------------------------------------------------


def test_a_local_smtp_server_receives_one_digest_per_rule(fresh):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    with socket.socket() as probe:  # a free port: aiosmtpd's controller cannot take port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        alerts.add_rule(fresh, "rectify", "整改 site:cnmn", exact=True, email="analyst@example.test, lead@example.test")
        alerts.add_rule(fresh, "english", "rectification lang:en", email="analyst@example.test")
        smtp = SmtpSettings("127.0.0.1", port, "monitor@example.test")
        report = alerts.run(fresh, replace(DEFAULTS, smtp=smtp, public_url="http://archive.example"))
        counts = dict(report.alerts.items())
        assert report.delivered == {"email": sum(counts.values())}
        subjects = sorted(m["Subject"] for m in received)
        assert subjects == sorted(
            f"monitor: {n} new article{'s' if n != 1 else ''} for {name}" for name, n in counts.items()
        )
        rectify = next(m for m in received if m["Subject"].endswith("rectify"))
        assert rectify["To"] == "analyst@example.test, lead@example.test"
        text = next(p for p in rectify.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
        for url in alerted_urls(fresh, "rectify"):
            assert url in text
        assert text.count("in the archive: http://archive.example/#/article/") == counts["rectify"]
        assert alerts.run(fresh, replace(DEFAULTS, smtp=smtp)).delivered == {}
        assert len(received) == 2
    finally:
        controller.stop()


def test_without_an_smtp_server_digests_wait(fresh):
    alerts.add_rule(fresh, "rectify", "整改", exact=True, email="analyst@example.test")
    report = alerts.run(fresh, DEFAULTS)
    assert report.waiting == {"email": report.alerts["rectify"]} and report.delivered == {}


# --- command line ------------------------------------------------------------------------


def test_alert_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    monitor_main("db", "upgrade", db_url=url)  # a rule is added to an archive that exists
    added = monitor_main("alerts", "add", "copper", "copper OR 铜", "--lang", "en", "--tag", "rare earth", db_url=url)
    assert (
        added.stdout
        == 'rule copper added: (copper OR 铜) lang:en tag:"rare earth" (feeds only); `monitor alerts run` matches it against the new articles not matched yet\n'
    )
    assert monitor_main("alerts", "list", db_url=url).stdout.startswith(
        'copper: (copper OR 铜) lang:en tag:"rare earth"  [feeds only; 0 alerts]'
    )
    bad = monitor_main("alerts", "add", "x", "copper AND", db_url=url, check=False)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.startswith("monitor: ") and "position" in bad.stderr and "Traceback" not in bad.stderr
    missing = monitor_main("alerts", "show", "zinc", db_url=url, check=False)
    assert (missing.returncode, missing.stderr) == (2, "monitor: no rule named 'zinc'\n")
    feed = monitor_main("alerts", "feed", "copper", "--format", "rss", db_url=url)
    assert feedparser.parse(feed.stdout).bozo == 0
    written = monitor_main("alerts", "run", "--feeds", str(tmp_path / "feeds"), db_url=url)
    assert written.stdout.endswith(f"feeds written to {tmp_path / 'feeds'}\n")
    assert sorted(p.name for p in (tmp_path / "feeds").iterdir()) == [
        "copper.atom",
        "copper.json",
        "copper.rss",
        "crawl-health.atom",
        "crawl-health.json",
        "crawl-health.rss",
    ]
    assert monitor_main("alerts", "remove", "copper", db_url=url).stdout == "rule copper removed\n"
    assert monitor_main("alerts", "list", db_url=url).stdout == "no rules (add one: monitor alerts add NAME QUERY)\n"
