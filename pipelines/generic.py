"""An article from any page, for pages no site spider knows: title, publication time, byline
and main text, from the page's meta tags and JSON-LD first and its visible text after.

The visible text is searched where news pages put each thing: the byline and date in the
lines between the headline and the first paragraph (or just above the headline), an editor
or author in the closing lines, a date in the address as a last resort."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from html import unescape
from itertools import takewhile
from urllib.parse import urljoin

from htmldate import find_date
from lxml import etree, html
from scrapy.http import TextResponse

from pipelines.article import Article, BrokenPage
from pipelines.byline import (
    chinese_byline,
    clean_author,
    closing_credit,
    closing_credit_within,
    dateline_credit,
    english_byline,
    names_line,
    plausible_author,
    poster,
    signature,
)
from pipelines.dates import (
    date_in_url,
    parse_full_datetime,
    parse_machine_datetime,
    parse_relative,
    parse_stamp,
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
    parse_page,
)
from pipelines.page_meta import (
    AUTHOR_KEYS,
    OUTLET_KEYS,
    PUBLISHED_KEYS,
    SOURCE_KEYS,
    TITLE_KEYS,
    PageMeta,
    names_of,
    read_meta,
)

logging.getLogger("htmldate").setLevel(logging.CRITICAL)  # it logs each page it cannot date
MIN_TITLE = 4  # characters: a shorter heading is a label or the site's logo
MAX_TITLE = 300  # characters: a longer "headline" in a page's metadata is stuffing, not a title
MIN_TEXT = 20  # characters of text besides the headline: fewer, and the page has no article
LINKS = 0.5  # a line with more of its text in links than this is a menu or a list of pages
MIN_STATED_BODY = 200  # characters: a shorter JSON-LD articleBody is a summary
SHOWN_SHARE = 0.6  # visible text shorter than this share of articleBody: take articleBody
DATELINE_LINES = 4  # a date line or photo caption may stand above the dateline paragraph
NAME_LINES = 4  # lines from the headline down where a line of bare names is the author
HEADER_LINES = 12  # lines after the headline searched for the byline and date
ABOVE_TITLE_LINES = 3  # some sites put the date or source above the headline
HEADLINE_TEXT_SHARE = 0.25  # less of the text than this under a matching heading: not the headline
CLOSING_LINES = 6  # lines at the article's end searched for an author or editor
# "Site name - Title", "Title_栏目_网站": the title tag's parts; the weightiest is the headline.
# In a Chinese title a hyphen without spaces separates only a site's name ("标题-新华网") or
# a short section or tag name ("标题-奥运-某某网").
_TITLE_SEPARATORS = re.compile(
    r"\s+[-|–—:»]\s+|\s*[_|｜]\s*|\s+-{2,}\s+"
    r"|(?<=[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff])-+(?=[\u4e00-\u9fff]{1,10}(?:网|網|报|報|频道|頻道|在线|在線)(?:$|[\s_|｜-]))"
    r"|(?<=[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff])-+(?=[\u4e00-\u9fff][^-\s]{0,5}(?:$|-))"  # "-栏目", "-标签"
)
_LABEL_WORDS = r"(?:watch|video|videos|listen|audio|photos?|gallery|live|breaking|exclusive|podcast)"
_MEDIA_LABEL = re.compile(
    rf"^\s*{_LABEL_WORDS}\s*:\s+|\s*[\[(]{_LABEL_WORDS}[\])]\s*$"
    r"|^\s*(?:sponsored by|advertisement|paid content|partner content)\s*:?\s+"  # a sponsor's label
    r"|^\s*you are here\s*:.*[>»›]\s*",  # a breadcrumb before the headline
    re.IGNORECASE,
)
# A heading over the comments: "12 thoughts on “Headline”", "One response to ...".
_COMMENTS_HEADING = re.compile(
    r"^\W*(?:\d+|no|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:thoughts?|comments?|responses?|replies|reply|"
    r"reactions?|opinions?)\s+(?:on|to|for|about)\b|^\W*(?:leave a (?:reply|comment)|comments? on)\b",
    re.IGNORECASE,
)
# Elements that hold a section label inside a headline.
_KICKER_ATTR = re.compile(r"kicker|eyebrow|overline|rubric|flag|label|section|category", re.IGNORECASE)
_LABEL_BAR = re.compile(r"\s*[|｜»]\s*")
SHARED_WORDS = 2  # content words a visible headline shares with the stated one, at least
HEADLINE_WORDS = 4  # words (Chinese: two characters a word): fewer is a label, not a headline
_BYLINE_ATTR = (
    '//*[@rel="author" or contains(@class, "byline") or contains(@class, "author") or contains(@id, "author")]'
)


def extract_generic(response: TextResponse, site: str, fetched_at: datetime) -> Article:
    """The article on a page no site spider parses."""
    tree = _parse(response.text)
    meta = read_meta(tree)
    page_title = _page_title(tree)
    headings = [_heading_text(h) for h in tree.xpath("//h1 | //h2")]
    byline_elements = [" ".join(e.text_content().split()) for e in tree.xpath(_BYLINE_ATTR)][:10]
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    clean(tree)
    blocks = blocks_of(tree)
    container = best_container(blocks)
    title = choose_title(meta, page_title, headings)
    main = main_blocks(blocks, container) if container is not None else []
    title = _visible_headline(blocks, main, title, meta, page_title) or _shown_headline(blocks, main, title) or title
    body = _after_headline(main, title)
    # A page without prose (a table of contents, a gallery): its text as it stands, but for
    # lines of links (menus, lists of other pages).
    paragraphs = (
        _stated_body(meta, body) or [b.text for b in body] or [b.text for b in blocks if b.link_density < LINKS]
    )
    if sum(len(p) for p in paragraphs if p != title) < MIN_TEXT:
        raise BrokenPage("empty_body", "no article text found on the page")
    header, closing = _byline_regions(blocks, body, title)
    labelled = _labelled_byline(header + closing)
    under_title = _under_headline(blocks, body, title)
    address = (
        response.url if date_in_url(response.url) or not canonical else urljoin(response.url, canonical[0].strip())
    )
    published = published_at(meta, header, closing, blocks, address, fetched_at, under_title, response.text)
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
        source=labelled.get("source", "") or meta.first(SOURCE_KEYS),
        editor=labelled.get("editor", ""),
        paragraphs=paragraphs,
    )


def choose_title(meta: PageMeta, page_title: str, headings: list[str]) -> str:
    """The headline: the social or JSON-LD headline, else the title tag, without the site's
    name (the part a heading on the page shows, else the longest part); replaced by the longest heading that is, holds or is held by it
    (headings keep the punctuation and parts titles lose)."""
    stated = next(
        (
            t
            for t in (meta.first(TITLE_KEYS), *meta.ld_values("headline"))
            if isinstance(t, str) and t.strip() and len(t) <= MAX_TITLE
        ),
        "",
    )
    title = _unlabelled(_headline_part(" ".join(stated.split()) or page_title, headings, meta.first(OUTLET_KEYS)))
    key = _letters(title)
    matching = [
        h
        for h in map(_unlabelled, headings)
        if key
        and len(h) >= MIN_TITLE
        and not _COMMENTS_HEADING.match(h)
        and (_letters(h) in key or key in _letters(h))
        and len(h) >= len(title) / 2
    ]
    return max(matching, key=len) if matching else title


def _shown_headline(blocks: list[Block], main: list[Block], title: str) -> str:
    """Without a heading element, the line above the text that shows the title's headline
    part, where the title tag adds sections or the site's name after spaces only
    ("标题 栏目 网站名"): that line, when it makes up most of the title."""
    key = _letters(title)
    first = next((i for i, b in enumerate(blocks) if main and b is main[0]), None)
    if not key or first is None:
        return ""
    start = max(0, first - HEADER_LINES)
    for index, block in enumerate(blocks[start : first + 1], start):
        shown = _letters(block.text)
        if len(block.text) >= MIN_TITLE and shown != key and key.startswith(shown) and 2 * len(shown) >= len(key):
            rest = key[len(shown) :]
            # A headline over two lines (a title and its second line) is the whole title.
            if any(_letters(b.text)[:MIN_TITLE] == rest[:MIN_TITLE] for b in blocks[index + 1 : index + 3]):
                return ""
            return block.text
    return ""


def _page_title(tree: html.HtmlElement) -> str:
    """The document's <title>: not the <title> of an inline <svg> icon ("Menu", "Close")."""
    element = next((t for t in tree.iter("title") if not any(a.tag == "svg" for a in t.iterancestors())), None)
    return " ".join(element.text_content().split()) if element is not None else ""


