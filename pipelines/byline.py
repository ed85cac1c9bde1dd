"""Bylines: who wrote an article and where it comes from, read from the short lines around
its title (来源：新华网 作者：张三, "By Jane Doe and John Roe").

Chinese bylines are labelled; one line often holds several labels, a date and a view count,
so a value runs from its label to the next label, date or separator."""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from itertools import pairwise

# Label -> the field it fills. Longer labels first so 责任编辑 is not read as 编辑.
_CN_LABELS = {
    "责任编辑": "editor", "責任編輯": "editor", "编辑": "editor", "編輯": "editor", "编者": "editor",
    "作者": "author", "记者": "author", "記者": "author", "撰文": "author", "撰稿": "author",
    "撰稿人": "author", "执笔人": "author", "执笔": "author", "撰写": "author", "通讯员": "author", "通訊員": "author", "文": "author", "文图": "author",
    "文/图": "author", "口述": "author", "发布者": "author", "发布人": "author", "发稿人": "author",
    "来源": "source", "來源": "source", "稿源": "source", "出处": "source", "出處": "source",
    "转载自": "source", "供稿": "source", "信息来源": "source", "文章来源": "source", "新闻来源": "source",
}
_LABEL = "|".join(sorted(map(re.escape, _CN_LABELS), key=len, reverse=True))
# A label opens a value when a colon or slash follows it; 记者/通讯员 also without one
# ("本报记者 张三"), since those words are always followed by a name in a byline.
_CN_FIELD = re.compile(
    rf"(?<![\u4e00-\u9fff])(?:本报|本台|本刊|特约)?(?P<label>{_LABEL})\s*[:：/｜|]\s*"
    r"|(?:本报|本台|本刊|特约|实习|见习)?(?P<bare>记者|記者|通讯员|通訊員)\s*(?=[\u4e00-\u9fff])"
)
# Where a value ends: another label, a date, a time, a bracket, a separator, a counter.
_VALUE_END = re.compile(
    rf"(?:{_LABEL})\s*[:：/]|\d{{4}}\s*[年/.-]|\d{{1,2}}\s*月|\d{{1,2}}:\d{{2}}|[|｜【\[()（）<>《》]|\s{{2,}}"
    r"|发布时间|發布時間|发表时间|时间\s*[:：]|日期\s*[:：]|点击|點擊|浏览|瀏覽|阅读|閱讀|字号|字體|分享|评论|打印|关闭"
    r"|发自|發自|摄|攝"
)
# A forum or blog poster: "name 发表于 2005-9-15".
_POSTER = re.compile(r"(?:^|\s)(?P<name>[\w\u4e00-\u9fff]{2,20})\s*(?:发表于|發表於|发表在|posted (?:on|at))", re.IGNORECASE)
# A name in brackets on a date line: "2004年7月16日08:19 [ 黄宇 ] 来源：..."
_BRACKETED_NAME = re.compile(r"[\[【]\s*([\u4e00-\u9fff]{2,4}(?:[\s、]+[\u4e00-\u9fff]{2,4}){0,3})\s*[\]】]")
_HAS_DATE = re.compile(r"\d{4}\s*[年/.-]\s*\d{1,2}")
# Names alone on a line: "胡平", "赵延东、风笑天", "常书香 马丹阳".
_NAMES_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?(?:\s*[\s、,，]\s*[\u4e00-\u9fff]{2,4}){0,5}$")
# Words that make a short line an outlet, section or label rather than a person.
_NOT_PERSON = re.compile(
    r"网|網|报|報|社|新闻|新聞|频道|頻道|首页|首頁|专题|專題|栏目|欄目|中心|正文|评论|評論|推荐|分享|阅读|登录|注册"
    r"|打印|显示|顯示|本页|收藏|关闭|關閉|返回|论坛|論壇|更多|查看|微博|微信|空间|空間"
)
# The dateline credit opening a report: 据新华社拉萨电（记者 格桑边觉）, （中央社記者邱俊欽桃園19日電）.
_DATELINE_CREDIT = re.compile(r"[（(][^（()）]{0,12}?(?:记者|記者|通讯员|通訊員)\s*(?P<inner>[^（()）]{2,40})[)）]")
_DATELINE_PLACE = re.compile(r"[\u4e00-\u9fff]{0,2}\d{1,2}日\s*[电電].*$")
DATELINE_REACH = 80  # characters into the first paragraph where the dateline stands
BARE_LABEL_LINE = 40
_SENTENCE = re.compile(r"[，。！？]")  # 记者 without a colon names someone only in a short byline line
# The credit that closes many Chinese reports: "……。（常书香 马丹阳）", "（记者 张三）".
# The place may follow the names: "（姚峰 上海报道）".
_CLOSING_CREDIT = re.compile(
    r"[（(]\s*(?:(?:本报)?记者|記者|文|通讯员)?\s*[:：]?\s*"
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:[\s、]+(?!\w{2}(?:报道|報導))[\u4e00-\u9fff]{2,4}){0,4})"
    r"(?:\s+[\u4e00-\u9fff]{2,4}(?:报道|報導))?\s*[)）]\s*$"
)
# A person's name in Chinese: two to four Han characters (a Han dot in transliterations).
_CN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?")
# A notice's signature: the issuing body on its own line, then the date alone (落款).
_ISSUER = re.compile(r"^[\u4e00-\u9fff]{2,20}(?:政府|委员会|委員會|办公厅|辦公廳|办公室|辦公室|局|厅|廳|部|院|署|会|會|中心|公司)$")
_DATE_ONLY = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_NAME_WORD = r"[A-Z][\w'’.-]*"
_EN_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:van|von|de|der|da|di|del|la|le|bin|al)\s+)?{_NAME_WORD}){{0,3}}"
_EN_BYLINE = re.compile(
    rf"^\W*[Bb][Yy]:?\s+(?P<names>{_EN_NAME}(?:\s*(?:,|\band\b|&)\s*{_EN_NAME})*)"
)
# Words that end an English byline's names: roles and outlets are not people.
_EN_NOT_NAME = re.compile(
    r"\s*(?:,|\b(?:and|&))?\s*\b(?:Updated|Published|Posted|Staff|Reporter|Correspondent|Editor|Writer|Contributor|"
    r"Associated Press|Reuters|AP|AFP|Bloomberg|CNN|for|in|on|at|via|The)\b.*$"
)
_NAME_JOINERS = re.compile(r"\s+(?:and|&)\s+|\s*[;，、]\s*(?=[A-Z])")  # "A and B" -> "A, B"
MAX_BYLINE_LENGTH = 200  # longer blocks are prose: a name-like phrase there is no byline


