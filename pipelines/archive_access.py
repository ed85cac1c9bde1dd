"""One Archive per crawl, shared by the seen filter and the store pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler

if TYPE_CHECKING:  # loaded by the first crawl that asks: `monitor extract` has no archive
    from db import Archive

# Keyed weakly: a finished crawl's archive goes with its crawler.
_ARCHIVES: WeakKeyDictionary[Crawler, Archive] = WeakKeyDictionary()


def archive_for(crawler: Crawler) -> Archive:
    """The archive at the crawl's MONITOR_DB_URL setting (monitor/settings.py fills it in)."""
    from db import Archive

    archive = _ARCHIVES.get(crawler)
    if archive is None:
        archive = _ARCHIVES[crawler] = Archive(crawler.settings["MONITOR_DB_URL"])
    return archive
