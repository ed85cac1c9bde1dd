"""One Archive per crawl, shared by the seen filter and the store pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.crawler import Crawler

if TYPE_CHECKING:  # loaded by the first crawl that asks: `monitor extract` has no archive
    from db import Archive


def archive_for(crawler: Crawler) -> Archive:
    """The archive at the crawl's MONITOR_DB_URL setting (monitor/settings.py fills it in)."""
    from db import Archive

    archive = getattr(crawler, "_monitor_archive", None)
    if archive is None:
        archive = Archive(crawler.settings["MONITOR_DB_URL"])
        crawler._monitor_archive = archive
    return archive
