"""The main text of an arbitrary page: the paragraphs of its article, without navigation,
related-article lists, share bars, comments or copyright blocks.

The page is cut into text blocks (what a browser shows as separate lines). A block of prose
counts for its container by its length; a block that is mostly link text (menus, lists of
other articles) counts against. The container with the highest sum holds the article: it
grows to take in every paragraph and stops where link lists begin. Inside it, link lists and
the short lines that open and close articles (bylines, dates, share and copyright lines) are
dropped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree, html

from pipelines.charset import xml_compatible

# Never text: scripts, forms' controls, the page furniture HTML5 names as such, and photo
# captions (a picture's caption and credit tell the story's picture, not the story).
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "template",
    "svg",
    "canvas",
    "select",
    "option",
    "input",
    "button",
    "textarea",
    "object",
    "embed",
    "nav",
    "aside",
    "footer",
    "head",
    "figcaption",
)
_BLOCK_TAGS = frozenset(
    (
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tbody",
        "thead",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "main",
        "header",
        "figure",
        "figcaption",
        "form",
        "hr",
        "center",
        "address",
        "body",
        "html",
        "caption",
        "fieldset",
    )
)
# Class or id words of boilerplate containers, matched as whole words of the attribute.
# Overlays and comment threads are never the article, however much prose they hold (unless
# they hold the headline: "modal-enabled" and "comments-open" mark article containers too).
_NEVER_ARTICLE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:comments?|commentlist|cookies?|consent|gdpr|privacy|modal|popup|newsletter|subscribe|"
    r"subscription|outbrain|taboola|disqus|adb|adblock|adblocker)(?=$|[\s_-])"
)
# These usually are boilerplate, but sites also wrap articles in a "widget" or "body-and-footer".
_BOILERPLATE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|related|relate|recommend\w*|sidebar|side|breadcrumbs?|"
    r"crumbs?|footer|foot|copyright|advert\w*|ads?|adv|banner|promo\w*|sponsor\w*|widget|toolbar|"
    r"pagination|pager|nav|navbar|navigation|menu|hot|hotnews|rank\w*|tags?|keywords?|print|login|"
    r"signup|recirc\w*|caption\w*|credits?|trending|popular|more-stories|read-more|gotop|backtop|"
    r"bio|biography|about-the-author|about-author)(?=$|[\s_-])"
)
_MODIFIER_CLASS = re.compile(r"(?:^|(?<=\s))(?:has|with|without|no)-\S*")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
# Class names that hide an element by the conventions of CSS frameworks (not "hidden-xs",
# which hides it on small screens only).
_HIDDEN_CLASSES = frozenset(
    ("hidden", "hide", "is-hidden", "d-none", "visually-hidden", "sr-only", "screen-reader-text")
)
# A container holding this share of the page's prose is the article, not a boilerplate box,
# whatever its class says ("has-sidebar", "widget Blog", "body-and-footer").
MAX_BOILERPLATE_SHARE = 0.5
# Lists of other stories: at least this many sibling "cards" of one kind (tag and class), each
# a short stack of lines (headline, summary, date) with a linked line in it.
MIN_CARDS = 3
CARD_TEXT = 500  # characters: longer is an article of its own (a feed of full posts), not a teaser
LINK_DENSITY_LIMIT = 0.5  # more of a block's text in links than this: a list of links
SHORT_BLOCK = 20  # characters; shorter lines without punctuation are labels, not prose
EDGE_BLOCK = 80  # opening and closing lines this short may be bylines or share lines
LEAD_LINES = 6  # an article's first lines, where the byline and date stand among headings
META_LINE = 60  # the longest line taken for a byline or date line
_PUNCTUATION = re.compile(r"[，。！？；、：,.!?;:“”\"]")
# Sentence punctuation: Chinese marks, or Latin ones followed by a space (not "www.a.cn").
_SENTENCE_PUNCTUATION = re.compile(r"[，。！？；]|[,.!?;](?=\s|$)")
# What byline and date lines hold: dates, times, labels, counters.
_META_MARK = re.compile(
    r"\d{4}\s*[年/.-]\s*\d{1,2}|\d{1,2}:\d{2}|\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|来源|來源|作者|记者|記者|编辑|編輯|发布|發布|发表|發表|时间|時間|日期|阅读|閱讀|点击|點擊|浏览|瀏覽|字号|"
    r"^\s*(?:by|published|updated|posted|last updated|dated?|posted on|filed)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_PROSE_END = re.compile(r"[。！？!?]\s*$")
# Headings of what follows an article: related stories, recommendations, feeds.
_AFTER_ARTICLE = re.compile(
    r"相关|相關|推荐|推薦|猜你喜欢|猜你喜歡|还想看|還想看|延伸阅读|延伸閱讀|更多|热门|熱門|热点|熱點|精彩|排行|"
    r"网友评论|網友評論|发表评论|發表評論|我要评论|我要評論|评论区|評論區|^\s*(?:评论|評論|留言)\s*(?:\(\d+\)|\d+)?\s*$|"
    r"^\s*(?:related|recommended|more (?!than\b|and\b|or\b|of\b)[a-z]+|you (?:may|might) (?:also )?like|read (?:more|next)|"
    r"most (?:popular|read|viewed)|trending|what to read next|further reading|popular|latest (?:news|stories)|"
    r"(?:\d+\s+|reader\s+|user\s+)?comments?|leave a (?:reply|comment)|post a comment|add (?:a |your )?comment|"
    r"join the (?:conversation|discussion)|discussion|responses?|"
    r"(?:[\w ]+ )?headlines|stay connected|follow us|share this|"
    r"about the authors?|editors?['’]?s?\s+(?:picks|recommendations))\b",
    re.IGNORECASE,
)
AFTER_ARTICLE_LINE = 20  # characters: a heading over a list, not a sentence that mentions one
# Lines that close articles on many sites: editors, copyright, share prompts, corrections.
_CLOSING_LINE = re.compile(
    r"^\s*(?:[(（\[【]?\s*(?:责任编辑|責任編輯|编辑|編輯|校对|审核|责编|纠错|糾錯|来源|來源)\s*[:：]"
    r"|[(（\[【]\s*(?:责任编辑|責任編輯|编辑|責編|责编|纠错|糾錯)"
    r"|(?:分享到|分享|打印|关闭|關閉|收藏|举报|返回顶部|返回首页)"
    r"|(?:©|\(c\)|copyright|版权所有|版權所有|All rights reserved)"
    r"|(?:share|tweet|advertisement|related|read more|more from|see also|sign up|subscribe)\b)",
    re.IGNORECASE,
)

# What a site's footer states anywhere in a short line: licences, copyright, where to report.
_SITE_NOTICE = re.compile(
    r"ICP备|ICP證|ICP证|许可证|許可證|版权所有|版權所有|举报电话|舉報電話|举报邮箱|舉報郵箱|all rights reserved|©",
    re.IGNORECASE,
)


# data-* attributes that hold an element's date: data-date, data-published, data-timestamp.
_STAMP_NAME = re.compile(r"date|time|publish|posted|created")
_NOT_FIRST = re.compile(r"updat|modif|expir|now|current")  # times that are not the first publication
_STAMP_VALUE = re.compile(r"(?:19|20)\d{2}-\d{2}-\d{2}|1\d{9}(?:\d{3})?$")


# libxml2 stops at its resource limits (elements nested 256 deep, a text node or attribute of
# 10 MB) and drops the rest of the page. Such a page is parsed again with its markup flattened
# below this depth (the text kept), by a parser without the size limits.
FLATTEN_DEPTH = 200
_PARSER = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_HUGE_PARSER = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
# Numeric character references that may name what XML forbids (&#x14;, &#55296;): libxml2
# puts the character itself in the tree, and lxml refuses it later. Only the candidates
# match (below 32, the surrogates' D800-DFFF, FFFE, FFFF), not every &#20013;.
_CHAR_REFERENCE = re.compile(
    r"&#(?:[xX]0*([0-9a-fA-F]|1[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    r"|0*([0-9]|[12][0-9]|3[01]|5[5-7][0-9]{3}|6553[45])(?![0-9]));?"
)
PARSER_DEPTH = 256  # levels of elements libxml2's HTML parser reads
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*>")
# Elements that never nest: empty ones, and those the parser closes at their next sibling.
_NOT_NESTING = frozenset(
    (
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
    )
)


def parse_page(text: str) -> html.HtmlElement:
    """A page's decoded text as a tree, whatever the page holds: characters XML forbids
    (raw or as references) taken out; nesting deeper than the parser goes flattened. Raises
    etree.ParserError for a text without any element."""
    text = xml_compatible(_CHAR_REFERENCE.sub(_reference, text) if "&#" in text else text)
    tree = html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in _PARSER.error_log.filter_from_fatals()):
        tree = html.document_fromstring(_flattened(text, FLATTEN_DEPTH).encode("utf-8"), parser=_HUGE_PARSER)
    return tree


def nests_too_deep(text: str) -> bool:
    """Whether the page's elements nest deeper than an HTML parser goes (libxml2 stops at 256
    levels and drops the rest of the page)."""
    level = 0
    for match in _TAG.finditer(text):
        if match[2].lower() in _NOT_NESTING:
            continue
        level = max(0, level - 1) if match[1] else level + 1
        if level > PARSER_DEPTH:
            return True
    return False


def flattened_page(text: str) -> str:
    """The page with the tags nested deeper than FLATTEN_DEPTH taken out, their text kept."""
    return _flattened(text, FLATTEN_DEPTH)


def _reference(match: re.Match[str]) -> str:
    code = int(match[1], 16) if match[1] else int(match[2])
    return match[0] if xml_compatible(chr(code)) == chr(code) else " "


def _flattened(text: str, depth: int) -> str:
    """The text with the tags of elements nested deeper than `depth` taken out (what they
    hold stays, one level up)."""
    level = 0

    def tag(match: re.Match[str]) -> str:
        nonlocal level
        if match[2].lower() in _NOT_NESTING:
            return match[0]
        if match[1]:  # an end tag
            level = max(0, level - 1)
            return match[0] if level < depth else ""
        level += 1
        return match[0] if level <= depth else ""

    return _TAG.sub(tag, text)


@dataclass
class Block:
    text: str
    links: int  # characters of the text inside <a>
    owner: html.HtmlElement  # the innermost block element holding the text
    tag: str
    # A machine-readable time standing on the line (or just before it, on an element without
    # text): <time datetime>, or a data-* attribute named for a date ("" when none).
    stamp: str = ""

    @property
    def size(self) -> int:
        return len(self.text.replace(" ", ""))

    @property
    def link_density(self) -> float:
        return self.links / max(1, self.size)

    @property
    def is_link_list(self) -> bool:
        return self.link_density > LINK_DENSITY_LIMIT

    def value(self) -> float:
        """What the block adds to a container's claim to be the article."""
        if self.is_link_list:
            return -self.size
        if self.size < SHORT_BLOCK and not _PUNCTUATION.search(self.text):
            return 0.0
        return self.size * (1 - self.link_density)


