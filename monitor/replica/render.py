"""HTML (and JSON) of the replica sites' pages, as the live sites shape them.

Where the structure of a live page is not verified (see ../shared/sites.md), the likeliest
form is chosen here, in one place, so a correction is a one-line change."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote

from monitor.replica import legacy
from monitor.replica.catalog import (
    CNMN_CHANNELS,
    CNMN_METAL_PAGES,
    CNMN_PAGE_SIZE,
    HOSTS,
    MEE_CHANNELS,
    MEE_COLUMNS,
    MEE_MORE_TEXT,
    MEE_OTHER_LINKS,
    MEE_PAGE_SIZE,
    MEE_SECTION,
    SMM_CN_FEEDS,
    SMM_METALS,
    BrokenPage,
    Page,
    smm_cn_link,
)
from monitor.replica.corpus import TZ

CNMN_STATEMENT = (
    "中国有色网声明：本网所有内容的版权均属于作者或页面内声明的版权人。",
    "凡注明文章来源为“中国有色金属报”或 “中国有色网”的文章，均为中国有色网原创或者是合作机构授权同意发布的文章。",
    "如需转载，转载方必须与中国有色网( 邮件：cnmn@cnmn.com.cn 或 电话：010-63971479)联系，签署授权协议，取得转载授权；",
    "凡本网注明“来源：“XXX(非中国有色网或非中国有色金属报)”的文章，均转载自其它媒体，转载目的在于传递更多信息，并不构成投资建议，仅供读者参考。",
    "若据本文章操作，所有后果读者自负，中国有色网概不负任何责任。",
)
CAPTCHA_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>安全验证</title>
<script src="https://ssl.captcha.qq.com/TCaptcha.js"></script>
<style>body{font-family:sans-serif;text-align:center;margin-top:120px;color:#333}
.box{display:inline-block;padding:24px 40px;border:1px solid #ddd;border-radius:6px}
button{margin-top:16px;padding:8px 24px;background:#1677ff;color:#fff;border:0;border-radius:4px}</style>
</head><body><div class="box"><h3>访问验证</h3>
<p>您的访问行为存在异常，请完成验证后继续访问。</p>
<p>Your request looks automated. Please complete the verification to continue.</p>
<form id="waf" method="post" action="/WafCaptcha"><input type="hidden" name="ticket" value="">
<input type="hidden" name="randstr" value=""><button id="TencentCaptcha" data-appid="2046626881"
type="button">点击验证 / Verify</button></form></div>
<script>var c=new TencentCaptcha('2046626881',function(r){if(r.ret===0){document.forms.waf.ticket.value=r.ticket;
document.forms.waf.randstr.value=r.randstr;document.forms.waf.submit();}});
document.getElementById('TencentCaptcha').onclick=function(){c.show();};</script>
</body></html>
"""
ASPNET_500 = """<!DOCTYPE html>
<html><head><title>Runtime Error</title></head><body bgcolor="white">
<span><h1>Server Error in '/' Application.<hr width=100% size=1 color=silver></h1>
<h2><i>Runtime Error</i></h2></span>
<b>Description:</b> An application error occurred on the server.
</body></html>
"""


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


# --- 中国有色网 CNMN and its mirror ----------------------------------------------------


def cnmn_time(moment: datetime) -> str:
    """2020年10月15日 14:52, with hours not zero-padded (8:15)."""
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}"


def _cnmn_nav() -> str:
    channels = "".join(
        f'<li><a href="/ShowNewsList.aspx?id={cid}">{name}</a></li>' for cid, name in CNMN_CHANNELS.items()
    )
    return (
        '<div class="top"><div class="w1200"><a href="/" class="logo">中国有色网</a>'
        f'<ul class="nav"><li><a href="/">首页</a></li>{channels}'
        '<li><a href="/metal.aspx?id=1">铜</a></li><li><a href="/metal.aspx?id=23">铝</a></li></ul>'
        "</div></div>"
    )


def _cnmn_shell(title: str, inner: str, canonical: str, keywords: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">\n<head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
        f"<title>{escape(title)}</title>"
        f'<meta name="keywords" content="{escape(keywords)}" />'
        f'<link rel="canonical" href="{escape(canonical)}" />'
        '<link href="/css/style.css" rel="stylesheet" type="text/css" /></head>\n<body>'
        f"{_cnmn_nav()}\n{inner}\n"
        '<div class="footer"><p>主办单位：中国有色金属工业协会 中国有色金属报社</p>'
        "<p>Copyright © 2009-2026 中国有色网 版权所有 京ICP备05046543号</p></div>\n"
        "</body>\n</html>\n"
    )


def cnmn_article(page: Page, host: str, related: list[Page]) -> str:
    """An article of CNMN, or of the mirror (garbled as it serves it)."""
    mirror = page.site == "mirror"
    served = page.served
    if mirror and page.seed:
        title = served["title"]
        meta = served["meta"].split(" ", 3)  # date, time, views, the rest
        time_text, view_text, labels = f"{meta[0]} {meta[1]}", meta[2], meta[3]
        lines = list(served["lines"])
        body_lines, editor_line = lines[:-1], lines[-1]
    else:
        title = served.get("title", page.title)
        time_text = cnmn_time(page.published_at)
        view_text = f"{page.views}次瀏覽" if mirror else f"{page.views}次浏览"
        if mirror:
            labels = f"來源:   分類: {served['category']}   作者:"
            editor_line = f"責任編輯:{served['editor']}"
        else:
            labels = f"来源： {page.source} 分类： {page.category} 作者： {page.author}"
            editor_line = f"责任编辑:{page.editor}"
        body_lines = list(served.get("paragraphs", page.paragraphs))
    site_name = HOSTS[page.site]
    more_info = (
        f"如需了解更多信息,請登錄中國有色網:{site_name}了解更多信息。"
        if mirror
        else f"如需了解更多信息，请登录中国有色网：{site_name}了解更多信息。"
    )
    junk = '<sub id="5tttj"></sub><noframes id="5tttj"></noframes>' if mirror else ""
    body = "\n".join((junk if mirror and i % 3 == 1 else "") + _p(line) for i, line in enumerate(body_lines))
    related_html = "".join(f'<li><a href="{r.path}" target="_blank">{escape(r.title)}</a></li>' for r in related)
    inner = (
        '<div class="w1200 main"><div class="weizhi">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/ShowNewsList.aspx?id=43">行业新闻</a> &gt; 正文</div>'
        '<div class="left">'
        f'<h4 class="h4title">{escape(title)}</h4>'
        f'<p class="info"><span class="time">{escape(time_text)}</span>'
        f'<span class="view">{escape(view_text)}</span>{escape(labels)}</p>'
        f'<div id="txtcont">\n{body}\n{_p(editor_line)}\n{_p(more_info)}\n</div>'
        '<div class="share">分享到：<a class="wx">微信</a><a class="wb">新浪微博</a><a class="qq">QQ空间</a></div>'
        '<div class="shengming">'
        + "".join(_p(s.replace("cnmn.com.cn", site_name) if mirror else s) for s in CNMN_STATEMENT)
        + "</div></div>"
        f'<div class="right"><h3>热点资讯</h3><ul>{related_html}</ul></div></div>'
    )
    spam = "夜夜爽天天干_高清无码在线播放_" if mirror else ""
    return _cnmn_shell(f"{spam}{title}-中国有色网", inner, page.canonical_url, keywords=spam + "有色金属")


def cnmn_list_time(moment: datetime) -> str:
    """A list item's time, 2026/9/16 7:51:00: month, day and hour not zero-padded."""
    return f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}:{moment.second:02d}"


CNMN_SUMMARY_CHARS = 110  # a list item's summary: the lead cut there, then "…"
_BROKEN_CNMN_PARAGRAPHS = (
    "本周沪铜主力合约震荡运行，下游采购以刚需为主，市场观望情绪浓厚。",
    "进口铜精矿加工费继续回落，冶炼厂检修增多，现货升水小幅走高。",
    "分析人士认为，短期铜价仍将在宽幅区间内波动，需关注库存变化。",
)
_BROKEN_CNMN_TIME = datetime(2026, 10, 31, 9, 5)
_BROKEN_CNMN_VIEWS = 321


def _cnmn_menu() -> str:
    """The list pages' menu. Some links are relative without a leading slash, as CNMN writes them."""
    return (
        '<div id="navbar" class="navbar navbar-inverse navbar-static-top"><div class="navbar-inner"><div class="container">'
        '<a class="brand" href="./index.html"><img title="中国有色网" alt="中国有色网" src="/Content/images/logo11.png"></a>'
        '<div class="nav-collapse collapse nav-collapse1"><ul class="nav" id="nav"><li><a href="/">首页</a></li>'
        '<li class="dropdown"><a class="dropdown-toggle" title="要闻" data-toggle="dropdown" href="ShowNewsList.aspx?id=13">要闻<b class="caret"></b></a>'
        '<ul class="dropdown-menu"><li><a title="行业新闻" href="ShowNewsList.aspx?id=43">行业新闻</a></li>'
        '<li><a title="铜资讯" href="/ShowNewsList.aspx?id=271">铜资讯</a></li></ul></li>'
        '<li><a href="metal.aspx?id=1" title="铜">铜</a></li><li><a href="metal.aspx?id=23" title="铝">铝</a></li>'
        '<li><a href="/metal.aspx?id=35" title="铅锌">铅锌</a></li><li><a href="/metal.aspx?id=14" title="镍钴">镍钴</a></li>'
        '<li><a href="/metal.aspx?id=22" title="锡锑">锡锑</a></li><li><a href="/metal.aspx?id=87" title="贵金属">贵金属</a></li>'
        "</ul></div></div></div></div>"
    )


