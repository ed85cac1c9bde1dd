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
    "责任编辑": "editor",
    "責任編輯": "editor",
    "编辑": "editor",
    "編輯": "editor",
    "编者": "editor",
    "作者": "author",
    "记者": "author",
    "記者": "author",
    "撰文": "author",
    "撰稿": "author",
    "撰稿人": "author",
    "执笔人": "author",
    "执笔": "author",
    "撰写": "author",
    "通讯员": "author",
    "通訊員": "author",
    "文": "author",
    "文图": "author",
    "文/图": "author",
    "口述": "author",
    "发布者": "author",
    "发布人": "author",
    "发稿人": "author",
    "来源": "source",
    "來源": "source",
    "稿源": "source",
    "出处": "source",
    "出處": "source",
    "转载自": "source",
    "供稿": "source",
    "信息来源": "source",
    "文章来源": "source",
    "新闻来源": "source",
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
_POSTER = re.compile(
    r"(?:^|\s)(?P<name>[\w\u4e00-\u9fff]{2,20})\s*(?:发表于|發表於|发表在|posted (?:on|at))", re.IGNORECASE
)
# The poster of a forum thread or blog post: "本贴由 X 于 2010-05-01 发表", "posted by X".
_POSTED_BY = re.compile(
    r"(?:本贴|本帖|本文|此文|该文|該文|此帖)?由\s*(?P<name>[\w\u4e00-\u9fff.·\-]{2,20}?)\s*(?:于|於)\s*.{0,40}?(?:发表|發表|发布|發布|上传|上傳|发帖|發帖)"
    r"|(?:^\W*|(?:posted|written|submitted)\s+)by\s*[:：]?\s*(?P<name2>[\w\u4e00-\u9fff.·\-]{2,20})"
    r"(?=\s*(?:$|\d|[|｜@(（,，]|于|於|发表|發表)|\s+(?:on|at)\b)",
    re.IGNORECASE,
)
# A name in brackets on a date line: "2004年7月16日08:19 [ 黄宇 ] 来源：..."
_BRACKETED_NAME = re.compile(r"[\[【]\s*([\u4e00-\u9fff]{2,4}(?:[\s、]+[\u4e00-\u9fff]{2,4}){0,3})\s*[\]】]")
_HAS_DATE = re.compile(r"\d{4}\s*[年/.-]\s*\d{1,2}")
# Names alone on a line: "胡平", "赵延东、风笑天", "常书香 马丹阳".
_NAMES_ONLY = re.compile(
    r"^[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?(?:\s*[\s、,，]\s*[\u4e00-\u9fff]{2,4}){0,5}$"
)
# Words that make a short line an outlet, section or label rather than a person.
_NOT_PERSON = re.compile(
    r"网|網|报|報|社|新闻|新聞|频道|頻道|首页|首頁|专题|專題|栏目|欄目|中心|正文|评论|評論|推荐|分享|阅读|登录|注册"
    r"|打印|显示|顯示|本页|收藏|关闭|關閉|返回|论坛|論壇|更多|查看|微博|微信|空间|空間"
)
# Family names: the common single-character ones (Simplified and Traditional forms) and the
# compound ones; a two-to-four-character "name" opening with anything else is a word.
_SURNAMES = frozenset(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘"
    "于於蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付傅方白邹鄒孟熊秦邱江尹薛闫閆"
    "段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊"
    "聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂塗成苗谷盛曲翁冉骆駱蓝藍"
    "路游辛靳管柴蒙鲍鮑华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑"
    "景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師和仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏"
    "明佘池查麻苑迟遲邝鄺官封谈談匡鞠惠荆荊乐樂冀郁胥南班储儲原栗燕楚鄢劳勞谌諶奚皮粟冼蓝郜双雙风風扈花银銀晋晉滑"
    "蔺藺鄂戈仝逄练練初洪昌阎閻茅习習侯"
)
_COMPOUND_SURNAMES = frozenset(
    (
        "欧阳",
        "歐陽",
        "司马",
        "司馬",
        "上官",
        "诸葛",
        "諸葛",
        "东方",
        "東方",
        "皇甫",
        "令狐",
        "公孙",
        "公孫",
        "慕容",
        "尉迟",
        "尉遲",
        "长孙",
        "長孫",
        "宇文",
        "司徒",
        "夏侯",
        "端木",
        "独孤",
        "獨孤",
        "澹台",
        "轩辕",
        "軒轅",
    )
)
# Words of a page's interface, footer or ads that are as short as a name.
_INTERFACE = re.compile(
    r"关注|關注|订阅|訂閱|搜索|搜尋|转寄|轉寄|转发|轉發|共享|字号|字號|小字|大字|放大|缩小|縮小|打印|列印|登录|登錄|注册|註冊|"
    r"点赞|點讚|收藏|举报|舉報|复制|複製|链接|鏈接|下载|下載|客户端|客戶端|扫码|掃碼|二维码|二維碼|训练营|訓練營|会员|會員|"
    r"风格|風格|皮肤|皮膚|换肤|換膚|资料图|資料圖|图片|圖片|议程|議程|通史|目录|目錄|首页|首頁|上一|下一|返回|留言|回复|回覆|广告|廣告"
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
    r"[（(]\s*(?:(?:本报)?记者|記者|文|通讯员|通訊員)?\s*[:：]?\s*"
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:[\s、]+(?!\w{2}(?:报道|報導))[\u4e00-\u9fff]{2,4}){0,4})"
    r"(?:\s*[\s/／]\s*[\u4e00-\u9fff]{0,6}(?:报道|報導))?\s*[)）]\s*$"
)
# A photo's credit: the photographer, not the writer ("林某攝", "（张三 摄）").
_PHOTO_CREDIT = re.compile(r"[摄攝]\s*(?:影)?\s*$")
# A person's name in Chinese: two to four Han characters (a Han dot in transliterations).
_CN_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?")
# A notice's signature: the issuing body on its own line, then the date alone (落款).
_ISSUER = re.compile(
    r"^[\u4e00-\u9fff]{2,20}(?:政府|委员会|委員會|办公厅|辦公廳|办公室|辦公室|局|厅|廳|部|院|署|会|會|中心|公司)$"
)
_DATE_ONLY = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_NAME_WORD = r"[A-Z][\w'’.-]*"
_EN_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:van|von|de|der|da|di|del|la|le|bin|al)\s+)?{_NAME_WORD}){{0,3}}"
_EN_BYLINE = re.compile(rf"^\W*[Bb][Yy]:?\s+(?P<names>{_EN_NAME}(?:\s*(?:,|\band\b|&)\s*{_EN_NAME})*)")
# Words that end an English byline's names: roles and outlets are not people.
_EN_NOT_NAME = re.compile(
    r"\s*(?:,|\b(?:and|&))?\s*\b(?:Updated|Published|Posted|Staff|Reporter|Correspondent|Editor|Writer|Contributor|"
    r"Associated Press|Reuters|AP|AFP|Bloomberg|CNN|for|in|on|at|via|The)\b.*$"
)
_NAME_JOINERS = re.compile(r"\s+(?:and|&)\s+|\s*[;，、]\s*(?=[A-Z])")  # "A and B" -> "A, B"
MAX_POSTER_LINE = 100  # characters: a poster's line is short
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
        rest = text[found.end() :].lstrip(" [【")  # 来源：[ 国际金融报 ]
        end = _VALUE_END.search(rest)
        value = _tidy(rest[: end.start()] if end else rest)
        if found["bare"]:  # no colon: take only the names themselves
            value = " ".join(_CN_NAME.findall(value)[:4])
        elif kind == "author":
            value = _person_value(value)
        if value and kind not in fields and _plausible_value(value):
            fields[kind] = value
    if "author" not in fields:
        poster = _POSTER.search(text) or (_BRACKETED_NAME.search(text) if _HAS_DATE.search(text) else None)
        if poster and not _NOT_PERSON.search(poster.group(1)):  # [ 人民网 ] is the outlet
            fields["author"] = _tidy(poster.group(1))
    return fields