def clean(tree: html.HtmlElement) -> None:
    """Remove what is never article text, in place: scripts, controls, hidden elements,
    HTML5 furniture, overlays and comment threads; then containers whose class or id names
    boilerplate, unless they hold most of the page's prose (a class says "widget", "tag-x" or
    "body-and-footer" around articles too)."""
    for element in list(tree.iter(*_DROP_TAGS, etree.Comment, etree.ProcessingInstruction)):
        _drop(element)
    for element in list(tree.iter()):
        hidden = isinstance(element.tag, str) and (
            _HIDDEN.search(element.get("style", ""))
            or element.get("hidden") is not None
            or not _HIDDEN_CLASSES.isdisjoint(element.get("class", "").split())
        )
        if hidden or (_NEVER_ARTICLE_ATTR.search(_attribute_words(element)) and not _holds_headline(element)):
            _drop(element)
    prose = _scores(blocks_of(tree), positive_only=True)
    total = max(prose.values(), default=0.0)  # the root's: all the page's prose
    for element in list(tree.iter()):
        if (
            _BOILERPLATE_ATTR.search(_attribute_words(element))
            and prose.get(element, 0.0) < total * MAX_BOILERPLATE_SHARE
        ):
            _drop(element)
    for cards in _teaser_lists(blocks_of(tree)):
        if sum(prose.get(card, 0.0) for card in cards) < total * MAX_BOILERPLATE_SHARE:
            for card in cards:
                _drop(card)


