"""Filter terms: an article's language, site, host, relevance, tags and day of publication
as reserved terms in a column of the SQLite full-text index of their own ("filters"), so
that a filtered search is answered and ranked by the index alone, never reading the row
of each match.

Every term starts with a private-use character: search terms are runs of letters and
digits (pipelines.segment.terms), so no query finds a filter term by its words, and FTS5's
unicode61 tokenizer counts private-use characters as part of a token, so each stays whole.
Values are written in hex (a host's dots would split a term). Each term also comes joined
with the article's year (China time): a filter on one language within one year then reads
the articles of that language and year, not half the archive. The column weighs 0 in BM25,
so a filter term never counts as a match; but FTS5 measures an article's length over all
its fields, so its filter terms (some 10 to 30) lengthen it a little: a few percent of a
news article's several hundred terms, the same for the whole index and the heads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from common.china_time import CHINA_TZ

if TYPE_CHECKING:
    from db.search.spec import Filters

MARK = "\ue000"
NOTHING = f'"{MARK}"'  # a term no article holds: the filters keep nothing


def _term(kind: str, value: str, year: int | None = None) -> str:
    return f"{MARK}{kind}{value.encode().hex()}" + ("" if year is None else f"{MARK}{year}")


def china_day(moment: datetime) -> date:
    if moment.tzinfo is None:  # as the archive stores it: UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TZ).date()


def filter_terms(
    lang: str,
    site: str,
    host: str,
    relevance_label: str,
    relevant: bool,
    published_at: datetime | None,
    tags: Iterable[str],
) -> str:
    """The filter terms of one article, space-separated, for the index's filters column."""
    day = china_day(published_at) if published_at is not None else None
    pairs = [("l", lang), ("s", site), ("h", host), ("r", relevance_label)]
    pairs += [("t", tag) for tag in sorted(set(tags))] + ([("v", "")] if relevant else [])
    terms = [_term(kind, value) for kind, value in pairs]
    if day is not None:
        terms += [_term(kind, value, day.year) for kind, value in pairs]
        terms += [f"{MARK}y{day:%Y}", f"{MARK}m{day:%Y%m}", f"{MARK}d{day:%Y%m%d}"]
    return " ".join(terms)


# --- filters as an FTS5 expression -----------------------------------------------------------


def _quoted(terms: Iterable[str]) -> str:
    return "(" + " OR ".join(f'"{t}"' for t in terms) + ")"


def _midnight(moment: datetime) -> bool:
    local = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return local.astimezone(CHINA_TZ).time() == time()


def _date_terms(first: date, end: date) -> tuple[list[str], bool]:
    """Terms for the days first..end (exclusive): whole years as years, whole months as
    months, the rest as days; and whether they are whole years only."""
    terms, whole_years = [], True
    day = first
    while day < end:
        next_year, next_month = date(day.year + 1, 1, 1), date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day.month == 1 and day.day == 1 and next_year <= end:
            terms.append(f"{MARK}y{day:%Y}")
            day = next_year
            continue
        whole_years = False
        if day.day == 1 and next_month <= end:
            terms.append(f"{MARK}m{day:%Y%m}")
            day = next_month
        else:
            terms.append(f"{MARK}d{day:%Y%m%d}")
            day += timedelta(days=1)
    return terms, whole_years


def restrict(expression: str, filters: Filters, dated: tuple[date, date] | None) -> str | None:
    """`expression` (what to find) restricted to what `filters` keep, for FTS5 MATCH; None
    when the filters cannot be said in filter terms (a since/until not at a China midnight).
    `dated`: the first and last day of publication in the archive (None: no article has
    one), which bound a period open at one end."""
    restriction = _restriction(filters, dated)
    if restriction is None:
        return None
    if restriction is _NOTHING:
        return NOTHING
    groups, excluded = restriction
    parts = [_quoted(group) for group in groups]
    found = "(" + " AND ".join([f"({expression})"] + parts) + ")" if parts else expression
    if excluded:
        return f"({found} NOT {_quoted(excluded)})"
    return found


def restrict_tsquery(filters: Filters, dated: tuple[date, date] | None) -> str | None:
    """What `filters` keep as a tsquery over the filter terms (PostgreSQL's filters column,
    positionless): "" when they keep everything, None when they cannot be said in filter
    terms (as `restrict`)."""
    restriction = _restriction(filters, dated)
    if restriction is None:
        return None
    if restriction is _NOTHING:
        return _lexeme(MARK)
    groups, excluded = restriction
    parts = ["(" + " | ".join(_lexeme(t) for t in group) + ")" for group in groups]
    if excluded:
        parts.append("!(" + " | ".join(_lexeme(t) for t in excluded) + ")")
    return " & ".join(parts)


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


_NOTHING: tuple[list[list[str]], list[str]] = ([], [])  # the filters keep nothing


def _restriction(filters: Filters, dated: tuple[date, date] | None) -> tuple[list[list[str]], list[str]] | None:
    """The filters as groups of filter terms, an article keeping when it holds one of each
    group and none of the excluded; None when they cannot be said so, _NOTHING when they
    keep nothing."""
    groups: list[list[tuple[str, str]]] = []
    if filters.sites:
        groups.append([(kind, v) for v in filters.sites for kind in ("s", "h")])
    if filters.langs:
        groups.append([("l", v) for v in filters.langs])
    if filters.relevance:
        groups.append([("v", "") if v == "relevant" else ("r", v) for v in filters.relevance])
    groups += [[("t", tag) for tag in group] for group in filters.tags]
    parts: list[list[str]] = []
    if filters.since is None and filters.until is None:
        parts = [[_term(kind, value) for kind, value in group] for group in groups]
    else:
        if any(m is not None and not _midnight(m) for m in (filters.since, filters.until)):
            return None
        if dated is None:
            return _NOTHING
        first = max(china_day(filters.since), dated[0]) if filters.since else dated[0]
        end = (
            min(china_day(filters.until), dated[1] + timedelta(days=1))
            if filters.until
            else dated[1] + timedelta(days=1)
        )
        if first >= end:
            return _NOTHING
        days, whole_years = _date_terms(first, end)
        years = range(first.year, (end - timedelta(days=1)).year + 1)
        parts = [[_term(kind, value, year) for kind, value in group for year in years] for group in groups]
        if not (whole_years and parts):  # else the years of the joined terms are the period
            parts.append(days)
    excluded = [(kind, v) for v in filters.not_sites for kind in ("s", "h")]
    excluded += [("l", v) for v in filters.not_langs] + [("t", tag) for tag in filters.not_tags]
    excluded += [("v", "") if v == "relevant" else ("r", v) for v in filters.not_relevance]
    return parts, [_term(kind, value) for kind, value in excluded]