def _heading_text(element: html.HtmlElement) -> str:
    """A heading's words without the section label set into it as an element of its own
    (<span class="kicker">Politics</span>) or before a bar ("Politics | Headline")."""
    text = element.text_content()
    for child in element.iterdescendants():
        if isinstance(child.tag, str) and _KICKER_ATTR.search(f"{child.get('class', '')} {child.get('id', '')}"):
            label = child.text_content().strip()
            if label and len(label) < len(text.strip()) / 2:
                text = text.replace(label, " ", 1)
    text = " ".join(text.split())
    parts = _LABEL_BAR.split(text, maxsplit=1)
    return parts[1] if len(parts) == 2 and len(parts[0].split()) <= 3 and len(parts[1]) > len(parts[0]) else text


def _visible_headline(blocks: list[Block], main: list[Block], title: str, meta: PageMeta, page_title: str) -> str:
    """The one <h1> standing over the article's text, where the social or SEO headline says
    otherwise: readers see the <h1>. Not a short label (a section's or the site's name),
    not a comments heading; a heading near the title is left to choose_title."""
    if not main:
        return ""
    first = next((i for i, b in enumerate(blocks) if b is main[0]), None)
    if first is None:
        return ""
    h1s = {" ".join(_heading_text(b.owner).split()) for b in blocks if b.tag == "h1"}
    if len(h1s) != 1:
        return ""
    near = [b for b in blocks[max(0, first - HEADER_LINES) : first + 1] if b.tag == "h1"]
    if not near:
        return ""
    headline = _heading_text(near[0].owner)
    key, site = _letters(headline), _letters(meta.first(OUTLET_KEYS))
    words = len(headline.split()) if headline.isascii() else _weight(headline) // 2
    if words < HEADLINE_WORDS or _COMMENTS_HEADING.match(headline) or (site and (key in site or site in key)):
        return ""
    if key in _letters(title) or _letters(title) in key:
        return ""
    # The same story in other words shares some of them: a logo or a standfirst shares none.
    if len(_words(headline) & (_words(title) | _words(meta.first(TITLE_KEYS)))) < SHARED_WORDS:
        return ""
    others = [p for p in _TITLE_SEPARATORS.split(page_title) if _letters(p) and _letters(p) != _letters(title)]
    return "" if any(key == _letters(p) for p in others) else headline


