"""Pages nobody tuned for, made hostile on purpose: control characters (raw, as references,
in JSON-LD), NUL bytes, lone surrogates and invalid UTF-8, unclosed tags, 100,000-deep
nesting, 10 MB of text. Each gives an article or a BrokenPage with a reason, never another
exception; generated pages (a property test) hold the same promise."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.cli import main
from monitor.extract import MAX_PAGE_BYTES, extract_file, extract_page
from pipelines.article import CHINA_TZ, Article, BrokenPage
from pipelines.charset import detect_encoding, xml_compatible
from pipelines.main_text import parse_page

FETCHED = datetime(2024, 5, 1, 12, 0, tzinfo=CHINA_TZ)
URL = "https://news.example.org/2024/04/30/story.html"
TITLE = "Copper smelters agree on a cut in output"
FIRST = "Copper smelters in the region agreed on Tuesday to cut their output by a tenth, the association said."
SECOND = "The cut follows a fall in treatment charges that left several plants running at a loss this spring."
ZH_TITLE = "铜冶炼企业联合减产"
ZH_TEXT = "国内主要铜冶炼企业周二在行业会议上达成一致，决定自下月起联合减产一成，以应对加工费持续下滑带来的亏损压力。"


def page(*paragraphs: str, title: str = TITLE, head: str = "") -> str:
    inner = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title>{head}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{inner}</article><footer>© Example News</footer></body></html>"
    )


def extract(html: str | bytes, url: str = URL) -> Article:
    return extract_page(html.encode() if isinstance(html, str) else html, url, fetched_at=FETCHED)


# --- control characters ---


def test_a_raw_control_character_where_a_dropped_element_leaves_its_tail():
    """The held-out crash: U+0014 in text that follows a removed element (its tail is joined
    to the text before it, and lxml refuses to set a string holding a control character)."""
    article = extract(page(f"{FIRST[:40]}<script>var x = 1;</script>{FIRST[40:]} \x14 with a dash", SECOND))
    assert article.title == TITLE
    assert article.body == f"{FIRST} with a dash\n{SECOND}"


def test_nul_bytes_anywhere():
    raw = page(f"Cop\x00per {FIRST[7:]}", SECOND, title="Copper smelters agree\x00 on a cut in output").encode()
    article = extract(raw.replace(b"<html>", b"\x00<html>\x00"))
    assert article.title == TITLE
    assert article.body == f"{FIRST}\n{SECOND}"


def test_every_c0_control_character_raw_and_as_references():
    controls = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
    references = "".join(f"&#{c};" for c in range(1, 32)) + "&#x14;&#X1f;&#0;&#xFFFE;"
    article = extract(
        page(
            f"{FIRST}{controls}",
            f"{SECOND}<span title='a\x14b'>{references}</span>",
            head="<meta name='description' content='\x01\x02'><meta name='author' content='Li\x14 Wei'>",
        )
    )
    assert article.title == TITLE
    assert article.author == "Li Wei"
    # Vertical tab and form feed are white space (one space); &#0; is U+FFFD, as in browsers.
    first, second = article.body.split("\n")
    assert first == FIRST
    assert second.startswith(SECOND) and set(second[len(SECOND) :]) <= {" ", "\t", "\ufffd"}


def test_control_characters_and_lone_surrogates_in_json_ld():
    ld = {
        "@type": "NewsArticle",
        "headline": "Copper smelters agree on a cut\u0014 in output\ud800",
        "author": {"@type": "Person", "name": "Li\u0000 Wei"},
        "datePublished": "2024-04-30T09:00:00+08:00",
    }
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = extract(page(FIRST, SECOND, head=script))
    assert (article.title, article.author) == (TITLE, "Li Wei")
    assert article.published_at == datetime(2024, 4, 30, 9, 0, tzinfo=CHINA_TZ)
    assert article.body == f"{FIRST}\n{SECOND}"
    json.dumps(article.summary(), ensure_ascii=False).encode("utf-8")  # printable


def test_xml_compatible():
    assert xml_compatible("a\x00b\x14c\x0bd\x0ce\ud800f\ufffeg\uffffh\ti\nj\rk\x7f") == "abc d efgh\ti\nj\rk\x7f"
    assert xml_compatible("plain") == "plain"


# --- broken bytes ---


def test_invalid_utf8_in_a_utf8_page_costs_only_its_bytes():
    """A stray byte, a multi-byte character cut short and an encoded surrogate in a UTF-8
    page: those bytes read as U+FFFD, the rest as UTF-8 (not the whole page as cp1252)."""
    text = ZH_TEXT * 30  # 5 broken characters in 3,400: under check_page's 0.2% of U+FFFD
    raw = page(text, text, title=ZH_TITLE).encode()
    broken = raw.replace("亏损".encode(), b"\xff", 1).replace("压力".encode(), "压力".encode()[:4], 1)
    broken = broken.replace("加工费".encode(), b"\xed\xa0\x80", 1)  # a surrogate, UTF-8-encoded
    assert detect_encoding(broken) == "utf-8"
    article = extract(broken, "")
    assert article.title == ZH_TITLE
    first = text.replace("亏损", "\ufffd", 1).replace("压力", "压\ufffd", 1).replace("加工费", "\ufffd" * 3, 1)
    assert article.body == f"{first}\n{text}"


def test_latin1_bytes_without_a_declaration_stay_windows_1252():
    raw = page("Caf\xe9 owners said prices rose \x97 again \x96 this spring, a sentence.").encode("latin-1")
    assert detect_encoding(raw) == "cp1252"
    assert extract(raw).body == "Café owners said prices rose — again – this spring, a sentence."


def test_a_page_of_mojibake_is_a_broken_page():
    gbk = page(ZH_TEXT * 3, title=ZH_TITLE).replace("©", "").encode("gbk")
    with pytest.raises(BrokenPage) as refused:
        extract_page(gbk, "", encoding="utf-8", fetched_at=FETCHED)
    assert refused.value.reason == "wrong_charset"


# --- broken markup ---


def test_unclosed_tags():
    raw = f"<html><head><title>{TITLE}</title><body><div><h1>{TITLE}<p>{FIRST}<p>{SECOND[:30]}<b>{SECOND[30:60]}<i>{SECOND[60:]}"
    article = extract(raw)
    assert article.title == TITLE
    assert article.body == f"{FIRST}\n{SECOND}"


def test_no_element_at_all():
    with pytest.raises(BrokenPage) as refused:
        extract("<!-- nothing but a comment -->")
    assert refused.value.reason in ("empty_page", "empty_body")


@pytest.mark.parametrize("tag", ["div", "span", "font", "table"])
def test_50000_deep_nesting_keeps_the_text_inside_and_after(tag):
    """libxml2 stops at 256 levels and drops the rest of the page: the page is parsed again
    with the markup below FLATTEN_DEPTH flattened, the text kept."""
    deep = f"<{tag}>" * 50_000 + SECOND + f"</{tag}>" * 50_000
    article = extract(page(FIRST, title=TITLE).replace("</article>", f"{deep}<p>{FIRST}</p></article>"))
    assert article.body == f"{FIRST}\n{SECOND}\n{FIRST}"


def test_100000_deep_nesting_is_refused_before_parsing():
    deep = "<div>" * 100_000 + SECOND + "</div>" * 100_000
    with pytest.raises(BrokenPage) as refused:
        extract(page(FIRST, title=TITLE).replace("</article>", f"{deep}</article>"))
    assert str(refused.value) == "too_large: 200,020 tags, more than a page's 200,000"


def test_100000_unclosed_inline_tags():
    raw = page(FIRST, " <b>".join(SECOND.split(" ")) + "<b>" * 100_000 + " and so on.")
    assert extract(raw).body == f"{FIRST}\n{SECOND} and so on."


def test_parse_page_flattens_only_what_the_parser_cannot_hold():
    shallow = parse_page("<div>" * 100 + "x")
    assert max(len(list(e.iterancestors())) for e in shallow.iter()) == 101  # html, body, 100 divs
    deep = parse_page("<div>" * 100_000 + "x")
    assert deep.text_content() == "x"
    assert max(len(list(e.iterancestors())) for e in deep.iter()) < 256


def test_deeply_nested_json_ld():
    arrays = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    nested = "[" * 900 + '"Li Wei"' + "]" * 900
    author = f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{TITLE}", "author": {nested}}}</script>'
    article = extract(page(FIRST, SECOND, head=arrays + author))
    assert article.body == f"{FIRST}\n{SECOND}"
    assert article.author == ""  # nested deeper than any metadata: not read


def test_json_ld_article_body_without_an_element():
    ld = json.dumps({"@type": "NewsArticle", "headline": TITLE, "articleBody": "<!-- " + "x" * 400 + " -->"})
    article = extract(page(FIRST, SECOND, head=f'<script type="application/ld+json">{ld}</script>'))
    assert article.body == f"{FIRST}\n{SECOND}"


# --- size ---


def test_ten_megabytes_of_text_in_one_text_node():
    """Over libxml2's 10 MB text-node limit (it would drop the node and the rest of the
    page): read whole, then refused as no article (every text stage would take seconds on it)."""
    words = "copper " * 1_500_000  # 10.5 MB
    raw = f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><p>{FIRST}</p><p>{words}</p></body></html>"
    with pytest.raises(BrokenPage) as refused:
        extract(raw)
    assert str(refused.value) == "too_large: 10,500,100 characters of text, more than an article's 500,000"


def test_a_million_elements_are_refused_before_parsing():
    raw = (
        f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
        + "<p>督察整改</p>" * 1_000_000
        + "</body></html>"
    )
    with pytest.raises(BrokenPage) as refused:
        extract(raw)
    assert str(refused.value) == "too_large: 2,000,010 tags, more than a page's 200,000"


def test_a_title_of_a_megabyte_is_cut():
    huge = "督察" * 500_000
    article = extract(page(FIRST, SECOND, title=huge))
    assert article.title == huge[:500]


def test_an_inline_image_of_11_megabytes_before_the_article():
    """An attribute over libxml2's 10 MB limit: it used to drop the rest of the page."""
    image = '<img src="data:image/png;base64,' + "A" * 11_000_000 + '">'
    article = extract(page(FIRST, SECOND).replace("<article>", image + "<article>"))
    assert (article.title, article.body) == (TITLE, f"{FIRST}\n{SECOND}")


