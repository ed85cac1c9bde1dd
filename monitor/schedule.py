"""Scheduled crawls: the schedule file, and `monitor schedule`, which starts `monitor run SITE`
in a process of its own whenever a site is due (README: "Scheduled crawls").

A site is due at its interval (`every`, counted from the scheduler's start on the monotonic
clock, missed turns skipped) or once in each minute its cron expression names (on the wall
clock alone: the two clocks mixed fired one minute twice). A site due while its previous run
still goes is started all the same: the run finds the site's lock taken and records itself
refused, exactly as a cron-started run would. A run stops itself at its time limit; one still alive
STOP_GRACE later is terminated (SIGTERM, then SIGKILL) by the scheduler and recorded time_limit.
A run that cannot start, or whose process ends in failure, is named in the scheduler's log
with its exit status; one that died before recording itself is recorded failed, one that left
its row `running` is recorded interrupted. After a run that stored new articles the scheduler
matches alerts and sends what is due, as `monitor alerts run` does: a schedule alone raises them.
Told to stop (SIGTERM, SIGINT), the scheduler starts no more runs and waits for those under
way; told twice, it stops them (SIGTERM: they record themselves interrupted)."""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from db import Archive
from monitor import alerts
from monitor.crawl import CrawlJob
from monitor.cron import Cron, CronError
from monitor.durations import parse_duration
from monitor.locks import SiteLock
from monitor.runs import (
    close_abandoned,
    new_articles_since,
    record_failed_start,
    recorded_since,
    site_address,
)
from monitor.settings import delivery_settings
from pipelines.article import CHINA_TZ

SITE_KEYS = ("name", "spider", "base_url", "every", "cron", "time_limit", "rhythm", "distributed")
DEFAULT_TIME_LIMIT = timedelta(hours=1)
# A run past its limit closes its spider, which waits for the requests under way (30 s at
# most, DOWNLOAD_TIMEOUT); one still alive after this is stuck, and the scheduler stops it.
STOP_GRACE = 60.0
KILL_GRACE = 10.0  # from SIGTERM to SIGKILL
POLL = 0.1  # seconds between looks at the clock and the runs
_SIGNAL_NAMES = {number.value: number.name for number in signal.Signals}


