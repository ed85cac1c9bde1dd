"""Searching the archive: a query (monitor.query) to one page of ranked results, copies of
one story collapsed, snippets cut from the original text with the matches marked, and
facets. The same code serves the command line, the JSON API and the web page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from db import Archive
from db.cases import case_ids
from db.search.results import count, every_ranked, facets, ranked
from db.search.rows import shown_articles, sites_and_hosts, story_copies
from db.search.spec import Filters, Ranked, Search
from monitor.query import ParsedQuery, QueryError, parse_query
from pipelines.article import china_time
from pipelines.segment import terms

__all__ = ["Page", "QueryError", "Result", "SearchOptions", "search", "snippet", "snippet_of"]

MARK_OPEN, MARK_CLOSE = "«", "»"
SNIPPET_CHARS = 160
SORTS = ("relevance", "date")
MAX_LIMIT = 10_000
# English words and numbers, also inside Chinese text (2026年, LME铜价): the index has them apart.
_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")
# The text's own guillemets would read as marks: shown as single ones.
_OWN_MARKS = str.maketrans({MARK_OPEN: "‹", MARK_CLOSE: "›"})


@dataclass(frozen=True)
class SearchOptions:
    expand: bool = True  # also search the vocabulary's other names, in both languages
    collapse: bool = True  # one result per story
    sort: str = "relevance"  # BM25, title weighted; or "date"
    limit: int = 10  # 0: the total (and facets) only
    offset: int = 0
    filters: Filters | None = None  # added to the query's own (command-line options, API)


@dataclass
class Result:
    article: dict[str, Any]
    snippet: str
    copies: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.article, "snippet": self.snippet, "copies": self.copies}


@dataclass
class Page:
    query: str
    total: int  # stories when collapsed, else articles
    results: list[Result]
    marks: tuple[tuple[str, ...], ...]
    facets: dict[str, list[tuple[str, int]]] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "query": self.query,
            "total": self.total,
            "results": [r.as_dict() for r in self.results],
        }
        if self.facets is not None:
            out["facets"] = {name: [{"value": v, "count": n} for v, n in items] for name, items in self.facets.items()}
        return out


def merge_filters(mine: Filters, more: Filters | None) -> Filters:
    """The query's filters with more added: alternatives joined, days the narrower."""
    if more is None:
        return mine
    merged = {
        name: getattr(mine, name) + getattr(more, name)
        for name in ("sites", "not_sites", "langs", "not_langs", "relevance", "not_relevance", "tags", "not_tags")
    }
    since = max((d for d in (mine.since, more.since) if d), default=None)
    until = min((d for d in (mine.until, more.until) if d), default=None)
    return Filters(**merged, since=since, until=until)


def plan(query: str, options: SearchOptions) -> tuple[ParsedQuery, Search]:
    if options.sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {options.sort!r}")
    parsed = parse_query(query, expand=options.expand)
    filters = merge_filters(parsed.filters, options.filters)
    return parsed, Search(parsed.node, filters, options.sort, options.collapse)


def search(archive: Archive, query: str, options: SearchOptions = SearchOptions(), with_facets: bool = False) -> Page:
    """One page of results for `query`; QueryError if the query cannot be read or names
    a site the archive does not hold."""
    if not 0 <= options.limit <= MAX_LIMIT or options.offset < 0:
        raise QueryError(f"limit must be 0 to {MAX_LIMIT} and offset 0 or more")
    parsed, spec = plan(query, options)
    with archive.engine.connect() as conn:
        check_sites(conn, spec.filters)
        if options.limit:
            page, total = ranked(conn, spec, options.limit, options.offset)
        else:
            page, total = [], count(conn, spec)
        found_facets = facets(conn, spec) if with_facets else None
        rows = shown_articles(conn, [r.id for r in page])
        copies = story_copies(conn, [r.story_id for r in page]) if spec.collapse else {}
        results = _with_cases(conn, _results(page, rows, copies, parsed.marks))
    return Page(query, total, results, parsed.marks, found_facets)


def iterate(
    archive: Archive, query: str, options: SearchOptions = SearchOptions(), batch: int = 500
) -> Iterator[Result]:
    """Every result of a search, in order (limit and offset aside), read in batches:
    exports stream this. The order is fixed in one pass; the rows follow batch by batch."""
    parsed, spec = plan(query, options)
    with archive.engine.connect() as conn:
        check_sites(conn, spec.filters)
        order = every_ranked(conn, spec)
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        with archive.engine.connect() as conn:
            rows = shown_articles(conn, [r.id for r in chunk])
            copies = story_copies(conn, [r.story_id for r in chunk]) if spec.collapse else {}
            results = _with_cases(conn, _results(chunk, rows, copies, parsed.marks))
        yield from results