def _cnmn_list_shell(title: str, list_id: int, inner: str) -> str:
    """The list pages' frame: the title element padded with white space, `<base
    target="_blank">` at the end of the head, and a script sending id 35 elsewhere."""
    return (
        '\n\n<!DOCTYPE html>\n\n<html xmlns="http://www.w3.org/1999/xhtml">\n<head>'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
        '<meta http-equiv="X-UA-Compatible" content="IE=9" />'
        f"<title>\n\t\n    {escape(title)}\n\n</title>"
        '<link href="/Content/external/cnmn/css/cnmn.css" rel="stylesheet" />'
        '<link href="/Content/css/font-awesome.min.css" rel="stylesheet" />\n'
        '    <script src="/Content/js/jquery-1.11.1.min.js"></script>\n'
        '    <script type="text/javascript">\n'
        "        $(function () {\n"
        '            var id = getUrlParam(window.location, "id");\n'
        "            if (id == 35) {\n"
        '                window.location = "/metal?id=" + id;\n'
        "            }\n"
        "        });\n"
        "    </script>\n"
        '    <meta name="pagetype" content="2" />\n'
        f'    <meta name="catalogs" content="n_{list_id}" />\n'
        '    <meta name="Keywords" content="有色金属,行业热点,铜铝铅锌锡镍,稀土,贵金属" />\n'
        '    <script src="/Content/js/function.js"></script>\n'
        '\t<base target="_blank"  rel="noopener noreferrer"/>\n'
        '</head>\n<body>\n\t<div id="GoToTop"></div>\n'
        f"{_cnmn_menu()}\n{inner}\n"
        '<div class="footer"><div class="container"><p>主办单位：中国有色金属工业协会 中国有色金属报社</p>'
        "<p>Copyright © 2009-2026 中国有色网 版权所有 京ICP备05046543号</p></div></div>\n"
        "</body>\n</html>\n"
    )


def _cnmn_item(member: Page | BrokenPage) -> str:
    """One item of a list, as CNMN's lists have them: the link (its title attribute the full
    title), the time and views, the lead cut short, a separator."""
    title = escape(_list_title(member))
    views: int | None
    if isinstance(member, BrokenPage):
        moment, views, lead = _BROKEN_CNMN_TIME, _BROKEN_CNMN_VIEWS, _BROKEN_CNMN_PARAGRAPHS[0]
    else:
        moment, views = member.published_at, member.views
        served = member.served
        lead = (served.get("paragraphs") or served.get("lines") or member.paragraphs)[0]
    view_label = "次瀏覽" if member.site == "mirror" else "次浏览"
    return (
        f'\n                            <h4><a href="{member.path}" target="_blank" rel="noopener noreferrer" '
        f'title="{title}">{title}</a><span class="tag"></span></h4>\n'
        '                            <div class="info">\n'
        f'                                <span class="time">{cnmn_list_time(moment)}</span>\n'
        "                                \n\t\t\t\t\t\t\t\t\n"
        f'                                <span class="view">{views}{view_label}</span>\n'
        "\t\t\t\t\t\t\t\t\n"
        "                            </div>\n"
        f"                            <p>{escape(lead[:CNMN_SUMMARY_CHARS])}…</p>\n"
        '                            <div class="con-border1"></div>\n'
    )


CNMN_PAGER_WINDOW = 10  # MvcPager: ten page numbers, then "..." and the last page


def _cnmn_pager(base_path: str, pageindex: int, pages: int) -> str:
    """The MvcPager markup: numbered links with target=_self, the last of them the last page
    (while it is not the current one); 下一页 and 尾页 as bare text, as the real page has them."""

    def link(n: int, label: str) -> str:
        return f"<a target='_self' href='{base_path}&pageindex={n}'>{label}</a>"

    if pageindex > 1:
        parts = [link(1, "首页"), link(pageindex - 1, "上一页")]
    else:
        parts = ['<a disabled="disabled">首页</a>', '<a disabled="disabled">上一页</a>']
    start = (pageindex - 1) // CNMN_PAGER_WINDOW * CNMN_PAGER_WINDOW + 1
    end = min(start + CNMN_PAGER_WINDOW - 1, pages)
    if start > 1:
        parts.append(link(start - 1, "..."))
    parts += [
        f'<span class="pagersty">{n}</span>' if n == pageindex else link(n, str(n)) for n in range(start, end + 1)
    ]
    if end < pages:
        parts += ["...", link(pages, str(pages))]
    parts += ["下一页", "尾页"]
    mark = "<!--MvcPager v2.0 for ASP.NET MVC 4.0+ © 2009-2013 Webdiyer (http://www.webdiyer.com)-->"
    return f'{mark}\n<div class="pagination pagination-centered" id="flickrpager">{" ".join(parts)}</div>\n{mark}\n'


