"""The text pipeline's stages, as plain functions and as Scrapy item pipelines.

`process()` runs them all on one article (`monitor extract` calls it); a crawl runs the same
functions, one Scrapy pipeline each (ITEM_PIPELINES in settings)."""

from __future__ import annotations

from collections.abc import Callable

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from pipelines.article import Article, BrokenPage, count_broken
from pipelines.dedup import dedup
from pipelines.facts import facts
from pipelines.keywords import UNIFORM, DocumentFrequencies, keywords
from pipelines.language import language
from pipelines.normalise import normalise
from pipelines.segment import segment
from pipelines.tag import tag

Stage = Callable[[Article], Article]
STAGES: tuple[Stage, ...] = (normalise, language, segment, tag, keywords, facts, dedup)


def process(article: Article, frequencies: DocumentFrequencies = UNIFORM) -> Article:
    """Every stage in turn; keywords weigh words by the given document frequencies."""
    for stage in STAGES:
        article = keywords(article, frequencies) if stage is keywords else stage(article)
    return article


class _StagePipeline:
    """One stage as a Scrapy item pipeline. A page found not to be an article is counted
    with the spider's broken pages and dropped."""

    stage: Stage

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "_StagePipeline":
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        try:
            return type(self).stage(item)
        except BrokenPage as broken:
            count_broken(self.crawler.stats, broken.reason, item.url, str(broken))
            # Already logged as a warning by count_broken: Scrapy's own note can be quiet.
            raise DropItem(f"not an article ({broken.reason}): {item.url}", log_level="INFO") from broken


class NormalisePipeline(_StagePipeline):
    stage = staticmethod(normalise)


class LanguagePipeline(_StagePipeline):
    stage = staticmethod(language)


class SegmentPipeline(_StagePipeline):
    stage = staticmethod(segment)


class TagPipeline(_StagePipeline):
    stage = staticmethod(tag)


class KeywordsPipeline(_StagePipeline):
    stage = staticmethod(keywords)
    frequencies = UNIFORM

    def open_spider(self) -> None:
        """IDF from the archive's document frequencies as the crawl starts."""
        from pipelines.archive_access import archive_for

        self.frequencies = DocumentFrequencies(*archive_for(self.crawler).document_frequencies())

    def process_item(self, item: Article) -> Article:
        return keywords(item, self.frequencies)


class FactsPipeline(_StagePipeline):
    stage = staticmethod(facts)


class DedupPipeline(_StagePipeline):
    stage = staticmethod(dedup)