def _words(text: str) -> set[str]:
    """A headline's content words: Latin words of four letters or more (lower case, without a
    plural s), Chinese character pairs."""
    latin = {w.lower().removesuffix("s") for w in re.findall(r"[^\W\d_]{4,}", text) if w.isascii()}
    han = re.findall(r"[\u4e00-\u9fff]+", text)
    return latin | {run[i : i + 2] for run in han for i in range(len(run) - 1)}


def _unlabelled(title: str) -> str:
    """A headline without the media label a site puts before or after it: "WATCH: ...",
    "... [Video]" (the label says what the page holds, not what the story is)."""
    return _MEDIA_LABEL.sub("", title).strip() or title


def _letters(text: str) -> str:
    """Letters and digits only: headings and titles differ in quotes and punctuation."""
    return re.sub(r"[\W_]+", "", text).lower()


def published_at(
    meta: PageMeta,
    header: list[Block],
    closing: list[Block],
    blocks: list[Block],
    url: str,
    fetched_at: datetime,
    under: list[Block] | None = None,
    page: str = "",
) -> tuple[datetime | None, str]:
    """First publication, with the precision the page states it to ("second", "month"): a
    line naming the original's publication (a repost's "原文发表于 ..."); the JSON-LD or meta
    date; else the first full date in the lines around the headline (the time a <time> or
    data-* attribute on the line states where its text says none), then in the byline-like
    lines above them (nearest first), then in the closing byline lines ("发表于 ..." under
    blog posts) -- on a thread of posts, the first post's; else a publication time in the
    page's scripts or hidden fields; else a date in the address; else a line that states
    only a year and month in those header or closing lines (a magazine's issue line, a
    report's month under its title: month precision, never over a full date); else
    htmldate's fast search of the markup (date-named elements and attributes, <abbr>,
    timestamps: the field's reference, where the page's text has no byline date); else the
    first byline-like line on the page with a full date; last, a relative or year-less date under
    the headline, never in a list of links (its year is a guess)."""
    original = _original_date(blocks, fetched_at)
    if original is not None:
        return original, "second"
    stated = [v for v in meta.ld_values("datePublished") if isinstance(v, str)] + [meta.first(PUBLISHED_KEYS)]
    for value in stated:
        moment = parse_machine_datetime(value) if value else None
        if moment is not None and plausible(moment, fetched_at):
            return moment, "second"
    near = [b for b in header if b.size <= EDGE_BLOCK]
    above = [b for b in _before(blocks, header)[::-1] if is_meta_line(b)]
    position = {id(b): i for i, b in enumerate(blocks)}
    top = position.get(id(header[0]), 0) if header else 0  # the headline (or the text's first line)
    below = [b for b in near if position.get(id(b), 0) >= top]
    groups = (below, [b for b in near if position.get(id(b), 0) < top], above, [b for b in closing if is_meta_line(b)])
    found = next((f for f in (_first_dated(group, fetched_at) for group in groups) if f), None)
    if found is not None:
        return _first_post(found, blocks, fetched_at), "second"
    for value in meta.script_dates:
        moment = parse_stamp(value)
        if moment is not None and plausible(moment, fetched_at):
            return moment, "second"
    moment = date_in_url(url)
    if moment is not None:
        return moment, "second"
    month = next((m for m in (year_month_line(b.text, fetched_at) for b in near + closing) if m), None)
    if month is not None:
        return month, "month"
    moment = _htmldate(page, url, fetched_at)
    if moment is not None:
        return moment, "second"
    found = _first_dated([b for b in blocks if is_meta_line(b)], fetched_at)
    if found is not None:
        return found[1], "second"
    lines = [b.text for b in (under or []) if not b.is_link_list and len(b.text) <= META_LINE]
    return next((m for m in (parse_relative(t, fetched_at) for t in lines) if m), None), "second"