def cnmn_list(
    members: list[Page | BrokenPage],
    pageindex: int,
    base_path: str,
    heading: str,
    pinned: Page | None,
) -> str:
    pages = max(1, -(-len(members) // CNMN_PAGE_SIZE))
    chunk = members[(pageindex - 1) * CNMN_PAGE_SIZE : pageindex * CNMN_PAGE_SIZE]
    rows = [pinned] if pinned is not None and pageindex == 1 else []
    items = "".join(_cnmn_item(m) for m in rows + chunk)
    list_id = int(base_path.rsplit("=", 1)[1])
    inner = (
        '<div class="container">\n<div class="row">\n<div class="span8">\n'
        '<ul class="breadcrumb nav-pills" style="margin: 15px 0 0; padding: 5px 15px;">'
        '<li><a href="/"><strong>首页</strong></a> <span class="divider">/</span></li>'
        '<li><a href=""><strong>新闻中心</strong></a><span class="divider">/</span></li>'
        f'<li><a class="active"><strong>{escape(heading)}</strong></a> <i class="icon-ok icon-white"></i></li></ul>\n'
        '<div class="tabbable" style="margin-top: 20px;">\n'
        f'<ul class="nav nav-tabs "><li class="active"><a data-toggle="tab" style="font-size: 18px; font-weight: bold;">{escape(heading)}</a></li>'
        f'<li class="pull-right"><a target="_blank" href="/RSS/{list_id}.xml" title="RSS"><img src="/Content/images/rss.gif" alt="RSS" /></a></li></ul>\n'
        '<div class="tab-content">\n<div class="tab-pane active con-middle " id="tab11-1">\n'
        f"{items}{_cnmn_pager(base_path, pageindex, pages)}\n"
        "</div>\n</div>\n</div>\n</div>\n"
        '<div class="span4" style="margin-top: 15px;"><div class="tabbable" style="margin-top: 20px">'
        '<ul class="nav nav-tabs"><li class="active"><a data-toggle="tab" class="btn topbtn active">新闻排行榜</a></li>'
        '<li><a data-target="#weektop" data-toggle="tab" class="btn"><strong>一周</strong></a></li>'
        '<li><a data-target="#monthtop" data-toggle="tab" class="btn"><strong>每月</strong></a></li></ul>'
        '<div class="tab-content"><ul class="tab-pane active unstyled conright-list" id="weektop">\n</ul>'
        '<ul class="tab-pane unstyled conright-list" id="monthtop">\n</ul></div></div></div>\n'
        "</div>\n</div>"
    )
    title = f"{heading}-{heading}新闻-有色金属新闻-中国有色网-中国有色金属报主办"
    return _cnmn_list_shell(title, list_id, inner)


def _list_title(member: Page | BrokenPage) -> str:
    if isinstance(member, BrokenPage):
        return f"铜价周评：市场观望情绪浓厚（{member.article_id}）"
    return member.served.get("title", member.title)


def cnmn_home() -> str:
    links = "".join(
        f'<li><a href="/ShowNewsList.aspx?id={cid}">{name}</a></li>' for cid, name in CNMN_CHANNELS.items()
    ) + "".join(f'<li><a href="/metal.aspx?id={mid}">{metal}</a></li>' for metal, mid in CNMN_METAL_PAGES.items())
    return _cnmn_shell("中国有色网", f'<div class="w1200 main"><ul>{links}</ul></div>', "https://www.cnmn.com.cn/")


def cnmn_broken(broken: BrokenPage, host: str) -> tuple[int, bytes, str]:
    """(status, body, declared charset) of a broken CNMN page."""
    fake = Page(  # rendered as CNMN renders it, on the mirror too
        site="cnmn",
        article_id=broken.article_id,
        path=broken.path,
        title="铜价周评：市场观望情绪浓厚",
        published_at=_BROKEN_CNMN_TIME,
        author="王磊",
        source="中国有色网",
        category="铜资讯",
        editor="李明",
        views=_BROKEN_CNMN_VIEWS,
        tags=(),
        paragraphs=_BROKEN_CNMN_PARAGRAPHS,
        relevant=False,
        metal="copper",
        story="broken",
    )
    if broken.kind == "http_500":
        return 500, ASPNET_500.encode("utf-8"), "utf-8"
    if broken.kind == "empty_body":
        fake = Page(**{**fake.__dict__, "paragraphs": ("\u00a0",)})
    html = cnmn_article(fake, host, related=[])
    if broken.kind == "wrong_charset":
        return 200, html.encode("gb18030"), "utf-8"  # GBK bytes, declared UTF-8
    data = html.encode("utf-8")
    if broken.kind == "truncated":
        return 200, data[: len(data) * 11 // 20], "utf-8"
    return 200, data, "utf-8"


# --- SMM English: news.metal.com -------------------------------------------------------
# Today a Next.js site: a build names its CSS-module classes <name>___<hash>, and a page's
# data is in <script id="__NEXT_DATA__" type="application/json"> (props.pageProps). Build 1
# is the site as sites.md records it; build 2 (markup version 2) is another build: every hash
# differs, and the article's container and body are renamed (articleDetail___, articleBody___).
# The class names of both builds are here and nowhere else.


@dataclass(frozen=True)
class SmmBuild:
    build_id: str
    css: str  # the stylesheet's hashed name
    classes: dict[str, str]


SMM_BUILDS = {
    1: SmmBuild(
        "tq3XwB0cL9vS7nRkYp2Fd",
        "2f6c1b9e04a7d3c8",
        {
            "header": "header___3fZ1q",
            "logo": "logo___2nWc8",
            "footer": "footer___1pKd3",
            "breadcrumb": "breadcrumb___1xYq2",
            "detail": "newsDetail___2kP9x",
            "title": "title___3RwQs",
            "info": "info___1Xv0k",
            "date": "date___2dL3n",
            "source": "source___2BqLm",
            "content": "content___1sWxQ",
            "tags": "tags___3Zr1v",
            "tag": "tag___1mPq0",
            "events": "events___1hJk2",
            "related": "related___3Lm0d",
            "relatedItem": "relatedItem___3xT8m",
            "listPage": "listPage___1Wm2s",
            "topNews": "topNews___2pLx0",
            "newsList": "newsList___2Hk1s",
            "newsItem": "newsItem___wZtKx",
            "itemTitle": "title___1baLV",
            "itemDate": "date___3dzkE",
            "more": "more___3Kp0a",
        },
    ),
    2: SmmBuild(
        "Hn8dPq4ZtV1mWc6JxR0bE",
        "9a41e7d25c0b8f36",
        {
            "header": "header___Qm7Tz",
            "logo": "logo___8vKcD",
            "footer": "footer___Wn2Ls",
            "breadcrumb": "breadcrumb___Zp5Rx",
            "detail": "articleDetail___Ab12c",
            "title": "title___Vd9Kq",
            "info": "info___Jt4Nw",
            "date": "date___Pc6Hy",
            "source": "source___Lx3Fm",
            "content": "articleBody___Ke7Ur",
            "tags": "tags___Gs5Bn",
            "tag": "tag___Ry8Mt",
            "events": "events___Tf1Qa",
            "related": "related___Bw6Zk",
            "relatedItem": "relatedItem___Nc2Vp",
            "listPage": "listPage___Xe9Dj",
            "topNews": "topNews___Uh3Sg",
            "newsList": "newsList___Mq5Yc",
            "newsItem": "newsItem___Kd8Rw",
            "itemTitle": "title___Fz4Lp",
            "itemDate": "date___Ha7Wn",
            "more": "more___Sv1Jb",
        },
    ),
}
SMM_CONTACT_LINES = (
    "For queries, please contact {name} at {email}",
    "For more information on how to access our research reports, please email service.en@smm.cn",
)
SMM_TRANSLATED = "The content below was translated by Tencent automatically for reference."
_NEXT_ESCAPES = {"&": "\\u0026", "<": "\\u003c", ">": "\\u003e", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_DATELINE = re.compile(r"^(?:SMM: |Mysteel: |[A-Z]+, [^()]*\((?:SMM|Reuters)\) [-–] )")
SMM_SUMMARY_CHARS = 200


def smm_time(moment: datetime) -> str:
    return moment.strftime("%b %d, %Y %H:%M")


def _next_data(route: str, query: dict, props: dict, build: SmmBuild) -> str:
    """The script Next.js writes: the page's props as JSON, escaped as Next escapes it."""
    data = {
        "props": {"pageProps": props, "__N_SSG": True},
        "page": route,
        "query": query,
        "buildId": build.build_id,
        "isFallback": False,
        "gsp": True,
        "scriptLoader": [],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = re.sub("[&<>\u2028\u2029]", lambda m: _NEXT_ESCAPES[m.group(0)], text)
    return f'<script id="__NEXT_DATA__" type="application/json">{text}</script>'


def _smm_shell(title: str, inner: str, canonical: str, build: SmmBuild, next_data: str) -> str:
    c, bid = build.classes, build.build_id
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charSet="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{escape(title)} - Shanghai Metals Market</title>"
        f'<meta property="og:title" content="{escape(title)} - Shanghai Metals Market"/>'
        f'<link rel="canonical" href="{escape(canonical)}"/>'
        f'<link rel="preload" href="/_next/static/css/{build.css}.css" as="style"/>'
        f'<link rel="stylesheet" href="/_next/static/css/{build.css}.css" data-n-g=""/>'
        f'<script src="/_next/static/chunks/main-{build.css[:8]}.js" defer=""></script>'
        f'<script src="/_next/static/{bid}/_buildManifest.js" defer=""></script>'
        f'<script src="/_next/static/{bid}/_ssgManifest.js" defer=""></script></head>\n<body><div id="__next">'
        f'<div class="{c["header"]}"><a href="/en/" class="{c["logo"]}">SMM</a>'
        '<a href="/list/latest/copper">Metal News</a><a href="/price">Prices</a>'
        '<a href="/research">Research</a></div>\n'
        f"{inner}\n"
        f'<div class="{c["footer"]}">Copyright © 2026 Shanghai Metals Market. All rights reserved.</div>'
        f"</div>{next_data}</body></html>\n"
    )


def _smm_summary(page: Page) -> str:
    """The summary the site's data carries: the lead without its dateline, cut at a word."""
    if not page.paragraphs:
        return ""
    lead = _DATELINE.sub("", page.paragraphs[0])
    if len(lead) <= SMM_SUMMARY_CHARS:
        return lead
    return lead[:SMM_SUMMARY_CHARS].rsplit(" ", 1)[0] + "..."


def smm_article(page: Page, related: list[Page], build: int = 1) -> str:
    """An article of today's site in build `build`: the visible page and its __NEXT_DATA__,
    whose content is the body's HTML (the contact lines included)."""
    b = SMM_BUILDS[build]
    c, served = b.classes, page.served
    stamp = smm_time(page.published_at)
    date_html = f'<span class="{c["date"]}">{"Published: " if served.get("published_prefix") else ""}{stamp}</span>'
    source_html = f'<div class="{c["source"]}">Source:{escape(page.source)}</div>' if served.get("source_line") else ""
    lead = [_p(SMM_TRANSLATED)] if page.source == "Wenhua Finance and Economics" else []
    contact = [_p(line.format(name=page.author, email=served.get("contact_email", ""))) for line in SMM_CONTACT_LINES]
    content = "\n".join(lead + [_p(p) for p in page.paragraphs] + contact)
    tags = "".join(f'<a href="/tag/{quote(t)}" class="{c["tag"]}">{escape(t)}</a>' for t in page.tags)
    related_html = "".join(
        f'<div class="{c["relatedItem"]}"><a href="{r.path}">{escape(r.title)}</a></div>' for r in related
    )
    inner = (
        f'<div class="{c["breadcrumb"]}"><a href="/en/">Home</a> / <a href="/list/latest/copper">Metal News</a> / '
        f"<span>{escape(page.title)}</span></div>"
        f'<div class="{c["detail"]}">'
        f'<h1 class="{c["title"]}">{escape(page.title)}</h1>'
        f'<div class="{c["info"]}"><img src="/static/clock.9e1f.svg" alt="icon">{date_html}</div>'
        f"{source_html}"
        f'<div class="{c["content"]}">\n{content}\n</div>'
        f'<div class="{c["tags"]}">{tags}</div></div>'
        f'<div class="{c["events"]}"><h3>SMM Events &amp; Webinars</h3><a href="/events">All</a></div>'
        f'<div class="{c["related"]}"><h3>Related News</h3>{related_html}</div>'
    )
    detail = {
        "id": int(page.article_id),
        "title": page.title,
        "summary": _smm_summary(page),
        "content": content,
        "publishTime": int(page.published_at.timestamp() * 1000),
        "source": page.source,
        "tags": [{"name": t} for t in page.tags],
        "url": page.path,
    }
    data = _next_data("/newscontent/[id]", {"id": page.article_id}, {"newsDetail": detail}, b)
    return _smm_shell(page.title, inner, page.canonical_url, b, data)


def _smm_link(member: Page | BrokenPage, bare: bool) -> str:
    return f"/newscontent/{member.article_id}" if bare else member.path


def smm_item(member: Page | BrokenPage, bare: bool = False) -> dict:
    title = member.title if isinstance(member, Page) else f"Copper market weekly review {member.article_id}"
    when = smm_time(member.published_at) if isinstance(member, Page) else "Oct 31, 2026 09:05"
    return {"id": int(member.article_id), "title": title, "url": _smm_link(member, bare), "time": when}


def smm_list(
    items: list[dict],
    heading: str,
    more_api: str | None,
    top: Sequence[dict] = (),
    build: int = 1,
    route: str = "/en",
    query: dict | None = None,
) -> str:
    """A list page: its first batch of items in the HTML (and in __NEXT_DATA__), the rest
    behind the "More News" button's JSON API."""
    b = SMM_BUILDS[build]
    c = b.classes

    def render(item: dict) -> str:
        return (
            f'<div class="{c["newsItem"]}"><a href="{item["url"]}">'
            f'<div class="{c["itemTitle"]}">{escape(item["title"])}</div>'
            f'<div class="{c["itemDate"]}">{item["time"]}</div></a></div>'
        )

    top_html = (
        f'<div class="{c["topNews"]}"><h2>Top News</h2>' + "".join(render(i) for i in top) + "</div>" if top else ""
    )
    more = (
        f'<div class="{c["more"]}"><button type="button" data-api="{escape(more_api)}">More News</button></div>'
        if more_api
        else ""
    )
    inner = (
        f'<div class="{c["listPage"]}"><h1>{escape(heading)}</h1>{top_html}'
        f'<div class="{c["newsList"]}">{"".join(render(i) for i in items)}</div>{more}</div>'
    )
    props = {"newsList": list(items), "topNews": list(top), "hasMore": bool(more_api)}
    return _smm_shell(heading, inner, f"https://{HOSTS['smm']}/", b, _next_data(route, query or {}, props, b))


def smm_more(items: list[dict], has_more: bool) -> bytes:
    return json.dumps({"code": 0, "msg": "success", "data": {"list": items, "hasMore": has_more}}).encode("utf-8")


def smm_broken(broken: BrokenPage, build: int = 1) -> tuple[int, bytes, str]:
    if broken.kind == "http_500":
        return 500, b"<html><body><h1>500 Internal Server Error</h1></body></html>", "utf-8"
    if broken.kind == "captcha":
        return 200, CAPTCHA_PAGE.encode("utf-8"), "utf-8"
    page = Page(
        site="smm",
        article_id=broken.article_id,
        path=broken.path,
        title=f"Copper market weekly review {broken.article_id}",
        published_at=datetime(2026, 10, 31, 9, 5, tzinfo=TZ),
        author="Alice Wang",
        source="SMM",
        category="",
        editor="",
        views=None,
        tags=("copper",),
        paragraphs=(
            "SMM: SHFE copper fluctuated in a narrow range this week as downstream buyers stayed cautious.",
            "Spot premiums edged higher while treatment charges for imported concentrate continued to fall.",
        ),
        relevant=False,
        metal="copper",
        story="broken",
        served={"contact_email": "alicewang@smm.cn"},
    )
    if broken.kind == "empty_body":
        page = Page(**{**page.__dict__, "paragraphs": ()})
    data = smm_article(page, related=[], build=build).encode("utf-8")
    if broken.kind == "truncated":
        return 200, data[: len(data) * 11 // 20], "utf-8"
    return 200, data, "utf-8"


# --- SMM English before Next.js: the 2013-2017 server-rendered layouts (legacy.py) ---------
# Plain class names, the same in either markup version. Layout A: `div.news_title > h1`,
# `span.news_date` (`Jan 22,2013`), `span.news_byline` (smm insight), `div.news_content`.
# Layout B: `div.crumbs`, `div.news_detail > h1.news_detail_title`, `span.news_detail_time`
# (`Published: Feb 20, 2017 10:15` or `May 03, 2017 14:20CST`), `span.news_detail_source`,
# `div.news_detail_summary`, `div.news_detail_content`. Both: the related headlines are
# paragraphs that are only a link (`<p><a href="/newscontent/...">title</a></p>`) inside the
# body; the cooperation line is the body's last paragraph; the tags and the contact lines
# follow the body.


def smm_legacy_date(page: Page) -> str:
    moment, style = page.published_at, page.served["date_style"]
    if style == "day":
        return f"{moment:%b} {moment.day},{moment.year}"
    return f"Published: {smm_time(moment)}" if style == "published" else f"{smm_time(moment)}CST"


def smm_legacy_article(page: Page, related: list[Page]) -> str:
    served = page.served
    body = []
    for kind, *rest in served["body"]:
        if kind == "related":
            body.append(f'<p><a href="{rest[0]}" target="_blank">{escape(rest[1])}</a></p>')
        elif rest[0].endswith((".", "?", "!")):
            body.append(_p(rest[0]))
        else:  # a digest's sub-headline
            body.append(f"<p><strong>{escape(rest[0])}</strong></p>")
    if served["cooperation"]:
        body.append(_p(legacy.COOPERATION))
    tags = " ".join(f'<a href="/tag/{quote(t)}" target="_blank">{escape(t)}</a>' for t in page.tags)
    contact = (
        "".join(_p(line.format(name=page.author, email=served["contact_email"])) for line in SMM_CONTACT_LINES[:1])
        if page.author
        else ""
    )
    content = "\n".join(body)
    if served["layout"] == "A":
        article = (
            f'<div class="news_title"><h1>{escape(page.title)}</h1></div>'
            f'<div class="news_info"><span class="news_date">{smm_legacy_date(page)}</span>'
            f'<span class="news_byline">{legacy.BYLINE}</span></div>'
            f'<div class="news_content" id="newsContent">\n{content}\n</div>'
            f'<div class="news_tags">Tags: {tags}</div>'
            f'<div class="news_contact">{contact}</div>'
        )
    else:
        slug = SMM_METALS.get(page.metal, "copper")
        article = (
            f'<div class="crumbs"><a href="/">Home</a> / <a href="/list/latest/{slug}">Metal News</a> / '
            f"<span>{escape(page.title)}</span></div>"
            '<div class="news_detail">'
            f'<h1 class="news_detail_title">{escape(page.title)}</h1>'
            f'<div class="news_detail_info"><span class="news_detail_time">{smm_legacy_date(page)}</span>'
            f'<span class="news_detail_source">Source:{escape(page.source)}</span></div>'
            f'<div class="news_detail_summary">{_p(served["summary"])}</div>'
            f'<div class="news_detail_content">\n{content}\n</div>'
            f'<div class="news_detail_tags">{tags}</div>'
            f'<div class="news_detail_contact">{contact}{_p(SMM_CONTACT_LINES[1])}</div></div>'
        )
    side = "".join(f'<li><a href="{r.path}" target="_blank">{escape(r.title)}</a></li>' for r in related)
    description = served["summary"] or (page.paragraphs[0][:150] if page.paragraphs else "")
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
        f"<title>{escape(page.title)} - Shanghai Metals Market</title>"
        f'<meta name="keywords" content="{escape(",".join(page.tags))}" />'
        f'<meta name="description" content="{escape(description)}" />'
        f'<link rel="canonical" href="{escape(page.canonical_url)}" />'
        f'<link href="/css/global.css?v={page.published_at:%Y%m}" rel="stylesheet" type="text/css" />'
        '<script type="text/javascript" src="/js/jquery-1.8.3.min.js"></script></head>\n<body>'
        '<div class="top_bar"><div class="wrap"><a href="/login">Sign In</a> | <a href="/register">Register</a></div></div>'
        '<div class="header"><div class="wrap"><a class="logo" href="/"><img src="/images/logo.png" alt="SMM" /></a>'
        '<ul class="nav"><li><a href="/list/latest/copper">Non-ferrous</a></li><li><a href="/price">Price Center</a></li>'
        '<li><a href="/database">Database</a></li><li><a href="/reports">Pro Reports</a></li>'
        '<li><a href="/events">Events</a></li></ul></div></div>\n'
        f'<div class="wrap main"><div class="main_left">{article}</div>'
        f'<div class="main_right"><div class="side_box"><h3>Most Read</h3><ul>{side}</ul></div></div></div>\n'
        '<div class="footer"><div class="wrap"><p>Copyright &copy; 2000-2017 Shanghai Metals Market. '
        "All Rights Reserved.</p></div></div></body></html>\n"
    )


# --- SMM Chinese: news.smm.cn ----------------------------------------------------------

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def smm_cn_pubdate(moment: datetime) -> str:
    """The feeds' pubDate, not RFC 822: 周二,06 10月 2026 10:31:40 +0800."""
    return f"{_WEEKDAYS_ZH[moment.weekday()]},{moment:%d} {moment.month}月 {moment:%Y %H:%M:%S %z}"


def smm_cn_note(page: Page) -> str:
    """The meta line under the title: one `<time>2026-09-30 19:35</time>` element, then the
    source (sites.md records the text `YYYY-MM-DD 来源: X`; today's pages add the time)."""
    return f"<time>{page.published_at:%Y-%m-%d %H:%M}</time> 来源: {escape(page.source)}"


# What follows the body on today's pages: the author card (an intro, none here, then the
# name), the WeChat and app blurbs, the back-to-top link.
SMM_CN_NO_INTRO = "暂无简介"


def _smm_cn_after_body(page: Page) -> str:
    return (
        '<div class="author-card"><img class="author-avatar" src="/static/avatar-default.png" alt="">'
        f'<div class="author-info"><p class="author-intro">{SMM_CN_NO_INTRO}</p>'
        f'<p class="author-name">{escape(page.author)}</p></div></div>'
        '<div class="side-qrcode"><div class="qr-item"><img src="/static/wx-qr.png" alt="微信二维码">'
        "<span>微信二维码</span><p>今日有色</p></div>"
        '<div class="qr-item"><img src="/static/wx-qr2.png" alt="微信二维码"><span>微信二维码</span>'
        "<p>微信扫一扫关注</p></div></div>"
        '<div class="side-app"><p>下载app掌上有色</p><img src="/static/app-qr.png" alt="掌上有色">'
        "<p>掌上有色</p><p>掌上有色下载</p></div>"
        '<a class="back-top" href="javascript:;"><span>返回顶部</span><img src="/static/top.png" alt="返回顶部">返回顶部</a>'
        '<div class="publicize" id="publicize">publicize</div>'
    )


def _profile(page: Page) -> str:
    return page.paragraphs[0][:60] if page.paragraphs else ""


def _smm_cn_shell(title: str, inner: str, canonical: str) -> str:
    feeds = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{escape(label)}" href="/rss/{name}">'
        for name, label in SMM_CN_FEEDS.items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}_上海有色网</title>"
        f'<link rel="canonical" href="{escape(canonical)}">{feeds}</head>\n<body>'
        '<div class="header"><a class="logo" href="/">上海有色网 SMM</a><ul class="nav">'
        '<li><a href="/">资讯</a></li><li><a href="/rss/copper">铜</a></li><li><a href="/rss/aluminum">铝</a></li>'
        "</ul></div>\n"
        f"{inner}\n"
        '<div class="footer"><p>上海有色网 版权所有 沪ICP备07004138号</p></div>'
        "</body></html>\n"
    )


def smm_cn_article(page: Page, related: list[Page]) -> str:
    paragraphs = "\n".join(_p(p) for p in page.paragraphs)
    related_html = "".join(f'<li><a href="{r.path}">{escape(r.title)}</a></li>' for r in related)
    inner = (
        '<div class="main"><div class="crumb"><a href="/">首页</a> &gt; 正文</div>'
        f'<div class="news-title"><h1>{escape(page.title)}</h1>'
        f'<div class="note">{smm_cn_note(page)}</div></div>'
        f'<div class="news-detail">\n{paragraphs}\n</div>'
        f"{_smm_cn_after_body(page)}"
        '<div class="news-statement"><p>免责声明：本文内容仅供参考，不构成投资建议。</p></div>'
        f'<div class="related-news"><h3>相关资讯</h3><ul>{related_html}</ul></div></div>'
    )
    return _smm_cn_shell(page.title, inner, page.canonical_url)


def smm_cn_home(latest: list[Page]) -> str:
    items = "".join(f'<li><a href="{p.path}">{escape(p.title)}</a></li>' for p in latest)
    return _smm_cn_shell(
        "上海有色网资讯", f'<div class="main"><ul class="news-list">{items}</ul></div>', f"https://{HOSTS['smm_cn']}/"
    )


def smm_cn_rss(feed: str, members: list[Page], origin: str) -> bytes:
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>{origin}{p.path}</link>"
        f'<guid isPermaLink="true">{origin}{p.path}</guid>'
        f"<description>{escape(_profile(p))}</description>"
        f"<pubDate>{smm_cn_pubdate(p.published_at)}</pubDate></item>\n"
        for p in members
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>上海有色网 - {SMM_CN_FEEDS[feed]}</title><link>{origin}/</link>"
        "<description>上海有色网资讯</description><language>zh-cn</language>\n"
        f"{items}</channel></rss>\n"
    ).encode()


def smm_cn_sitemap_index(newest_by_year: dict[int, datetime], origin: str) -> bytes:
    entries = "".join(
        f"<sitemap><loc>{origin}/sitemap/news-{year}.xml</loc><lastmod>{newest.isoformat()}</lastmod></sitemap>\n"
        for year, newest in sorted(newest_by_year.items())
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}</sitemapindex>\n'
    ).encode()


