"""China's time zone: the sites' own, in which a page's date without a zone is read and
every output shows dates, and whose days the archive's date filters count."""

from __future__ import annotations

from datetime import timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "China")  # no daylight saving since 1991
