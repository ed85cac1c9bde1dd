"""Durations as people write them in the schedule: `90s`, `30m`, `1h30m`, `2d`."""

from __future__ import annotations

import re
from datetime import timedelta

UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", re.ASCII)


def parse_duration(text: str) -> timedelta:
    """A positive duration from days, hours, minutes and seconds in that order: `1h30m`."""
    found = _DURATION.fullmatch(text.strip())
    if not text.strip() or not found:
        raise ValueError(f"not a duration: {text!r} (write e.g. 45s, 30m, 1h30m, 2d)")
    days, hours, minutes, seconds = (float(part or 0) for part in found.groups())
    try:
        duration = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise ValueError(f"not a duration: {text!r} (longer than {timedelta.max.days} days)") from None
    if duration <= timedelta(0):
        raise ValueError(f"not a duration: {text!r} (it must be longer than nothing)")
    return duration


def format_duration(duration: timedelta) -> str:
    """The same notation, to the second, largest units first: 1h30m, 2d3h, 1.5s."""
    seconds = duration.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}s".replace(".0s", "s")
    parts, rest = [], round(seconds)
    for unit, size in UNITS.items():
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