def smm_cn_sitemap(pages: list[Page], origin: str) -> bytes:
    entries = "".join(
        f"<url><loc>{origin}{smm_cn_link(p)}</loc><lastmod>{p.published_at.isoformat()}</lastmod>"
        "<changefreq>never</changefreq></url>\n"
        for p in pages
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'.encode()


def smm_cn_api(members: list[Page], origin: str) -> bytes:
    """A page of the JSON list API (its dates are Unix seconds)."""
    data = [_api_item(p, int(p.published_at.timestamp()), origin) for p in members]
    return json.dumps({"code": 100000, "msg": "success", "data": data}, ensure_ascii=False).encode("utf-8")


def _api_item(page: Page, stamp: int, origin: str) -> dict:
    return {
        "ID": int(page.article_id),
        "Title": page.title,
        "Date": stamp,
        "UpdateTime": stamp,
        "RenewDate": stamp,
        "Source": page.source,
        "Profile": _profile(page),
        "Thumb": "",
        "Author": page.author,
        "URL": f"{origin}{page.path}",
        "KeyWords": "",
        "ProductType": page.metal,
    }


# --- 生态环境部 MEE: www.mee.gov.cn, static pages of the TRS CMS ---------------------------
# Version 1 is the real template (shared/realpages/mee_article_974894.html and
# mee_list_dcjl.html); markup version 2 renames the article's title, date, source and body
# containers (h2.neiright_Title and span.xqLyPc.time match nothing), the TRS meta tags stay.
# The class names of both versions are here and nowhere else.

MEE_ARTICLE_CLASSES = {
    1: {
        "box": "neiright_Box",
        "title": "neiright_Title",
        "content": "neiright_Content",
        "tools": "neiright_JPZ_GK",
        "mobile": "ydLyZzBox",
        "date": "xqLyPc time",
        "source": "xqLyPc",
        "share": "neiright_JPZGK",
        "body": "neiright_JPZ_GK_CP",
    },
    2: {
        "box": "xxgk_box",
        "title": "xxgk_title",
        "content": "xxgk_content",
        "tools": "xxgk_tools",
        "mobile": "xxgk_mobile_info",
        "date": "xxgk_info xxgk_date",
        "source": "xxgk_info xxgk_source",
        "share": "xxgk_share",
        "body": "article_content",
    },
}
MEE_SITE = "中华人民共和国生态环境部"
MEE_SITE_ID = "bm17000009"
MEE_INDENT = "\u3000\u3000"  # a paragraph's leading ideographic spaces
MEE_MORE_TAIL = "&gt;&gt;&gt;"
MEE_LEAVING = "您访问的链接即将离开生态环境部门户网站，是否继续？"  # the hidden interstitial's <h1>
# The banner's section name, written by a script from the page's address.
MEE_BANNER = (
    ("ywdt", "要闻动态"),
    ("zjhb", "组织机构"),
    ("zcwj", "政策文件"),
    ("hjzl", "环境质量"),
    ("ywgz", "业务工作"),
    ("xxgk", "政府信息公开"),
    ("hdjl", "互动交流"),
    ("ztzl", "专题专栏"),
)
MEE_NAV = (
    ("/", "首页"),
    ("/zjhb/", "组织机构"),
    ("/ywdt/", "要闻动态"),
    ("/zcwj/", "政策文件"),
    ("/xxgk/", "信息公开"),
    ("/ywgz/", "业务工作"),
    ("/hdjl/", "互动交流"),
    ("/ztzl/", "专题专栏"),
)
# The footer's link lists (some 140 <li>): departments, the ministry's own units, the
# provinces' environment departments.
_MEE_DEPARTMENTS = (
    "外交部:fmprc",
    "国防部:mod",
    "国家发展和改革委员会:ndrc",
    "教育部:moe",
    "科学技术部:most",
    "工业和信息化部:miit",
    "国家民族事务委员会:neac",
    "公安部:mps",
    "民政部:mca",
    "司法部:moj",
    "财政部:mof",
    "人力资源和社会保障部:mohrss",
    "自然资源部:mnr",
    "住房和城乡建设部:mohurd",
    "交通运输部:mot",
    "水利部:mwr",
    "农业农村部:moa",
    "商务部:mofcom",
    "文化和旅游部:mct",
    "国家卫生健康委员会:nhc",
    "退役军人事务部:mva",
    "应急管理部:mem",
    "中国人民银行:pbc",
    "审计署:audit",
    "国务院国有资产监督管理委员会:sasac",
    "海关总署:customs",
    "国家税务总局:chinatax",
    "国家市场监督管理总局:samr",
    "国家广播电视总局:nrta",
    "国家体育总局:sport",
    "国家统计局:stats",
    "国家医疗保障局:nhsa",
    "国家机关事务管理局:ggj",
    "国家能源局:nea",
    "国家林业和草原局:forestry",
    "国家铁路局:nra",
    "中国民用航空局:caac",
    "国家邮政局:spb",
    "国家文物局:ncha",
    "国家中医药管理局:satcm",
    "国家矿山安全监察局:chinamine-safety",
    "国家外汇管理局:safe",
    "国家知识产权局:cnipa",
    "国家粮食和物资储备局:lswz",
    "中国气象局:cma",
    "国家航天局:cnsa",
    "国家移民管理局:nia",
    "国家公务员局:scs",
    "国家档案局:saac",
    "国家保密局:gjbmj",
    "国家密码管理局:oscca",
    "国务院参事室:counsellor",
    "国家认证认可监督管理委员会:cnca",
    "国家标准化管理委员会:sac",
    "国家新闻出版署:nppa",
    "国家宗教事务局:sara",
    "国务院台湾事务办公室:gwytb",
    "国家互联网信息办公室:cac",
    "国务院新闻办公室:scio",
    "中国科学院:cas",
    "中国社会科学院:cass",
    "中国工程院:cae",
    "国务院发展研究中心:drc",
    "中国证券监督管理委员会:csrc",
    "国家国防科技工业局:sastind",
    "国家烟草专卖局:tobacco",
    "国家公园管理局:npa",
    "国家国际发展合作署:cidca",
    "国家数据局:nda",
    "国家疾病预防控制局:ndcpa",
    "国家消防救援局:119",
)
_MEE_REGIONS = (("华北", "hb"), ("华东", "hd"), ("华南", "hn"), ("西北", "xb"), ("西南", "xn"), ("东北", "db"))
_MEE_BASINS = (
    ("长江", "cj"),
    ("黄河", "huanghe"),
    ("淮河", "huaihe"),
    ("海河流域北海海域", "hhbh"),
    ("珠江流域南海海域", "zjnh"),
    ("松辽", "sl"),
    ("太湖流域东海海域", "thdh"),
)
_MEE_UNITS = (
    "中国环境科学研究院:craes",
    "中国环境监测总站:cnemc",
    "环境与经济政策研究中心:prcee",
    "中国环境报社:cenews",
    "核与辐射安全中心:chinansc",
    "对外合作与交流中心:fecomee",
    "南京环境科学研究所:nies",
    "华南环境科学研究所:scies",
    "环境规划院:caep",
    "环境工程评估中心:china-eia",
    "卫星环境应用中心:secmep",
    "固体废物与化学品管理技术中心:meescc",
    "信息中心:chinaeic",
    "国家海洋环境监测中心:nmemc",
    "宣传教育中心:chinaeol",
    "中国环境科学学会:chinacses",
)
_MEE_PROVINCES = (
    "北京市:beijing",
    "天津市:tj",
    "河北省:hebei",
    "山西省:shanxi",
    "内蒙古自治区:nmg",
    "辽宁省:ln",
    "吉林省:jl",
    "黑龙江省:hlj",
    "上海市:sh",
    "江苏省:jiangsu",
    "浙江省:zj",
    "安徽省:ah",
    "福建省:fujian",
    "江西省:jiangxi",
    "山东省:shandong",
    "河南省:henan",
    "湖北省:hubei",
    "湖南省:hunan",
    "广东省:gd",
    "广西壮族自治区:gxzf",
    "海南省:hainan",
    "重庆市:cq",
    "四川省:sc",
    "贵州省:guizhou",
    "云南省:yn",
    "西藏自治区:xizang",
    "陕西省:shaanxi",
    "甘肃省:gansu",
    "青海省:qinghai",
    "宁夏回族自治区:nx",
    "新疆维吾尔自治区:xinjiang",
    "新疆生产建设兵团:xjbt",
)


def _relative(path: str, here: str) -> str:
    """The page's relative link to `path`, as the CMS writes them (./202610/t..., ../../dczg/)."""
    link = posixpath.relpath(path, posixpath.dirname(here))
    link = "" if link == "." else link + "/" if path.endswith("/") else link
    return link if link.startswith("..") else f"./{link}"


def mee_list_path(column: str, index: int) -> str:
    """index.shtml, then index_1.shtml, index_2.shtml ..."""
    return f"{MEE_SECTION}/{column}/index{f'_{index}' if index else ''}.shtml"


def _mee_footer_lists() -> str:
    def ul(entries, cls: str = "") -> str:
        items = "".join(
            f'\n        <li><a href="{href}" target="_blank">{name}</a></li>\n      ' for name, href in entries
        )
        return f"\t\t\t<ul{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>\n      {items}\n\t\t\t</ul>\n"

    def split(entries):
        return [(e.split(":")[0], f"http://www.{e.split(':')[1]}.gov.cn/") for e in entries]

    units = [(f"{name}督察局", f"http://{code}dc.mee.gov.cn/") for name, code in _MEE_REGIONS]
    units += [(f"{name}核与辐射安全监督站", f"http://{code}ro.mee.gov.cn/") for name, code in _MEE_REGIONS]
    units += [(f"{name}流域生态环境监督管理局", f"http://{code}jg.mee.gov.cn/") for name, code in _MEE_BASINS]
    units += [(e.split(":")[0], f"http://www.{e.split(':')[1]}.org.cn/") for e in _MEE_UNITS]
    provinces = [
        (f"{name}生态环境{'局' if name.endswith(('市', '兵团')) else '厅'}", f"http://sthj.{code}.gov.cn/")
        for name, code in (e.split(":") for e in _MEE_PROVINCES)
    ]
    others = [
        ("全国排污许可证管理信息平台", "http://permit.mee.gov.cn/"),
        ("中国保护臭氧层行动", "http://www.ozone.org.cn/"),
        ("中国气候变化信息网", "http://www.ccchina.org.cn/"),
    ]
    return (
        '<div class="footer">\n\t<div class="footerTopUl">\n\t\t<div class="center">\n'
        + ul(split(_MEE_DEPARTMENTS), "active")
        + ul(units)
        + ul(provinces)
        + ul(others)
        + "\t\t</div>\n\t</div>\n"
        '\t<div class="center">\n\t\t<div class="footer_web_linkBox"><ul class="footer_web_linkUl">'
        '<li class="footer_web_linkLi"><a class="footer_web_linkLiA" href="http://www.gov.cn/" target="_blank">中国政府网</a></li>'
        '<li class="footer_web_linkLi footer_web_linkLi2">国务院部门</li>'
        '<li class="footer_web_linkLi footer_web_linkLi2">部系统门户网站群</li>'
        '<li class="footer_web_linkLi footer_web_linkLi2">地方生态环境部门</li>'
        '<li class="footer_web_linkLi footer_web_linkLi2">其他</li></ul></div>\n'
        '\t\t<div class="footer_web_linkBBox"><span>链接 ：</span><ul>'
        '<li><a href="http://www.npc.gov.cn/" target="_blank">全国人大</a></li>'
        '<li><a href="http://www.cppcc.gov.cn/" target="_blank">全国政协</a></li>'
        '<li><a href="http://www.court.gov.cn/" target="_blank">最高人民法院</a></li>'
        '<li><a href="http://www.spp.gov.cn/" target="_blank">最高人民检察院</a></li></ul></div>\n'
        '\t\t<div class="footer_BBox"><div class="footer_BZBox"><ul>'
        '<li><a href="/home/wzsm/" target="_blank">网站声明</a></li><li><a href="/home/wzdt/" target="_blank">网站地图</a></li>'
        '<li><a href="/home/lxwm/" target="_blank">联系我们</a></li></ul>'
        f"<p>版权所有：{MEE_SITE}<span>|</span>ICP备案编号: 京ICP备05009132号</p>"
        f"<p>网站标识码：{MEE_SITE_ID}<span>|</span>京公网安备 11040102700072号</p></div></div>\n"
        "\t</div>\n</div>\n"
        f'<div class="footerMoble"><p>版权所有：{MEE_SITE} </p><p>网站标识码：{MEE_SITE_ID}</p>'
        '<div class="style_pc">电脑版</div><a class="goTopBtn"></a></div>\n'
    )


def _mee_banner(here: str, column: str) -> str:
    """The banner: the section's name written by script from the column's address (the h2
    holds no text of its own), and the breadcrumb of relative links."""
    url = f"https://{HOSTS['mee']}{MEE_SECTION}/{column}/"
    steps = [
        ("/", "首页"),
        ("/ywgz/", "业务工作"),
        (f"{MEE_SECTION}/", "中央生态环境保护督察"),
        (f"{MEE_SECTION}/{column}/", MEE_COLUMNS[column]),
    ]
    tests = "".join(
        f'\n    if(url.indexOf(".cn/{part}/")>0)\n    {{document.write("{name}");}}' for part, name in MEE_BANNER
    )
    crumbs = "&nbsp;>&nbsp;".join(
        f'<a href="{_relative(path, here)}" target="_self" title="{name}" class="CurrChnlCls">{name}</a>'
        for path, name in steps
    )
    return (
        '<div class="innerBaseBanner">\n  <img class="innerBaseBannerImg" src="/images/MEPC_base_innerBanner_v2019_02.jpg" />\n'
        f'  <div class="center">\n    <h2><script>\n    var url="{url}";{tests}\n</script></h2>\n'
        f'    <div class="crumbsNav">\n      当前位置：{crumbs}\n    </div>\n  </div>\n</div>\n'
    )


def _mee_page(title: str, meta: list[tuple[str, str]], here: str, inner: str, tail: str = "") -> str:
    """A page of the site: the TRS meta tags, the header, `inner`, the footer's link lists."""
    metas = "\n".join(f'<meta name="{name}" content="{escape(value)}" />' for name, value in meta)
    nav = "".join(f'<li><a href="{_relative(path, here)}" target="_parent">{name}</a></li>' for path, name in MEE_NAV)
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, user-scalable=no, initial-scale=1, maximum-scale=1, minimum-scale=1">\n'
        f"<title>{escape(title)}</title>\n{metas}\n"
        '<script type="text/javascript" src="/images/jquery-1.12.4.min.js"></script>\n'
        '<script type="text/javascript" src="/images/MEPC_mobile_v2020.js"></script>\n'
        '<link class="stylefile" rel="stylesheet" type="text/css" href="/images/MEPC_base_pc_v2019.css" />\n'
        '<link class="mobileStyle" rel="stylesheet" type="text/css" href="/images/MEPC_base_mobile_v2019.css" />\n'
        "</head>\n<body>\n"
        '<div class="header">\n\t<div class="headerC center">\n\t\t<a class="AppBtn" target="_parent">手机版</a>\n\t\t<ul>'
        '<li class="header_mailbox_li"><a href="https://email.mee.gov.cn/" target="_blank">邮箱</a></li>'
        '<li><a href="http://english.mee.gov.cn/" target="_blank">EN</a></li></ul>\n\t</div>\n</div>\n'
        '<div class="header_logo">\n\t<div class="logoSearchBox center">\n'
        '\t\t<a class="logo" href="/" target="_parent"><img src="/images/MEPC_base_v2019_07.png" /></a>\n'
        '\t\t<div class="logoSearchR"><form action="/searchnew/" method="get" target="_blank">'
        '<input id="searchword" name="searchword" class="searchText1" type="text" placeholder="请输入您要搜索的内容" />'
        '<input type="submit" class="searchSubmit2" value="搜索" /></form></div>\n'
        f'\t\t<ul class="mainNav">{nav}</ul>\n\t</div>\n</div>\n'
        f"{inner}"
        f"{_mee_footer_lists()}"
        f"{tail}</body>\n</html>\n"
    )


