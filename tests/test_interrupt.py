"""Ctrl-C during `monitor crawl`, once or twice, and a crawl that could reach nothing: the
exit status says so, the run is recorded so, and what was parsed before is stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from db import Archive
from db.models import Article
from tests.conftest import ROOT
from tests.schedule_helpers import runs_of, slow_replica, wait_for


def _stored(url: str) -> int:
    archive = Archive(url)
    with archive.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Article)).scalar_one()
    archive.engine.dispose()
    return count


def _crawl(url: str, target: str, tmp_path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "crawl", target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "MONITOR_DB_URL": url,
            "MONITOR_DOWNLOAD_DELAY": "0",
            "XDG_DATA_HOME": str(tmp_path / "data"),
        },
    )


@pytest.mark.slow
@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stores_what_was_parsed_and_records_the_run_interrupted(tmp_path, presses):
    """One Ctrl-C stops the crawl within seconds; two (Scrapy's forced stop) at once. Either
    way the articles parsed before are stored, the run is `interrupted`, the exit status 130."""
    url = f"sqlite:///{tmp_path / 'crawl.sqlite3'}"
    Archive(url).engine.dispose()
    with slow_replica("smm", delay=0.5) as address:
        crawl = _crawl(url, f"smm={address}", tmp_path)
        # Some articles parsed, fewer than a store batch (50): they wait in the store's buffer.
        wait_for(lambda: [r for r in runs_of(url) if r.detail.get("monitor/articles/parsed", 0) >= 3], timeout=60)
        for _ in range(presses):
            crawl.send_signal(signal.SIGINT)
            time.sleep(0.2)
        pressed = time.monotonic()
        output, errors = crawl.communicate(timeout=60)
        took = time.monotonic() - pressed
    assert crawl.returncode == 130, errors
    assert took < 10
    assert output.splitlines()[-1].endswith("[INTERRUPTED]")
    assert "Traceback" not in errors
    [run] = runs_of(url)
    parsed = run.detail["monitor/articles/parsed"]
    assert run.status == "interrupted"
    assert parsed >= 3 and _stored(url) == run.new_articles == parsed


# `monitor crawl` as cmd_crawl runs it, with a slow store of small batches: a batch is always
# under way on the store thread when the crawl is stopped.
SLOW_STORE_CRAWL = """
import sys
from db import Archive
from monitor.crawl import CrawlJob
from monitor.runs import recorded_crawls
recorded_crawls(Archive(sys.argv[1]), [CrawlJob("smm", sys.argv[2])], MONITOR_STORE_BATCH=3, MONITOR_STORE_DELAY=1.0)
"""


@pytest.mark.slow
def test_a_forced_stop_counts_the_batch_the_store_had_under_way(tmp_path):
    """Two Ctrl-Cs while the store thread writes a batch: the reactor stops under the writer,
    which never hears back; the batch is stored all the same and counted in the run's figures."""
    url = f"sqlite:///{tmp_path / 'crawl.sqlite3'}"
    Archive(url).engine.dispose()
    with slow_replica("smm", delay=0.2) as address:
        crawl = subprocess.Popen(
            [sys.executable, "-c", SLOW_STORE_CRAWL, url, address],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "MONITOR_DOWNLOAD_DELAY": "0", "XDG_DATA_HOME": str(tmp_path / "data")},
        )
        # Batches of 3 handed to the store, which takes 1 s over each.
        wait_for(lambda: [r for r in runs_of(url) if r.detail.get("monitor/articles/parsed", 0) >= 3], timeout=60)
        crawl.send_signal(signal.SIGINT)
        time.sleep(0.2)
        crawl.send_signal(signal.SIGINT)
        _, errors = crawl.communicate(timeout=60)
    assert "Traceback" not in errors
    [run] = runs_of(url)
    assert run.status == "interrupted"
    assert run.detail["monitor/articles/parsed"] >= 3
    assert _stored(url) == run.new_articles == run.detail["monitor/articles/parsed"]


def test_a_crawl_that_reaches_nothing_fails_with_one_line_per_problem(tmp_path):
    """Offline (here: a host that no DNS resolves), the crawl ends at once, exits 1, prints no
    traceback, and is recorded `failed` with its errors counted."""
    url = f"sqlite:///{tmp_path / 'crawl.sqlite3'}"
    crawl = _crawl(url, "smm=http://monitor-test.invalid", tmp_path)
    output, errors = crawl.communicate(timeout=60)
    assert crawl.returncode == 1
    assert output.splitlines()[-1].endswith("[FAILED]")
    assert "Traceback" not in errors and " INFO: " not in errors  # the log: warnings only, by default
    assert errors.count("monitor-test.invalid cannot be resolved") == errors.count("\n")
    [run] = runs_of(url)
    assert run.status == "failed" and run.errors > 0 and run.new_articles == 0
