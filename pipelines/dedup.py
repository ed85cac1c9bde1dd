"""Dedup keys: an exact fingerprint of the normalised Simplified text and a MinHash signature
(one-permutation hashing) with its LSH band keys, so the archive can find near copies of a
story (mirror copies, reposts with edits or extra boilerplate) without comparing every pair."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

from pipelines.article import Article

SHINGLE_CHARS = 5
SIGNATURE_SIZE = 64  # bins of one-permutation MinHash
BANDS, ROWS = 16, 4  # LSH: pairs with Jaccard 0.5 share a band with probability ~0.65, 0.7: ~0.98
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_MASK = (1 << 64) - 1
_EMPTY = _MASK  # an empty bin holds more than any hash


def dedup_key(text: str) -> str:
    """Width, case, punctuation and spacing folded away: what copies of a story share."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def _hash(data: bytes) -> int:
    """64 well-mixed, stable bits (signatures are compared across processes and runs): a
    CRC-32, cheap in C, through MurmurHash3's finaliser, which breaks the CRC's linearity
    (similar shingles must not get related hashes)."""
    x = zlib.crc32(data) | (len(data) << 32)
    x = ((x ^ (x >> 33)) * 0xFF51AFD7ED558CCD) & _MASK
    x = ((x ^ (x >> 33)) * 0xC4CEB9FE1A85EC53) & _MASK
    return x ^ (x >> 33)


def minhash(key: str) -> list[int]:
    """One-permutation MinHash of the key's character shingles: each shingle's hash falls in
    one of SIGNATURE_SIZE bins by its top bits, each bin keeps its least value; empty bins
    borrow from the next filled one (rotation densification) so signatures stay comparable."""
    bins = [_EMPTY] * SIGNATURE_SIZE
    encoded = key.encode("utf-8") if key.isascii() else None
    for i in range(max(1, len(key) - SHINGLE_CHARS + 1)):
        shingle = encoded[i : i + SHINGLE_CHARS] if encoded is not None else key[i : i + SHINGLE_CHARS].encode("utf-8")
        value = _hash(shingle)
        slot = value >> 58  # top 6 bits: 64 bins
        low = value & ((1 << 58) - 1)
        if low < bins[slot]:
            bins[slot] = low
    if all(b == _EMPTY for b in bins):
        return bins
    for slot in range(SIGNATURE_SIZE):
        step = 0
        while bins[(slot + step) % SIGNATURE_SIZE] == _EMPTY:
            step += 1
        if step:
            bins[slot] = bins[(slot + step) % SIGNATURE_SIZE] + step  # offset keeps borrowed values apart
    return bins


def band_keys(signature: list[int]) -> list[int]:
    """One key per LSH band; near copies share at least one."""
    return [
        _hash(
            band.to_bytes(1, "big") + b"".join(v.to_bytes(8, "big") for v in signature[band * ROWS : (band + 1) * ROWS])
        )
        >> 1
        for band in range(BANDS)
    ]


def dedup(article: Article) -> Article:
    body_key = dedup_key(article.simplified_body)
    article.fingerprint = hashlib.sha256(body_key.encode("utf-8")).hexdigest()
    article.title_key = dedup_key(article.simplified_title)[:200]
    article.minhash = minhash(body_key)
    article.bands = band_keys(article.minhash)
    body = unicodedata.normalize("NFKC", article.simplified_body)
    article.figures = sorted({figure.replace(",", "") for figure in _FIGURE.findall(body)})
    return article
