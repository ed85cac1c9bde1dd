"""Dedup keys: an exact fingerprint and a bottom-k sketch of the normalised Simplified text,
so the archive can join mirror copies and reposts to their story."""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata

from pipelines.article import Article

SHINGLE_CHARS = 5
SKETCH_SIZE = 128
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def dedup_key(text: str) -> str:
    """Width, case, punctuation and spacing folded away: what copies of a story share."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def sketch(key: str) -> list[int]:
    """The SKETCH_SIZE smallest 63-bit hashes of the key's character shingles."""
    shingles = {key[i : i + SHINGLE_CHARS] for i in range(max(1, len(key) - SHINGLE_CHARS + 1))}
    hashes = (
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big") >> 1
        for s in shingles
    )
    return sorted(heapq.nsmallest(SKETCH_SIZE, hashes))


def dedup(article: Article) -> Article:
    body_key = dedup_key(article.simplified_body)
    article.fingerprint = hashlib.sha256(body_key.encode("utf-8")).hexdigest()
    article.title_key = dedup_key(article.simplified_title)[:200]
    article.sketch = sketch(body_key)
    return article
