"""The generic extractor on the kinds of page where rules fitted to a few sites fail: each
test is a small page made for it (titles, dates, Chinese bylines, English boilerplate)."""

from __future__ import annotations

from datetime import datetime

import pytest

from monitor.extract import extract_page
from pipelines.article import CHINA_TZ

FETCHED = datetime(2024, 3, 1, 12, 0, tzinfo=CHINA_TZ)
PROSE = [
    "Copper prices rose for a third day on Monday, as supply worries from Chile mounted and stocks fell.",
    "Traders said the rally could continue if inventories keep dropping at the current rate this month.",
    "Analysts expect the market to stay tight until new mines in Peru and Congo reach full output next year.",
]
TEXT = "中央生态环境保护督察组进驻云南省开展督察工作，发现一些地方整改不力，群众反映强烈。" * 3


def _page(
    head: str = "",
    top: str = "",
    under: str = "",
    after: str = "",
    title: str = "Copper rallies",
    h1: str = "Copper rallies",
    paragraphs: list[str] | None = None,
) -> bytes:
    text = "".join(f"<p>{p}</p>" for p in (paragraphs or PROSE))
    return f"""<html><head><title>{title} | Metals Daily</title>{head}</head><body>
    <div class="masthead"><a href="/">Metals Daily</a></div>{top}
    <div class="story"><h1>{h1}</h1>{under}<div class="text">{text}</div>{after}</div>
    </body></html>""".encode()


def _extract(page: bytes, url: str = "https://metals.example.com/copper-rallies"):
    return extract_page(page, url, fetched_at=FETCHED)


def _day(article) -> str:
    return str(article.summary()["published_at"] or "")[:10]


# --- dates ---


def test_a_time_element_without_itemprop_gives_the_date_its_text_does_not():
    article = _extract(_page(under='<div class="meta"><time datetime="2023-12-18T09:30:00Z">3 hours ago</time></div>'))
    assert _day(article) == "2023-12-18"


def test_a_labelled_date_line_at_the_close_of_the_text():
    article = _extract(_page(after='<div class="meta">Date: December 18, 2023</div>'))
    assert _day(article) == "2023-12-18"


@pytest.mark.parametrize(
    "script",
    [
        '<script>window.__STATE__ = {"article": {"id": 7, "publishedAt": "2023-12-18T09:00:00Z"}}</script>',
        (
            '<script type="application/ld+json">{&quot;@type&quot;: &quot;NewsArticle&quot;, '
            "&quot;datePublished&quot;: &quot;2023-12-18T09:00:00Z&quot;}</script>"
        ),
    ],
)
def test_a_date_in_a_scripts_json_or_in_escaped_json_ld(script):
    assert _day(_extract(_page(head=script))) == "2023-12-18"


def test_a_meta_tag_with_value_instead_of_content():
    article = _extract(_page(head='<meta property="article:published_time" value="2023-12-18T09:00:00+00:00">'))
    assert _day(article) == "2023-12-18"


def test_a_date_only_in_a_data_attribute_by_the_headline():
    article = _extract(
        _page(under='<div class="meta"><span class="date" data-timestamp="1702890000"></span>By Jane Doe</div>')
    )
    assert _day(article) == "2023-12-18"


def test_a_hidden_field_named_for_the_publication_date():
    article = _extract(_page(head="", top='<input type="hidden" class="published_date" value="2023-12-18 02:24:47">'))
    assert _day(article) == "2023-12-18"


def test_a_relative_date_in_a_widget_of_links_is_no_publication_date():
    widget = (
        '<div class="box"><ul>'
        + "".join(f'<li><a href="/{n}">Another story about metals number {n}</a> 2 hours ago</li>' for n in range(4))
        + "</ul></div>"
    )
    assert _extract(_page(top=widget)).published_at is None


def test_a_threads_first_post_dates_it_not_the_reply_that_holds_the_most_text():
    tools = (
        '<div class="tools">'
        + " ".join(
            f'<a href="#{i}">{w}</a>'
            for i, w in enumerate(["回复本帖子", "引用这条回复", "举报不良信息", "只看该作者的帖子"] * 4)
        )
        + "</div>"
    )
    posts = "".join(
        f'<table class="post"><tr><td>{who} 发表于 {when}</td></tr><tr><td><p>{TEXT[:41] * n}</p></td></tr></table>{tools}'
        for who, when, n in (
            ("楼主甲", "2010-05-01 10:00", 1),
            ("网友乙", "2010-05-03 11:00", 6),
            ("网友丙", "2010-05-04 12:00", 1),
        )
    )
    page = f"<html><head><title>铜矿整改讨论</title></head><body><div id='thread'>{posts}</div></body></html>"
    article = _extract(page.encode(), "https://bbs.example.cn/thread-1.html")
    assert _day(article) == "2010-05-01"


