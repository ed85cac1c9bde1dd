"""One saved page through the spiders' extraction and the text pipeline: `monitor extract`
and re-runs over stored pages share this code with the crawl."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse

from pipelines.article import Article, BrokenPage
from pipelines.keywords import UNIFORM, DocumentFrequencies
from pipelines.stages import process
from spiders.base import SiteSpider
from spiders.cnmn import CnmnSpider
from spiders.parsing import check_page
from spiders.smm import SmmSpider

SPIDERS: tuple[type[SiteSpider], ...] = (SmmSpider, CnmnSpider)


class ExtractError(BrokenPage):
    pass


def extract_page(
    body: bytes, url: str, encoding: str | None = None, site: str | None = None,
    frequencies: DocumentFrequencies = UNIFORM,
) -> Article:
    """The article on a page: parsed by the named site's spider, else by the spider that
    recognises the URL's host or the page's markup, then through the text pipeline."""
    response = HtmlResponse(url=url, body=body, encoding=encoding)
    check_page(response, fetched=False)
    if site is not None:
        spider_cls = next((s for s in SPIDERS if s.name == site), None)
    else:
        spider_cls = next((s for s in SPIDERS if s.recognises(url, response)), None)
    if spider_cls is None:
        raise ExtractError("unknown_site", f"no parser recognises {url} (known: SMM, CNMN and its mirrors)")
    return process(spider_cls().extract(response), frequencies)


def extract_file(path: Path, url: str) -> Article:
    try:
        body = path.read_bytes()
    except OSError as error:
        raise ExtractError("unreadable", f"cannot read {path}: {error.strerror}") from None
    return extract_page(body, url)