# A line naming when the original of a repost was published: "原文发表于 2009-03-01".
_ORIGINAL = re.compile(
    r"原文(?:发表|發表|发布|發布|刊登|刊發|刊发)|原载|原載|首发|首發|原发|原發|原刊|originally published|first published",
    re.IGNORECASE,
)
ORIGINAL_LINE = 120  # characters: a longer line is prose that mentions a first publication
# A poster's line on a forum thread or blog: "张三 发表于 2010-05-01", "Posted by X on ...".
_POSTED = re.compile(r"发表于|發表於|发表时间|發表時間|发帖时间|發帖時間|楼主|樓主|\bposted\b", re.IGNORECASE)


def _htmldate(page: str, url: str, fetched_at: datetime) -> datetime | None:
    """htmldate's reading of the page's markup (its fast search: meta, <time>, JSON, the
    address, date patterns in the markup), a date without time."""
    if not page:
        return None
    try:
        found = find_date(page, url=url or None, extensive_search=False, original_date=True)
    except (ValueError, TypeError, OverflowError, etree.LxmlError):  # a page its parser rejects
        return None
    moment = parse_machine_datetime(found) if found else None
    return moment if moment is not None and plausible(moment, fetched_at) else None


def _original_date(blocks: list[Block], fetched_at: datetime) -> datetime | None:
    return next(
        (
            m
            for m in (
                parse_full_datetime(b.text, fetched_at)
                for b in blocks
                if len(b.text) <= ORIGINAL_LINE and _ORIGINAL.search(b.text)
            )
            if m
        ),
        None,
    )