def test_a_reposts_original_date_beats_the_repost_time():
    page = f"""<html><head><title>[转载]铜矿整改_博客</title></head><body><h1>[转载]铜矿整改</h1>
    <div class="info">(2012-05-06 10:21:33) 转载</div>
    <div class="text"><p>原文发表于2009年3月1日</p><p>{TEXT}</p><p>{TEXT}</p></div></body></html>"""
    assert _day(_extract(page.encode(), "https://blog.example.cn/a")) == "2009-03-01"


def test_government_cms_meta_tags_give_time_source_and_title():
    page = f"""<html><head><title>一周要闻_某部门网站</title>
    <meta name="ArticleTitle" content="生态环境一周要闻（4.10-4.16）">
    <meta name="PubDate" content="2022-04-17 14:46:00"><meta name="ContentSource" content="某部门">
    <meta name="publishdate" content="2022-04-17"></head>
    <body><div class="nav"><a href="/">首页</a></div><div class="content"><p>{TEXT}</p><p>{TEXT}</p></div></body></html>"""
    article = _extract(page.encode(), "https://www.example.gov.cn/ywdt/a.shtml")
    assert article.published_at == datetime(2022, 4, 17, 14, 46, tzinfo=CHINA_TZ)
    assert article.source == "某部门"
    assert article.title == "生态环境一周要闻（4.10-4.16）"


def test_a_weekday_settles_a_slashed_dates_reading():
    article = _extract(_page(under='<div class="meta">Thu 12/01/2012 01:54:42</div>'))
    assert article.published_at == datetime(2012, 1, 12, 1, 54, 42, tzinfo=CHINA_TZ)


def test_a_date_in_the_canonical_address():
    head = '<link rel="canonical" href="https://metals.example.com/news/2011-12-14/copper-rallies.html">'
    assert _day(_extract(_page(head=head), "https://metals.example.com/?p=17")) == "2011-12-14"


def test_a_publication_date_beats_an_update_stated_before_it_on_the_line():
    article = _extract(_page(under='<div class="meta">Updated Dec 13, 2023 | Published Dec 12, 2023</div>'))
    assert _day(article) == "2023-12-12"


def test_an_update_date_under_the_headline_beats_the_sites_date_of_today_above_it():
    top = '<p class="time">13 January 2012 - 12:06 am</p>'
    article = _extract(_page(top=top, under='<p class="posted">Updated at 8:16 pm on 10 January 2012</p>'))
    assert _day(article) == "2012-01-10"


# --- titles ---


def test_the_visible_headline_beats_a_social_headline_that_says_otherwise():
    head = '<meta property="og:title" content="Why copper buyers are nervous about Chile this winter">'
    article = _extract(
        _page(head=head, title="Copper buyers nervous", h1="Chile copper supply worries lift prices again")
    )
    assert article.title == "Chile copper supply worries lift prices again"


def test_a_logo_heading_sharing_no_words_is_not_the_headline():
    head = '<meta property="og:title" content="Chile copper supply worries lift prices again">'
    page = _page(head=head, h1="Chile copper supply worries lift prices again").replace(
        b'<div class="masthead"><a href="/">Metals Daily</a></div>', b"<h1>The Metals Daily Journal of Record</h1>"
    )
    assert _extract(page).title == "Chile copper supply worries lift prices again"


def test_svg_icon_titles_stay_out_of_the_title():
    icons = "".join(
        f'<svg viewBox="0 0 9 9"><title>{label}</title><path d="M0 0h9"/></svg>'
        for label in ("Menu", "Close", "Arrow", "Search", "Facebook", "Twitter", "Instagram")
    )
    page = _page(top=icons, h1="Dockworkers strike over pay").replace(
        b"<title>Copper rallies | Metals Daily</title>", b""
    )
    page = page.replace(b"<head>", b"<head><title>Dockworkers strike over pay | Metals Daily</title>")
    assert _extract(page).title == "Dockworkers strike over pay"


