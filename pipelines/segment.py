"""Segment: jieba with the vocabulary's words, producing the full-text index's tokens."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
from functools import cache, lru_cache
from pathlib import Path

import jieba
import snowballstemmer

from pipelines.article import Article
from pipelines.vocabulary import load_vocabulary

_WORDLIKE = re.compile(r"[^\W_]")
# A search term: a run of letters and digits (what FTS5's unicode61 keeps), so both engines
# index exactly the terms computed here; longer runs (base64, hashes) are cut short.
_TERM = re.compile(r"[^\W_]+")
MAX_TERM_CHARS = 60
_stemmers = threading.local()


@cache
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer of our own (not jieba's global one) with the vocabulary added, so that
    环保督察, 中央生态环境保护督察组, 立行立改, 中铝集团, 中国铜业 stay whole."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    cached = _dictionary_file()
    try:
        with cached.open("rb") as file:
            tk.FREQ, tk.total = pickle.load(file)
        tk.initialized = True
        return tk
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        pass  # none yet, or unreadable: made below
    tk.initialize()
    for word in load_vocabulary().chinese_words():
        tk.add_word(word)
    _save_dictionary(cached, tk)
    return tk


def cache_dir() -> Path:
    """Files monitor can make again at any time (the segmenter's dictionary)."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "monitor"


def _dictionary_file() -> Path:
    """The prefix dictionary with the vocabulary added, as pickle: loaded in a quarter of the
    time jieba's own marshal cache takes (0.15 s against 0.6 s), which is most of a search's
    start-up. Named by the segmenter, so a new vocabulary or jieba makes a new one. In the
    user's own cache folder, never a shared one: a pickle is code to whoever can write it."""
    name = hashlib.sha256(segmenter_id().encode()).hexdigest()[:16]
    return cache_dir() / f"segmenter-{name}.pickle"


def _save_dictionary(path: Path, tk: jieba.Tokenizer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
            pickle.dump((tk.FREQ, tk.total), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, path)  # whole or not at all, for a process reading it meanwhile
    except OSError as error:  # a read-only home: segmenting still works, only slower to start
        logging.getLogger(__name__).warning("segmenter dictionary not cached at %s: %s", path, error)


def segmenter_id() -> str:
    """Index and queries must be segmented alike: this names the segmenter and dictionary."""
    return f"jieba-{jieba.__version__}+vocab-{load_vocabulary().digest}+snowball-english"


def cut(text: str) -> list[str]:
    """Query-side segmentation: the tokens of `text`, lower-cased, punctuation dropped."""
    return [t.lower() for t in tokenizer().cut(text) if _WORDLIKE.search(t)]


@lru_cache(maxsize=100_000)
def _normal(run: str) -> str:
    if run.isascii() and run.isalpha():
        stemmer = getattr(_stemmers, "english", None)
        if stemmer is None:  # a stemmer keeps state: one per thread
            stemmer = _stemmers.english = snowballstemmer.stemmer("english")
        return stemmer.stemWord(run)
    return run


def terms(tokens: list[str]) -> list[str]:
    """Search terms of segmented tokens: letter-and-digit runs, case-folded (fully: FTS5
    would fold ſ to s, PostgreSQL would not; folded here, both see the same), English words
    stemmed (Snowball), so that "earths" finds "earth". Index and query both use this."""
    return [_normal(run[:MAX_TERM_CHARS]) for token in tokens for run in _TERM.findall(token.casefold())]


@cache
def longest_word() -> int:
    """The length of the dictionary's longest word: no longer substring can be one."""
    return max(len(word) for word, count in tokenizer().FREQ.items() if count)


def inner_words(token: str) -> list[str]:
    """The dictionary words inside a long Chinese token: 督察, 环保督察 in 中央环保督察组.
    Linear in the token's length: jieba keeps a run of one repeated character (督 x 10,000)
    as one token, and every substring of it would take cubic time."""
    n = len(token)
    if n <= 2 or token.isascii():
        return []
    freq = tokenizer().FREQ
    return [
        token[i : i + size]
        for size in range(min(n - 1, longest_word()), 1, -1)
        for i in range(n - size + 1)
        if freq.get(token[i : i + size])
    ]


def index_terms(words: list[str]) -> tuple[list[str], list[str]]:
    """(the text's terms in order, the dictionary words inside its long tokens). Phrases
    match the first; single words match both, so 督察 also finds 中央环保督察组."""
    return terms(words), terms([inner for word in words for inner in inner_words(word)])


def segment(article: Article) -> Article:
    title_words, body_words = cut(article.simplified_title), cut(article.simplified_body)
    article.words = title_words + body_words
    title_terms, title_parts = index_terms(title_words)
    body_terms, body_parts = index_terms(body_words)
    article.title_terms = " ".join(title_terms)
    article.body_terms = " ".join(body_terms)
    article.part_terms = " ".join(title_parts + body_parts)
    article.segmenter = segmenter_id()
    return article