def test_a_file_larger_than_a_crawl_downloads_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.html"
    with huge.open("wb") as file:
        file.truncate(MAX_PAGE_BYTES + 1)  # sparse: nothing written
    with pytest.raises(BrokenPage) as refused:
        extract_file(huge, "")
    assert str(refused.value) == f"too_large: {huge} holds more than 16,777,216 bytes (what a crawl downloads at most)"


# --- the command ---


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "monitor: empty_page: {path} is empty\n"),
        (b"\x00\x00\x14\x1b", "monitor: empty_page: no HTML document in the file (Document is empty)\n"),
        (b"<html><body><div>" * 1000, "monitor: empty_body: no article text found on the page\n"),
    ],
)
def test_the_command_prints_one_line_for_a_page_it_cannot_extract(tmp_path, capsys, content, expected):
    path = tmp_path / "page.html"
    path.write_bytes(content)
    assert main(["extract", str(path), "--url", ""]) == 2
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == ("", expected.format(path=path))


def test_the_command_prints_a_hostile_page(tmp_path, capsys):
    path = tmp_path / "page.html"
    path.write_bytes(
        page(f"{FIRST}\x14\x00", f"{SECOND}&#x14;", head='<meta name="author" content="Li\ud800 Wei">').encode(
            "utf-8", "surrogatepass"
        )
    )
    assert main(["extract", str(path), "--url", URL, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["title"], printed["body"]) == (TITLE, f"{FIRST}\n{SECOND}")


# --- generated pages ---

# Common tags, and those the extractor removes (their text after them, their tail, is joined to
# the text before: where a control character used to crash it) more often than others.
_TAGS = [
    "div",
    "p",
    "span",
    "a",
    "b",
    "article",
    "section",
    "h1",
    "h2",
    "li",
    "ul",
    "table",
    "td",
    "br",
    "img",
    "font",
    "time",
    "meta",
    "title",
    "header",
    "main",
    "pre",
]
_REMOVED = ["script", "style", "nav", "footer", "aside", "noscript", "iframe", "figcaption", "button", "svg"]
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        ["class", "id", "style", "href", "datetime", "content", "name", "property", "data-date", "itemprop"]
    ),
    st.one_of(
        st.sampled_from(
            [
                "share",
                "comments",
                "related-news",
                "sidebar",
                "display:none",
                "og:title",
                "author",
                "datePublished",
                "2024-04-30T09:00:00+08:00",
                "article-body",
                "byline",
            ]
        ),
        st.text(max_size=12),
    ),
    max_size=3,
)
_TEXT = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),  # any character but a surrogate
        st.sampled_from("\x00\x01\x08\x0b\x0c\x14\x1f\x7f\ufffe\uffff\ud800\udfff<>&;#\"'/ ，。、“”"),
        st.sampled_from(
            [
                "&#x14;",
                "&#1;",
                "&#xD800;",
                "&#99999999999;",
                "&amp;",
                "&nbsp;",
                "<!--",
                "-->",
                "<![CDATA[",
                "2024-04-30 09:00",
                "2024年4月30日",
                "3小时前",
                "记者 王明",
                "By Li Wei",
                "来源：新华社",
                "Copper prices rose again this week, traders said. ",
                "铜价本周继续上涨，市场人士表示。",
            ]
        ),
    ),
    max_size=12,
).map("".join)


