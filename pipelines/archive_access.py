"""One Archive per crawl, shared by the seen filter and the store pipeline."""

from __future__ import annotations

from scrapy.crawler import Crawler

from db import Archive


def archive_for(crawler: Crawler) -> Archive:
    """The archive at the crawl's MONITOR_DB_URL setting (monitor/settings.py fills it in)."""
    archive = getattr(crawler, "_monitor_archive", None)
    if archive is None:
        archive = Archive(crawler.settings["MONITOR_DB_URL"])
        crawler._monitor_archive = archive
    return archive