def _teaser_lists(blocks: list[Block]) -> list[list[html.HtmlElement]]:
    """Runs of sibling cards of one kind (teasers of other stories: a linked headline over a
    summary, a date, an author), found by their shape, whatever their class calls them."""
    inner: dict[html.HtmlElement, list[Block]] = {}  # the lines of nested block elements
    for block in blocks:
        for element in block.owner.iterancestors():  # a paragraph cut by <br> is no stack
            inner.setdefault(element, []).append(block)
    lists = []
    parents = {card.getparent() for card in inner if _is_card(inner[card])} - {None}
    for parent in parents:
        kinds: dict[tuple[str, str], list[html.HtmlElement]] = {}
        for child in parent:
            kinds.setdefault((child.tag, child.get("class", "")), []).append(child)
        lists += [
            group
            for group in kinds.values()
            if len(group) >= MIN_CARDS and all(_is_card(inner.get(card, [])) for card in group)
        ]
    return lists


def _is_card(blocks: list[Block]) -> bool:
    """Two or more lines inside an element, short together, one of them a link."""
    return len(blocks) >= 2 and sum(b.size for b in blocks) <= CARD_TEXT and any(b.is_link_list for b in blocks)


def blocks_of(tree: html.HtmlElement) -> list[Block]:
    """The page's text as a browser lays it out in lines, in document order."""
    blocks: list[Block] = []
    pieces: list[str] = []
    links = 0
    owners: list[html.HtmlElement] = [tree]
    in_link = 0
    stamp = ""

    def flush() -> None:
        nonlocal links, stamp
        text = " ".join("".join(pieces).split())
        if text:
            blocks.append(Block(text, links, owners[-1], owners[-1].tag, stamp))
            stamp = ""
        pieces.clear()
        links = 0

    def add(text: str | None) -> None:
        nonlocal links
        if text:
            pieces.append(text)
            links += len(text.replace(" ", "").strip()) if in_link else 0

    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS or tag == "br":
                flush()
            if tag in _BLOCK_TAGS:
                owners.append(element)
            if not stamp and tag:
                stamp = _stamp_of(element)
            in_link += tag == "a"
            add(element.text if tag else None)
        else:
            if tag in _BLOCK_TAGS:
                flush()
                owners.pop()
            in_link -= tag == "a"
            if element is not tree:
                add(element.tail)
    flush()
    return blocks


