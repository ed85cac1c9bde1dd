"""Keywords: each article's most characteristic words by TF-IDF, the same way in both
languages (jieba.analyse's TF-IDF, over our own segmentation), with document frequencies
fitted on the archive: the store counts each new article's words (term_stats), a crawl
loads the counts when it starts, and `monitor reprocess` counts them afresh, then applies
them to every article."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from pipelines.article import Article

TOP = 10
_NUMBER = re.compile(r"^[\d.,%]+[a-z%]*$")
STOPWORDS = frozenset(
    """a about above after again against all also an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not now of off on once only or other our out over own same she should so some such than
    that the their them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your said says year years
    month per cent percent mt yuan also its smm according while since however january february
    march april may june july august september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec yoy mom
    的 了 和 是 在 对 等 及 与 将 为 有 也 中 上 下 年 月 日 并 其 该 已 以 于 由 从 被 把 向 就 都 而 或
    但 这 那 个 之 所 着 并且 以及 进行 开展 工作 表示 目前 相关 方面 情况 其中 通过 同时 要求 近日 记者
    一个 我们 他们 公司 企业 问题 推进 加强 实现 进一步 全面 持续 有关 部分 主要 已经 今年 去年""".split()
)


@dataclass(frozen=True)
class DocumentFrequencies:
    documents: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def idf(self, term: str) -> float:
        return math.log((self.documents + 1) / (self.counts.get(term, 0) + 1)) + 1.0


UNIFORM = DocumentFrequencies()  # no archive yet: every word as rare as every other


def candidates(words: list[str]) -> list[str]:
    """Words that may be keywords: not stop words, not numbers, two characters or more
    (three letters in English)."""
    return [
        w for w in words
        if w not in STOPWORDS and not _NUMBER.match(w) and len(w) >= (3 if w.isascii() else 2)
    ]


def keywords(article: Article, frequencies: DocumentFrequencies = UNIFORM) -> Article:
    counts = Counter(candidates(article.words))
    total = sum(counts.values()) or 1
    scored = sorted(((n / total * frequencies.idf(w), w) for w, n in counts.items()), key=lambda x: (-x[0], x[1]))
    article.keywords = [[word, round(score, 4)] for score, word in scored[:TOP]]
    article.terms = sorted(counts)
    return article
