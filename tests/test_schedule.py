"""Scheduled crawls with real processes: `monitor schedule` against the replicas on short
intervals, overlapping runs refused by the site lock (which a crash does not leave behind),
a run stopped at its time limit, and the schedule file's refusals."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import Archive
from monitor.locks import SiteLock
from monitor.schedule import ScheduleError, Scheduler, load_schedule
from tests.conftest import ROOT, monitor_main, run_monitor
from tests.schedule_helpers import (
    copy_of_archive,
    runs_of,
    schedule_until,
    slow_replica,
    wait_for,
    write_schedule,
)

SPIDERS = ["cnmn", "smm", "smm_cn"]


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """Runs keep their lock files under the data folder: one of the test's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def _monitor(*args: str, db_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MONITOR_DB_URL": db_url},
    )


@pytest.mark.slow
def test_two_sites_crawl_on_their_own_rhythms(replicas, archive, db_url, tmp_path, data_home):
    """smm every 2 s and cnmn every 3 s, stopped after 7 s: smm is started at 0, 2, 4 and 6 s,
    cnmn at 0, 3 and 6 s (the next turns, 8 and 9 s, lie a second past the stop). Each
    start is a recorded run; a run due while the site's previous one still goes is refused,
    so that no two runs of one site ever overlap."""
    url = copy_of_archive(db_url, tmp_path)  # the replicas archived already: each run is quick
    config = write_schedule(
        tmp_path / "schedule.toml",
        {"name": "smm", "base_url": replicas.addresses["smm"], "every": "2s"},
        {"name": "cnmn", "base_url": replicas.addresses["cnmn"], "every": "3s"},
    )
    scheduler = _monitor("schedule", "--config", str(config), "--log-level", "CRITICAL", db_url=url)
    assert scheduler.stdout.readline().startswith("archive: ")
    time.sleep(7.0)
    scheduler.send_signal(signal.SIGTERM)  # no more runs; those under way end first
    output, _ = scheduler.communicate(timeout=30)
    assert scheduler.returncode == 0
    started = [line.split()[2] for line in output.splitlines() if line.endswith(")") and "run started" in line]
    assert started.count("smm:") == 4 and started.count("cnmn:") == 3
    for site, expected in (("smm", 4), ("cnmn", 3)):
        runs = runs_of(url, site)
        assert len(runs) == expected
        assert runs[0].status == "finished" and {r.status for r in runs} <= {"finished", "refused"}
        _assert_never_two_at_once(runs)


def _assert_never_two_at_once(runs) -> None:
    finished = [r for r in runs if r.status == "finished"]
    for earlier, later in itertools.pairwise(finished):
        assert earlier.ended_at <= later.started_at
    for refused in (r for r in runs if r.status == "refused"):
        # Refused while another held the lock: between that one's lock and its release
        # (the lock is taken just before the row is written, released just after its end).
        assert any(
            r.started_at - timedelta(seconds=0.5) <= refused.started_at <= r.ended_at + timedelta(seconds=0.5)
            for r in finished
        )


@pytest.mark.slow
def test_overlapping_run_refused_crashed_run_leaves_no_lock_time_limit_stops_a_run(tmp_path, data_home):
    """Against a replica answering each page after 1 s: a run under way makes a second run
    of the site refused, even under another entry's name (the lock is the site's), and the
    refusal names the run under way. Killed (SIGKILL), it leaves no lock: the next run goes,
    marks it interrupted with the figures it last saved and the time it was last seen, and
    stops itself at its 1 s time limit."""
    url = f"sqlite:///{tmp_path / 'slow.sqlite3'}"
    Archive(url).engine.dispose()  # made here, not by two runs at once
    with slow_replica("smm", delay=1.0) as address:
        config = str(
            write_schedule(
                tmp_path / "schedule.toml",
                {"name": "slow", "spider": "smm", "base_url": address, "every": "1h", "time_limit": "1m"},
                {"name": "slow-1s", "spider": "smm", "base_url": address, "every": "1h", "time_limit": "1s"},
            )
        )
        first = _monitor("run", "slow", "--config", config, db_url=url)
        wait_for(lambda: runs_of(url))
        second = run_monitor("run", "slow-1s", "--config", config, db_url=url)
        assert second.stdout.strip() == f"smm {address}: refused: a run of this site is under way (run 1)"
        wait_for(lambda: runs_of(url)[0].pages_fetched > 0)  # its progress, saved every 5 s
        first.kill()
        killed_at = datetime.now(UTC)
        first.wait()
        third = run_monitor("run", "slow-1s", "--config", config, db_url=url, check=False)
    assert third.returncode == 1 and third.stdout.splitlines()[0].endswith("[TIME_LIMIT]")
    runs = runs_of(url)
    assert [(r.id, r.status) for r in runs] == [(1, "interrupted"), (2, "refused"), (3, "time_limit")]
    assert runs[0].pages_fetched > 0 and runs[0].ended_at <= killed_at and runs[1].detail == {"holder": 1}
    assert runs[2].detail["finish_reason"] == "closespider_timeout"
    assert runs[2].ended_at - runs[2].started_at < timedelta(seconds=6)  # 1 s, the pages under way, start and end
    listed = [line for line in monitor_main("runs", db_url=url).stdout.splitlines() if not line.startswith(" ")]
    assert [line.split("  ")[3].split()[0] for line in listed] == ["time_limit", "refused", "interrupted"]