@pytest.mark.parametrize(
    "h1",
    [
        '<span class="kicker">Politics</span> Dockworkers strike over pay',
        "Politics | Dockworkers strike over pay",
    ],
)
def test_a_section_label_before_the_headline_is_left_out(h1):
    page = _page(title="Dockworkers strike over pay", h1=h1)
    assert _extract(page).title == "Dockworkers strike over pay"


def test_the_comments_heading_is_not_the_title():
    comments = "<h2>12 thoughts on “Dockworkers strike over pay”</h2>"
    page = _page(title="Dockworkers strike over pay", h1="Dockworkers strike", after=comments)
    assert _extract(page).title == "Dockworkers strike"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("武汉的声音：有英勇的你，才有英雄的城！-新华网", "武汉的声音：有英勇的你，才有英雄的城！"),
        ("铜矿企业完成整改任务-国内-某某日报", "铜矿企业完成整改任务"),
    ],
)
def test_a_chinese_titles_site_and_section_after_a_bare_hyphen(title, expected):
    page = f"<html><head><title>{title}</title></head><body><div><p>{TEXT}</p><p>{TEXT}</p></div></body></html>"
    assert _extract(page.encode(), "https://news.example.cn/a").title == expected


# --- Chinese authors ---


def _zh_page(under: str = "", text: str = TEXT, head: str = "", after: str = "") -> bytes:
    return f"""<html><head><title>铜矿企业完成整改_某某网</title>{head}</head><body>
    <div class="top"><a href="/">首页</a></div><h1>铜矿企业完成整改</h1>{under}
    <div class="content"><p>{text}</p><p>{TEXT}</p></div>{after}</body></html>""".encode()


@pytest.mark.parametrize("line", ["关注", "小字号", "转寄", "字号减小 字号增大"])
def test_interface_words_under_the_headline_are_no_author(line):
    article = _extract(_zh_page(under=f"<div>{line}</div><div>2023-05-13 06:16</div>"), "https://news.example.cn/a")
    assert article.author == ""


def test_a_real_name_under_the_headline_is_the_author():
    article = _extract(_zh_page(under="<div>2023-05-13 06:16</div><div>欧阳明</div>"), "https://news.example.cn/a")
    assert article.author == "欧阳明"


@pytest.mark.parametrize(
    "credit",
    [
        '<div class="author">成就一亿技术人!</div>',
        '<meta name="author" content="Designed by Example Studio www.example.com.tw">',
        '<meta name="author" content="Produced By Example Interactive">',
        '<meta name="author" content="1392">',
    ],
)
def test_slogans_and_site_credits_are_no_author(credit):
    page = _zh_page(head=credit) if credit.startswith("<meta") else _zh_page(after=credit)
    assert _extract(page, "https://news.example.cn/a").author == ""


def test_an_account_line_gives_the_account_without_its_date():
    page = _zh_page(after='<div class="author-info">某某日报2024-05-13 06:16发布于北京某某日报官方账号+关注</div>')
    assert _extract(page, "https://news.example.cn/a").author == "某某日报"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("本贴由 铁锤大叔 于 2010-05-01 10:00 发表", "铁锤大叔"),
        ("by 太小心 | 2006-12-27", "太小心"),
        ("Posted by ggjjzhzz on 2005-01-01", "ggjjzhzz"),
    ],
)
def test_a_forum_or_blog_poster(line, expected):
    assert _extract(_zh_page(under=f"<div>{line}</div>"), "https://bbs.example.cn/t-1.html").author == expected


def test_the_poster_of_a_reposted_story_is_the_author_not_its_reporter():
    page = _zh_page(under="<div>铁锤大叔 发表于 2010-05-01 10:00</div>", text="本报记者 李四<br>" + TEXT)
    assert _extract(page, "https://bbs.example.cn/t-1.html").author == "铁锤大叔"


def test_a_photo_credit_is_no_author_and_a_credit_inside_the_last_paragraph_is():
    text = TEXT + "（王某某／台中報導）《本報》關心你：自殺解決不了問題，請撥打求助專線。"
    page = _zh_page(text="圖為現場。（林某某攝）", after=f"<div><p>{text}</p></div>")
    assert _extract(page, "https://news.example.tw/a").author == "王某某"


