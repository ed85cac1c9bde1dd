"""All settings in one place: Scrapy's settings plus the environment variables monitor reads.

Scrapy loads this module through scrapy.cfg; the CLI loads the same module
(monitor.crawl.project_settings), so `scrapy crawl` and `monitor crawl` behave alike.

The environment is read when a setting is used, never at import: the settings it gives a
crawl are read as Scrapy reads this module (`__getattr__` below), the alerts' settings by
`delivery_settings()` when a run delivers. A variable that does not read is a SettingError
(`MONITOR_X must be a number, got 'abc'`) from the command that needs it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

BOT_NAME = "monitor"
SPIDER_MODULES = ["spiders"]  # spiders.configured: one spider per site of the sites files
NEWSPIDER_MODULE = "spiders"
SPIDER_LOADER_CLASS = "spiders.configured.ConfiguredSpiderLoader"  # names a broken sites file

ROBOTSTXT_OBEY = True

# Polite defaults for live sites; replica crawls on 127.0.0.1 override them (LOCAL_CRAWL).
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
# Items a response's output is worked through with at once. Scrapy starts that many asyncio
# tasks for every response (100 by default) whatever it yields; an article page yields one
# article and the store pipeline takes articles one at a time, so more buys nothing and cost
# a quarter of the reactor's time in a full-speed crawl (README: bench/crawl_throughput.py).
CONCURRENT_ITEMS = 1
# Bytes of fetched pages not yet read (parsed, through the text stages) past which Scrapy
# downloads no more (5 MB by default). One worker reads the pages; a full-speed crawl of small
# pages held over a thousand waiting, each with its request, its middlewares' generators and
# tasks: the crawl's memory grew with the machine's load. A megabyte is some 20 live pages,
# more than the worker needs to be kept busy.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
COOKIES_ENABLED = False  # news pages need none; avoids tldextract's offline Public Suffix fetch

# Scrapy 2.19 starts a code-executing RemoteControl server by default; the telnet console too.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

EXTENSIONS = {
    # A shutdown drops the requests waiting for their turn instead of downloading them all.
    "monitor.stopping.QuickStop": 0,
}

DOWNLOADER_MIDDLEWARES = {
    # Before anything is fetched: articles already in the archive are not downloaded again.
    "pipelines.seen.SkipArchivedMiddleware": 50,
    # Nearer the downloader than RetryMiddleware (550): a DNS failure is not retried.
    "monitor.unresolved.UnresolvableHosts": 560,
}

# The text stages (pipelines.stages) run as each article page is read, off the reactor thread
# (spiders.reading); what reaches the item pipelines is ready to store.
ITEM_PIPELINES = {
    "pipelines.store.StorePipeline": 900,
}

# Settings for crawling the local replicas: no politeness delay is needed on 127.0.0.1.
LOCAL_CRAWL = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


def data_dir() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "monitor"


def schedule_path(override: str | None = None) -> Path:
    """The schedule file (README: "Scheduled crawls"): --config, else MONITOR_SCHEDULE, else
    monitor/schedule.toml in the user's configuration folder."""
    if override or os.environ.get("MONITOR_SCHEDULE"):
        return Path(override or os.environ["MONITOR_SCHEDULE"]).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "monitor" / "schedule.toml"


# The sites files spiders.configured makes spiders of, in order (README: "Adding a site by
# configuration"); none named: the shipped one, then $MONITOR_SITES or the user's own
# (spiders.sites.default_sites_files).
MONITOR_SITES_FILES: list[str] = []