@pytest.mark.slow
def test_a_schedule_started_in_a_folder_of_lookalike_packages_runs_its_own(replicas, db_url, tmp_path, data_home):
    """A working folder holding `db/`, `monitor/`, `spiders/` and `pipelines/` (someone
    else's code) shadows nothing: the runs import the installed package, and crawl."""
    url = copy_of_archive(db_url, tmp_path)
    folder = tmp_path / "work"
    for package in ("db", "monitor", "spiders", "pipelines"):
        (folder / package).mkdir(parents=True)
        (folder / package / "__init__.py").write_text(f"raise SystemExit('the lookalike {package} ran')\n")
    config = write_schedule(
        tmp_path / "schedule.toml", {"name": "smm", "base_url": replicas.addresses["smm"], "every": "1h"}
    )
    scheduler = subprocess.Popen(  # the installed command, as a user starts it
        [str(Path(sys.executable).parent / "monitor"), "schedule", "--config", str(config), "--log-level", "CRITICAL"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=folder,
        env={**os.environ, "MONITOR_DB_URL": url},
    )
    try:
        wait_for(lambda: [r for r in runs_of(url, "smm") if r.status != "running"], timeout=30)
    finally:
        scheduler.send_signal(signal.SIGTERM)
        _, errors = scheduler.communicate(timeout=30)
    assert "lookalike" not in errors
    assert [r.status for r in runs_of(url, "smm")] == ["finished"]


def test_a_run_that_cannot_start_or_dies_before_recording_itself_is_recorded(tmp_path, data_home, monkeypatch, capsys):
    """A run whose process exits non-zero before recording itself (here: its schedule file
    was emptied after the scheduler read it) is recorded failed with its exit status and
    named in the scheduler's log; so is one whose process cannot start at all."""
    url = f"sqlite:///{tmp_path / 'runs.sqlite3'}"
    archive = Archive(url)
    config = write_schedule(
        tmp_path / "schedule.toml", {"spider": "smm", "base_url": "http://127.0.0.1:9", "every": "1h"}
    )
    sites = load_schedule(config, SPIDERS)
    config.write_text("", encoding="utf-8")  # `monitor run smm` now ends with exit status 2
    [run] = schedule_until(Scheduler(sites, config, archive), lambda: runs_of(url))
    assert (run.status, run.detail) == (
        "failed",
        {"error": "ended with exit status 2 before recording itself", "exit_status": 2},
    )
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith("smm: run ended with exit status 2 before recording itself (recorded failed: run 1)")
    )
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    schedule_until(Scheduler(sites, config, archive), lambda: len(runs_of(url)) == 2)
    assert runs_of(url)[1].detail == {
        "error": f"could not start: [Errno 2] No such file or directory: '{tmp_path / 'no-python'}'"
    }
    assert capsys.readouterr().out.splitlines()[-1].endswith("(recorded failed: run 2)")
    archive.engine.dispose()