def _mee_paragraph(text: str, more: str | None) -> str:
    """A body paragraph as the TRS editor writes it: a <div>, two ideographic spaces, and
    perhaps the "more" link's tail."""
    tail = f'{MEE_MORE_TAIL}<a href="{more}">{MEE_MORE_TEXT}</a>' if more else ""
    return f"<div>{MEE_INDENT}{escape(text)}{tail}</div>"


def mee_article(page: Page, version: int = 1) -> str:
    c = MEE_ARTICLE_CLASSES[version]
    column = page.path.split("/")[3]
    day, source = f"{page.published_at:%Y-%m-%d}", escape(page.source)
    more = page.served.get("more", {})
    body = "\n".join(_mee_paragraph(p, more.get(i)) for i, p in enumerate(page.paragraphs))
    meta = [
        ("SiteName", MEE_SITE),
        ("SiteDomain", HOSTS["mee"]),
        ("SiteIDCode", MEE_SITE_ID),
        ("ColumnName", MEE_COLUMNS[column]),
        ("ColumnType", MEE_COLUMNS[column]),
        ("ArticleTitle", page.title),
        ("PubDate", f"{page.published_at:%Y-%m-%d %H:%M:%S}"),
        ("ContentSource", page.source),
        ("Keywords", ""),
        ("Author", ""),
        ("Url", page.canonical_url),
        ("description", MEE_SITE),
        ("filetype", "0"),
        ("publishedtype", "1"),
        ("pagetype", "1"),
        ("catalogs", str(MEE_CHANNELS[column])),
        ("contentid", page.article_id),
        ("publishdate", day),
        ("author", page.author),
        ("source", page.source),
    ]
    inner = (
        _mee_banner(page.path, column)
        + '<div class="innerBg">\n  <div class="innerCenter">\n    <div class="wzsmCenter">\n'
        '      <div class="innerBzCenter">\n        <div class="stbzXq">\n'
        f'          <div class="{c["box"]}">\n'
        f'            <h2 class="{c["title"]}">{escape(page.title)}</h2>\n'
        f'            <div class="{c["content"]}">\n'
        f'              <div class="{c["tools"]}">\n'
        f'                <p class="{c["mobile"]}">\n                  <span>{day}</span>\n'
        f"                  <span>来源：{source}</span>\n                </p>\n"
        f'                <span class="{c["date"]}">{day}</span>\n'
        f'                <span class="{c["source"]}">来源：{source}</span>\n'
        f'                <div class="{c["share"]}">分享到：\n'
        '<div class="bshare-custom icon-medium"><a title="分享到微信" class="bshare-weixin"></a>'
        '<a title="分享到新浪微博" class="bshare-sinaminiblog"></a></div>\n'
        '<script src="/images/buttonLite.js#style=1&amp;uuid=&amp;lang=zh" type="text/javascript" charset="utf-8"></script>\n'
        "</div>\n"
        '                <span class="zzjgLdPrint"><a href="javascript:void(1)" onclick="window.print()">[打印]</a></span>\n'
        '                <span class="zzjgLdFont">字号：<a>[大]</a> <a class="active">[中]</a> <a >[小]</a></span>\n'
        "              </div>\n"
        f'              <div class="{c["body"]}">\n'
        f'                <div class=TRS_Editor><div class="Custom_UnionStyle">\n{body}\n</div></div>\n'
        "              </div>\n            </div>\n          </div>\n        </div>\n      </div>\n"
        '      <div class="stbzCBaseXq" id=\'recommend-rel\' style="display: none">\n'
        '        <div class="cjcs_com_tt"><h2>相关阅读推荐</h2></div>\n'
        '        <div class="cjcx_hdjl_liebadd"><ul>\n          </ul></div>\n      </div>\n'
        '      <div class="stbzCBaseXq" id="recommend-int" style="display: none">\n'
        '        <div class="cjcs_com_tt"><h2>您可能对以下文章感兴趣</h2></div>\n'
        '        <div class="cjcx_hdjl_liebadd"><ul>\n          </ul></div>\n      </div>\n'
        "    </div>\n  </div>\n</div>\n"
    )
    tail = (
        '<script type="text/javascript">\n'
        f"  var docid = '{page.article_id}';\n"
        '  $.ajax({url: "/api/v1/articles/similar", type: "GET", data: {"id": docid}, success: function(result) {\n'
        '    if (result.code == 10000 && result.total != 0) { $("#recommend-rel").show(); }\n  }});\n'
        "</script>\n"
    )
    return _mee_page(f"{page.title}_{MEE_SITE}", meta, page.path, inner, tail)