def test_labelled_authors_lose_role_words_and_the_place_of_the_report():
    assert (
        _extract(_zh_page(under="<div>记者：见习记者 胡某 2023-05-13</div>"), "https://news.example.cn/a").author
        == "胡某"
    )
    assert _extract(_zh_page(under="<div>記者：丁某某 台北報導</div>"), "https://news.example.tw/a").author == "丁某某"


# --- English boilerplate after and around the text ---


@pytest.mark.parametrize(
    "after",
    [
        (
            "<h3>Comments</h3><div><p>There are no comments on this article yet, be the first to say something.</p>"
            "<p>You must be logged in to make a comment on this story, please sign in first.</p></div>"
        ),
        (
            '<div class="article-author-box"><div class="author_box_bio"><p>Jane Doe is a professional writer and editor '
            "with a strong background in markets, who has written for many high traffic websites.</p></div></div>"
        ),
        (
            "<h3>Latest Business Headlines</h3><dl><dt><a href='/1'>Zinc slides as demand cools</a></dt>"
            "<dd>Zinc fell for a fifth day as Chinese demand cooled and smelters raised their output again this week.</dd></dl>"
        ),
    ],
)
def test_comments_author_bios_and_headline_lists_after_the_text_are_not_text(after):
    assert _extract(_page(after=after)).paragraphs == PROSE


@pytest.mark.parametrize(
    "overlay",
    [
        '<div class="hidden" id="auth-check"><p>Session expired. Please log in again, the login page will open in a new window.</p></div>',
        '<div id="adb-notification"><p>We noticed you are using an ad blocker, but advertising revenue supports our journalism.</p></div>',
    ],
)
def test_hidden_and_ad_blocker_notices_are_not_text(overlay):
    page = _page().replace(b"</body>", overlay.encode() + b"</body>")
    assert _extract(page).paragraphs == PROSE


def test_a_related_box_between_the_headline_and_the_text_does_not_end_it():
    hed = '<div class="hed"><h1>Copper rallies as Chile supply worries mount</h1><h4>Posted: Jan 11, 2012 11:32 AM</h4></div>'
    related = "<h3>Related</h3><dl><dt><a href='/r'>Earlier story on copper</a></dt></dl>"
    page = _page(h1="", under=related).replace(b"<h1></h1>", hed.encode())
    article = _extract(page)
    assert article.paragraphs == PROSE
    assert _day(article) == "2012-01-11"


def test_the_title_part_a_heading_shows_beats_a_longer_site_name():
    page = (
        _page(title="Zinc slides", h1="")
        .replace(
            b"<title>Zinc slides | Metals Daily</title>",
            b"<title>Zinc slides - The Metals Daily: Industry News, Prices and Analysis Since 1990</title>",
        )
        .replace(b"<h1></h1>", b"<h2>Zinc slides</h2>")
    )
    assert _extract(page).title == "Zinc slides"


def test_a_line_showing_the_headline_drops_the_sections_a_title_adds_after_spaces():
    page = f"""<html><head><title>铜矿企业完成整改 质量监督 某某网</title></head><body>
    <div class="top"><a href="/">首页</a></div><div class="hed"><b>铜矿企业完成整改</b></div>
    <div class="content"><p>{TEXT}</p><p>{TEXT}</p></div></body></html>"""
    assert _extract(page.encode(), "https://news.example.cn/a").title == "铜矿企业完成整改"


def test_a_headline_over_two_lines_stays_whole():
    page = f"""<html><head><title>内蒙古延续税收优惠政策 预计四年减负百亿元</title></head><body>
    <div class="hed"><b>内蒙古延续税收优惠政策</b><br><b>预计四年减负百亿元</b></div>
    <div class="content"><p>{TEXT}</p><p>{TEXT}</p></div></body></html>"""
    assert _extract(page.encode(), "https://news.example.cn/a").title == "内蒙古延续税收优惠政策 预计四年减负百亿元"


@pytest.mark.parametrize("label", ["Sponsored by ", "You are here: Home > Markets > "])
def test_a_sponsors_label_or_a_breadcrumb_before_the_headline_is_left_out(label):
    page = _page(title=label + "Dockworkers strike over pay", h1="").replace(b" | Metals Daily", b"")
    assert _extract(page).title == "Dockworkers strike over pay"
