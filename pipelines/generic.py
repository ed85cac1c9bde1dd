"""An article from any page, for pages no site spider knows: title, publication time, byline
and main text, from the page's meta tags and JSON-LD first and its visible text after.

The visible text is searched where news pages put each thing: the byline and date in the
lines between the headline and the first paragraph (or just above the headline), an editor
or author in the closing lines, a date in the address as a last resort."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from itertools import takewhile
from urllib.parse import urljoin

from lxml import etree, html
from scrapy.http import TextResponse

from pipelines.article import Article, BrokenPage
from pipelines.byline import (
    chinese_byline,
    clean_author,
    closing_credit,
    dateline_credit,
    english_byline,
    names_line,
    signature,
)
from pipelines.dates import (
    date_in_url,
    parse_full_datetime,
    parse_machine_datetime,
    parse_relative,
    plausible,
    year_month_line,
)
from pipelines.main_text import (
    EDGE_BLOCK,
    META_LINE,
    Block,
    best_container,
    blocks_of,
    clean,
    is_meta_line,
    main_blocks,
)
from pipelines.page_meta import (
    AUTHOR_KEYS,
    OUTLET_KEYS,
    PUBLISHED_KEYS,
    TITLE_KEYS,
    PageMeta,
    names_of,
    read_meta,
)

_PARSER = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
MIN_TITLE = 4  # characters: a shorter heading is a label or the site's logo
MIN_STATED_BODY = 200  # characters: a shorter JSON-LD articleBody is a summary
SHOWN_SHARE = 0.6  # visible text shorter than this share of articleBody: take articleBody
DATELINE_LINES = 4  # a date line or photo caption may stand above the dateline paragraph
NAME_LINES = 4  # lines from the headline down where a line of bare names is the author
HEADER_LINES = 12  # lines after the headline searched for the byline and date
ABOVE_TITLE_LINES = 3  # some sites put the date or source above the headline
HEADLINE_TEXT_SHARE = 0.25  # less of the text than this under a matching heading: not the headline
CLOSING_LINES = 6  # lines at the article's end searched for an author or editor
# "Site name - Title", "Title_栏目_网站": the title tag's parts; the weightiest is the headline.
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+|\s*[_|｜]\s*|\s+-{2,}\s+")
_LABEL_WORDS = r"(?:watch|video|videos|listen|audio|photos?|gallery|live|breaking|exclusive|podcast)"
_MEDIA_LABEL = re.compile(rf"^\s*{_LABEL_WORDS}\s*:\s+|\s*[\[(]{_LABEL_WORDS}[\])]\s*$", re.IGNORECASE)
_BYLINE_ATTR = '//*[@rel="author" or contains(@class, "byline") or contains(@class, "author") or contains(@id, "author")]'


def extract_generic(response: TextResponse, site: str, fetched_at: datetime) -> Article:
    """The article on a page no site spider parses."""
    tree = _parse(response.text)
    meta = read_meta(tree)
    page_title = " ".join(" ".join(tree.xpath("//title//text()")).split())
    headings = [" ".join(h.text_content().split()) for h in tree.xpath("//h1 | //h2")]
    byline_elements = [" ".join(e.text_content().split()) for e in tree.xpath(_BYLINE_ATTR)][:10]
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    clean(tree)
    blocks = blocks_of(tree)
    container = best_container(blocks)
    title = choose_title(meta, page_title, headings)
    body = _after_headline(main_blocks(blocks, container), title) if container is not None else []
    # A page without prose (a table of contents, a gallery): its text as it stands.
    paragraphs = _stated_body(meta, body) or [b.text for b in body] or [b.text for b in blocks]
    if not paragraphs:
        raise BrokenPage("empty_body", "no article text found on the page")
    header, closing = _byline_regions(blocks, body, title)
    labelled = _labelled_byline(header + closing)
    under_title = _under_headline(blocks, body, title)
    published = published_at(meta, header, closing, blocks, response.url, fetched_at)
    return Article(
        url=response.url,
        site=site,
        html=response.body,
        encoding=response.encoding,
        status=response.status,
        fetched_at=fetched_at,
        canonical_url=urljoin(response.url, canonical[0].strip()) if canonical else response.url,
        site_article_id="",
        title=title,
        published_at=published[0],
        published_precision=published[1],
        author=author_of(meta, labelled, header, under_title, body, closing, byline_elements),
        source=labelled.get("source", ""),
        editor=labelled.get("editor", ""),
        paragraphs=paragraphs,
    )


def choose_title(meta: PageMeta, page_title: str, headings: list[str]) -> str:
    """The headline: the social or JSON-LD headline, else the title tag, without the site's
    name (its longest part); replaced by the longest heading that is, holds or is held by it
    (headings keep the punctuation and parts titles lose)."""
    stated = meta.first(TITLE_KEYS) or next((h for h in meta.ld_values("headline") if isinstance(h, str)), "")
    title = _unlabelled(_longest_part(" ".join(stated.split()) or page_title))
    key = _letters(title)
    matching = [
        h for h in map(_unlabelled, headings)
        if key and len(h) >= MIN_TITLE and (_letters(h) in key or key in _letters(h)) and len(h) >= len(title) / 2
    ]
    return max(matching, key=len) if matching else title


def _unlabelled(title: str) -> str:
    """A headline without the media label a site puts before or after it: "WATCH: ...",
    "... [Video]" (the label says what the page holds, not what the story is)."""
    return _MEDIA_LABEL.sub("", title).strip() or title


def _letters(text: str) -> str:
    """Letters and digits only: headings and titles differ in quotes and punctuation."""
    return re.sub(r"[\W_]+", "", text).lower()


def published_at(
    meta: PageMeta, header: list[Block], closing: list[Block], blocks: list[Block], url: str, fetched_at: datetime
) -> tuple[datetime | None, str]:
    """First publication, with the precision the page states it to ("second", "month"): the
    JSON-LD or meta date; else the first full date in the lines around the headline, then in
    the byline-like lines above them (nearest first), then in the closing byline lines
    ("发表于 ..." under blog posts); else a date in the address; else a line that states only
    a year and month in those header or closing lines (a magazine's issue line, a report's
    month under its title: month precision, never over a full date); else the first
    byline-like line on the page with a full date; last, a relative or year-less date near
    the headline (its year is a guess)."""
    stated = [v for v in meta.ld_values("datePublished") if isinstance(v, str)] + [meta.first(PUBLISHED_KEYS)]
    for value in stated:
        moment = parse_machine_datetime(value) if value else None
        if moment is not None and plausible(moment, fetched_at):
            return moment, "second"
    near = [b.text for b in header if b.size <= EDGE_BLOCK]
    above = [b.text for b in _before(blocks, header)[::-1] if is_meta_line(b)]
    moment = _first_date(near + above + [b.text for b in closing if is_meta_line(b)], fetched_at) or date_in_url(url)
    if moment is not None:
        return moment, "second"
    month = next((m for m in (year_month_line(t, fetched_at) for t in near + [b.text for b in closing]) if m), None)
    if month is not None:
        return month, "month"
    return (
        _first_date([b.text for b in blocks if is_meta_line(b)], fetched_at)
        or next((m for m in (parse_relative(t, fetched_at) for t in near if len(t) <= META_LINE) if m), None)
    ), "second"


def _before(blocks: list[Block], header: list[Block]) -> list[Block]:
    """The lines above the header region (the whole page's top when there is none)."""
    start = min((i for i, b in enumerate(blocks) if any(b is h for h in header)), default=0)
    return blocks[:start]


def _first_date(lines: list[str], fetched_at: datetime) -> datetime | None:
    return next((m for m in (parse_full_datetime(t, fetched_at) for t in lines) if m), None)


def author_of(
    meta: PageMeta, labelled: dict[str, str], header: list[Block], under_title: list[Block], body: list[Block],
    closing: list[Block], byline_elements: list[str],
) -> str:
    """Who the article credits, most specific first: a labelled author (作者, 记者), the
    dateline's reporter, a line of names under the headline (what readers see, where
    JSON-LD may name the uploader), JSON-LD persons, the bracketed credit closing the text, a
    "By" line, the author meta tags, a notice's signature; failing a writer, the editor, then
    the source (the credit readers see); last, whatever an element marked as byline says."""
    persons = [clean_author(n) for value in meta.ld_values("author") for n in names_of(value)]
    outlet = " ".join(meta.tags.get(k, "") for k in OUTLET_KEYS + AUTHOR_KEYS)  # "中時" is 中時電子報
    candidates = (
        lambda: labelled.get("author", ""),
        lambda: next((c for c in map(dateline_credit, [b.text for b in body[:DATELINE_LINES]]) if c), ""),
        lambda: next((n for n in map(names_line, [b.text for b in under_title]) if n and n not in outlet), ""),
        lambda: ", ".join(dict.fromkeys(n for n in persons if n)),
        lambda: next((c for c in map(closing_credit, [b.text for b in body[-2:]]) if c), ""),
        lambda: next((n for n in map(english_byline, [b.text for b in header] + byline_elements) if n), ""),
        lambda: clean_author(meta.first(AUTHOR_KEYS)),
        lambda: signature([b.text for b in closing]),
        lambda: labelled.get("editor", ""),
        lambda: labelled.get("source", ""),
        lambda: next((clean_author(t) for t in byline_elements if 0 < len(t) <= 60), ""),
    )
    return next((found for found in (candidate() for candidate in candidates) if found), "")


def _stated_body(meta: PageMeta, body: list[Block]) -> list[str]:
    """The JSON-LD articleBody's paragraphs, when the page shows much less of the article
    than it states (the rest is rendered by script, or behind a "read more")."""
    stated = next((v for v in meta.ld_values("articleBody") if isinstance(v, str)), "")
    stated = unescape(unescape(stated))  # some publishers escape it twice
    if "<" in stated and stated.strip():
        stated = html.fromstring(stated).text_content()
    shown = sum(len(b.text) for b in body)
    if len(stated) < MIN_STATED_BODY or shown >= len(stated) * SHOWN_SHARE:
        return []
    return [" ".join(line.split()) for line in stated.splitlines() if line.strip()]


def _labelled_byline(blocks: list[Block]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for block in blocks:
        if len(block.text) <= 200:
            for kind, value in chinese_byline(block.text).items():
                fields.setdefault(kind, value)
    return fields


def _byline_regions(blocks: list[Block], body: list[Block], title: str) -> tuple[list[Block], list[Block]]:
    """The lines where bylines and dates stand: from the headline down to the first
    paragraph, then the few lines above the headline (or, without a headline, the lines
    above the first paragraph, nearest first), then the byline-like lines among the text's
    first paragraphs; and the article's closing lines."""
    if not body:
        return [], []
    position = {id(b): i for i, b in enumerate(blocks)}
    first, last = position[id(body[0])], position[id(body[-1])]
    heading = _heading_index(blocks[:first + 1], title)
    if heading is None:
        header = blocks[max(0, first - HEADER_LINES):first + 1][::-1]
    else:
        header = blocks[heading:min(first, heading + HEADER_LINES) + 1]
        if first - heading > HEADER_LINES:  # a summary or table between: the text's own top too
            header += blocks[first - HEADER_LINES:first + 1][::-1]
        header += blocks[max(0, heading - ABOVE_TITLE_LINES):heading][::-1]
    # A standfirst or photo caption may come first, the byline and date under it.
    lead_end = position[id(body[min(len(body), DATELINE_LINES) - 1])]
    header += [b for b in blocks[first + 1:lead_end] if is_meta_line(b)]
    return header, blocks[max(first, last - CLOSING_LINES + 1):last + CLOSING_LINES]


def _after_headline(blocks: list[Block], title: str) -> list[Block]:
    """The text starts after its headline: a breadcrumb, kicker or list of other stories
    above it is not article (a headline with little of the text after it is some other box's)."""
    heading = _heading_index(blocks, title)
    rest = blocks if heading is None else blocks[heading + 1:]
    if sum(b.size for b in rest) < sum(b.size for b in blocks) * HEADLINE_TEXT_SHARE:
        rest = blocks
    return [b for b in rest if b.text != title]


def _under_headline(blocks: list[Block], body: list[Block], title: str) -> list[Block]:
    """The short lines under the headline, up to the first paragraph (none without a
    headline); the text may start with a short line (an outlet's name) above the byline."""
    if not body:
        return []
    first = next(i for i, b in enumerate(blocks) if b is body[0])
    heading = _heading_index(blocks[:first], title)
    if heading is None:
        return []
    return list(takewhile(lambda b: b.size <= META_LINE, blocks[heading + 1:heading + 1 + NAME_LINES]))


def _heading_index(blocks: list[Block], title: str) -> int | None:
    """Where the headline stands: the line that is the title, holds it with little else, or
    makes up most of it."""
    if not title:
        return None
    exact = next((i for i, b in enumerate(blocks) if b.text == title), None)
    if exact is not None:
        return exact
    holding = next((i for i, b in enumerate(blocks) if title in b.text and len(b.text) < 2 * len(title)), None)
    if holding is not None:
        return holding
    # A title tag may add a page number or label to the headline: "标题(页 1)".
    return next((i for i, b in enumerate(blocks) if MIN_TITLE <= len(b.text) and 2 * len(b.text) >= len(title)
                 and b.text in title), None)


def _longest_part(title: str) -> str:
    """The part of a title tag that says most: Chinese characters weigh double (a word's
    worth), so 标题_站名 and "Site | Headline" both give the headline."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    return max(parts, key=_weight) if parts else title.strip()


def _weight(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\u9fff" else 1 for ch in text)


def _parse(text: str) -> html.HtmlElement:
    try:
        return html.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise BrokenPage("empty_page", f"no HTML document in the file ({error})") from None