def _mee_items(chunk: list[Page], here: str) -> str:
    """A list page's items: the date before the link, the link relative, its title empty,
    every fifth <li> of class miaob."""
    return "".join(
        f"\n                                <li{' class=' + chr(34) + 'miaob' + chr(34) if i % 5 == 4 else ''}>"
        f'<span class="date">{p.published_at:%Y-%m-%d}</span>'
        f'<a href="{_relative(p.path, here)}" target="_blank" title="">{escape(p.title)}</a></li>\n'
        for i, p in enumerate(chunk)
    )


def _mee_pager(index: int, pages: int) -> str:
    """The pager as the CMS writes it: no links in the HTML, a script writing them from
    countPage (index.shtml is page 0, then index_1.shtml ... index_{countPage-1}.shtml)."""
    return (
        '<div class="badoo1">\n    <div class="badoo1_nr1">\n        <div class="badoo1_nr2">\n'
        '    <script language="javascript">\n'
        f'        //createPageHTML({pages}, {index}, "index", "shtml");\n'
        f"        var currentPage = {index};//所在页从0开始\n"
        "        var prevPage = currentPage-1//上一页\n"
        "        var nextPage = currentPage+1//下一页\n"
        f"        var countPage = {pages}//共多少页\n"
        "        if(countPage>1&&currentPage!=0&&currentPage!=1)\n"
        '            document.write("<a class=\'\' href=\\"index.shtml\\" target=\\"_self\\">首页</a><a href=\\"index"+"_" + prevPage + "."+"shtml\\" target=\\"_self\\">上一页</a>");\n'
        "        else if(countPage>1&&currentPage!=0&&currentPage==1)\n"
        '            document.write("<a class=\'\' href=\\"index.shtml\\" target=\\"_self\\">首页</a><a href=\\"index.shtml\\" target=\\"_self\\">上一页</a>");\n'
        "        else\n"
        "            document.write(\"<a class=''>首页</a>\");\n"
        "        var num = 6;\n"
        "        var startPage=currentPage-2;\n"
        "        if(startPage<0) startPage=0;\n"
        "        var endpage=startPage+num;\n"
        "        if(endpage>countPage)endpage=countPage;\n"
        "        startPage=endpage-6;\n"
        "        if(startPage<0) startPage=0;\n"
        "        for(var i=startPage; i<endpage ; i++){\n"
        "            if(currentPage==i)\n"
        '                document.write("<a class=\'current\'>"+(i+1)+"</a>");\n'
        "            else if(i==0){\n"
        '                document.write("<a class=\'\' href=\\"index.shtml\\" target=\\"_self\\">"+1+"</a>");\n'
        "            }else\n"
        '                document.write("<a class=\'\' href=\\"index"+"_" + i + "."+"shtml\\" target=\\"_self\\">"+(i+1)+"</a>");\n'
        "        }\n"
        "        if(countPage>1&&currentPage!=(countPage-1))\n"
        '            document.write("<a href=\\"index"+"_" + nextPage + "."+"shtml\\" target=\\"_self\\">下一页</a><a href=\\"index_" + (countPage-1) + ".shtml\\" target=\\"_self\\">尾页</a>");\n'
        "        else\n"
        "            document.write(\"<a class=''>尾页</a>\");\n"
        '        document.write("<div class=\\"badoo1_txt\\">跳</div><input type=\'text\' id=\'num\' value="+(currentPage+1)+" /><div class=\\"badoo1_txt\\">/" + countPage + "页</div>"+"<button onClick=javascript:toPage()>GO</button>");\n'
        "        function toPage(){\n"
        '            var _num = document.getElementById("num").value;\n'
        '            var str = "index"+"_"+(_num-1)+"."+"shtml";\n'
        '            var url = location.href.substring(0,location.href.lastIndexOf("/")+1);\n'
        "            if(_num<=1||_num==null)\n"
        '                location.href = url+"index"+"."+"shtml";\n'
        "            else if(_num>countPage)\n"
        '                alert("本频道最多"+countPage+"页");\n'
        "            else\n"
        "                location.href = url+str;\n"
        "        }\n"
        "    </script>\n"
        '            <div style="clear:both;"></div>\n        </div>\n    </div>\n</div>\n'
    )