def poster(text: str) -> str:
    """Who posted a thread or blog post, from the poster's line above it ("本帖由 X 于 ...
    发表", "X 发表于 ...", "Posted by X"); "" for any other line."""
    text = unicodedata.normalize("NFKC", text)
    if len(text) > MAX_POSTER_LINE:
        return ""
    found = _POSTED_BY.search(text) or _POSTER.search(text)
    if not found:
        return ""
    name = _tidy(next(v for v in found.groups() if v))
    return name if not _NOT_PERSON.search(name) and not _INTERFACE.search(name) and not name.isdigit() else ""


def _person_value(value: str) -> str:
    """A labelled author without the role words before the name and the place after it:
    "见习记者 胡淼" -> 胡淼, "丁某 台北報導" -> 丁某; a photographer's credit is no author."""
    if _PHOTO_CREDIT.search(value):
        return ""
    value = _ROLE_PREFIX.sub("", value)
    return _tidy(_PLACE_REPORT.sub("", value)) or value


_ROLE_PREFIX = re.compile(r"^\s*(?:本报|本報|本台|特约|特約|实习|實習|见习|見習)?\s*(?:记者|記者|通讯员|通訊員)\s*")
_PLACE_REPORT = re.compile(
    r"\s*[\s/／]\s*[\u4e00-\u9fff]{0,6}(?:报道|報導|编制|編制)\s*$|\s+(?:报道|報導|综合报道|綜合報導)\s*$"
)