class ScheduleError(Exception):
    """A schedule file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class SiteSchedule:
    name: str
    spider: str
    base_url: str | None  # None: the live site
    every: timedelta | None
    cron: Cron | None
    time_limit: timedelta
    rhythm: timedelta | None  # None: derived from the archive (monitor.health)
    distributed: bool = False  # a run queues the site's lists for `monitor worker`s instead of crawling

    @property
    def job(self) -> CrawlJob:
        return CrawlJob(self.spider, self.base_url)

    @property
    def local(self) -> bool:
        """A site on this machine (a replica) is crawled without the politeness delay."""
        host = urlsplit(self.base_url or "").hostname or ""
        try:
            return host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def load_schedule(path: Path, spiders: list[str]) -> dict[str, SiteSchedule]:
    """The schedule file's sites by name."""
    try:
        with open(path, "rb") as file:
            tables = tomllib.load(file).get("site")
    except OSError as error:
        raise ScheduleError(f"cannot read the schedule {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ScheduleError(f"the schedule {path} is not TOML: {error}") from None
    if not isinstance(tables, list) or not tables:
        raise ScheduleError(f"the schedule {path} names no site: add [[site]] entries")
    sites: dict[str, SiteSchedule] = {}
    for number, table in enumerate(tables, 1):
        try:
            site = _site(table, spiders)
        except (ValueError, TypeError) as error:
            raise ScheduleError(f"{path}, [[site]] number {number}: {error}") from None
        if site.name in sites:
            raise ScheduleError(f"{path}: two sites named {site.name!r}; give one a `name`")
        sites[site.name] = site
    return sites


def _text(table: dict, key: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} must be a string, not {value!r}")
    return value


def _site(table: dict, spiders: list[str]) -> SiteSchedule:
    unknown = sorted(set(table) - set(SITE_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (known: {', '.join(SITE_KEYS)})")
    spider = _text(table, "spider") or _text(table, "name")
    if spider not in spiders:
        raise ValueError(f"no spider named {spider!r} (known: {', '.join(spiders)})")
    base_url = _text(table, "base_url")
    if base_url is not None and (urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).hostname):
        raise ValueError(f"base_url is not an http(s) address: {base_url!r}")
    every, cron = _text(table, "every"), _text(table, "cron")
    if (every is None) == (cron is None):
        raise ValueError("give either `every` (an interval) or `cron` (an expression), one of them")
    time_limit, rhythm = _text(table, "time_limit"), _text(table, "rhythm")
    distributed = table.get("distributed", False)
    if not isinstance(distributed, bool):
        raise TypeError(f"distributed must be true or false, not {distributed!r}")
    return SiteSchedule(
        name=_text(table, "name") or spider,
        spider=spider,
        base_url=base_url.rstrip("/") if base_url else None,
        every=parse_duration(every) if every else None,
        cron=_cron(cron) if cron else None,
        time_limit=parse_duration(time_limit) if time_limit else DEFAULT_TIME_LIMIT,
        rhythm=parse_duration(rhythm) if rhythm else None,
        distributed=distributed,
    )


def _cron(text: str) -> Cron:
    try:
        cron = Cron.parse(text)
        cron.next_after(datetime.now().astimezone())  # one that never fires fails here
    except CronError as error:
        raise ValueError(f"cron: {error}") from None
    return cron


# --- when a site is due: each kind of entry decides on one clock only ---


class _IntervalTurns:
    """`every`: due at the start, then each interval on the monotonic clock (which a change
    of the wall clock does not move); turns missed while the machine slept are skipped."""

    def __init__(self, every: timedelta) -> None:
        self.interval = every.total_seconds()
        self.next = time.monotonic()

    def due(self) -> bool:
        now = time.monotonic()
        if now < self.next:
            return False
        missed = int((now - self.next) // self.interval)
        self.next += (missed + 1) * self.interval
        return True


class _CronTurns:
    """`cron`: due once in each matching minute of the wall clock, the clock cron's times are
    read on. The next firing is always a minute after the last one, so a wall clock read a
    moment early or set back never fires one minute twice."""

    def __init__(self, cron: Cron) -> None:
        self.cron = cron
        self.next = cron.next_after(datetime.now().astimezone())

    def due(self) -> bool:
        now = datetime.now().astimezone()
        if now < self.next:
            return False
        # After a wait longer than a minute (a suspended machine), the minutes missed are skipped.
        self.next = self.cron.next_after(max(now, self.next))
        return True


def _turns(site: SiteSchedule) -> _IntervalTurns | _CronTurns:
    if site.every:
        return _IntervalTurns(site.every)
    assert site.cron is not None  # a site has `every` or `cron` (load_schedule checks)
    return _CronTurns(site.cron)


# --- the scheduler ---


@dataclass
class _Child:
    site: SiteSchedule
    process: subprocess.Popen
    started: float  # monotonic
    started_at: datetime  # wall clock, to find its row
    terminated: float | None = None


@dataclass
class Scheduler:
    sites: dict[str, SiteSchedule]
    config: Path
    archive: Archive
    log_level: str = "WARNING"
    children: list[_Child] = field(default_factory=list)

    def run(self, stop: threading.Event, halt: threading.Event) -> None:
        """Start runs as sites fall due until `stop` is set; then wait for the runs under way,
        which end at their time limits at the latest, unless `halt` says to stop them now."""
        self._close_abandoned()
        turns = {name: _turns(site) for name, site in self.sites.items()}
        try:
            while not stop.is_set():
                for name, site in self.sites.items():
                    if turns[name].due():
                        self._start(site)
                self._watch()
                stop.wait(POLL)
            if self.children:
                _say(f"stopping: waiting for {len(self.children)} runs under way (signal again to stop them now)")
            while self.children and not halt.is_set():
                self._watch()
                halt.wait(POLL)
        finally:
            self._stop_all()

    def _close_abandoned(self) -> None:
        """Runs left `running` by a scheduler that died: interrupted, unless still going."""
        for site in self.sites.values():
            address = site_address(site.job)
            with SiteLock(self.archive, site.spider, address) as lock:
                if lock.acquire():
                    close_abandoned(self.archive, site.spider, address)

    def _command(self, site: SiteSchedule) -> list[str]:
        # -P: `python -m` would put the working folder first on the import path, and a `db/`
        # or `monitor/` there would run instead of this package (a writable folder: anyone's
        # code). -P leaves it out and keeps the rest (PYTHONPATH, the user's site-packages),
        # which -I would drop; the child imports what the installed `monitor` command does.
        return [
            sys.executable,
            "-P",
            "-m",
            "monitor.cli",
            "run",
            site.name,
            "--config",
            str(self.config),
            "--log-level",
            self.log_level,
        ]

    def _start(self, site: SiteSchedule) -> None:
        # The archive's URL goes by the environment: a password in it stays out of `ps`.
        env = {**os.environ, "MONITOR_DB_URL": self.archive.url}
        started_at = datetime.now().astimezone()
        try:
            # A session of its own: a Ctrl-C meant for the scheduler reaches the run once, from it.
            process = subprocess.Popen(self._command(site), env=env, start_new_session=True)
        except OSError as error:
            run_id = record_failed_start(self.archive, site.spider, site_address(site.job), f"could not start: {error}")
            _say(f"{site.name}: run could not start: {error} (recorded failed: run {run_id})")
            return
        self.children.append(_Child(site, process, time.monotonic(), started_at))
        _say(f"{site.name}: run started (process {process.pid})")

    def _watch(self) -> None:
        now = time.monotonic()
        for child in list(self.children):
            if child.process.poll() is not None:
                self.children.remove(child)
                if child.terminated is not None:
                    self._record_overrun(child)
                elif child.process.returncode != 0:
                    self._record_failure(child)
                self._match_alerts(child)
            elif child.terminated is None and now > child.started + child.site.time_limit.total_seconds() + STOP_GRACE:
                _say(f"{child.site.name}: run past its time limit, stopping it (process {child.process.pid})")
                child.process.terminate()
                child.terminated = now
            elif child.terminated is not None and now > child.terminated + KILL_GRACE:
                child.process.kill()

    def _record_overrun(self, child: _Child) -> None:
        address = site_address(child.site.job)
        with SiteLock(self.archive, child.site.spider, address) as lock:
            if lock.acquire():  # else a new run has begun, and has marked this one interrupted
                close_abandoned(
                    self.archive,
                    child.site.spider,
                    address,
                    "time_limit",
                    child.started_at,
                    of=("running", "interrupted"),
                    ended_at=datetime.now().astimezone(),
                )

    def _record_failure(self, child: _Child) -> None:
        """A run's process ended in failure. A run that recorded itself has said why in its
        row (and its output); one that died before (an import error, a bad schedule file) is
        recorded failed here, with its exit status; one killed mid-way, interrupted."""
        site, ended = child.site, _ending(child.process.returncode)
        address = site_address(site.job)
        # A run's row is written as it starts, after the scheduler noted the time: a row of
        # the site since then is this run's (a later one's only if it started meanwhile).
        if not recorded_since(self.archive, site.spider, address, child.started_at):
            run_id = record_failed_start(
                self.archive,
                site.spider,
                address,
                f"ended with {ended} before recording itself",
                child.process.returncode,
            )
            _say(f"{site.name}: run ended with {ended} before recording itself (recorded failed: run {run_id})")
            return
        _say(f"{site.name}: run ended with {ended} (process {child.process.pid})")
        with SiteLock(self.archive, site.spider, address) as lock:
            if lock.acquire():  # else a new run has begun, and has marked this one interrupted
                close_abandoned(
                    self.archive, site.spider, address, since=child.started_at, ended_at=datetime.now().astimezone()
                )

    def _match_alerts(self, child: _Child) -> None:
        """After a run that stored new articles, what `monitor alerts run` does: match them
        against every rule and send what is due, so that a schedule alone raises alerts."""
        if not new_articles_since(self.archive, child.site.spider, site_address(child.site.job), child.started_at):
            return
        try:
            report = alerts.run(self.archive, delivery_settings())
        except Exception as error:
            _say(f"alerts: matching failed: {error}")
            return
        _say("alerts: " + "; ".join(report.lines()))

    def _stop_all(self) -> None:
        for child in self.children:
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + KILL_GRACE
        for child in self.children:
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        self.children.clear()


def _ending(returncode: int) -> str:
    """How a process ended, from its return code (negative: the signal that killed it)."""
    if returncode < 0:
        return f"signal {_SIGNAL_NAMES.get(-returncode, -returncode)}"
    return f"exit status {returncode}"


def _say(text: str) -> None:
    """A line of the scheduler's log, dated in China time as `monitor runs` dates its runs."""
    print(f"{datetime.now(CHINA_TZ):%Y-%m-%d %H:%M:%S} {text}", flush=True)
