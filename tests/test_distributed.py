"""The distributed crawl (monitor.frontier, monitor.distributed, monitor.worker) against the
real Redis and PostgreSQL: workers are real `monitor worker` processes, the sites real
replica servers. Each test has a Redis key prefix and a PostgreSQL database of its own."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from db import Archive
from monitor.frontier import Frontier, FrontierError, Site, connect, sites
from monitor.replica.server import ReplicaSite, _handler_for, serving
from tests.conftest import ARCHIVED_SITES, POSTGRES_URL, ROOT, SPIDER_OF, monitor_main, run_monitor
from tests.schedule_helpers import slow_replica, wait_for

REDIS_URL = os.environ.get("MONITOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IDLE = "2"  # seconds a test's workers wait with nothing to do before they exit


def _absent(what: str, error: Exception) -> None:
    """Skip without the service, except under CI, where it must be there."""
    if os.environ.get("CI") == "true":
        raise error
    pytest.skip(f"no {what}: {error.__class__.__name__}: {error}")


@pytest.fixture
def frontier():
    """(the Redis client, a key prefix of this test's own); the keys are deleted afterwards."""
    try:
        server = connect(REDIS_URL)
    except FrontierError as error:
        _absent(f"Redis at {REDIS_URL}", error)
    prefix = f"test-distributed-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


@contextlib.contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A new database of this test's own on the test PostgreSQL server, as an archive URL;
    dropped afterwards."""
    database = f"monitor_redis_{name}_{os.getpid()}"
    admin = create_engine(make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    except (OperationalError, ModuleNotFoundError) as error:
        _absent(f"PostgreSQL at {POSTGRES_URL}", error)
    try:
        yield make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
        admin.dispose()


def environment(db_url: str, prefix: str, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "MONITOR_DB_URL": db_url,
        "MONITOR_REDIS_URL": REDIS_URL,
        "MONITOR_REDIS_PREFIX": prefix,
        "MONITOR_WORKER_POLL": "0.2",
        **more,
    }


def seed(prefix: str, *targets: str) -> str:
    """`monitor crawl --distributed TARGETS`: its output."""
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "crawl", "--distributed", *targets],
        capture_output=True,
        text=True,
        env=environment("sqlite://", prefix),
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_workers(count: int, db_url: str, prefix: str, folder: Path, **more: str) -> list[subprocess.Popen]:
    """`monitor worker --until-idle IDLE` processes, their output in files of the folder."""
    workers = []
    for _ in range(count):
        number = len(list(folder.glob("worker-*.out")))
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "monitor.cli", "worker", "--until-idle", IDLE],
                stdout=open(folder / f"worker-{number}.out", "w"),  # noqa: SIM115 (the process holds it)
                stderr=open(folder / f"worker-{number}.err", "w"),  # noqa: SIM115
                env=environment(db_url, prefix, **more),
                cwd=ROOT,
            )
        )
    return workers


def finish(workers: list[subprocess.Popen], timeout: float = 300) -> list[int]:
    try:
        return [worker.wait(timeout) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def new_articles(folder: Path) -> int:
    """The new articles the workers' summary lines count."""
    lines = "".join(path.read_text() for path in folder.glob("worker-*.out"))
    return sum(int(n) for n in re.findall(r"(\d+) new,", lines))


def stored(db_url: str, addresses: dict[str, str]) -> dict[tuple[str, str], list[int]]:
    """(replica site, article id) -> the story of each row stored for it."""
    site_of_host = {urlsplit(address).netloc: site for site, address in addresses.items()}
    archive = Archive(db_url)
    rows: dict[tuple[str, str], list[int]] = {}
    for row in archive.articles():
        rows.setdefault((site_of_host[row.host], row.site_article_id), []).append(row.story_id)
    archive.engine.dispose()
    return rows


def partition(rows: dict[tuple[str, str], list[int]]) -> set[frozenset[tuple[str, str]]]:
    """The articles grouped by story: what story assignment made, whatever the stories' ids."""
    stories: dict[int, set[tuple[str, str]]] = {}
    for key, story_ids in rows.items():
        for story in story_ids:
            stories.setdefault(story, set()).add(key)
    return {frozenset(members) for members in stories.values()}


def targets(replicas, names: tuple[str, ...]) -> list[str]:
    return [f"{SPIDER_OF.get(name, name)}={replicas.addresses[name]}" for name in names]


# --- the frontier's scripts ---


def test_a_lease_run_out_goes_back_to_the_queue_and_only_its_holder_settles_it(frontier):
    server, prefix = frontier
    site = Frontier(server, prefix, Site("cnmn", "http://127.0.0.1:1", 0.0, 2))
    assert site.seed([("list", 0, b"list page"), ("article", -1, b"article page")]) == 2
    assert site.take("a", lease=60) == b"article page"  # the higher priority first
    assert site.take("b", lease=0.05) == b"list page"
    assert site.settle("b", "ack", [b"article page"]) == 0  # a's, not b's
    time.sleep(0.1)
    assert site.state() == (1, 1) and site.reclaimed() == 1  # b's ran out: queued again
    assert site.take("c", lease=60) == b"list page"
    assert site.settle("b", "ack", [b"list page"]) == 0  # c holds it now
    assert site.holders() == {"a": 1, "c": 1}
    assert site.settle("a", "release", [b"article page"]) == 1 and site.settle("c", "ack", [b"list page"]) == 1
    assert site.state() == (1, 0) and site.take("d", lease=60) == b"article page"


def test_a_seed_joins_the_crawl_under_way_and_starts_afresh_after_it(frontier):
    server, prefix = frontier
    site = Frontier(server, prefix, Site("cnmn", "http://127.0.0.1:1", 0.0, 2))
    assert site.seed([("list", 0, b"list page")]) == 1
    assert site.seed([("list", 0, b"list page")]) == 0  # queued: the same crawl
    site.settle("a", "ack", [site.take("a", lease=60) or b""])
    assert site.state() == (0, 0)
    assert site.seed([("list", 0, b"list page")]) == 1  # that crawl is over: a new one
    assert [s.spider for s in sites(server, prefix)] == ["cnmn"]


def test_a_request_found_is_seen_and_queued_in_one_step(frontier):
    """A worker killed between marking a request seen and queueing it would lose it: a try
    again (its list page's lease run out) finds it seen. Both are one script."""
    server, prefix = frontier
    site = Frontier(server, prefix, Site("cnmn", "http://127.0.0.1:1", 0.0, 2))
    site.seed([("list", 0, b"list page")])
    assert site.add([("a1", -1, b"article 1"), ("a2", -1, b"article 2"), ("a1", -1, b"article 1 again")]) == 2
    assert site.add([("a2", -1, b"article 2")]) == 0  # seen in the crawl under way
    assert server.smembers(site.seen_key) == {b"list", b"a1", b"a2"} and site.state() == (3, 0)


def test_the_gate_keeps_the_sites_concurrency_and_delay(frontier):
    server, prefix = frontier
    busy = Frontier(server, prefix, Site("smm", "http://127.0.0.1:1", 0.0, 2))
    assert busy.enter("one", 30) is None and busy.enter("two", 30) is None
    assert busy.enter("three", 30) == 0  # every slot busy: ask again
    busy.leave("one")
    assert busy.enter("three", 30) is None
    slow = Frontier(server, prefix, Site("cnmn", "http://127.0.0.1:2", 0.5, 4))
    assert slow.enter("one", 30) is None
    assert 0 < (slow.enter("two", 30) or 0) <= 0.5  # the rest of the 0.5 s (a loaded machine may take most)


# --- workers crawling ---


@pytest.mark.slow
def test_three_workers_crawl_the_replicas_into_one_postgresql_archive_as_one_writer(
    replicas, archive, manifest, frontier, tmp_path
):
    server, prefix = frontier
    with postgres_database("three") as url:
        seed(prefix, *targets(replicas, ARCHIVED_SITES))
        assert finish(start_workers(3, url, prefix, tmp_path)) == [0, 0, 0]
        rows = stored(url, replicas.addresses)
    expected = {(a["site"], a["article_id"]) for a in manifest["articles"]}
    assert set(rows) == expected and all(len(stories) == 1 for stories in rows.values())
    assert new_articles(tmp_path) == len(expected) == 248
    # The stories of a one-writer crawl into SQLite (the session's archive) of the same replicas.
    assert partition(rows) == partition(stored(archive.url, replicas.addresses))
    for site in sites(server, prefix):
        assert Frontier(server, prefix, site).state() == (0, 0)


@pytest.mark.slow
def test_a_worker_killed_mid_crawl_loses_nothing_and_the_others_store_nothing_twice(
    replicas, manifest, frontier, tmp_path
):
    server, prefix = frontier
    with postgres_database("kill") as url:
        seed(prefix, f"cnmn={replicas.addresses['cnmn']}")
        [site] = sites(server, prefix)
        shared = Frontier(server, prefix, site)
        workers = start_workers(2, url, prefix, tmp_path, MONITOR_LEASE="3", MONITOR_STORE_BATCH="10")
        # A worker holding requests it has not finished: pages under way, articles not yet stored.
        holder = wait_for(lambda: next((h for h, n in shared.holders().items() if n >= 5), None), 120, 0.01)
        victim = next(w for w in workers if w.pid == int(holder.split(":")[-2]))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        held = shared.holders().get(holder, 0)  # what it held as it died: it may have finished some since the look
        others = [w for w in workers if w is not victim] + start_workers(1, url, prefix, tmp_path)
        assert finish(others) == [0, 0] and victim.wait() == -signal.SIGKILL
        rows = stored(url, replicas.addresses)
    assert held >= 1 and shared.reclaimed() >= held  # its leases ran out and went back to the queue
    expected = {(a["site"], a["article_id"]) for a in manifest["articles"] if a["site"] == "cnmn"}
    assert set(rows) == expected  # 0 lost
    assert all(len(stories) == 1 for stories in rows.values())  # 0 stored twice
    assert shared.state() == (0, 0)


@pytest.mark.slow
def test_two_crawls_of_one_site_at_once_store_each_article_once(replicas, manifest, frontier, tmp_path, monkeypatch):
    """Two seeds of the site at once, with its workers, and a crawl of it in one process
    beside them, all into one archive."""
    server, prefix = frontier
    monkeypatch.setenv("MONITOR_DOWNLOAD_DELAY", "0")  # the crawl in one process: a replica's pace
    smm = f"smm={replicas.addresses['smm']}"
    with postgres_database("twice") as url:
        outputs: list[str] = []
        seeds = [threading.Thread(target=lambda: outputs.append(seed(prefix, smm))) for _ in range(2)]
        for thread in seeds:
            thread.start()
        workers = start_workers(2, url, prefix, tmp_path)
        in_process = run_monitor("--db", url, "crawl", smm, "--log-level", "ERROR")
        for thread in seeds:
            thread.join()
        assert finish(workers) == [0, 0]
        rows = stored(url, replicas.addresses)
    queued = [int(n) for n in re.findall(r"(\d+) start requests queued", "".join(outputs))]
    assert queued == [17]  # the first seed's; the second joined its crawl
    expected = {(a["site"], a["article_id"]) for a in manifest["articles"] if a["site"] == "smm"}
    assert set(rows) == expected and all(len(stories) == 1 for stories in rows.values())
    assert f"smm {replicas.addresses['smm']}: " in in_process.stdout  # it crawled beside them
    [site] = sites(server, prefix)
    assert Frontier(server, prefix, site).state() == (0, 0)


@pytest.mark.slow
def test_a_worker_stopped_by_sigterm_gives_its_unfinished_requests_back_at_once(frontier, tmp_path):
    """Its requests waiting for the site's gate (one download at a time, 3 s apart) go back
    to the queue then and there, not when their leases (a minute) run out."""
    from monitor.worker import seed as queue_site

    server, prefix = frontier
    with slow_replica("cnmn", 0.5) as address, postgres_database("stop") as url:
        site = Site("cnmn", address, 3.0, 1)
        queue_site(server, prefix, site)
        shared = Frontier(server, prefix, site)
        [worker] = start_workers(1, url, prefix, tmp_path)
        wait_for(lambda: shared.holders(), 120, 0.05)
        time.sleep(0.5)  # the lists it took: one downloading, the others at the gate
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert finish([worker]) == [130] and time.monotonic() - started < 10
    given_back = re.search(r"; (\d+) requests given back unfinished", (tmp_path / "worker-0.out").read_text())
    queued, leased = shared.state()
    assert given_back and int(given_back[1]) >= 1 and queued >= int(given_back[1])
    assert leased == 0 and shared.reclaimed() == 0  # none left to run out


def _redis_commands(prefix: str, into: list[str], stop: threading.Event) -> threading.Thread:
    """Every command Redis runs on the prefix's keys, in the order it runs them (MONITOR)."""
    ready = threading.Event()

    def watch() -> None:
        with connect(REDIS_URL).monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                if stop.is_set():
                    return
                if f" {prefix}:" in command["command"]:
                    into.append(command["command"])

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    ready.wait(10)
    return watcher


@pytest.mark.slow
def test_a_list_pages_lease_is_finished_only_once_the_requests_it_found_are_queued(frontier, tmp_path):
    """A worker killed between the two would lose the requests found: its list page done,
    they were never queued. Scrapy reads a callback's output ahead of scheduling it."""
    from monitor.worker import seed as queue_site

    server, prefix = frontier
    commands: list[str] = []
    stop = threading.Event()
    watcher = _redis_commands(prefix, commands, stop)
    with serving(_handler_for(ReplicaSite("cnmn"))) as address:
        queue_site(server, prefix, Site("cnmn", address, 0.0, 4))
        assert finish(start_workers(1, f"sqlite:///{tmp_path / 'a.sqlite3'}", prefix, tmp_path)) == [0]
    stop.set()
    server.set(f"{prefix}:end", 1)  # a last command for the watcher to see
    watcher.join(10)
    late: list[str] = []
    acked: set[str] = set()
    for command in commands:
        keys = command.split(" ")[3:6]  # EVALSHA sha 3 KEYS...
        if keys and keys[0].endswith(":leases") and " ack " in command:
            acked.update(re.findall(r"(http://[^\\ ]+)", command)[:1])  # the lease's request: its URL first
        elif len(keys) == 3 and keys[0].endswith(":queue") and keys[2].endswith(":seen"):
            late += [found for found in re.findall(r"Referer.*?(http://[^\\ ]+)", command) if found in acked]
    assert acked and not late, f"requests queued after their list page was finished: {late}"


def test_a_worker_passes_over_a_site_whose_spider_it_does_not_know(frontier, tmp_path):
    """A site queued by a machine with a spider this one has not (a sites file of its own, a
    spider since renamed): the worker says so once and goes on, no traceback."""
    server, prefix = frontier
    Frontier(server, prefix, Site("no-such-spider", "http://127.0.0.1:1", 0.0, 1)).seed([("list", 0, b"list page")])
    [worker] = start_workers(1, f"sqlite:///{tmp_path / 'a.sqlite3'}", prefix, tmp_path)
    assert finish([worker], timeout=120) == [0]
    err = (tmp_path / "worker-0.err").read_text()
    assert "Traceback" not in err, err
    assert err.count("no spider 'no-such-spider' here: its site http://127.0.0.1:1 is left to other workers") == 1, err


def test_a_worker_passes_over_a_site_seeded_by_another_version(frontier, tmp_path):
    """Site's fields change between versions (max_pages came later): a worker of another
    version than the seeding machine's goes on with the sites it reads, no traceback."""
    server, prefix = frontier
    site = '{"spider": "cnmn", "base_url": "http://127.0.0.1:1", "delay": 0, "concurrency": 1, "colour": "red"}'
    server.hset(f"{prefix}:sites", "0123456789abcdef", site)
    [worker] = start_workers(1, f"sqlite:///{tmp_path / 'a.sqlite3'}", prefix, tmp_path)
    assert finish([worker], timeout=120) == [0]
    err = (tmp_path / "worker-0.err").read_text()
    assert "Traceback" not in err, err
    assert err.count("a site this version of monitor does not read, left to other workers: " + site) == 1, err


@pytest.mark.slow
def test_a_worker_whose_archive_goes_away_ends_with_one_line(frontier, tmp_path):
    """Not a crawl of the site started again at every look (each a line, a traceback), for
    ever: a `monitor:` line, exit status 1, as when its Redis goes away."""
    from monitor.worker import seed as queue_site

    server, prefix = frontier
    folder = tmp_path / "archive"
    folder.mkdir()
    worker = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "worker", "--until-idle", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(f"sqlite:///{folder / 'a.sqlite3'}", prefix),
        cwd=ROOT,
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().startswith("archive: ")
        shutil.rmtree(folder)
        folder.write_text("")  # the archive gone, its folder a file: no crawl can open it
        queue_site(server, prefix, Site("cnmn", "http://127.0.0.1:1", 0.0, 1))
        out, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 1, err
    assert "Traceback" not in err, err
    assert err.splitlines()[-1].startswith("monitor: cannot open the archive at "), err
    assert out.count("cnmn http://127.0.0.1:1: ") <= 1, out


@contextlib.contextmanager
def redis_of_its_own() -> Iterator[tuple[subprocess.Popen, str]]:
    """A redis-server process of this test's own (to stop mid-crawl), and its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
    except FileNotFoundError as error:
        _absent("redis-server to start", error)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for(lambda: _reachable(url), 30, 0.1)
        yield server, url
    finally:
        server.kill()
        server.wait()


def _reachable(url: str) -> bool:
    try:
        connect(url).close()
    except FrontierError:
        return False
    return True


@pytest.mark.slow
def test_a_worker_whose_redis_goes_away_mid_crawl_ends_with_one_line(tmp_path):
    """Not a traceback at every call to Redis, then one more as it exits: a line in the log,
    the site's line, and a `monitor:` line, exit status 1."""
    from monitor.worker import seed as queue_site

    with (
        redis_of_its_own() as (server, url),
        slow_replica("cnmn", 0.3) as address,
        postgres_database("gone") as db_url,
    ):
        site = Site("cnmn", address, 0.0, 2)
        queue_site(connect(url), "gone", site)
        worker = subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "worker"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**environment(db_url, "gone"), "MONITOR_REDIS_URL": url},
            cwd=ROOT,
        )
        wait_for(lambda: Frontier(connect(url), "gone", site).holders(), 120, 0.05)
        server.kill()
        try:
            out, err = worker.communicate(timeout=120)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == 1, err
    assert "Traceback" not in err, err
    assert err.endswith("\n") and err.splitlines()[-1].startswith("monitor: the distributed crawl's Redis is gone: ")
    assert f"cnmn {address}: " in out


