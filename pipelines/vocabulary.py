"""Loads the bilingual vocabulary (vocabulary.toml beside this file) once per process."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_PATH = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    en: tuple[str, ...]  # the first is the English label
    zh: tuple[str, ...]  # Simplified; the first is the Chinese label
    parents: tuple[str, ...] = ()
    search: tuple[str, ...] = ()  # names that search expands to, too broad to tag with
    finds: tuple[str, ...] = ()  # names that find the concept in a search, too ambiguous to expand to
    relevance: str | None = None
    weight: float = 0.0


@dataclass(frozen=True)
class Vocabulary:
    concepts: tuple[Concept, ...]
    digest: str  # changes when the file changes: segmented text records which it used

    def chinese_words(self) -> list[str]:
        """Every Chinese alias of two characters or more: the jieba dictionary's extra words."""
        words = {alias for concept in self.concepts for alias in concept.zh if len(alias) >= 2}
        return sorted(words)


@cache
def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabulary:
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    concepts = tuple(
        Concept(
            id=entry["id"],
            kind=entry["kind"],
            en=tuple(entry.get("en", ())),
            zh=tuple(entry.get("zh", ())),
            parents=tuple(entry.get("parents", ())),
            search=tuple(entry.get("search", ())),
            finds=tuple(entry.get("finds", ())),
            relevance=entry.get("relevance"),
            weight=float(entry.get("weight", 0.0)),
        )
        for entry in data["concept"]
    )
    return Vocabulary(concepts=concepts, digest=hashlib.sha256(raw).hexdigest()[:12])