def check_sites(conn, filters: Filters) -> None:
    """A site: that is neither a spider nor a host of the archive is a mistake, not an empty
    answer (as an unknown tag: is): QueryError listing the archive's sites. An empty
    archive holds no sites to name, and finds nothing anyway; -site: of a site it does not
    hold leaves nothing out, which is what was asked."""
    named = {s.lower() for s in filters.sites}
    if not named:
        return
    sites, hosts = sites_and_hosts(conn)
    unknown = sorted(named - sites - hosts)
    if unknown and sites:
        raise QueryError(
            f"unknown site {unknown[0]!r}: this archive holds the sites {', '.join(sorted(sites))}"
            f" (or give a host: {', '.join(sorted(hosts))})"
        )


def _results(page: list[Ranked], rows: dict[int, Any], copies: dict[int, list[Any]], marks) -> list[Result]:
    return [
        Result(
            _shown(rows[r.id]),
            snippet_of(rows[r.id], marks),
            [_copy(c) for c in copies.get(r.story_id, []) if c.id != r.id],
        )
        for r in page
    ]


def _with_cases(conn, results: list[Result]) -> list[Result]:
    """Each result with the id of its article's inspection case (None when about none):
    search results link to their case."""
    cases = case_ids(conn, [r.article["id"] for r in results])
    for result in results:
        result.article["case_id"] = cases.get(result.article["id"])
    return results


def _shown(row) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "published_at": china_time(row.published_at),
        "site": row.site,
        "host": row.host,
        "url": row.url,
        "lang": row.lang,
        "relevant": row.relevant,
        "relevance_label": row.relevance_label,
        "garbled": row.garbled,
        "story_id": row.story_id,
        "tags": [tag["id"] for tag in row.tags or []],
    }


def _copy(row) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "host": row.host,
        "site": row.site,
        "lang": row.lang,
        "title": row.title,
        "published_at": china_time(row.published_at),
        "garbled": row.garbled,
    }


def snippet_of(row, marks: tuple[tuple[str, ...], ...]) -> str:
    text, marked = snippet(row.body, row.body_simplified, marks)
    if not marked:  # the words matched the title, or words inside longer ones
        text = snippet(row.title, row.title_simplified, marks)[0] + " | " + text
    return text


def match_spans(text: str, marks: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]]:
    """Where the marked term sequences occur in `text`: English words compared stem to stem
    (a sequence as consecutive words; a prefix, ending in *, to the word and its stem),
    Chinese found as written, without spaces."""
    spans: list[tuple[int, int]] = []
    latin = [m for m in marks if all(t.isascii() for t in m) and not m[-1].endswith("*")]
    prefixes = tuple(m[0][:-1] for m in marks if m[-1].endswith("*"))
    if latin or prefixes:
        words = [(w.span(), terms([w.group()])[0]) for w in _LATIN_RUN.finditer(text)]
        stems = [stem for _, stem in words]
        if prefixes:
            spans += [
                (a, b) for (a, b), stem in words if stem.startswith(prefixes) or text[a:b].lower().startswith(prefixes)
            ]
        for sequence in set(latin):
            n = len(sequence)
            spans += [
                (words[i][0][0], words[i + n - 1][0][1])
                for i in range(len(words) - n + 1)
                if stems[i] == sequence[0] and tuple(stems[i : i + n]) == sequence
            ]
    other = sorted({"".join(m) for m in marks if not all(t.isascii() for t in m)}, key=len, reverse=True)
    if other:
        pattern = re.compile("|".join(re.escape(t) for t in other), re.IGNORECASE)
        spans += [m.span() for m in pattern.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(original: str, simplified: str | None, marks: tuple[tuple[str, ...], ...]) -> tuple[str, bool]:
    """A window of the original text around the first match, matches marked, and whether
    anything was. Matches are found in the Simplified form and shown in the original where
    the two align."""
    searched = simplified if simplified and len(simplified) == len(original) else original
    spans = match_spans(searched, marks)
    original = original.translate(_OWN_MARKS)
    if not spans:
        return original[:SNIPPET_CHARS].replace("\n", " ") + ("…" if len(original) > SNIPPET_CHARS else ""), False
    start = max(0, spans[0][0] - SNIPPET_CHARS // 3)
    end = min(len(original), start + SNIPPET_CHARS)
    out, at = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [original[at:s], MARK_OPEN, original[s:e], MARK_CLOSE]
        at = e
    out.append(original[at:end])
    text = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + text + ("…" if end < len(original) else ""), True