@pytest.mark.slow
def test_sigterm_stops_a_crawl_with_exit_status_130(tmp_path, data_home):
    """SIGTERM, once the crawl is under way or before, ends `monitor crawl` as Ctrl-C does:
    exit status 130, the run recorded interrupted."""
    url = f"sqlite:///{tmp_path / 'crawl.sqlite3'}"
    Archive(url).engine.dispose()
    with slow_replica("smm", delay=0.5) as address:
        # Once the crawl has saved its first progress, then as soon as the run's row is written.
        for under_way in (lambda run: "seen_at" in run.detail, lambda run: True):
            crawl = subprocess.Popen(
                [sys.executable, "-m", "monitor.cli", "crawl", f"smm={address}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                cwd=ROOT,
                env={**os.environ, "MONITOR_DB_URL": url, "MONITOR_DOWNLOAD_DELAY": "0"},
            )
            wait_for(lambda: [r for r in runs_of(url) if r.status == "running" and under_way(r)])  # noqa: B023 (called here)
            crawl.send_signal(signal.SIGTERM)
            output, _ = crawl.communicate(timeout=30)
            assert crawl.returncode == 130 and output.splitlines()[-1].endswith("[INTERRUPTED]")
    assert [r.status for r in runs_of(url)] == ["interrupted", "interrupted"]


class _Clocks:
    """A monotonic and a wall clock running 60 times as fast as real time, the wall clock 1 %
    slower than the monotonic (as one slewed by NTP): a minute goes by every real second."""

    SPEED = 60.0

    def __init__(self, wall: datetime) -> None:
        self.real_start, self.wall_start = time.monotonic(), wall

    def elapsed(self) -> float:
        return (time.monotonic() - self.real_start) * self.SPEED

    def monotonic(self) -> float:
        return 1000.0 + self.elapsed()

    def now(self, tz=None) -> datetime:
        wall = self.wall_start + timedelta(seconds=self.elapsed() * 0.99)
        return wall.astimezone(tz) if tz else wall


@pytest.mark.slow
def test_a_cron_entry_fires_once_in_each_matching_minute(tmp_path, monkeypatch):
    """`* * * * *` with the wall clock a little behind the monotonic one: each minute is
    fired once, never a second time a moment later (the wall clock read just before the
    minute as the monotonic one said it had come)."""
    from monitor import schedule

    config = write_schedule(
        tmp_path / "schedule.toml", {"spider": "smm", "base_url": "http://127.0.0.1:9", "cron": "* * * * *"}
    )
    sites = load_schedule(config, SPIDERS)
    clocks = _Clocks(datetime(2026, 11, 23, 3, 38, 30, tzinfo=UTC))

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return clocks.now(tz)

    monkeypatch.setattr(schedule, "time", type("Time", (), {"monotonic": staticmethod(clocks.monotonic)}))
    monkeypatch.setattr(schedule, "datetime", Clock)
    fired: list[datetime] = []
    monkeypatch.setattr(Scheduler, "_close_abandoned", lambda self: None)
    monkeypatch.setattr(Scheduler, "_start", lambda self, site: fired.append(clocks.now(UTC)))
    stop, halt = threading.Event(), threading.Event()
    thread = threading.Thread(target=Scheduler(sites, config, None).run, args=(stop, halt))
    thread.start()
    time.sleep(3.5)  # three and a half minutes of the fake clocks: 03:39, 03:40 and 03:41 fall due
    stop.set()
    thread.join(5)
    minutes = [moment.replace(second=0, microsecond=0) for moment in fired]
    assert len(minutes) >= 2 and minutes == sorted(set(minutes)), fired
    # Each at its minute's start, within a look or two: none a moment before (03:39:59 for 03:40).
    assert all(moment.second < 10 for moment in fired), fired


@pytest.fixture
def utc_machine(monkeypatch):
    """This process on a machine set to UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_schedule_log_dates_its_lines_in_china_time_as_runs_does(utc_machine, capsys):
    from monitor.schedule import _say
    from pipelines.article import CHINA_TZ

    before = datetime.now(CHINA_TZ).replace(microsecond=0, tzinfo=None)
    _say("smm: run started (process 1)")
    after = datetime.now(CHINA_TZ).replace(tzinfo=None)
    stamp = datetime.strptime(capsys.readouterr().out[:19], "%Y-%m-%d %H:%M:%S")
    assert before <= stamp <= after


@pytest.mark.slow
def test_the_schedule_matches_alerts_after_a_run_that_stored_articles(replicas, tmp_path, data_home, capsys):
    """A user of the schedule alone gets alerts: the run that stored new articles is followed
    by alert matching, as `monitor alerts run` does it; the scheduler's log says so."""
    from monitor.alerts import add_rule, list_rules

    url = f"sqlite:///{tmp_path / 'alerts.sqlite3'}"
    archive = Archive(url)
    add_rule(archive, "copper", "copper")
    config = write_schedule(
        tmp_path / "schedule.toml", {"name": "smm", "base_url": replicas.addresses["smm"], "every": "1h"}
    )
    scheduler = Scheduler(load_schedule(config, SPIDERS), config, archive, "CRITICAL")
    [rule] = schedule_until(scheduler, lambda: [r for r in list_rules(archive) if r["alerts"]], timeout=60)
    assert [r.status for r in runs_of(url)] == ["finished"] and runs_of(url)[0].new_articles > 0
    log = capsys.readouterr().out
    assert (
        f"alerts: matched {runs_of(url)[0].new_articles} new articles against 1 rules: {rule['alerts']} alerts" in log
    )
    archive.engine.dispose()


def test_postgres_lock_holds_across_machines_and_dies_with_its_holder(postgres_url, tmp_path, monkeypatch):
    """On a shared PostgreSQL archive the advisory lock refuses a run on another machine (here:
    another lock folder), and goes when the process holding it is killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from db import Archive; from monitor.locks import SiteLock; "
                "print(SiteLock(Archive(sys.argv[1]), 'smm', 'https://news.metal.com').acquire(), flush=True); time.sleep(60)"
            ),
            postgres_url,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "a")},
    )
    assert holder.stdout.readline().strip() == "True"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "b"))
    archive = Archive(postgres_url)
    lock = SiteLock(archive, "smm", "https://news.metal.com")
    assert not lock.acquire()
    holder.kill()
    holder.wait()
    wait_for(lock.acquire, timeout=5)
    lock.release()
    archive.engine.dispose()


def test_schedule_file_example_loads():
    sites = load_schedule(ROOT / "schedule.example.toml", SPIDERS)
    assert list(sites) == ["smm", "cnmn", "smm_cn"]
    assert sites["smm"].every == timedelta(minutes=30) and sites["smm"].time_limit == timedelta(minutes=20)
    assert sites["cnmn"].cron.text == "15 */6 * * *" and sites["cnmn"].base_url is None
    assert sites["smm_cn"].rhythm == timedelta(days=2) and sites["cnmn"].rhythm is None


@pytest.mark.parametrize(
    "entry, message",
    [
        ('spider = "smm"', "give either `every` (an interval) or `cron` (an expression), one of them"),
        (
            'spider = "smm"\nevery = "1h"\ncron = "* * * * *"',
            "give either `every` (an interval) or `cron` (an expression), one of them",
        ),
        ('spider = "smm"\nevery = "soon"', "not a duration: 'soon' (write e.g. 45s, 30m, 1h30m, 2d)"),
        ('spider = "smm"\ncron = "*/0 * * * *"', "cron: minute: '0' is not a step (a whole number from 1)"),
        ('spider = "smm"\ncron = "0 0 31 2 *"', "cron: '0 0 31 2 *' never fires"),
        ('spider = "nope"\nevery = "1h"', "no spider named 'nope' (known: cnmn, smm, smm_cn)"),
        ('spider = "smm"\nevery = "1h"\nbase_url = "ftp://x"', "base_url is not an http(s) address: 'ftp://x'"),
        (
            'spider = "smm"\nevery = "1h"\nlimit = "1m"',
            "unknown key 'limit' (known: name, spider, base_url, every, cron, time_limit, rhythm, distributed)",
        ),
        ('spider = "smm"\nevery = 30', "every must be a string, not 30"),
        ('spider = "smm"\nevery = "1h"\ndistributed = "yes"', "distributed must be true or false, not 'yes'"),
    ],
)
def test_schedule_file_refusals(tmp_path, entry, message):
    path = tmp_path / "schedule.toml"
    path.write_text(f"[[site]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ScheduleError) as refused:
        load_schedule(path, SPIDERS)
    assert str(refused.value) == f"{path}, [[site]] number 1: {message}"


def test_bad_schedule_is_one_line_from_the_cli(tmp_path):
    missing = monitor_main("schedule", "--config", str(tmp_path / "none.toml"), check=False)
    assert (missing.returncode, missing.stderr) == (
        2,
        f"monitor: cannot read the schedule {tmp_path / 'none.toml'}: No such file or directory\n",
    )
    config = write_schedule(
        tmp_path / "schedule.toml", {"spider": "smm", "every": "1h"}, {"spider": "smm", "every": "2h"}
    )
    twice = monitor_main("run", "smm", "--config", str(config), check=False)
    assert (twice.returncode, twice.stderr) == (2, f"monitor: {config}: two sites named 'smm'; give one a `name`\n")


@pytest.mark.slow
def test_monitor_run_interrupted_exits_130_as_crawl_does(tmp_path, monkeypatch):
    """SIGINT while `monitor run` crawls a slow replica: the run is recorded interrupted and
    the command says so by its exit status, as `monitor crawl` does."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    with slow_replica("cnmn", 0.3) as address:
        config = write_schedule(tmp_path / "schedule.toml", {"spider": "cnmn", "base_url": address, "every": "1h"})
        run = subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "--db", url, "run", "cnmn", "--config", str(config)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for(lambda: (tmp_path / "run.sqlite3").exists() and runs_of(url), timeout=30)
            time.sleep(1)
            run.send_signal(signal.SIGINT)
            output, _ = run.communicate(timeout=60)
        finally:
            run.kill()
    assert run.returncode == 130 and output.splitlines()[0].endswith("[INTERRUPTED]")
    assert [r.status for r in runs_of(url)] == ["interrupted"]
