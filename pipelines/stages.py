"""The text pipeline's stages, in order, and `process()`, which runs them all on one article:
a crawl (off the reactor, spiders.reading), `monitor extract` and `reprocess` alike."""

from __future__ import annotations

import time
from collections.abc import Callable

from pipelines.article import Article, BrokenPage
from pipelines.cases import case_reading
from pipelines.dedup import dedup
from pipelines.facts import facts
from pipelines.keywords import UNIFORM, DocumentFrequencies, keywords
from pipelines.language import language
from pipelines.normalise import normalise
from pipelines.segment import segment
from pipelines.tag import tag

Stage = Callable[[Article], Article]
STAGES: tuple[Stage, ...] = (normalise, language, segment, tag, keywords, facts, case_reading, dedup)


def process(article: Article, frequencies: DocumentFrequencies = UNIFORM, deadline: float | None = None) -> Article:
    """Every stage in turn; keywords weigh words by the given document frequencies. Past the
    `deadline` (time.monotonic()) the page is given up between stages, never half stored."""
    for stage in STAGES:
        over_budget(deadline, stage.__name__)
        article = keywords(article, frequencies) if stage is keywords else stage(article)
    over_budget(deadline, "the last stage")
    return article


def over_budget(deadline: float | None, before: str) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise BrokenPage("too_slow", f"over the page's time budget before {before}")
