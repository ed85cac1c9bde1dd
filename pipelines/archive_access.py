"""One Archive per crawl, shared by the seen filter and the store pipeline."""

from __future__ import annotations

from scrapy.crawler import Crawler

from db import Archive
from monitor.settings import db_url


def archive_for(crawler: Crawler) -> Archive:
    archive = getattr(crawler, "_monitor_archive", None)
    if archive is None:
        archive = Archive(db_url(crawler.settings.get("MONITOR_DB_URL")))
        crawler._monitor_archive = archive
    return archive
