"""Stopping a crawl promptly: on a shutdown (SIGTERM, Ctrl-C, a time limit), the requests
that wait in the downloader for their turn are dropped. Scrapy would download every one of
them first, a politeness delay apart (15-20 s and more on a live site); what is being
downloaded or read already finishes, and is stored."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from twisted.internet import task

CHECK_EVERY = 0.25  # seconds between looks at whether the engine is stopping


class QuickStop:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.watch = task.LoopingCall(self.drop_waiting)
        crawler.signals.connect(self.started, signal=signals.spider_opened)
        crawler.signals.connect(self.finished, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuickStop:
        return cls(crawler)

    def started(self) -> None:
        self.watch.start(CHECK_EVERY, now=False)

    def finished(self) -> None:
        if self.watch.running:
            self.watch.stop()

    def drop_waiting(self) -> None:
        engine = self.crawler.engine
        if engine is None or engine.running:
            return
        dropped = 0
        for slot in engine.downloader.slots.values():
            while slot.queue:
                _, waiting = slot.queue.popleft()
                waiting.errback(IgnoreRequest("the crawl is stopping"))
                dropped += 1
        if dropped:
            self.crawler.stats.inc_value("monitor/requests/dropped_on_stop", dropped)