class _Timed:
    """A replica whose every answer takes a while, its start and end times kept."""

    def __init__(self, name: str, seconds: float) -> None:
        self.times: list[tuple[float, float]] = []
        lock = threading.Lock()
        times = self.times

        class Handler(_handler_for(ReplicaSite(name))):  # type: ignore[misc]
            def do_GET(self) -> None:
                start = time.monotonic()
                time.sleep(seconds)
                with lock:
                    times.append((start, time.monotonic()))
                super().do_GET()

        self.handler = Handler

    def most_at_once(self) -> int:
        events = sorted([(start, 1) for start, _ in self.times] + [(end, -1) for _, end in self.times])
        running = peak = 0
        for _, change in events:
            running += change
            peak = max(peak, running)
        return peak


@pytest.mark.slow
def test_three_workers_keep_one_sites_concurrency_and_delay(frontier, tmp_path):
    """The site's politeness (2 downloads at once, 0.1 s between starts) holds for the three
    workers together: each alone would keep it, and three would triple it."""
    server, prefix = frontier
    delay, timed = 0.1, _Timed("cnmn", 0.15)
    with serving(timed.handler) as address, postgres_database("polite") as url:
        from monitor.worker import seed as queue_site

        queue_site(server, prefix, Site("cnmn", address, delay, 2))
        assert finish(start_workers(3, url, prefix, tmp_path)) == [0, 0, 0]
    starts = sorted(start for start, _ in timed.times)
    assert len(starts) > 90 and timed.most_at_once() <= 2
    # Any ten starts in a row span nine delays (less a little: the time from the gate to the server).
    spans = [later - earlier for earlier, later in zip(starts, starts[9:], strict=False)]
    assert min(spans) >= 9 * delay - 0.1, min(spans)
    print(
        f"{len(starts)} requests in {starts[-1] - starts[0]:.1f} s; at most {timed.most_at_once()} at once; "
        f"ten starts in a row {min(spans):.2f} s apart at the least"
    )