def _mee_more_button(column: str, pages: int) -> str:
    """The mobile "查看更多" button: it appends index_<channel>_<n>.shtml (the items of page n)."""
    return (
        '                <div class="pc_none seeMore">\n'
        "                    <a id='anniu' onclick=\"goto()\" >查看更多</a>\n"
        "                </div>\n"
        "                <script>\n"
        f"                    var countPage = {pages};\n"
        "                    if(countPage<2){\n                       $('#anniu').hide();\n                    }\n"
        "                    var page = 1;\n"
        "                    function goto(){\n"
        "                        $.ajax({\n"
        f"                            url:'index_{MEE_CHANNELS[column]}_' + page + '.shtml',\n"
        "                            success: function(html){\n"
        "                                page = page + 1;\n"
        "                                $('#div').append('<sun style=\"display:none;\">' + html + '</sun>');\n"
        "                                $('sun').eq(-1).slideDown(\"slow\");\n"
        "                            }\n"
        "                        });\n"
        "                        if(page + 1>=countPage){\n                           $('#anniu').hide();\n                         }\n"
        "                    };\n"
        "                </script>\n"
    )


_MEE_INTERSTITIAL = (
    '<div class="link-url-wrapper">\n\t<div class="link-url-mask"></div>\n\t<div class="link-url-inner">\n'
    '\t\t<div class="link-p">温馨提示</div>\n\t\t<div class="content">\n'
    f"\t\t\t<h1>{MEE_LEAVING}</h1>\n"
    '\t\t\t<p class="link-preview" style="display: none"></p>\n'
    '\t\t\t<div class="content-footer">\n\t\t\t\t<span id="continue" class="link continue">继续访问</span>\n'
    '\t\t\t\t<span class="link default cancel">取消</span>\n\t\t\t</div>\n\t\t</div>\n\t</div>\n</div>\n'
)