def _first_dated(lines: list[Block], fetched_at: datetime) -> tuple[Block, datetime] | None:
    """The first line with a full date, in its text or (failing that) in its markup; a date
    labelled as an update ("Last updated", "更新于") only where no line states another."""
    for updates in (False, True):
        for block in lines:
            moment = next(
                (m for m in (parse_full_datetime(part, fetched_at) for part in _date_parts(block.text, updates)) if m),
                None,
            )
            if moment is None and block.stamp and not updates:
                moment = parse_stamp(block.stamp)
                moment = moment if moment is not None and plausible(moment, fetched_at) else None
            if moment is not None:
                return block, moment
    return None


# Labels that open a date's part of a line: an update's ("Updated: ...", "更新时间：...") or a
# publication's ("Published ...", "发布于 ..."); a bar or bullet also ends a part.
_UPDATE = r"(?:last\s+)?(?:updated|modified|edited|revised)\b|更新|修改|修订|修訂"
_DATE_LABEL = re.compile(
    rf"(?=\b(?:{_UPDATE})|\b(?:first\s+)?(?:published|posted)\b|发布|發布|发表|發表)|[|｜•·]", re.IGNORECASE
)
_UPDATE_PART = re.compile(rf"\s*(?:{_UPDATE})", re.IGNORECASE)


def _date_parts(text: str, updates: bool) -> list[str]:
    """A line's parts that may state a first publication (or, with updates, the parts that
    state an update)."""
    return [p for p in _DATE_LABEL.split(text) if bool(_UPDATE_PART.match(p)) == updates]


def _first_post(found: tuple[Block, datetime], blocks: list[Block], fetched_at: datetime) -> datetime:
    """On a page of posts (a forum thread, a blog with replies), a date found on a poster's
    line is the thread's when it is the first poster's line; a later one is a reply's."""
    block, moment = found
    if not _POSTED.search(block.text):
        return moment
    first = next(
        (b for b in blocks if is_meta_line(b) and _POSTED.search(b.text) and parse_full_datetime(b.text, fetched_at)),
        None,
    )
    if first is None or first is block:
        return moment
    return parse_full_datetime(first.text, fetched_at) or moment


def _before(blocks: list[Block], header: list[Block]) -> list[Block]:
    """The lines above the header region (the whole page's top when there is none)."""
    start = min((i for i, b in enumerate(blocks) if any(b is h for h in header)), default=0)
    return blocks[:start]


def author_of(
    meta: PageMeta,
    labelled: dict[str, str],
    header: list[Block],
    under_title: list[Block],
    body: list[Block],
    closing: list[Block],
    byline_elements: list[str],
) -> str:
    """Who the article credits, most specific first: the poster of a thread or blog post
    (whose text may repost a story with its own reporter), a labelled author (作者, 记者), the
    dateline's reporter, a line of names under the headline (what readers see, where
    JSON-LD may name the uploader), JSON-LD persons, the bracketed credit closing the text
    (or the story inside a paragraph, a notice after it), a "By" line, the author meta tags, a notice's signature; failing a writer, the editor, then
    the source (the credit readers see); last, whatever an element marked as byline says."""
    persons = [clean_author(n) for value in meta.ld_values("author") for n in names_of(value)]
    outlet = " ".join(meta.tags.get(k, "") for k in OUTLET_KEYS + AUTHOR_KEYS)  # "中時" is 中時電子報
    candidates = (
        lambda: next((p for p in map(poster, [b.text for b in header]) if p), ""),
        lambda: labelled.get("author", ""),
        lambda: next((c for c in map(dateline_credit, [b.text for b in body[:DATELINE_LINES]]) if c), ""),
        lambda: next((n for n in map(names_line, [b.text for b in under_title]) if n and n not in outlet), ""),
        lambda: ", ".join(dict.fromkeys(n for n in persons if n)),
        lambda: next((c for c in map(closing_credit, [b.text for b in body[-2:]]) if c), ""),
        lambda: next((c for c in map(closing_credit_within, [b.text for b in body[-CLOSING_LINES:]]) if c), ""),
        lambda: next((n for n in map(english_byline, [b.text for b in header] + byline_elements) if n), ""),
        lambda: plausible_author(clean_author(meta.first(AUTHOR_KEYS))),
        lambda: signature([b.text for b in closing]),
        lambda: labelled.get("editor", ""),
        lambda: labelled.get("source", ""),
        lambda: next((plausible_author(clean_author(t)) for t in byline_elements if 0 < len(t) <= 60), ""),
    )
    return next((found for found in (candidate() for candidate in candidates) if found), "")


