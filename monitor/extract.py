"""One saved page through the spiders' extraction (or the generic extractor, for pages no
spider knows) and the text pipeline: `monitor extract` and re-runs over stored pages share
this code with the crawl."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from pipelines.article import Article, BrokenPage
from pipelines.charset import detect_encoding
from pipelines.generic import extract_generic
from pipelines.keywords import UNIFORM, DocumentFrequencies
from pipelines.stages import process
from spiders.base import SiteSpider
from spiders.cnmn import CnmnSpider
from spiders.configured import SPIDERS as CONFIGURED_SPIDERS
from spiders.parsing import check_page
from spiders.smm import SmmSpider
from spiders.smm_cn import SmmCnSpider

# The built-in spiders first: a configured site's selectors may also fit their pages.
SPIDERS: tuple[type[SiteSpider], ...] = (SmmSpider, SmmCnSpider, CnmnSpider, *CONFIGURED_SPIDERS)


class ExtractError(BrokenPage):
    pass


def extract_page(
    body: bytes, url: str, encoding: str | None = None, site: str | None = None,
    frequencies: DocumentFrequencies = UNIFORM, fetched_at: datetime | None = None,
) -> Article:
    """The article on a page: parsed by the named site's spider, else by the spider that
    recognises the URL's host or the page's markup, else by the generic extractor; then
    through the text pipeline. Without a known encoding the bytes decide (see charset)."""
    response = HtmlResponse(url=url, body=body, encoding=encoding or detect_encoding(body))
    check_page(response, fetched=False)
    spider_cls = _spider_for(url, response, site)
    if spider_cls is not None:
        article = spider_cls().extract(response)
    else:
        site = site or urlsplit(url).hostname or "generic"
        article = extract_generic(response, site, fetched_at or datetime.now(UTC))
    return process(article, frequencies)


def _spider_for(url: str, response: HtmlResponse, site: str | None) -> type[SiteSpider] | None:
    if site is not None:
        return next((s for s in SPIDERS if s.name == site), None)
    return next((s for s in SPIDERS if s.recognises(url, response)), None)


def extract_file(path: Path, url: str) -> Article:
    """A saved page; its file's modification time stands for the fetch time (relative dates
    such as 3小时前 count back from it)."""
    try:
        body = path.read_bytes()
        fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as error:
        raise ExtractError("unreadable", f"cannot read {path}: {error.strerror}") from None
    if not body.strip():
        raise ExtractError("empty_page", f"{path} is empty")
    return extract_page(body, url, fetched_at=fetched_at)