def chinese_byline(text: str) -> dict[str, str]:
    """The labelled values in one line: {"author": ..., "source": ..., "editor": ...}, the
    first of each."""
    text = unicodedata.normalize("NFKC", text)
    fields: dict[str, str] = {}
    for found in _CN_FIELD.finditer(text):
        if found["bare"] and (len(text) > BARE_LABEL_LINE or _SENTENCE.search(text)):
            continue
        kind = _CN_LABELS[found["label"]] if found["label"] else "author"
        rest = text[found.end():].lstrip(" [【")  # 来源：[ 国际金融报 ]
        end = _VALUE_END.search(rest)
        value = _tidy(rest[: end.start()] if end else rest)
        if found["bare"]:  # no colon: take only the names themselves
            value = " ".join(_CN_NAME.findall(value)[:4])
        if value and kind not in fields and _plausible_value(value):
            fields[kind] = value
    if "author" not in fields:
        found = _POSTER.search(text) or (_BRACKETED_NAME.search(text) if _HAS_DATE.search(text) else None)
        if found and not _NOT_PERSON.search(found.group(1)):  # [ 人民网 ] is the outlet
            fields["author"] = _tidy(found.group(1))
    return fields


def names_line(text: str) -> str:
    """The names of a line that holds nothing but Chinese personal names (the author line
    under a headline)."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text if _NAMES_ONLY.match(text) and not _NOT_PERSON.search(text) else ""


def dateline_credit(text: str) -> str:
    """The reporters a report's dateline names, at the start of its first paragraph."""
    found = _DATELINE_CREDIT.search(unicodedata.normalize("NFKC", text)[:DATELINE_REACH])
    if not found:
        return ""
    names = _CN_NAME.findall(_DATELINE_PLACE.sub("", found["inner"]))
    return " ".join(names[:5])


def closing_credit(text: str) -> str:
    """The reporters named in brackets at the very end of a paragraph."""
    found = _CLOSING_CREDIT.search(unicodedata.normalize("NFKC", text))
    return _tidy(found["names"]) if found and not _NOT_PERSON.search(found["names"]) else ""


def signature(lines: list[str]) -> str:
    """The body that issued a notice, from its signature at the close: "吉林省人民政府" on
    a line, its date alone on the next."""
    lines = [unicodedata.normalize("NFKC", line).strip() for line in lines]
    return next((a for a, b in pairwise(lines) if _ISSUER.match(a) and _DATE_ONLY.match(b)), "")


def english_byline(text: str) -> str:
    """The names after "By" in a byline line, without roles or outlets."""
    if len(text) > MAX_BYLINE_LENGTH:
        return ""
    found = _EN_BYLINE.search(text)
    if not found:
        return ""
    return clean_author(_EN_NOT_NAME.sub("", found["names"]))


def clean_author(value: str) -> str:
    """An author as a meta tag or JSON-LD gives it: no "By", no profile URL, no e-mail."""
    value = re.sub(r"^\s*[Bb]y:?\s+", "", unescape(value).strip())
    # A URL, a handle, or a template's empty name before ", Outlet": no author.
    if re.match(r"https?://|www\.|,", value) or "@" in value and " " not in value:
        return ""
    return _tidy(_NAME_JOINERS.sub(", ", value))


def _plausible_value(value: str) -> bool:
    """A byline value is a name or an outlet: short, with letters, not a sentence, and not
    a broken template's markup (作者： size="20")."""
    return len(value) <= 40 and any(ch.isalpha() for ch in value) and not re.search(r"[。！？=\"<>]", value)


def _tidy(value: str) -> str:
    return " ".join(value.split()).strip(" ,，、;；:：.-—|/[]【】")
