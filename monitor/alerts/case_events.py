"""What an alert about a followed case says: which new stage or figure, of which case, as
its feed entry and webhook give it. Its row is an alert's row with the case event's columns
(db.alerts._EVENT), all None for an alert about an article."""

from __future__ import annotations

from typing import Any

from monitor.labels import tag_label


def case_link(public_url: str, case_id: int) -> str:
    return f"{public_url}/#/case/{case_id}"


def event_title(row: Any) -> str | None:
    """One line saying which new stage or figure of which case; None for an article's alert."""
    if row.event_kind is None:
        return None
    case = f"case {row.case_id} {tag_label(row.case_party)} ({row.case_key})"
    if row.event_kind == "stage":
        return f"{case}: new stage {row.event_name} on {row.event_day}"
    return f"{case}: new figure {row.event_name} {row.event_value:,} as of {row.event_day}"


def event_document(row: Any, public_url: str) -> dict[str, Any]:
    """The webhook's account of the event: the case, and the stage or the figure."""
    what: dict[str, Any] = {"day": row.event_day}
    if row.event_kind == "stage":
        what["stage"] = row.event_name
    else:
        what.update(kind=row.event_name, value=row.event_value)
    return {
        "case": {
            "id": row.case_id,
            "key": row.case_key,
            "party": row.case_party,
            "party_label": tag_label(row.case_party),
            "archive_url": case_link(public_url, row.case_id),
        },
        row.event_kind: what,
        "summary": event_title(row),
    }
