"""All settings in one place: Scrapy's settings plus the environment variables monitor reads.

Scrapy loads this module through scrapy.cfg; the CLI loads the same module
(monitor.crawl.project_settings), so `scrapy crawl` and `monitor crawl` behave alike.
"""

from __future__ import annotations

import os
from pathlib import Path

BOT_NAME = "monitor"
SPIDER_MODULES = ["spiders"]  # spiders.configured: one spider per site of the sites files
NEWSPIDER_MODULE = "spiders"
SPIDER_LOADER_CLASS = "spiders.configured.ConfiguredSpiderLoader"  # names a broken sites file

# Identify honestly, without the word "Bot": SMM's firewall answers such agents with a captcha.
USER_AGENT = os.environ.get("MONITOR_USER_AGENT") or "Mozilla/5.0 (compatible; monitor/0.1; metals news archive)"
ROBOTSTXT_OBEY = True

# Polite defaults for live sites; replica crawls on 127.0.0.1 override them (LOCAL_CRAWL).
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = float(os.environ.get("MONITOR_DOWNLOAD_DELAY", "1.0"))
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False  # news pages need none; avoids tldextract's offline Public Suffix fetch

# Scrapy 2.19 starts a code-executing RemoteControl server by default; the telnet console too.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("MONITOR_LOG_LEVEL", "INFO")

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
# Seconds one article page may take to be read and go through the text stages; a page over
# it is a broken page (too_slow), not stored.
MONITOR_PAGE_BUDGET = float(os.environ.get("MONITOR_PAGE_BUDGET", "20"))

# Articles are written in batches of this size, off the reactor thread.
MONITOR_STORE_BATCH = int(os.environ.get("MONITOR_STORE_BATCH", "50"))

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


def db_url(override: str | None = None) -> str:
    """The archive's database URL: --db, else MONITOR_DB_URL, else the embedded SQLite file."""
    if override:
        return override
    return os.environ.get("MONITOR_DB_URL") or f"sqlite:///{data_dir() / 'archive.sqlite3'}"


def demo_db_url(override: str | None = None) -> str:
    """The demo's archive: --db, else a SQLite file of its own, so that the replicas' made-up
    articles never mix with a real archive (MONITOR_DB_URL is not used)."""
    return override or f"sqlite:///{data_dir() / 'demo.sqlite3'}"


MONITOR_DB_URL = db_url()

# --- alerts (monitor alerts run) ---
# The address analysts reach `monitor serve` at: feeds, webhooks and e-mails link into it.
MONITOR_PUBLIC_URL = os.environ.get("MONITOR_PUBLIC_URL", "http://127.0.0.1:8750").rstrip("/")
# A failed delivery waits this many seconds, doubling with each failure; a run waits for
# retries up to MONITOR_RETRY_WAIT_MAX seconds in all, then leaves a failing receiver alone.
MONITOR_RETRY_BASE = float(os.environ.get("MONITOR_RETRY_BASE", "2"))
MONITOR_RETRY_WAIT_MAX = float(os.environ.get("MONITOR_RETRY_WAIT_MAX", "10"))
MONITOR_DELIVERY_ATTEMPTS = int(os.environ.get("MONITOR_DELIVERY_ATTEMPTS", "12"))  # then: failed
MONITOR_WEBHOOK_TIMEOUT = float(os.environ.get("MONITOR_WEBHOOK_TIMEOUT", "10"))
# E-mail digests go out through this SMTP server (none set: e-mail deliveries wait).
MONITOR_SMTP_HOST = os.environ.get("MONITOR_SMTP_HOST", "")
MONITOR_SMTP_PORT = int(os.environ.get("MONITOR_SMTP_PORT", "25"))
MONITOR_SMTP_FROM = os.environ.get("MONITOR_SMTP_FROM", "monitor@localhost")
MONITOR_SMTP_USER = os.environ.get("MONITOR_SMTP_USER") or None
MONITOR_SMTP_PASSWORD = os.environ.get("MONITOR_SMTP_PASSWORD") or None
MONITOR_SMTP_STARTTLS = os.environ.get("MONITOR_SMTP_STARTTLS", "") == "1"