def db_url(override: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """The archive's database URL: --db, else MONITOR_DB_URL, else the embedded SQLite file."""
    if override:
        return override
    return environ.get("MONITOR_DB_URL") or f"sqlite:///{data_dir() / 'archive.sqlite3'}"


def redis_url(environ: Mapping[str, str] = os.environ) -> str:
    """The distributed crawl's Redis: MONITOR_REDIS_URL, else the one on this machine."""
    return environ.get("MONITOR_REDIS_URL") or "redis://127.0.0.1:6379/0"


def demo_db_url(override: str | None = None) -> str:
    """The demo's archive: --db, else a SQLite file of its own, so that the replicas' made-up
    articles never mix with a real archive (MONITOR_DB_URL is not used)."""
    return override or f"sqlite:///{data_dir() / 'demo.sqlite3'}"


class SettingError(Exception):
    """An environment variable whose value does not read; the message names it."""


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    """A number from the environment (unset or empty: the default)."""
    return _parsed(environ, name, default, float, "a number")


def _seconds(environ: Mapping[str, str], name: str, default: float, least: float | None = None) -> float:
    """A number of seconds above 0 (or at least `least`), finite: a lease or a poll of 0 turns
    in a busy loop."""
    wanted = f"a number of seconds of at least {least:g}" if least else "a number of seconds above 0"
    seconds = _parsed(environ, name, default, float, wanted)
    if not (seconds >= least if least else seconds > 0) or seconds == math.inf:
        raise SettingError(f"{name} must be {wanted}, got {environ[name]!r}")
    return seconds


def _whole_number(environ: Mapping[str, str], name: str, default: int) -> int:
    return _parsed(environ, name, default, int, "a whole number")


_Value = TypeVar("_Value")  # not upper case: Scrapy would take it for a setting


def _parsed(
    environ: Mapping[str, str], name: str, default: _Value, parse: Callable[[str], _Value], what: str
) -> _Value:
    value = environ.get(name, "")
    if not value.strip():
        return default
    try:
        return parse(value)
    except ValueError:
        raise SettingError(f"{name} must be {what}, got {value!r}") from None


def crawl_environment(environ: Mapping[str, str] = os.environ) -> dict[str, str | float | int]:
    """The Scrapy settings the environment gives, as it is now."""
    return {
        # Identify honestly, without the word "Bot": SMM's firewall answers such agents with a captcha.
        "USER_AGENT": environ.get("MONITOR_USER_AGENT") or "Mozilla/5.0 (compatible; monitor/0.1; metals news archive)",
        "DOWNLOAD_DELAY": _number(environ, "MONITOR_DOWNLOAD_DELAY", 1.0),
        "LOG_LEVEL": environ.get("MONITOR_LOG_LEVEL", "INFO"),
        # Seconds one article page may take to be read and go through the text stages; a page
        # over it is a broken page (too_slow), not stored.
        "MONITOR_PAGE_BUDGET": _number(environ, "MONITOR_PAGE_BUDGET", 20.0),
        # Articles are written in batches of this size, off the reactor thread.
        "MONITOR_STORE_BATCH": _whole_number(environ, "MONITOR_STORE_BATCH", 50),
        # `scrapy crawl`'s archive; `monitor crawl` gives its own (--db).
        "MONITOR_DB_URL": db_url(environ=environ),
        # The distributed crawl (monitor.distributed): the Redis its frontier is in, the prefix
        # of its keys there, the seconds a worker's lease on a request lasts unrenewed (a
        # killed worker's requests go back to the queue after it), and the seconds between a
        # worker's looks for requests while it has none under way.
        "MONITOR_REDIS_URL": redis_url(environ),
        "MONITOR_REDIS_PREFIX": environ.get("MONITOR_REDIS_PREFIX") or "monitor",
        # Kept in whole milliseconds by Redis and renewed every third: a lease of a few
        # milliseconds would be renewed in a busy loop.
        "MONITOR_LEASE": _seconds(environ, "MONITOR_LEASE", 60.0, least=1.0),
        "MONITOR_WORKER_POLL": _seconds(environ, "MONITOR_WORKER_POLL", 0.5),
    }


def __getattr__(name: str) -> str | float | int:
    """Scrapy reads this module's upper-case names (BaseSettings.setmodule): those the
    environment gives are read then, when a crawl's settings are made."""
    if name not in crawl_environment({}):  # any other name is missing, whatever the environment holds
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return crawl_environment()[name]


def __dir__() -> list[str]:
    return sorted([*globals(), *crawl_environment({})])


# --- alerts (monitor alerts run) ---


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0


@dataclass(frozen=True)
class DeliverySettings:
    """How an alert run delivers: where its links point, how it retries, its SMTP server."""

    public_url: str  # the address analysts reach `monitor serve` at: the links point into it
    # A failed delivery waits retry_base seconds, doubling with each failure; a run waits for
    # retries up to retry_wait_max seconds in all, then leaves a failing receiver alone.
    retry_base: float
    retry_wait_max: float
    attempts: int  # then: failed
    webhook_timeout: float
    smtp: SmtpSettings | None  # None: e-mail deliveries wait


def public_url(environ: Mapping[str, str] = os.environ) -> str:
    """Where analysts reach `monitor serve`: written feeds, webhooks and e-mails link into it."""
    return (environ.get("MONITOR_PUBLIC_URL") or "http://127.0.0.1:8750").rstrip("/")


def delivery_settings(environ: Mapping[str, str] = os.environ) -> DeliverySettings:
    """The alerts' settings as the environment gives them now (README: "Configuration")."""
    return DeliverySettings(
        public_url=public_url(environ),
        retry_base=_number(environ, "MONITOR_RETRY_BASE", 2.0),
        retry_wait_max=_number(environ, "MONITOR_RETRY_WAIT_MAX", 10.0),
        attempts=_whole_number(environ, "MONITOR_DELIVERY_ATTEMPTS", 12),
        webhook_timeout=_number(environ, "MONITOR_WEBHOOK_TIMEOUT", 10.0),
        smtp=smtp_settings(environ),
    )


def smtp_settings(environ: Mapping[str, str] = os.environ) -> SmtpSettings | None:
    """The SMTP server of e-mail digests; None when MONITOR_SMTP_HOST is not set."""
    if not environ.get("MONITOR_SMTP_HOST"):
        return None
    return SmtpSettings(
        host=environ["MONITOR_SMTP_HOST"],
        port=_whole_number(environ, "MONITOR_SMTP_PORT", 25),
        sender=environ.get("MONITOR_SMTP_FROM") or "monitor@localhost",
        user=environ.get("MONITOR_SMTP_USER") or None,
        password=environ.get("MONITOR_SMTP_PASSWORD") or None,
        starttls=environ.get("MONITOR_SMTP_STARTTLS", "") == "1",
    )