def _stated_body(meta: PageMeta, body: list[Block]) -> list[str]:
    """The JSON-LD articleBody's paragraphs, when the page shows much less of the article
    than it states (the rest is rendered by script, or behind a "read more")."""
    stated = next((v for v in meta.ld_values("articleBody") if isinstance(v, str)), "")
    stated = unescape(unescape(stated))  # some publishers escape it twice
    if "<" in stated and stated.strip():
        try:
            stated = html.fromstring(stated).text_content()
        except etree.ParserError:  # markup without an element (a comment alone): no text
            stated = ""
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
    heading = _heading_index(blocks[: first + 1], title)
    if heading is None:
        header = blocks[max(0, first - HEADER_LINES) : first + 1][::-1]
    else:
        header = blocks[heading : min(first, heading + HEADER_LINES) + 1]
        if first - heading > HEADER_LINES:  # a summary or table between: the text's own top too
            header += blocks[first - HEADER_LINES : first + 1][::-1]
        header += blocks[max(0, heading - ABOVE_TITLE_LINES) : heading][::-1]
    # A standfirst or photo caption may come first, the byline and date under it.
    lead_end = position[id(body[min(len(body), DATELINE_LINES) - 1])]
    header += [b for b in blocks[first + 1 : lead_end] if is_meta_line(b)]
    return header, blocks[max(first, last - CLOSING_LINES + 1) : last + CLOSING_LINES]


def _after_headline(blocks: list[Block], title: str) -> list[Block]:
    """The text starts after its headline: a breadcrumb, kicker or list of other stories
    above it is not article (a headline with little of the text after it is some other box's)."""
    heading = _heading_index(blocks, title)
    rest = blocks if heading is None else blocks[heading + 1 :]
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
    return list(takewhile(lambda b: b.size <= META_LINE, blocks[heading + 1 : heading + 1 + NAME_LINES]))


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
    return next(
        (
            i
            for i, b in enumerate(blocks)
            if len(b.text) >= MIN_TITLE and 2 * len(b.text) >= len(title) and b.text in title
        ),
        None,
    )


def _headline_part(title: str, headings: list[str], site: str) -> str:
    """Of a title's parts ("Headline | Site", "Site - Headline"), the one a heading on the page
    shows, if only one is; else the longest that is not the site's stated name."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if _letters(p)]
    if len(parts) < 2:
        return _longest_part(title)
    shown = {_letters(h) for h in headings if len(h) >= MIN_TITLE}
    on_page = [
        p
        for p in parts
        if len(p) >= MIN_TITLE
        and any(h == _letters(p) or (h in _letters(p) and 2 * len(h) >= len(_letters(p))) for h in shown)
    ]
    if len(on_page) == 1:  # several shown: the site's name and a section are headings too
        return on_page[0]
    named = [p for p in parts if not site or _letters(p) != _letters(site)]
    return max(named or parts, key=_weight)


def _longest_part(title: str) -> str:
    """The part of a title tag that says most: Chinese characters weigh double (a word's
    worth), so 标题_站名 and "Site | Headline" both give the headline."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    return max(parts, key=_weight) if parts else title.strip()


def _weight(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\u9fff" else 1 for ch in text)


def _parse(text: str) -> html.HtmlElement:
    try:
        return parse_page(text)
    except (etree.ParserError, ValueError) as error:
        raise BrokenPage("empty_page", f"no HTML document in the file ({error})") from None
