"""Settings are read from the environment when a command uses them, never at import: a bad
variable is one `monitor:` line from the command that needs it, a variable changed after
`import monitor.cli` is honoured by the next call, and Scrapy gets them as each crawl's
settings are made."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from scrapy.utils.project import get_project_settings

import monitor.cli
from db import Archive
from monitor.alerts import add_rule
from monitor.crawl import project_settings
from monitor.settings import DeliverySettings, SettingError, SmtpSettings, delivery_settings
from tests.conftest import ROOT

# Values that do not read (the SMTP host makes the port one to read).
BAD = {
    "MONITOR_RETRY_BASE": "abc",
    "MONITOR_DOWNLOAD_DELAY": "x",
    "MONITOR_STORE_BATCH": "2.5",
    "MONITOR_SMTP_HOST": "127.0.0.1",
    "MONITOR_SMTP_PORT": "25x",
}


def test_bad_variables_do_not_stop_an_import():
    imports = "import monitor.cli, monitor.settings, monitor.crawl, monitor.alerts, monitor.api, monitor.schedule"
    done = subprocess.run(
        [sys.executable, "-c", imports], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **BAD}
    )
    assert (done.returncode, done.stderr) == (0, "")


@pytest.fixture
def empty_archive(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    Archive(url)
    return url


@pytest.mark.parametrize(
    ("variable", "value", "argv", "message"),
    [
        ("MONITOR_RETRY_BASE", "abc", ["alerts", "run"], "MONITOR_RETRY_BASE must be a number, got 'abc'"),
        (
            "MONITOR_DELIVERY_ATTEMPTS",
            "1.5",
            ["alerts", "run"],
            "MONITOR_DELIVERY_ATTEMPTS must be a whole number, got '1.5'",
        ),
        ("MONITOR_DOWNLOAD_DELAY", "x", ["crawl", "cnmn"], "MONITOR_DOWNLOAD_DELAY must be a number, got 'x'"),
        ("MONITOR_STORE_BATCH", "fifty", ["crawl", "cnmn"], "MONITOR_STORE_BATCH must be a whole number, got 'fifty'"),
        ("MONITOR_LEASE", "long", ["worker"], "MONITOR_LEASE must be a number of seconds of at least 1, got 'long'"),
    ],
)
def test_a_bad_variable_is_one_line_from_the_command_that_needs_it(
    variable, value, argv, message, empty_archive, monkeypatch, capsys
):
    monkeypatch.setenv("MONITOR_DB_URL", empty_archive)
    monkeypatch.setenv(variable, value)
    assert monitor.cli.main(argv) == 2
    assert capsys.readouterr().err == f"monitor: {message}\n"
    # A command that does not need it goes on.
    assert monitor.cli.main(["alerts", "list"]) == 0
    assert capsys.readouterr().out == "no rules (add one: monitor alerts add NAME QUERY)\n"


@pytest.mark.parametrize(
    ("variable", "value", "wanted"),
    [
        ("MONITOR_LEASE", "0", "of at least 1"),
        ("MONITOR_LEASE", "0.0001", "of at least 1"),
        ("MONITOR_LEASE", "-5", "of at least 1"),
        ("MONITOR_LEASE", "inf", "of at least 1"),
        ("MONITOR_WORKER_POLL", "0", "above 0"),
        ("MONITOR_WORKER_POLL", "nan", "above 0"),
    ],
)
def test_a_worker_refuses_a_lease_or_poll_too_short(variable, value, wanted, empty_archive, monkeypatch, capsys):
    """A lease of 0 (or of less than a millisecond, Redis's unit) renews itself in a busy loop
    and runs out at once, as a poll of 0 polls; below 0 or infinite, the crawl failed with a
    traceback. (No Redis here: the setting is refused before it.)"""
    monkeypatch.setenv("MONITOR_DB_URL", empty_archive)
    monkeypatch.setenv("MONITOR_REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv(variable, value)
    assert monitor.cli.main(["worker", "--until-idle", "0"]) == 2
    assert capsys.readouterr().err == f"monitor: {variable} must be a number of seconds {wanted}, got {value!r}\n"


def test_the_archive_url_is_read_by_each_call(tmp_path, monkeypatch, capsys):
    first, second = (f"sqlite:///{tmp_path / name}.sqlite3" for name in ("first", "second"))
    add_rule(Archive(first), "copper", "copper")
    Archive(second)
    monkeypatch.setenv("MONITOR_DB_URL", first)
    assert monitor.cli.main(["alerts", "list"]) == 0
    assert capsys.readouterr().out.startswith("copper: copper  [feeds only; 0 alerts]")
    monkeypatch.setenv("MONITOR_DB_URL", second)
    assert monitor.cli.main(["alerts", "list"]) == 0
    assert capsys.readouterr().out == "no rules (add one: monitor alerts add NAME QUERY)\n"


CRAWL_VARIABLES = {
    "MONITOR_USER_AGENT": "Mozilla/5.0 (compatible; test)",
    "MONITOR_DOWNLOAD_DELAY": "3.5",
    "MONITOR_LOG_LEVEL": "WARNING",
    "MONITOR_PAGE_BUDGET": "7",
    "MONITOR_STORE_BATCH": "9",
    "MONITOR_DB_URL": "sqlite:////tmp/elsewhere.sqlite3",
    "MONITOR_REDIS_URL": "redis://frontier.example:6380/2",
    "MONITOR_REDIS_PREFIX": "team",
    "MONITOR_LEASE": "30",
    "MONITOR_WORKER_POLL": "0.25",
}
CRAWL_SETTINGS = {
    "USER_AGENT": "Mozilla/5.0 (compatible; test)",
    "DOWNLOAD_DELAY": 3.5,
    "LOG_LEVEL": "WARNING",
    "MONITOR_PAGE_BUDGET": 7.0,
    "MONITOR_STORE_BATCH": 9,
    "MONITOR_REDIS_URL": "redis://frontier.example:6380/2",
    "MONITOR_REDIS_PREFIX": "team",
    "MONITOR_LEASE": 30.0,
    "MONITOR_WORKER_POLL": 0.25,
}


def test_scrapy_gets_the_environment_as_a_crawl_starts(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "monitor.settings")  # get_project_settings sets it from scrapy.cfg
    before = project_settings("sqlite://")
    assert before.getfloat("DOWNLOAD_DELAY") == 1.0 and before.getint("MONITOR_STORE_BATCH") == 50
    for name, value in CRAWL_VARIABLES.items():
        monkeypatch.setenv(name, value)
    ours, scrapys = project_settings("sqlite:///given.sqlite3"), get_project_settings()  # monitor crawl, scrapy crawl
    for name, value in CRAWL_SETTINGS.items():
        assert (ours[name], scrapys[name]) == (value, value)
    assert (ours["MONITOR_DB_URL"], scrapys["MONITOR_DB_URL"]) == (
        "sqlite:///given.sqlite3",
        CRAWL_VARIABLES["MONITOR_DB_URL"],
    )
    assert project_settings("sqlite://", local=True).getfloat("DOWNLOAD_DELAY") == 0  # a replica crawl's own


def test_delivery_settings_are_read_when_asked_for(monkeypatch):
    assert delivery_settings({}) == DeliverySettings("http://127.0.0.1:8750", 2.0, 10.0, 12, 10.0, None)
    environ = {
        "MONITOR_PUBLIC_URL": "https://monitor.example/",
        "MONITOR_RETRY_BASE": "0.5",
        "MONITOR_RETRY_WAIT_MAX": "3",
        "MONITOR_DELIVERY_ATTEMPTS": "4",
        "MONITOR_WEBHOOK_TIMEOUT": "1.5",
        "MONITOR_SMTP_HOST": "mail.example",
        "MONITOR_SMTP_PORT": "587",
        "MONITOR_SMTP_FROM": "alerts@monitor.example",
        "MONITOR_SMTP_USER": "alerts",
        "MONITOR_SMTP_PASSWORD": "pw",
        "MONITOR_SMTP_STARTTLS": "1",
    }
    smtp = SmtpSettings("mail.example", 587, "alerts@monitor.example", "alerts", "pw", True)
    assert delivery_settings(environ) == DeliverySettings("https://monitor.example", 0.5, 3.0, 4, 1.5, smtp)
    with pytest.raises(SettingError, match=r"^MONITOR_SMTP_PORT must be a whole number, got '25x'$"):
        delivery_settings({**environ, "MONITOR_SMTP_PORT": "25x"})
    monkeypatch.setenv("MONITOR_RETRY_WAIT_MAX", "0.25")
    assert delivery_settings().retry_wait_max == 0.25
