"""Tag: concepts of the vocabulary found in the text, and relevance to supervision and
rectification with the terms that decided it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from pipelines.article import Article
from pipelines.vocabulary import Concept, load_vocabulary

# An article is a supervision or rectification report when the relevance-bearing concepts it
# mentions weigh this much (a concept counts at most MAX_MENTIONS times).
RELEVANCE_THRESHOLD = 4.0
MAX_MENTIONS = 3
TITLE_BONUS = 2.0


@dataclass(frozen=True)
class Matcher:
    pattern: re.Pattern[str]
    concept_of: dict[str, Concept]  # alias (lower-cased) -> concept


def _alternation(aliases: list[str]) -> str:
    # Longest first, so 中央生态环境保护督察组 wins over 督察 at the same place.
    return "|".join(re.escape(a) for a in sorted(aliases, key=lambda a: (-len(a), a)))


@cache
def matchers() -> dict[str, Matcher]:
    vocabulary = load_vocabulary()
    zh = {alias: c for c in vocabulary.concepts for alias in c.zh}
    en = {alias.lower(): c for c in vocabulary.concepts for alias in c.en}
    return {
        "zh": Matcher(re.compile(_alternation(list(zh))), zh),
        # Whole words only in English; case is ignored ("rare Earth" on SMM's tag list).
        "en": Matcher(
            re.compile(rf"(?<![\w-])(?:{_alternation(list(en))})(?![\w-])", re.IGNORECASE), en
        ),
    }


def find_concepts(text: str) -> list[tuple[Concept, str, int]]:
    """(concept, alias as written, offset) for every vocabulary mention in `text`."""
    found = []
    for lang, matcher in matchers().items():
        for match in matcher.pattern.finditer(text):
            alias = match.group(0)
            key = alias if lang == "zh" else alias.lower()
            found.append((matcher.concept_of[key], alias, match.start()))
    return sorted(found, key=lambda hit: hit[2])


def tag(article: Article) -> Article:
    title_hits = find_concepts(article.simplified_title)
    body_hits = find_concepts(article.simplified_body)
    counts: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    concepts: dict[str, Concept] = {}
    for where, hits in (("title", title_hits), ("body", body_hits)):
        for concept, alias, _ in hits:
            counts[concept.id] += 1
            first_seen.setdefault(concept.id, where)
            concepts[concept.id] = concept
            if alias not in terms.setdefault(concept.id, []):
                terms[concept.id].append(alias)
    article.tags = [
        {"id": cid, "kind": concepts[cid].kind, "count": counts[cid], "first_seen": first_seen[cid]}
        for cid in sorted(counts, key=lambda c: (-counts[c], c))
    ]
    title_ids = {concept.id for concept, _, _ in title_hits}
    scores = {"supervision": 0.0, "rectification": 0.0}
    deciding: list[str] = []
    for cid, count in counts.items():
        concept = concepts[cid]
        if concept.relevance is None:
            continue
        scores[concept.relevance] += concept.weight * min(count, MAX_MENTIONS)
        scores[concept.relevance] += TITLE_BONUS if cid in title_ids else 0.0
        deciding.extend(terms[cid])
    score = scores["supervision"] + scores["rectification"]
    article.relevance_score = round(score, 2)
    article.relevant = score >= RELEVANCE_THRESHOLD
    article.relevance_label = relevance_label(scores, concepts.values())
    article.relevance_terms = deciding if score > 0 else []
    return article


def relevance_label(scores: dict[str, float], concepts) -> str:
    """supervision report, rectification report (rectification outweighs supervision),
    related (some supervision or environmental vocabulary), or unrelated."""
    if scores["supervision"] + scores["rectification"] >= RELEVANCE_THRESHOLD:
        return "rectification" if scores["rectification"] > scores["supervision"] else "supervision"
    if any(score > 0 for score in scores.values()) or any(c.kind == "topic" for c in concepts):
        return "related"
    return "unrelated"
