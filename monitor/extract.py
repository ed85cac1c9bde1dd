"""One saved page through the spiders' extraction (or the generic extractor, for pages no
spider knows) and the text pipeline: `monitor extract` (one page, or a list of them with
--batch) and re-runs over stored pages share this code with the crawl."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from monitor.settings import DOWNLOAD_MAXSIZE, MONITOR_SITES_FILES
from pipelines.article import Article, BrokenPage
from pipelines.charset import detect_encoding
from pipelines.generic import extract_generic
from pipelines.keywords import UNIFORM, DocumentFrequencies
from pipelines.stages import process
from spiders.base import SiteSpider
from spiders.cnmn import CnmnSpider
from spiders.configured import configured_sites
from spiders.fields import FIELDS, generic_value
from spiders.parsing import check_page
from spiders.smm import SmmSpider
from spiders.smm_cn import SmmCnSpider

# The built-in spiders first: a configured site's selectors may also fit their pages.
SPIDERS: tuple[type[SiteSpider], ...] = (
    SmmSpider,
    SmmCnSpider,
    CnmnSpider,
    *configured_sites(MONITOR_SITES_FILES).spiders,
)


# A saved page larger than a crawl downloads (settings.DOWNLOAD_MAXSIZE) is refused unread.
MAX_PAGE_BYTES = DOWNLOAD_MAXSIZE


class ExtractError(BrokenPage):
    pass


def extract_page(
    body: bytes,
    url: str,
    encoding: str | None = None,
    site: str | None = None,
    frequencies: DocumentFrequencies = UNIFORM,
    fetched_at: datetime | None = None,
) -> Article:
    """The article on a page: parsed by the named site's spider, else by the spider that
    recognises the URL's host or the page's markup, else by the generic extractor; then
    through the text pipeline. Without a known encoding the bytes decide (see charset)."""
    response = HtmlResponse(url=url, body=body, encoding=encoding or detect_encoding(body))
    check_page(response, fetched=False)
    spider_cls = _spider_for(url, response, site)
    if spider_cls is not None:  # as a crawl reads it
        spider = spider_cls()
        spider.frequencies = frequencies
        return spider.read(response)
    site = site or urlsplit(url).hostname or "generic"
    article = extract_generic(response, site, fetched_at or datetime.now(UTC))
    article.field_sources = {name: "generic" for name in FIELDS if generic_value(article, name)}
    return process(article, frequencies)


def _spider_for(url: str, response: HtmlResponse, site: str | None) -> type[SiteSpider] | None:
    if site is not None:
        return next((s for s in SPIDERS if s.name == site), None)
    return next((s for s in SPIDERS if s.recognises(url, response)), None)


def extract_file(path: Path, url: str) -> Article:
    """A saved page; its file's modification time stands for the fetch time (relative dates
    such as 3小时前 count back from it)."""
    try:
        with path.open("rb") as file:  # read up to the limit: a device or pipe may not end
            body = file.read(MAX_PAGE_BYTES + 1)
        fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as error:
        raise ExtractError("unreadable", f"cannot read {path}: {error.strerror or error}") from None
    if len(body) > MAX_PAGE_BYTES:
        raise ExtractError(
            "too_large", f"{path} holds more than {MAX_PAGE_BYTES:,} bytes (what a crawl downloads at most)"
        )
    if not body.strip():
        raise ExtractError("empty_page", f"{path} is empty")
    return extract_page(body, url, fetched_at=fetched_at)


def extract_batch(lines: Iterable[str], folder: Path) -> Iterator[dict[str, Any]]:
    """`monitor extract --batch`: the pages a list names, one `PATH<TAB>URL` line each (URL
    may be empty or left out with its tab; blank lines and lines starting with # are
    skipped; a relative PATH is relative to `folder`, the list's own). Each page goes
    through extract_file, in order, as it is read: its summary with `file` (the path as
    written) first, or `{"file": ..., "error": "reason: detail"}` for a page that could not
    be read or is not an article."""
    for number, line in enumerate(lines, 1):
        written, _, url = line.rstrip("\r\n").partition("\t")
        written, url = written.strip(), url.strip()
        if (not written and not url) or written.startswith("#"):
            continue
        shown = _printable(written)
        if not written:
            yield {"file": shown, "error": f"no_path: line {number} gives an address but no file"}
            continue
        try:
            article = extract_file(folder / written, url)
        except BrokenPage as broken:
            yield {"file": shown, "error": str(broken)}
        else:
            yield {"file": shown, **article.summary()}


def _printable(text: str) -> str:
    """A file name as written, its undecodable bytes (read as surrogate escapes) shown as
    U+FFFD: JSON on standard output must be valid UTF-8."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