def names_line(text: str) -> str:
    """The names of a line that holds nothing but Chinese personal names (the author line
    under a headline): each name opens with a family name, and none is a word of the page's
    interface (关注, 搜索, 转寄, 字号) that happens to be as short as a name."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not _NAMES_ONLY.match(text) or _NOT_PERSON.search(text) or _INTERFACE.search(text):
        return ""
    return text if all(is_chinese_name(n) for n in re.split(r"[\s、,，]+", text) if n) else ""


def is_chinese_name(name: str) -> bool:
    """Two to four Han characters that open with a family name (one or two characters), or a
    transliterated name with a middle dot."""
    if "·" in name:
        return True
    return 2 <= len(name) <= 4 and (name[:2] in _COMPOUND_SURNAMES or name[0] in _SURNAMES)


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
    if not found or _NOT_PERSON.search(found["names"]) or _PHOTO_CREDIT.search(found["names"]):
        return ""
    return _tidy(found["names"])


def closing_credit_within(text: str) -> str:
    """A bracketed credit that closes the report inside a paragraph, more following it (a
    notice after the story): "……。（王某／台中報導）《本報》關心你"."""
    for found in _INNER_CREDIT.finditer(unicodedata.normalize("NFKC", text)):
        if not _NOT_PERSON.search(found["names"]) and not _PHOTO_CREDIT.search(found["names"]):
            return _tidy(found["names"])
    return ""


_INNER_CREDIT = re.compile(
    r"[。！？」”][)）]?\s*[（(]\s*(?:(?:本报)?记者|記者|通讯员|通訊員)?\s*"
    r"(?P<names>[\u4e00-\u9fff]{2,4}(?:[\s、]+[\u4e00-\u9fff]{2,4}){0,3})"
    r"\s*[/／]\s*[\u4e00-\u9fff]{0,6}(?:报道|報導)\s*[)）]"
)


def signature(lines: list[str]) -> str:
    """The body that issued a notice, from its signature at the close: "吉林省人民政府" on
    a line, its date alone on the next."""
    lines = [unicodedata.normalize("NFKC", line).strip() for line in lines]
    return next((a for a, b in pairwise(lines) if _ISSUER.match(a) and _DATE_ONLY.match(b)), "")


def plausible_author(value: str) -> str:
    """An author as a page's markup names it, if it can be a person: not digits, an address,
    a designer's or platform's credit, a slogan (a sentence's punctuation) or an interface
    word; a date or account label after the name is cut off."""
    value = _ACCOUNT_TAIL.split(unicodedata.normalize("NFKC", value), maxsplit=1)[0]
    value = _tidy(value.replace("+", " "))
    if not value or value.isdigit() or _NOT_AUTHOR.search(value) or _INTERFACE.search(value):
        return ""
    return value


_ACCOUNT_TAIL = re.compile(r"\d{4}\s*[年/.-]\s*\d{1,2}|发布于|發布於|官方账号|官方帳號")
_NOT_AUTHOR = re.compile(
    r"https?:|www\.|\.(?:com|net|org|cn|tw|hk)\b|[!！。？?=<>]|\b(?:designe[rd]|produced|powered|developed|"
    r"copyright|all rights|webmaster|team)\b|提供|版权|版權|技术支持|技術支持|制作|製作",
    re.IGNORECASE,
)


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
    if re.match(r"https?://|www\.|,", value) or ("@" in value and " " not in value):
        return ""
    return _tidy(_NAME_JOINERS.sub(", ", value))


def _plausible_value(value: str) -> bool:
    """A byline value is a name or an outlet: short, with letters, not a sentence, and not
    a broken template's markup (作者： size="20")."""
    return len(value) <= 40 and any(ch.isalpha() for ch in value) and not re.search(r"[。！？=\"<>]", value)


def _tidy(value: str) -> str:
    return " ".join(value.split()).strip(" ,，、;；:：.-—|/[]【】")
