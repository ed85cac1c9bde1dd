"""The generic extractor's principles, each with exact expected values: encodings, bylines,
dates (absolute, relative to a fixed fetch time, year-less), and boilerplate on a small
handmade page."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta, timezone

import pytest

from monitor.extract import extract_page
from pipelines.article import CHINA_TZ
from pipelines.byline import (
    chinese_byline,
    closing_credit,
    dateline_credit,
    english_byline,
    names_line,
    signature,
)
from pipelines.charset import detect_encoding
from pipelines.dates import (
    date_in_url,
    parse_chinese_datetime,
    parse_english_datetime,
    parse_human_datetime,
    parse_machine_datetime,
)
from pipelines.page_meta import names_of

FETCHED = datetime(2021, 3, 1, 12, 0, tzinfo=CHINA_TZ)
TEXT = "中央生态环境保护督察组进驻云南省开展督察工作，发现一些地方整改不力，群众反映强烈。" * 3
TRADITIONAL = "中央生態環境保護督察組進駐雲南省開展督察工作，發現一些地方整改不力，群眾反映強烈。" * 3


def china(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CHINA_TZ)


# --- encodings ---


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"<html><body><p>{TEXT}</p></body></html>".encode("gbk"), "gb18030"),  # GBK, no declaration
        (f'<meta charset="gb2312"><p>{TEXT}</p>'.encode("gbk"), "gb18030"),  # gb2312 label: read as its superset
        (f'<meta charset="gb2312"><p>{TEXT}</p>'.encode(), "utf-8"),  # UTF-8 under a gb2312 label
        (f"<p>{TRADITIONAL}</p>".encode("big5"), "big5hkscs"),  # Big5, no declaration
        (f'<meta charset="gbk"><p>{TRADITIONAL}</p>'.encode("big5"), "big5hkscs"),  # Big5 under a GBK label
        (codecs.BOM_UTF8 + f'<meta charset="gbk"><p>{TEXT}</p>'.encode(), "utf-8"),  # the BOM decides
        ("<p>café “quoted”</p>".encode("cp1252"), "cp1252"),  # Western bytes, no declaration
        (b"<p>plain ascii</p>", "utf-8"),
        (b"", "utf-8"),
    ],
)
def test_detect_encoding(raw, expected):
    assert detect_encoding(raw) == expected


def test_a_gb2312_page_using_gbk_only_characters_decodes():
    raw = f'<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>朱镕基{TEXT}</p>'.encode("gbk")
    assert raw.decode(detect_encoding(raw)).count("镕") == 1


# --- bylines ---


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("来源：新华网 作者：张三 2020-10-15", {"source": "新华网", "author": "张三"}),
        ("作者 : 李四　　点击：35", {"author": "李四"}),
        ("（责任编辑：王五）", {"editor": "王五"}),
        ("編輯：陳大文", {"editor": "陳大文"}),
        ("通讯员：赵六 记者：钱七", {"author": "赵六"}),
        ("本报记者罗科苏盈发自北京", {"author": "罗科苏盈"}),
        ("张三 发表于 2005-9-15 11:46", {"author": "张三"}),
        ("2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]", {"source": "国际金融报", "author": "黄宇"}),
        ("今天，本刊记者联系采访的时候，他正在住院，记者在病房见到了他。", {}),  # 记者 in prose: no byline
        ("2005年3月11日12:12 来源：[ 人民网 ]", {"source": "人民网"}),  # a bracketed outlet is no author
        ('作者： size="20" 来源： size="20"', {}),  # a broken template's markup is no name
    ],
)
def test_chinese_byline(line, expected):
    assert chinese_byline(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Jane Doe and John Roe", "Jane Doe, John Roe"),
        ("BY JANE DOE, Associated Press", "JANE DOE"),
        ("By: Mary Smith | Updated 5 hours ago", "Mary Smith"),
        ("The outspoken revelation by Henson sheds light", ""),
    ],
)
def test_english_byline(line, expected):
    assert english_byline(line) == expected


def test_credits_in_and_around_the_text():
    assert names_line("赵延东、风笑天") == "赵延东、风笑天"
    assert names_line("国内新闻") == ""
    assert dateline_credit("新华社北京2月13日电（记者王建宏、张文攀）近日，") == "王建宏 张文攀"
    assert dateline_credit("（中央社記者邱俊欽桃園19日電）桃園市") == "邱俊欽"
    assert closing_credit("活动圆满结束。（常书香 马丹阳 ）") == "常书香 马丹阳"
    assert closing_credit("过程吗？”（姚峰 上海报道）") == "姚峰"
    assert names_line("微博") == ""  # a share button
    assert signature(["特此通告。", "吉林省人民政府", "2022年1月27日", "扫一扫在手机打开当前页"]) == "吉林省人民政府"
    assert signature(["吉林省人民政府", "特此通告。"]) == ""


def test_json_ld_authors_are_people_not_publishers():
    value = [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "BET"}, "John Roe"]
    assert names_of(value) == ["Jane Doe", "John Roe"]


# --- dates ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年10月15日 14:52", china(2020, 10, 15, 14, 52)),
        ("发布时间：2020-10-15 8:05", china(2020, 10, 15, 8, 5)),
        ("２０２０年１０月１５日", china(2020, 10, 15)),
        ("2020/10/15 下午3:05:09", china(2020, 10, 15, 15, 5, 9)),
        ("2022.01.20 16:31 来源：河南日报客户端", china(2022, 1, 20, 16, 31)),
    ],
)
def test_chinese_dates(text, expected):
    assert parse_chinese_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sep 27, 2020 07:50", china(2020, 9, 27, 7, 50)),
        ("Published: September 27th, 2020", china(2020, 9, 27)),
        ("27 September 2020", china(2020, 9, 27)),
        ("Tuesday, 19 Nov. 2019 at 5:30 p.m.", china(2019, 11, 19, 17, 30)),
    ],
)
def test_english_dates(text, expected):
    assert parse_english_datetime(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3小时前", china(2021, 3, 1, 9, 0)),
        ("昨天 14:00", china(2021, 2, 28, 14, 0)),
        ("2 days ago", china(2021, 2, 27, 12, 0)),
        ("刚刚", FETCHED),
        ("10月15日 14:52", china(2020, 10, 15, 14, 52)),  # year-less, after the fetch day: last year
        ("02-28 09:00", china(2021, 2, 28, 9, 0)),  # year-less, before it: this year
        ("发布日期： 9/17/2004 5:54:13 AM", china(2004, 9, 17, 5, 54, 13)),
    ],
)
def test_relative_and_yearless_dates_count_from_the_fetch(text, expected):
    assert parse_human_datetime(text, FETCHED) == expected


def test_machine_dates_keep_their_zone():
    assert parse_machine_datetime("2019-11-19T20:00:00-05:00") == datetime(
        2019, 11, 19, 20, tzinfo=timezone(timedelta(hours=-5))
    )
    assert parse_machine_datetime("Tue, 19 Nov 2019 10:00:00 GMT") == datetime(2019, 11, 19, 10, tzinfo=UTC)
    assert parse_machine_datetime("2019-11-19") == china(2019, 11, 19)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.xinhuanet.com/local/2020-02/19/c_1125597921.htm", china(2020, 2, 19)),
        ("https://news.youth.cn/gj/202405/t20240520_15263156.htm", china(2024, 5, 20)),
        ("http://finance.people.com.cn/n1/2024/0510/c1004-40232587.html", china(2024, 5, 10)),
        ("https://www.nytimes.com/2019/11/19/opinion/a.html", china(2019, 11, 19)),
        ("http://travel.china.com.cn/txt/content_117199185.shtml", None),
    ],
)
def test_dates_in_addresses(url, expected):
    assert date_in_url(url) == expected


# --- a whole page: boilerplate out, fields in ---

PAGE = """<html><head><title>铜价上涨推动矿企整改_中国测试网</title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/metal">金属</a></div>
<div class="main">
  <h1>铜价上涨推动矿企整改</h1>
  <div class="info">2020年10月15日 14:52　来源：中国有色金属报　作者：伍玉静</div>
  <div class="share">分享到：<a href="#">微博</a> <a href="#">微信</a></div>
  <div id="content">
    <p>中央生态环境保护督察组进驻以来，多家铜矿企业加快了整改进度，环境问题得到有效解决。</p>
    <p>据了解，相关企业已完成尾矿库治理，并对废水处理设施进行了升级改造，整改工作取得明显成效。</p>
    <p>业内人士表示，环保要求的提高将推动行业高质量发展，落后产能将加速退出市场。</p>
  </div>
  <p>（责任编辑：王五）</p>
  <div class="related"><h3>相关新闻</h3><ul>
    <li><a href="/1">铝价回落 企业观望情绪浓厚</a></li><li><a href="/2">稀土整改进展顺利</a></li></ul></div>
  <div id="comments"><p>网友评论：这篇文章写得很好，希望企业能够继续加强环保工作，保护好绿水青山。</p></div>