# --- the commands ---


def test_a_distributed_schedule_entry_queues_the_site_for_the_workers(replicas, frontier, tmp_path, monkeypatch):
    server, prefix = frontier
    config = tmp_path / "schedule.toml"
    config.write_text(
        f'[[site]]\nname = "cnmn-replica"\nspider = "cnmn"\nbase_url = "{replicas.addresses["cnmn"]}"\n'
        'every = "1h"\ndistributed = true\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MONITOR_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("MONITOR_REDIS_PREFIX", prefix)
    result = monitor_main("--db", f"sqlite:///{tmp_path / 'a.sqlite3'}", "run", "cnmn-replica", "--config", str(config))
    assert result.stdout == f"cnmn {replicas.addresses['cnmn']}: 9 start requests queued (delay 0 s, 16 at once)\n"
    [site] = sites(server, prefix)
    assert Frontier(server, prefix, site).state() == (9, 0)
    assert not (tmp_path / "a.sqlite3").exists()  # nothing crawled here: the workers will


def test_distributed_refusals_are_one_line(monkeypatch, tmp_path):
    replicas = monitor_main("crawl", "--distributed", "--replicas", check=False)
    assert replicas.returncode == 2 and replicas.stderr.startswith("monitor: --distributed with --replicas: ")
    monkeypatch.setenv("MONITOR_REDIS_URL", "redis://127.0.0.1:1/0")
    nowhere = monitor_main("crawl", "--distributed", "cnmn=http://127.0.0.1:2", check=False)
    assert nowhere.returncode == 2
    assert nowhere.stderr.startswith("monitor: no Redis at redis://127.0.0.1:1/0: ")
    assert nowhere.stderr.endswith("(set MONITOR_REDIS_URL)\n")
    monkeypatch.setenv("MONITOR_REDIS_URL", "redis://127.0.0.1:1/frontier")  # not taken for database 0
    named = monitor_main("crawl", "--distributed", "cnmn=http://127.0.0.1:2", check=False)
    assert named.returncode == 2 and named.stderr.startswith(
        "monitor: no Redis at redis://127.0.0.1:1/frontier: the database must be a number (redis://host:port/0), "
    )
    monkeypatch.setenv("MONITOR_REDIS_URL", "redis://127.0.0.1:1/0?colour=red")
    unknown = monitor_main("crawl", "--distributed", "cnmn=http://127.0.0.1:2", check=False)
    assert unknown.returncode == 2 and "unexpected keyword argument 'colour'" in unknown.stderr, unknown.stderr
    idle = monitor_main("worker", "--until-idle", "soon", check=False)
    assert idle.returncode == 2 and "a number of seconds from 0 to 1000000, not 'soon'" in idle.stderr


def test_queueing_on_a_redis_that_refuses_writes_is_one_line(monkeypatch):
    """A Redis that answers but will not write (a read-only replica, out of memory): one
    `monitor:` line, exit status 1, not a traceback."""
    with redis_of_its_own() as (_, url):
        connect(url).execute_command("REPLICAOF", "127.0.0.1", "1")  # a replica: read only
        monkeypatch.setenv("MONITOR_REDIS_URL", url)
        result = monitor_main("crawl", "--distributed", "cnmn=http://127.0.0.1:2", check=False)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("monitor: cannot queue cnmn http://127.0.0.1:2 in Redis: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