def _stamp_of(element: html.HtmlElement) -> str:
    """The machine time an element states: <time datetime>, or a data-* attribute named for a
    date or time holding one (data-date="2023-12-18", data-timestamp="1702900000")."""
    if element.tag == "time" and element.get("datetime"):
        return element.get("datetime").strip()
    for name, value in element.items():
        if (
            name.startswith("data-")
            and _STAMP_NAME.search(name)
            and not _NOT_FIRST.search(name)
            and _STAMP_VALUE.match(value.strip())
        ):
            return value.strip()
    return ""


def best_container(blocks: list[Block]) -> html.HtmlElement | None:
    """The element whose blocks add up to the most prose: the article's container. Of
    equal scores the innermost wins (a wrapper adds nothing)."""
    scores = _scores(blocks)
    if not scores:
        return None
    best = max(scores.values())
    return next(e for e in _deepest_first(scores) if scores[e] == best)


def _scores(blocks: list[Block], positive_only: bool = False) -> dict[html.HtmlElement, float]:
    """Each element's sum of the values of the blocks inside it."""
    scores: dict[html.HtmlElement, float] = {}
    for block in blocks:
        value = block.value()
        if value > 0 or (value and not positive_only):
            for element in _self_and_ancestors(block.owner):
                scores[element] = scores.get(element, 0.0) + value
    return scores


