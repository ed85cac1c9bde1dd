"""Shared fixtures: the replica sites served by a real HTTP server in a subprocess, and one
crawl of all of them into a fresh SQLite archive, driven by the real Scrapy engine. Also the
`monitor` command run in a process of its own or in this one, and the `slow` marks."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_twisted
from scrapy.utils.defer import deferred_from_coro

from db import Archive
from monitor.crawl import CrawlJob, crawl_async
from monitor.replica.catalog import SITES
from monitor.replica.catalog import manifest as build_manifest

ROOT = Path(__file__).resolve().parent.parent
# The replicas in the session's shared archive; smm_cn is crawled by tests/test_smm_cn.py alone.
ARCHIVED_SITES = ("smm", "cnmn", "mirror")
SPIDER_OF = {"mirror": "cnmn"}  # the site whose spider reads another's pages


class Replicas:
    def __init__(self, addresses: dict[str, str]) -> None:
        self.addresses = addresses

    def requests(self, site: str) -> list[str]:
        """Every path the site has been asked for so far (its server keeps a log)."""
        with urllib.request.urlopen(self.addresses[site] + "/_replica/requests") as reply:
            return json.load(reply)

    def jobs(self, sites: tuple[str, ...] = ARCHIVED_SITES) -> list[CrawlJob]:
        """The crawls of these sites, each by its spider (the mirror by cnmn's)."""
        return [CrawlJob(SPIDER_OF.get(site, site), self.addresses[site]) for site in sites]

    def set_clock(self, today: str) -> None:
        """Every site served as it was at the end of `today` (server.py's clock; "" takes it away)."""
        for address in self.addresses.values():
            with urllib.request.urlopen(f"{address}/_replica/clock?today={today}") as reply:
                assert json.load(reply)["today"] == (today or None)


@contextlib.contextmanager
def replica_process(sites: tuple[str, ...] = SITES, *options: str) -> Iterator[Replicas]:
    """`python -m monitor.replica --sites SITES OPTIONS` in a process of its own, stopped afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor.replica", "--sites", ",".join(sites), *options],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    addresses: dict[str, str] = {}
    try:
        while len(addresses) < len(sites):
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the replica server exited before printing its addresses")
            site, address = line.split()
            addresses[site] = address
        yield Replicas(addresses)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def own_data_dir(tmp_path_factory):
    """Commands the tests run keep their files (locks, the demo's archive) in a folder of the
    test session's, never in the user's ~/.local/share/monitor."""
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def replicas():
    with replica_process() as served:
        yield served


@pytest.fixture(scope="session")
def manifest() -> dict:
    """The truth of the shared archive's replicas (ARCHIVED_SITES)."""
    full = build_manifest()
    return {
        **full,
        "articles": [a for a in full["articles"] if a["site"] in ARCHIVED_SITES],
        "broken": [b for b in full["broken"] if b["site"] in ARCHIVED_SITES],
    }


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('archive') / 'archive.sqlite3'}"


@pytest.fixture(scope="session")
def first_crawl(replicas, db_url):
    """Stats of the first crawl of all three replicas (smm, cnmn, the mirror by cnmn)."""
    stats = pytest_twisted.blockon(deferred_from_coro(crawl_async(replicas.jobs(), db_url, local=True)))
    return dict(zip(ARCHIVED_SITES, stats, strict=False))


@pytest.fixture(scope="session")
def archive(first_crawl, db_url) -> Archive:
    return Archive(db_url)


def run_monitor(*args: str, db_url: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """The `monitor` command in a process of its own, as a user runs it: for what only a real
    process shows (crawls, whose Twisted reactor cannot start twice in one process; signals;
    start-up imports). Any other command runs quicker in this process: `monitor_main`."""
    env = dict(os.environ)
    if db_url:
        env["MONITOR_DB_URL"] = db_url
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if check and result.returncode != 0:
        raise AssertionError(f"monitor {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def monitor_main(*args: str, db_url: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """`monitor.cli.main(args)` in this process, with its exit status and output as
    `run_monitor` gives them (an argparse refusal's SystemExit is its exit status). `db_url`
    is given as `--db`."""
    from monitor.cli import main

    argv = ["--db", db_url, *args] if db_url else list(args)
    written = {"stdout": io.BytesIO(), "stderr": io.BytesIO()}
    # Text streams with the bytes beneath (.buffer), as a command's standard streams are.
    stdout, stderr = (io.TextIOWrapper(written[name], encoding="utf-8", newline="") for name in ("stdout", "stderr"))
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(argv)
        except SystemExit as stopped:
            status = stopped.code if isinstance(stopped.code, int) else int(stopped.code is not None)
        finally:
            stdout.flush()
            stderr.flush()
    out, err = (written[name].getvalue().decode("utf-8") for name in ("stdout", "stderr"))
    if check and status != 0:
        raise AssertionError(f"monitor {' '.join(argv)} failed ({status}):\n{err}")
    return subprocess.CompletedProcess(["monitor", *argv], status, out, err)


POSTGRES_URL = os.environ.get("MONITOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def postgres_schema(name: str):
    """A fresh schema in the test PostgreSQL server, as an archive URL; dropped afterwards.
    Skipped with the reason on a machine without the server; under CI=true it must be there."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    schema = f"{name}_{os.getpid()}"
    try:
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except (OperationalError, ModuleNotFoundError) as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {error.__class__.__name__}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def postgres_url():
    with postgres_schema("monitor_test") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_archive(archive) -> Iterator[Archive]:
    """The crawled replica archive, moved to PostgreSQL by `reprocess --into` (the same
    pipeline over the same stored pages, in the same order)."""
    from monitor.reprocess import reprocess

    with postgres_schema("monitor_search") as url:
        target = Archive(url)
        result = reprocess(archive, into=target)
        assert not result.failed and target.count() == archive.count()
        yield target
        target.engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def any_archive(request) -> Archive:
    """The replica archive on each engine: search tests run against both."""
    return request.getfixturevalue("archive" if request.param == "sqlite" else "postgres_archive")


def parsed_article_page(spider, response):
    """A Deferred of what the spider's parse_article yields for the response, as in a crawl
    (its reading runs off the reactor): await it in a pytest_twisted.ensureDeferred test."""

    async def collect() -> list:
        return [item async for item in spider.parse_article(response)]

    return deferred_from_coro(collect())
