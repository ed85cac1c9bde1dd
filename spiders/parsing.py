"""Shared parsing helpers: page sanity checks, text of elements (dates: pipelines.dates)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement
from parsel import Selector
from scrapy.http import Response, TextResponse

from pipelines.article import BrokenPage
from pipelines.charset import detect_encoding
from pipelines.main_text import flattened_page, nests_too_deep

# More tags than this: no article page (news pages hold a few thousand); parsing it alone
# would cost seconds and a gigabyte (README: "Hostile pages").
MAX_TAGS = 200_000
# More replacement characters than this share of the text: decoded with the wrong charset.
MAX_REPLACEMENT_SHARE = 0.002
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
CAPTCHA_MARKERS = (b"TCaptcha.js", b"/WafCaptcha", b"captcha.qq.com")

# Elements whose content is never article text: scripts, and the junk tags mirrors inject.
_NOT_TEXT = ("script", "style", "noscript", "noframes", "iframe", "template", "sub", "button", "form")
# A link that only invites to read on (">>>更多内容，点击阅读", "Read more »"): not article text.
_READ_ON = re.compile(
    r"(?:更多内容|更多|点击阅读|点击查看|阅读全文|查看全文|阅读原文|查看详情|详细内容|readmore|more)+"
)
_ARROWS = re.compile(r"[\s>»›→]+$")
_BLOCKS = (
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "table",
    "tr",
    "section",
    "article",
)


def paragraphs_of(container: Selector | None) -> list[str]:
    """The text of a body container, one string per paragraph: block elements and <br>
    separate paragraphs, white space inside one is collapsed. Read from the page's own parse
    (the tree is walked, not changed): left out are scripts and injected junk, a paragraph
    that is one link (a related headline), and links that only invite to read on, with the
    arrows before them."""
    root = container.root if container is not None else None
    if root is None or not _is_text(root) or _is_headline(root) or _is_read_on(root):
        return []
    chunks: list[str] = []
    _walk(root, chunks)
    lines = (" ".join(line.split()) for line in "".join(chunks).split("\n"))
    return [line for line in lines if line]


def _walk(element: HtmlElement, chunks: list[str]) -> None:
    """The text of an element's content into `chunks`, as the reader sees it."""
    block = element.tag in _BLOCKS
    if block:
        chunks.append("\n")
    if element.tag == "br":
        chunks.append("\n")
    last_text = None  # where in chunks the text just before the next child is, if any
    if element.text:
        last_text = len(chunks)
        chunks.append(element.text)
    for child in element:
        if _is_read_on(child) and last_text is not None:
            chunks[last_text] = _ARROWS.sub("", chunks[last_text])
        if _is_text(child) and not _is_headline(child) and not _is_read_on(child):
            _walk(child, chunks)
            last_text = None
        if child.tail:
            last_text = len(chunks)
            chunks.append(child.tail)
    if block:
        chunks.append("\n")


def _is_text(node: HtmlElement) -> bool:
    """An element whose content is read: not a comment, nor a script or other junk."""
    return isinstance(node.tag, str) and node.tag not in _NOT_TEXT


def _visible_text(element: HtmlElement) -> str:
    chunks: list[str] = []
    _walk(element, chunks)
    return "".join(chunks).replace("\n", "")


def _is_headline(node: HtmlElement) -> bool:
    """A paragraph that is one link and nothing else: a related headline, not article text."""
    if node.tag != "p":
        return False
    links = [link for link in node.iter("a") if not any(_junk_between(link, node))]
    if len(links) != 1:
        return False
    text = _visible_text(node).strip()
    return bool(text) and text == _visible_text(links[0]).strip()


def _junk_between(element: HtmlElement, top: HtmlElement) -> Iterator[bool]:
    """For each ancestor of `element` up to `top`: whether it is junk (its content unread)."""
    for ancestor in element.iterancestors():
        if ancestor is top:
            return
        yield not _is_text(ancestor)


def _is_read_on(node: HtmlElement) -> bool:
    return node.tag == "a" and bool(_READ_ON.fullmatch(re.sub(r"[\W_]+", "", _visible_text(node)).lower()))


def text_of(node: Selector) -> str:
    """All text inside an element, white space collapsed."""
    return " ".join("".join(node.xpath(".//text()").getall()).split())


def is_captcha(body: bytes) -> bool:
    """Whether a page is the sites' firewall captcha (Tencent's), whatever its status."""
    return any(marker in body for marker in CAPTCHA_MARKERS)


def decided(response: Response) -> Response:
    """The page decoded as `monitor extract` decodes a saved one: by the HTTP header's
    charset when it names one, else by its bytes (pipelines.charset), not by what its markup
    declares (declarations lie: valid UTF-8 labelled gbk, Big5 labelled latin1)."""
    if header_charset(response) or not isinstance(response, TextResponse):
        return response
    return response.replace(encoding=detect_encoding(response.body))


def within_parser_depth(response: TextResponse) -> TextResponse:
    """The page as the selectors can read it: elements nested deeper than the parser goes
    (it would drop the rest of the page) flattened, their text kept (pipelines.main_text)."""
    text = response.text
    if not nests_too_deep(text):
        return response
    return response.replace(body=flattened_page(text).encode("utf-8"), encoding="utf-8")


def content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1")


def header_charset(response: Response) -> str | None:
    found = _HEADER_CHARSET.search(content_type(response))
    return found.group(1) if found else None


def check_page(response: Response, fetched: bool = True) -> None:
    """Raise BrokenPage for a response that cannot be an intact article page. A page saved
    by other tools (`fetched=False`) is not held to ending with its closing tags: many
    saved copies lose them."""
    body = response.body
    if is_captcha(body):
        raise BrokenPage("captcha", "the site answered with a captcha page")
    if not isinstance(response, TextResponse):
        raise BrokenPage("not_html", content_type(response))
    tags = body.count(b"<")
    if tags > MAX_TAGS:
        raise BrokenPage("too_large", f"{tags:,} tags, more than a page's {MAX_TAGS:,}")
    tail = body[-4096:].lower()
    if fetched and b"</html>" not in tail and b"</body>" not in tail:
        raise BrokenPage("truncated", f"{len(body)} bytes, no closing </body> or </html>")
    text = response.text
    broken = text.count("\ufffd")
    if broken > max(3, len(text) * MAX_REPLACEMENT_SHARE):
        said = (
            f"as the HTTP header says ({header_charset(response)})"
            if header_charset(response)
            else "as its bytes read best"
        )
        raise BrokenPage("wrong_charset", f"{broken} characters undecodable as {response.encoding}, {said}")


def canonical_url(response: TextResponse) -> str:
    """The address the page declares as its own: its canonical link, else (a TRS CMS page,
    生态环境部's) its `Url` meta tag; else the address it was fetched from."""
    href = (
        response.css('link[rel="canonical"]::attr(href)').get() or response.css('meta[name="Url"]::attr(content)').get()
    )
    return response.urljoin(href.strip()) if href else response.url