</div>
<div class="footer">版权所有 中国测试网 2020　京ICP备000000号</div>
</body></html>"""
PARAGRAPHS = [
    "中央生态环境保护督察组进驻以来，多家铜矿企业加快了整改进度，环境问题得到有效解决。",
    "据了解，相关企业已完成尾矿库治理，并对废水处理设施进行了升级改造，整改工作取得明显成效。",
    "业内人士表示，环保要求的提高将推动行业高质量发展，落后产能将加速退出市场。",
]


def test_a_gbk_page_without_declaration_loses_its_furniture():
    article = extract_page(PAGE.encode("gbk"), "https://news.example.cn/2020/1015/a.html", fetched_at=FETCHED)
    assert (article.site, article.encoding) == ("news.example.cn", "gb18030")
    assert article.title == "铜价上涨推动矿企整改"
    assert article.published_at == china(2020, 10, 15, 14, 52)
    assert (article.author, article.source, article.editor) == ("伍玉静", "中国有色金属报", "王五")
    assert article.paragraphs == PARAGRAPHS
    assert article.body == "\n".join(PARAGRAPHS)


def test_a_page_without_address_is_generic_and_keeps_its_script():
    traditional = (
        "<html><head><title>銅價上漲</title></head><body><h1>銅價上漲</h1><p>" + TRADITIONAL + "</p></body></html>"
    )
    article = extract_page(traditional.encode("big5"), "", fetched_at=FETCHED)
    assert (article.site, article.url, article.title) == ("generic", "", "銅價上漲")
    assert article.body == TRADITIONAL  # the page's own text, not the Simplified shadow
    assert article.body_simplified == TEXT


def test_english_metadata_from_json_ld_beats_the_visible_text():
    page = """<html><head><title>Copper rallies | Metals Daily</title>
    <meta property="og:title" content="Copper rallies">
    <meta property="article:modified_time" content="2020-09-29T10:00:00Z">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Copper rallies",
      "datePublished": "2020-09-27T19:50:00-04:00", "author": {"@type": "Person", "name": "Jane Doe"}}</script>
    </head><body><nav><a href="/">Home</a></nav><article><h1>Copper rallies</h1><p>By Someone Else</p>
    <p>Copper prices rose for a third day on Monday, as supply worries from Chile mounted and stocks fell.</p>
    <p>Traders said the rally could continue if inventories keep dropping at the current rate this month.</p>
    </article><footer>Copyright 2020 Metals Daily</footer></body></html>"""
    article = extract_page(page.encode(), "https://metals.example.com/copper", fetched_at=FETCHED)
    assert (article.title, article.author) == ("Copper rallies", "Jane Doe")
    assert article.summary()["published_at"] == "2020-09-27T19:50:00-04:00"  # published, not modified
    assert article.paragraphs == [
        "Copper prices rose for a third day on Monday, as supply worries from Chile mounted and stocks fell.",
        "Traders said the rally could continue if inventories keep dropping at the current rate this month.",
    ]


def test_the_visible_byline_under_the_headline_and_the_footer_notices():
    page = f"""<html><head><title>母子身亡 - 中時</title><meta name="author" content="中時電子報">
    <script type="application/ld+json">{{"@type": "NewsArticle", "author": {{"@type": "Person", "name": "陳大文"}}}}
    </script></head><body><h1>母子身亡</h1><div>15:31 2018/09/16</div><div>中時</div><div>謝明俊</div>
    <div><p>{TEXT}</p><p>{TEXT}（記者 李四 台北報導）</p>
    <p>責任編輯：王五</p><p>中時電子報 版權所有，未經許可不得轉載</p><p>京ICP備000000號</p></div></body></html>"""
    article = extract_page(page.encode(), "https://news.example.com/a", fetched_at=FETCHED)
    assert article.author == "謝明俊"  # the name line readers see, not the outlet's short name nor the uploader
    assert article.paragraphs == [TEXT, f"{TEXT}（記者 李四 台北報導）"]  # without the footer notices


def test_a_headline_the_title_tag_extends_and_a_closing_place_credit():
    page = f"""<html><head><title>铜价上涨(页 1) - 论坛</title></head><body>
    <div>2003-5-29 09:07 网友甲</div><div>铜价上涨</div><div><p>{TEXT}</p><p>{TEXT}（姚峰 上海报道）</p></div>
    <div>“民主与科学”网站搜集整理于2002-09-25</div></body></html>"""
    article = extract_page(page.encode(), "https://bbs.example.cn/a", fetched_at=FETCHED)
    assert article.published_at == china(2003, 5, 29, 9, 7)  # over the headline, not the archive's note
    assert article.author == "姚峰"


# --- English pages: lists of other stories, labels, bylines below a standfirst ---

PROSE = [
    "Copper prices rose for a third day on Monday, as supply worries from Chile mounted and stocks fell.",
    "Traders said the rally could continue if inventories keep dropping at the current rate this month.",
]
CARD = """<li><h3><a href="/{n}">Other story number {n} from the desk</a></h3>
<p>What happened, in a sentence.</p></li>"""


def _english_page(extra_after: str = "", above: str = "", under: str = "", inside: str = "") -> str:
    return f"""<html><head><title>Copper rallies | Metals Daily</title></head><body>
    {above}<div class="story"><h1>Copper rallies</h1>{under}<div class="text"><p>{PROSE[0]}</p><p>{PROSE[1]}</p>{inside}</div>
    {extra_after}</div>
    </body></html>"""


def test_a_list_of_teaser_cards_after_the_article_is_not_text():
    cards = "<ul>" + "".join(CARD.format(n=n) for n in range(3)) + "</ul>"  # in the text's own box
    article = extract_page(_english_page(inside=cards).encode(), "https://metals.example.com/a", fetched_at=FETCHED)
    assert article.paragraphs == PROSE


def test_two_cards_are_no_list_and_stay():
    cards = "<ul>" + "".join(CARD.format(n=n) for n in range(2)) + "</ul>"
    article = extract_page(_english_page(inside=cards).encode(), "https://metals.example.com/a", fetched_at=FETCHED)
    # Too few to be a pattern: the summaries stay (the linked headlines go as link lines).
    assert article.paragraphs == PROSE + ["What happened, in a sentence."] * 2


@pytest.mark.parametrize(
    "after",
    [
        "<div><h2>About the author</h2><p>Jane Doe is a writer who has covered metals markets for years.</p></div>",
        "<div><h2>More stories like this one</h2><p>Jane Doe has covered metals markets for years.</p></div>",
        '<h2>Picked for you today</h2><div class="recirculation"><p>Another story, in a sentence.</p></div>',
        "<div><h2>More Metals Daily</h2><p>Another story from the outlet, in a sentence or so.</p></div>",
    ],
)
def test_a_heading_of_what_follows_or_left_without_its_box_ends_the_text(after):
    article = extract_page(_english_page(after).encode(), "https://metals.example.com/a", fetched_at=FETCHED)
    assert article.paragraphs == PROSE


def test_the_headline_after_a_list_of_other_stories_starts_the_text():
    teasers = "".join(f"<p>Other headline {n}. Its summary runs on for a line or so, here.</p>" for n in range(4))
    article = extract_page(_english_page(above=teasers).encode(), "https://metals.example.com/a", fetched_at=FETCHED)
    assert article.paragraphs == PROSE


@pytest.mark.parametrize(
    ("og_title", "h1", "expected"),
    [
        ("WATCH: 'Copper' rallies again", "‘Copper’ rallies again [Watch]", "‘Copper’ rallies again"),
        ("Copper rallies (Video)", "Copper rallies", "Copper rallies"),
        ("NASA: copper on Mars", "NASA: copper on Mars", "NASA: copper on Mars"),  # a name, not a media label
    ],
)
def test_media_labels_leave_the_headline(og_title, h1, expected):
    page = f"""<html><head><meta property="og:title" content="{og_title}"></head><body>
    <h1>{h1}</h1><p>{PROSE[0]}</p><p>{PROSE[1]}</p></body></html>"""
    assert extract_page(page.encode(), "https://metals.example.com/a", fetched_at=FETCHED).title == expected


def test_a_byline_under_the_standfirst_in_a_modifier_classed_box_beats_the_address_date():
    under = f"""<p>{PROSE[1]} A standfirst.</p><p>A photo caption, with its credit | Agency</p>
    <div class="story-meta has-social-tools"><p>By Jane Doe</p><p><time>12/22/2023 05:00 AM EST</time></p></div>"""
    page = _english_page(under=under)
    article = extract_page(
        page.encode(), "https://metals.example.com/2023/12/21/a", fetched_at=FETCHED.replace(year=2024)
    )
    assert article.published_at == china(2023, 12, 22, 5, 0)  # the date line readers see, not the address's day
    assert article.author == "Jane Doe"


@pytest.mark.parametrize(
    "furniture",
    [
        '<figure><img src="a.jpg"><figcaption>Copper cathodes at a plant. Photo: Agency</figcaption></figure>',
        '<div class="caption-full">Copper cathodes at a plant, in a long caption.</div><div class="credit">Agency</div>',
        '<div class="privacy-bar"><p>This website uses cookies to enhance your experience, as set out here.</p></div>',
    ],
)
def test_captions_credits_and_privacy_notices_are_not_text(furniture):
    article = extract_page(_english_page(under=furniture).encode(), "https://metals.example.com/a", fetched_at=FETCHED)
    assert article.paragraphs == PROSE


def test_a_subheading_that_starts_with_more_than_is_the_texts_own():
    inside = "<h2>More than half the output</h2><p>Chile mines more than half of it, the traders said today.</p>"
    article = extract_page(_english_page(inside=inside).encode(), "https://metals.example.com/a", fetched_at=FETCHED)
    assert article.paragraphs[2:] == [
        "More than half the output",
        "Chile mines more than half of it, the traders said today.",
    ]


# --- a page that states only a year and month ---


def _month_page(header: str = "", closing: str = "", inside: str = "") -> bytes:
    return f"""<html><head><title>论集体行动 - 文集</title></head><body><h1>论集体行动</h1>{header}
    <div><p>{TEXT}</p>{inside}<p>{TEXT}</p><p>{TEXT}□</p></div>{closing}</body></html>""".encode()


@pytest.mark.parametrize(
    ("header", "closing", "expected"),
    [
        ("", "<p>——《某某》1998年3月号</p>", "1998-03"),  # a periodical's issue line at the end
        (
            '<p align="center">胡平</p><p align="center"><strong>2003年5月</strong></p>',
            "",
            "2003-05",
        ),  # under the title
        ("", "<p>（原载《某某》2001年6月号）</p>", "2001-06"),
        ("<p>March 1998</p>", "", "1998-03"),
        # a full date elsewhere wins: in the header, or in the address
        ('<p>2005-03-06 16:17:00</p><p align="center">2003年5月</p>', "", "2005-03-06T16:17:00+08:00"),
        ("", "<p>发表于 2005年3月6日</p><p>——《某某》1998年3月号</p>", "2005-03-06T00:00:00+08:00"),
        # not a publication month: a range, an update, an issue number, a copyright year, one to come
        ("<p>2003年5月至2004年6月</p>", "", None),
        ("<p>2003年5月-6月</p>", "", None),
        ("", "<p>最后更新：2003年5月</p>", None),
        ("", "<p>Last updated March 2003</p>", None),
        ("", "<p>《某某》1998年第3期</p>", None),
        ("", "<p>版权所有 © 2000-2006 某某网</p>", None),
        ("<p>2021年5月</p>", "", None),  # after the fetch
    ],
)
def test_a_month_stated_alone_is_kept_as_a_month(header, closing, expected):
    article = extract_page(_month_page(header, closing), "", fetched_at=FETCHED)
    assert article.summary()["published_at"] == expected
    if expected and len(expected) == 7:
        assert article.published_precision == "month"
        assert article.published_at == china(int(expected[:4]), int(expected[5:]), 1)  # still sorts and filters
    else:
        assert article.published_precision == "second"


def test_a_month_in_the_texts_prose_is_no_publication_month():
    inside = "<p>2003年5月，课题组在三个城区完成了问卷调查。</p>"
    assert extract_page(_month_page(inside=inside), "", fetched_at=FETCHED).published_at is None
    middle = f"<p>{TEXT}</p>" * 8 + "<p>2003年5月</p>" + f"<p>{TEXT}</p>" * 8  # a line deep in the text
    assert extract_page(_month_page(inside=middle), "", fetched_at=FETCHED).published_at is None
    article = extract_page(_month_page(inside=inside), "https://example.cn/2020/1015/a.html", fetched_at=FETCHED)
    assert article.summary()["published_at"] == "2020-10-15T00:00:00+08:00"  # the address's full date


def test_a_full_date_in_the_address_beats_a_month_line():
    article = extract_page(
        _month_page(closing="<p>——《某某》1998年3月号</p>"), "https://example.cn/2020/1015/a.html", fetched_at=FETCHED
    )
    assert (article.summary()["published_at"], article.published_precision) == ("2020-10-15T00:00:00+08:00", "second")