@st.composite
def markup(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_TAGS) | st.sampled_from(_REMOVED))
    attributes = "".join(f' {name}="{value}"' for name, value in draw(_ATTRIBUTES).items())
    children = draw(st.lists(_TEXT | markup(depth + 1), max_size=4)) if depth < 6 else [draw(_TEXT)]
    closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))  # a third left open
    return f"<{tag}{attributes}>{''.join(children)}{closing}"


@st.composite
def pages(draw) -> bytes:
    head = "".join(draw(st.lists(markup(4), max_size=2)))
    body = "".join(draw(st.lists(_TEXT | markup(), min_size=1, max_size=5)))
    text = f"<html><head>{head}</head><body>{body}</body></html>"
    encoded = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:  # invalid UTF-8 somewhere
        at = draw(st.integers(0, len(encoded)))
        encoded = encoded[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"])) + encoded[at:]
    return encoded


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=pages(), url=st.sampled_from(["", URL, "https://例子.中国/新闻/1"]))
def test_generated_pages_give_an_article_or_a_broken_page(raw, url):
    try:
        article = extract_page(raw, url, fetched_at=FETCHED)
    except BrokenPage as broken:
        assert broken.reason
        return
    assert isinstance(article, Article)
    json.dumps(article.summary(), ensure_ascii=False).encode("utf-8")  # what the command prints
