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
# A report is about rectification when its rectification evidence is at least this share of
# its supervision evidence: rectification reports retell the inspection at length.
RECTIFICATION_SHARE = 0.5


@dataclass(frozen=True)
class Matcher:
    pattern: re.Pattern[str]
    concept_of: dict[str, Concept]  # alias (lower-cased) -> concept
    # Concepts named inside an alias: 习近平生态文明思想 also mentions 习近平.
    nested: dict[str, tuple[Concept, ...]]


@dataclass(frozen=True)
class Hit:
    concept: Concept
    alias: str  # as written
    offset: int
    nested: bool = False  # named inside a longer alias: tags it, but adds no relevance


def _nested(pattern: re.Pattern[str], concept_of: dict[str, Concept], lower: bool) -> dict[str, tuple[Concept, ...]]:
    """For each alias, the other concepts whose aliases occur inside it."""
    nested = {}
    for alias, concept in concept_of.items():
        inner = [m.group(0) for m in pattern.finditer(alias, 1)]
        shorter = pattern.match(alias[:-1]) if len(alias) > 1 else None
        inner += [shorter.group(0)] if shorter else []
        found = {concept_of[a.lower() if lower else a] for a in inner} - {concept}
        if found:
            nested[alias] = tuple(sorted(found, key=lambda c: c.id))
    return nested


def _alternation(aliases: list[str]) -> str:
    """One regular expression for many aliases, as a trie: aliases sharing a beginning share
    its test (a flat alternation of 2,000 aliases is tried one by one at every position).
    A longer alias is tried before its prefix, so 中央生态环境保护督察组 wins over 中央."""
    trie: dict = {}
    for alias in aliases:
        node = trie
        for char in alias:
            node = node.setdefault(char, {})
        node[""] = {}  # an alias ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return pattern(trie)


@cache
def matchers() -> dict[str, Matcher]:
    vocabulary = load_vocabulary()
    zh = {alias: c for c in vocabulary.concepts for alias in c.zh}
    en = {alias.lower(): c for c in vocabulary.concepts for alias in c.en}  # matched ignoring case
    zh_pattern = re.compile(_alternation(list(zh)))
    # Whole words only in English; case is ignored ("rare Earth" on SMM's tag list).
    en_pattern = re.compile(rf"(?<![\w-])(?:{_alternation(list(en))})(?![\w-])", re.IGNORECASE)
    return {
        "zh": Matcher(zh_pattern, zh, _nested(zh_pattern, zh, lower=False)),
        "en": Matcher(en_pattern, en, _nested(en_pattern, en, lower=True)),
    }


def find_concepts(text: str) -> list[Hit]:
    """Every vocabulary mention in `text`, longest alias first at each place, with the
    concepts named inside it."""
    found = []
    for lang, matcher in matchers().items():
        for match in matcher.pattern.finditer(text):
            alias = match.group(0)
            key = alias if lang == "zh" else alias.lower()
            found.append(Hit(matcher.concept_of[key], alias, match.start()))
            found += [Hit(inner, alias, match.start(), nested=True) for inner in matcher.nested.get(key, ())]
    return sorted(found, key=lambda hit: hit.offset)


def tag(article: Article) -> Article:
    title_hits = find_concepts(article.simplified_title)
    body_hits = find_concepts(article.simplified_body)
    counts: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    concepts: dict[str, Concept] = {}
    relevant_counts: Counter[str] = Counter()
    for where, hits in (("title", title_hits), ("body", body_hits)):
        for hit in hits:
            concept = hit.concept
            counts[concept.id] += 1
            first_seen.setdefault(concept.id, where)
            concepts[concept.id] = concept
            if hit.nested:
                continue
            relevant_counts[concept.id] += 1
            if hit.alias not in terms.setdefault(concept.id, []):
                terms[concept.id].append(hit.alias)
    article.tags = [
        {"id": cid, "kind": concepts[cid].kind, "count": counts[cid], "first_seen": first_seen[cid]}
        for cid in sorted(counts, key=lambda c: (-counts[c], c))
    ]
    title_ids = {hit.concept.id for hit in title_hits if not hit.nested}
    scores = {"supervision": 0.0, "rectification": 0.0, "counter": 0.0}
    deciding: list[str] = []
    for cid, count in relevant_counts.items():
        concept = concepts[cid]
        if concept.relevance is None:
            continue
        scores[concept.relevance] += concept.weight * min(count, MAX_MENTIONS)
        scores[concept.relevance] += TITLE_BONUS if cid in title_ids else 0.0
        deciding.extend(terms[cid])
    score = max(0.0, scores["supervision"] + scores["rectification"] - scores["counter"])
    article.relevance_score = round(score, 2)
    article.relevant = score >= RELEVANCE_THRESHOLD
    article.relevance_label = relevance_label(scores, concepts.values())
    article.relevance_terms = deciding if score > 0 else []
    return article


def relevance_label(scores: dict[str, float], concepts) -> str:
    """supervision report, rectification report, related (some supervision or environmental
    vocabulary), or unrelated."""
    if scores["supervision"] + scores["rectification"] - scores["counter"] >= RELEVANCE_THRESHOLD:
        if scores["rectification"] >= RECTIFICATION_SHARE * scores["supervision"]:
            return "rectification"
        return "supervision"
    if any(score > 0 for score in scores.values()) or any(c.kind == "topic" for c in concepts):
        return "related"
    return "unrelated"
