"""Segment: jieba with the vocabulary's words, producing the full-text index's tokens."""

from __future__ import annotations

import logging
import re
from functools import cache

import jieba

from pipelines.article import Article
from pipelines.vocabulary import load_vocabulary

_WORDLIKE = re.compile(r"[^\W_]")  # what the FTS tokenizer keeps: letters and digits


@cache
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer of our own (not jieba's global one) with the vocabulary added, so that
    环保督察, 中央生态环境保护督察组, 立行立改, 中铝集团, 中国铜业 stay whole."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in load_vocabulary().chinese_words():
        tk.add_word(word)
    return tk


def segmenter_id() -> str:
    """Index and queries must be segmented alike: this names the segmenter and dictionary."""
    return f"jieba-{jieba.__version__}+vocab-{load_vocabulary().digest}"


def cut(text: str) -> list[str]:
    """Query-side segmentation: the tokens of `text`, lower-cased, punctuation dropped."""
    return [t.lower() for t in tokenizer().cut(text) if _WORDLIKE.search(t)]


def index_tokens(text: str) -> list[str]:
    """Index-side segmentation: each token followed by the dictionary words inside it, so
    that 督察 and 环保督察 also find 中央环保督察 (one token to `cut`)."""
    return with_inner_words(cut(text))


def with_inner_words(words: list[str]) -> list[str]:
    tk = tokenizer()
    out: list[str] = []
    for token in words:
        out.append(token)
        n = len(token)
        if n > 2 and not token.isascii():
            out.extend(
                token[i : i + size]
                for size in range(n - 1, 1, -1)
                for i in range(n - size + 1)
                if tk.FREQ.get(token[i : i + size])
            )
    return out


def segment(article: Article) -> Article:
    title_words, body_words = cut(article.simplified_title), cut(article.simplified_body)
    article.words = title_words + body_words
    article.title_tokens = " ".join(with_inner_words(title_words))
    article.body_tokens = " ".join(with_inner_words(body_words))
    article.segmenter = segmenter_id()
    return article