def mee_list_pages(members: list[Page]) -> int:
    return max(1, -(-len(members) // MEE_PAGE_SIZE))


def mee_list_fragment(column: str, members: list[Page], index: int) -> str:
    """index_<channel>_<n>.shtml: the items of page n alone, for the mobile button."""
    return _mee_items(members[index * MEE_PAGE_SIZE : (index + 1) * MEE_PAGE_SIZE], mee_list_path(column, index))


def mee_list(column: str, members: list[Page], index: int) -> str:
    """Page `index` of a column's list (0: index.shtml, also the column's own address)."""
    here = mee_list_path(column, index)
    name = MEE_COLUMNS[column]
    pages = mee_list_pages(members)
    items = _mee_items(members[index * MEE_PAGE_SIZE : (index + 1) * MEE_PAGE_SIZE], here)
    meta = [
        ("SiteName", MEE_SITE),
        ("SiteDomain", HOSTS["mee"]),
        ("SiteIDCode", MEE_SITE_ID),
        ("ColumnName", name),
        ("ColumnType", name),
        ("ColumnDescription", name),
        ("ColumnKeywords", f"{name},{MEE_SITE}"),
    ]
    inner = (
        _mee_banner(here, column)
        + '\n<div class="cjcs_dqwz_wai">\n    <div class="cjcs_con">\n        <div class="cjcs_kong ywgz_xj">\n'
        '            <div class="slideTxtBoxgsf">\n'
        f'                <div class="hd cjcs_gaibiana7">\n                    <h2 class="cjcs_baoguang">{name}</h2>\n                </div>\n'
        '                <div class="bd mobile_list">\n                    <div>\n                        <ul id="div">\n'
        f"{items}\n                        </ul>\n                    </div>\n                </div>\n"
        f"{_mee_pager(index, pages)}{_mee_more_button(column, pages)}"
        "            </div>\n        </div>\n    </div>\n</div>\n"
    )
    return _mee_page(f"{name}_{MEE_SITE}", meta, here, inner, _MEE_INTERSTITIAL)


def mee_home() -> str:
    columns = "".join(
        f'<li><a href="{_relative(mee_list_path(c, 0), "/")}">{name}</a></li>' for c, name in MEE_COLUMNS.items()
    )
    news = "".join(f'<li><a href="{path}">{title}</a></li>' for path, title in MEE_OTHER_LINKS)
    inner = (
        '<div class="innerBg"><div class="center"><div class="zysthjbhdc"><h3>中央生态环境保护督察</h3>'
        f'<ul>{columns}</ul></div><div class="news"><ul>{news}</ul></div></div></div>\n'
    )
    return _mee_page(MEE_SITE, [("SiteName", MEE_SITE), ("SiteDomain", HOSTS["mee"])], "/", inner)


# --- markup version 2 of SMM Chinese: a redesign --------------------------------------


def redesigned_article(page: Page, lang: str) -> str:
    """An article after a (made-up) move of SMM Chinese to a new CMS: none of version 1's
    selectors (.news-title, .news-detail) match any more. (SMM English's version 2 is another
    Next.js build: SMM_BUILDS.)"""
    paragraphs = "\n".join(_p(p) for p in page.paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(page.title)}</title>'
        f'<link rel="canonical" href="{escape(page.canonical_url)}"></head>\n<body><main class="article-page">'
        f'<article><header class="article-header"><h2 class="article-headline">{escape(page.title)}</h2>'
        f"<time>{page.published_at:%Y-%m-%d %H:%M}</time>"
        f'<span class="article-source">{escape(page.source)}</span></header>'
        f'<section class="article-content">\n{paragraphs}\n</section></article></main></body></html>\n'
    )