def main_blocks(blocks: list[Block], container: html.HtmlElement) -> list[Block]:
    """The article's paragraphs: the container's blocks without link lists, without the
    bylines, dates and share lines at either end."""
    inside = [b for b in blocks if _within(b.owner, container) and not b.is_link_list]
    inside = [b for b in inside[:LEAD_LINES] if not is_meta_line(b)] + inside[LEAD_LINES:]
    inside = inside[: _end_of_article(inside)]
    start, end = 0, len(inside)
    while start < end and (_edge_line(inside[start]) or _label_line(inside[start])):
        start += 1
    while end > start and (_edge_line(inside[end - 1]) or _orphan_heading(inside[end - 1])):
        end -= 1
    return [b for b in inside[start:end] if not _CLOSING_LINE.match(b.text) or b.size > EDGE_BLOCK]


def _end_of_article(blocks: list[Block]) -> int:
    """Where the article stops: at the first heading of related stories or recommendations
    after some prose, unless the prose goes on in the same container after it (a "Related"
    box set into the text)."""
    last_prose: Block | None = None
    for index, block in enumerate(blocks):
        if last_prose is not None and _after_article_heading(block):
            following = next((b for b in blocks[index + 1 :] if b.size > SHORT_BLOCK), None)
            text_container = last_prose.owner.getparent()
            if following is None or text_container is None or not _within(following.owner, text_container):
                return index
        if block.size > SHORT_BLOCK and block.tag not in _HEADINGS and not is_meta_line(block):
            last_prose = block  # a headline or dateline over a box set before the text is no prose
    return len(blocks)


def _after_article_heading(block: Block) -> bool:
    """ "Related", "More stories like this": a short line, or a heading of a few words (English
    headings run longer than the Chinese line limit)."""
    short = block.size <= AFTER_ARTICLE_LINE or (block.tag in _HEADINGS and block.size <= META_LINE)
    return short and bool(_AFTER_ARTICLE.search(block.text))


def _orphan_heading(block: Block) -> bool:
    """A heading with nothing after it closes no article: what it headed was a box removed as
    boilerplate (a list of other stories)."""
    return block.tag in _HEADINGS and block.size <= EDGE_BLOCK


def is_meta_line(block: Block) -> bool:
    """A byline or date line: short, with a date, time, byline label or counter, and not a
    sentence."""
    return (
        block.size <= META_LINE
        and bool(block.stamp or _META_MARK.search(block.text))
        and not _PROSE_END.search(block.text)
    )


def _label_line(block: Block) -> bool:
    """A line without a sentence in it: above an article's first paragraph, a headline,
    kicker, breadcrumb or site name."""
    return block.size <= META_LINE and not _SENTENCE_PUNCTUATION.search(block.text[:-1])


def _edge_line(block: Block) -> bool:
    """A short line at an article's edge that is furniture: a label without punctuation, a
    closing line, a site notice, or a line of digits and labels (dates, counts)."""
    if block.size > EDGE_BLOCK:
        return False
    if _CLOSING_LINE.match(block.text) or _SITE_NOTICE.search(block.text):
        return True
    if block.tag in ("h1", "h2", "h3") and block.size <= EDGE_BLOCK:
        return False
    return block.size < SHORT_BLOCK and not _SENTENCE_PUNCTUATION.search(block.text[:-1])


def _holds_headline(element: html.HtmlElement) -> bool:
    return next(element.iter("h1"), None) is not None


def _attribute_words(element: html.HtmlElement) -> str:
    """An element's class and id, lower case; "" for the page itself, for comments, and for
    <article> and <main>, whose tag says more than their class. Modifier classes say what
    an element holds or lacks, not what it is: "has-social-tools" is a byline with buttons."""
    if not isinstance(element.tag, str) or element.tag in ("body", "html", "article", "main"):
        return ""
    return _MODIFIER_CLASS.sub("", f"{element.get('class', '')} {element.get('id', '')}".lower())


def _drop(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _self_and_ancestors(element: html.HtmlElement) -> Iterator[html.HtmlElement]:
    yield element
    yield from element.iterancestors()


def _deepest_first(scores: dict[html.HtmlElement, float]) -> list[html.HtmlElement]:
    return sorted(scores, key=lambda e: -sum(1 for _ in e.iterancestors()))


def _within(element: html.HtmlElement, container: html.HtmlElement) -> bool:
    return element is container or any(a is container for a in element.iterancestors())
