"""Search the archive: a query string to a safe full-text expression, ranked hits with copies
of one story collapsed, and snippets cut from the original text with the matches marked.

Query syntax (for now): words in either language (ANDed), "quoted phrases", -word to exclude.
Anything else (FTS operators, brackets, stars, colons) is taken as plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from db import Archive
from db.fulltext import Filters, Hit, match
from pipelines.article import CHINA_TZ, china_time
from pipelines.chinese import to_simplified
from pipelines.segment import cut

MARK_OPEN, MARK_CLOSE = "«", "»"
SNIPPET_CHARS = 120
# Chinese phrases are matched as tokens near each other: the index puts the dictionary
# words inside a long token right after it, so exact adjacency would miss them.
CHINESE_PHRASE_SPAN = 12


class QueryError(ValueError):
    """A query that cannot be searched, with what is wrong and where."""


@dataclass(frozen=True)
class Query:
    expression: str  # FTS5 MATCH expression, every token a quoted literal
    terms: tuple[str, ...]  # tokens to mark in snippets


@dataclass
class Result:
    hit: Hit
    snippet: str
    copies: list[Hit] = field(default_factory=list)

    def as_dict(self) -> dict:
        hit = self.hit
        return {
            "id": hit.id,
            "title": hit.title,
            "published_at": china_time(hit.published_at),
            "site": hit.site,
            "host": hit.host,
            "url": hit.url,
            "lang": hit.lang,
            "relevant": hit.relevant,
            "snippet": self.snippet,
            "story_id": hit.story_id,
            "copies": [{"id": c.id, "url": c.url, "host": c.host} for c in self.copies],
        }


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _clauses(query: str) -> list[tuple[bool, bool, str]]:
    """(excluded, phrase, text) for each clause of the query."""
    clauses, i = [], 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
            continue
        excluded = char == "-" and i + 1 < len(query) and not query[i + 1].isspace()
        start = i + 1 if excluded else i
        if start < len(query) and query[start] == '"':
            end = query.find('"', start + 1)
            if end < 0:
                raise QueryError(f'unbalanced quote at position {start + 1}: close the phrase with "')
            clauses.append((excluded, True, query[start + 1 : end]))
            i = end + 1
        else:
            end = start
            while end < len(query) and not query[end].isspace() and query[end] != '"':
                end += 1
            clauses.append((excluded, False, query[start:end]))
            i = end
    return clauses


def parse_query(query: str) -> Query:
    positive, negative, terms = [], [], []
    for excluded, phrase, clause in _clauses(query):
        tokens = cut(to_simplified(clause))
        if not tokens:
            continue
        if phrase and len(tokens) > 1:
            if all(t.isascii() for t in tokens):
                part = _quoted(" ".join(tokens))
            else:
                part = f"NEAR({' '.join(_quoted(t) for t in tokens)}, {CHINESE_PHRASE_SPAN})"
        else:
            part = " AND ".join(_quoted(t) for t in tokens)
            part = f"({part})" if len(tokens) > 1 else part
        (negative if excluded else positive).append(part)
        if not excluded:
            terms.extend(tokens)
    if not positive:
        raise QueryError(
            "the query has no words to search for" if not negative
            else "the query only excludes words: add at least one word to find"
        )
    expression = " AND ".join(positive)
    if negative:
        expression = f"({expression}) NOT ({' OR '.join(negative)})"
    return Query(expression=expression, terms=tuple(dict.fromkeys(terms)))


def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        if term.isascii():
            # The index stems English words: "rectification" also finds "rectified".
            stem = term[: max(4, len(term) - 3)] if len(term) > 4 else term
            parts.append(rf"\b{re.escape(stem)}\w*")
        else:
            parts.append(re.escape(term))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def snippet(original: str, simplified: str | None, terms: tuple[str, ...]) -> str:
    """A window of the original text around the first match, matches marked. Matches are
    found in the Simplified form and shown in the original where the two align."""
    pattern = _term_pattern(terms)
    searched = simplified if simplified and len(simplified) == len(original) else original
    spans = [m.span() for m in pattern.finditer(searched)] if pattern else []
    if not spans:
        return original[:SNIPPET_CHARS].replace("\n", " ")
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
    return ("…" if start > 0 else "") + text + ("…" if end < len(original) else "")


def _representative(members: list[Hit]) -> Hit:
    """The story's face: the earliest copy that is not a garbled mirror copy."""
    far_future = datetime.max.replace(tzinfo=CHINA_TZ)
    return min(members, key=lambda h: (h.garbled, h.published_at or far_future, h.id))


def search(archive: Archive, query: str, filters: Filters | None = None, limit: int = 10) -> list[Result]:
    parsed = parse_query(query)
    hits = match(archive, parsed.expression, filters or Filters(), limit=max(limit * 20, 200))
    stories: dict[int, list[Hit]] = {}
    for hit in hits:
        stories.setdefault(hit.story_id, []).append(hit)
    results = []
    for members in list(stories.values())[:limit]:
        face = _representative(members)
        text = snippet(face.body, face.body_simplified, parsed.terms)
        if MARK_OPEN not in text:  # the words matched the title, or words inside longer ones
            text = snippet(face.title, face.title_simplified, parsed.terms) + " | " + text
        results.append(Result(hit=face, snippet=text, copies=[m for m in members if m is not face]))
    return results
