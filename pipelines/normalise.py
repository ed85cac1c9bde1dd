"""Normalise: mirror garbling out, widths folded, boilerplate out, a Simplified shadow kept."""

from __future__ import annotations

import re

from pipelines.article import Article, BrokenPage
from pipelines.charset import xml_compatible
from pipelines.chinese import HAN_RANGES, to_simplified

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = rf"[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*"
_HAN = HAN_RANGES
# Mirror sites paste the pinyin of a character right after it: 環(huán)保, 中國(guó).
PINYIN_INSERTION = re.compile(rf"(?<=[{_HAN}])\({_PINYIN}\)")
# ...and sometimes a mis-encoding eats the character and the bracket: 日?qǐng)?bào)機, 確?,F(xiàn)場.
BROKEN_PINYIN = re.compile(rf"\?(?:{_PINYIN}\)|[^{_HAN}\s]{{0,2}}\({_PINYIN}\))")
# Pinyin insertions in a text before it is treated as a mirror copy.
GARBLED_MIN_INSERTIONS = 3

# Paragraphs that are the sites' furniture, not the article (matched on Simplified text).
BOILERPLATE = re.compile(
    r"^(?:责任编辑\s*[:：]"
    r"|如需了解更多信息"
    r"|中国有色网声明"
    r"|凡注明文章来源为"
    r"|凡本网注明"
    r"|如需转载"
    r"|若据本文章操作"
    r"|For queries, please contact"
    r"|For more information on how to access our research reports"
    r"|SMM Events & Webinars"
    r"|For news cooperation, please contact us"
    r"|暂无简介|微信二维码|微信扫一扫|下载app|掌上有色|返回顶部"
    r"|The content below was translated by Tencent automatically"
    r")"
)

_FULLWIDTH_ALNUM = {
    **{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)},  # ０-９
    **{code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)},  # Ａ-Ｚ
    **{code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)},  # ａ-ｚ
    0x3000: 0x20,  # ideographic space
    0x00A0: 0x20,
}
_SPACES = re.compile(r"[ \t\r\f\v]+")


def fold_width(text: str) -> str:
    """Full-width letters, digits and spaces to half-width. Chinese punctuation (，：) stays:
    it is the text's own, and folding it would change what the original says. Control
    characters and lone surrogates (from a page's JSON, a spider's selectors) go: no text
    field, index or encoder takes them."""
    return _SPACES.sub(" ", xml_compatible(text).translate(_FULLWIDTH_ALNUM)).strip()


def remove_pinyin(text: str) -> str:
    return PINYIN_INSERTION.sub("", BROKEN_PINYIN.sub("", text))


def count_pinyin(text: str) -> int:
    return len(PINYIN_INSERTION.findall(text)) + len(BROKEN_PINYIN.findall(text))


def is_boilerplate(paragraph: str) -> bool:
    return bool(BOILERPLATE.match(to_simplified(paragraph)))


# Caps on what one article may hold (README: "Hostile pages"). Every stage after this one is
# linear in its text, so these bound the work one page costs; no news article comes near.
MAX_BODY_CHARS = 500_000  # more text than this: not an article (a dump, a book, an attack)
MAX_TITLE_CHARS = 500  # a longer title is cut here


def normalise(article: Article) -> Article:
    size = sum(len(p) for p in article.paragraphs)
    if size > MAX_BODY_CHARS:
        raise BrokenPage("too_large", f"{size:,} characters of text, more than an article's {MAX_BODY_CHARS:,}")
    article.title = article.title[:MAX_TITLE_CHARS]
    raw_text = article.title + "\n".join(article.paragraphs)
    article.garbled = count_pinyin(raw_text) >= GARBLED_MIN_INSERTIONS
    clean = remove_pinyin if article.garbled else (lambda text: text)
    article.title = fold_width(clean(article.title))
    paragraphs = (fold_width(clean(p)) for p in article.paragraphs)
    article.paragraphs = [p for p in paragraphs if p and not is_boilerplate(p)]
    if not article.paragraphs:
        raise BrokenPage("empty_body", "no text besides boilerplate")
    article.body = "\n".join(article.paragraphs)
    article.author = fold_width(clean(article.author))
    article.source = fold_width(clean(article.source))
    article.category = fold_width(clean(article.category))
    article.editor = fold_width(clean(article.editor))
    title_s, body_s = to_simplified(article.title), to_simplified(article.body)
    article.title_simplified = title_s if title_s != article.title else None
    article.body_simplified = body_s if body_s != article.body else None
    return article
