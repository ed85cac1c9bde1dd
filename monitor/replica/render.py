"""HTML (and JSON) of the replica sites' pages, as the live sites shape them.

Where the structure of a live page is not verified (see ../shared/sites.md), the likeliest
form is chosen here, in one place, so a correction is a one-line change."""

from __future__ import annotations

import json
import posixpath
from datetime import datetime
from html import escape
from urllib.parse import quote

from monitor.replica.catalog import (
    CNMN_CHANNELS,
    CNMN_METAL_PAGES,
    CNMN_PAGE_SIZE,
    HOSTS,
    MEE_COLUMNS,
    MEE_PAGE_SIZE,
    MEE_SECTION,
    SMM_CN_FEEDS,
    BrokenPage,
    Page,
    smm_cn_link,
)

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
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>"
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
    body = "\n".join(
        (junk if mirror and i % 3 == 1 else "") + _p(line) for i, line in enumerate(body_lines)
    )
    related_html = "".join(
        f'<li><a href="{r.path}" target="_blank">{escape(r.title)}</a></li>' for r in related
    )
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


def cnmn_list(
    members: list[Page | BrokenPage], pageindex: int, base_path: str, heading: str,
    pinned: Page | None,
) -> str:
    pages = max(1, -(-len(members) // CNMN_PAGE_SIZE))
    chunk = members[(pageindex - 1) * CNMN_PAGE_SIZE : pageindex * CNMN_PAGE_SIZE]
    rows = [pinned] if pinned is not None and pageindex == 1 else []
    items = "\n".join(
        f'<h4><a href="{m.path}" target="_blank">{escape(_list_title(m))}</a>'
        f'<span class="time">{_list_date(m)}</span></h4>'
        for m in rows + chunk
    )
    pager = "".join(
        f'<span class="current">{n}</span>' if n == pageindex
        else f'<a href="{base_path}&amp;pageindex={n}" target="_self">{n}</a>'
        for n in range(1, pages + 1)
    )
    if pageindex < pages:
        pager += f'<a href="{base_path}&amp;pageindex={pages}" target="_self">尾页</a>'
    inner = (
        f'<div class="w1200 main"><div class="weizhi">当前位置：<a href="/">首页</a> &gt; {escape(heading)}</div>'
        f'<div id="tab11-1" class="newslist">\n{items}\n</div>'
        f'<div id="flickrpager">{pager}</div></div>'
    )
    return _cnmn_shell(f"{heading}-中国有色网", inner, f"https://www.cnmn.com.cn{base_path}")


def _list_title(member: Page | BrokenPage) -> str:
    if isinstance(member, BrokenPage):
        return f"铜价周评：市场观望情绪浓厚（{member.article_id}）"
    return member.served.get("title", member.title)


def _list_date(member: Page | BrokenPage) -> str:
    if isinstance(member, BrokenPage):
        return "2026/10/31"
    return member.published_at.strftime("%Y/%m/%d")


def cnmn_home() -> str:
    links = "".join(
        f'<li><a href="/ShowNewsList.aspx?id={cid}">{name}</a></li>' for cid, name in CNMN_CHANNELS.items()
    ) + "".join(f'<li><a href="/metal.aspx?id={mid}">{metal}</a></li>' for metal, mid in CNMN_METAL_PAGES.items())
    return _cnmn_shell("中国有色网", f'<div class="w1200 main"><ul>{links}</ul></div>', "https://www.cnmn.com.cn/")


def cnmn_broken(broken: BrokenPage, host: str) -> tuple[int, bytes, str]:
    """(status, body, declared charset) of a broken CNMN page."""
    fake = Page(  # rendered as CNMN renders it, on the mirror too
        site="cnmn", article_id=broken.article_id, path=broken.path,
        title="铜价周评：市场观望情绪浓厚", published_at=datetime(2026, 10, 31, 9, 5),
        author="王磊", source="中国有色网", category="铜资讯", editor="李明", views=321, tags=(),
        paragraphs=(
            "本周沪铜主力合约震荡运行，下游采购以刚需为主，市场观望情绪浓厚。",
            "进口铜精矿加工费继续回落，冶炼厂检修增多，现货升水小幅走高。",
            "分析人士认为，短期铜价仍将在宽幅区间内波动，需关注库存变化。",
        ),
        relevant=False, metal="copper", story="broken",
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


def smm_time(moment: datetime) -> str:
    return moment.strftime("%b %d, %Y %H:%M")


def _smm_shell(title: str, inner: str, canonical: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - Shanghai Metals Market</title>"
        f'<meta property="og:title" content="{escape(title)} - Shanghai Metals Market">'
        f'<link rel="canonical" href="{escape(canonical)}">'
        '<link rel="stylesheet" href="/umi.7f3a2c.css"></head>\n<body><div id="root">'
        '<div class="header___3fZ1q"><a href="/en/" class="logo___2nWc8">SMM</a>'
        '<a href="/list/latest/copper">Metal News</a><a href="/price">Prices</a>'
        '<a href="/research">Research</a></div>\n'
        f"{inner}\n"
        '<div class="footer___1pKd3">Copyright © 2026 Shanghai Metals Market. All rights reserved.</div>'
        "</div></body></html>\n"
    )


def smm_article(page: Page, related: list[Page]) -> str:
    served = page.served
    stamp = smm_time(page.published_at)
    date_html = (
        f'<span class="date___2dL3n">Published: {stamp}</span>'
        if served.get("published_prefix")
        else f'<span class="date___2dL3n">{stamp}</span>'
    )
    source_html = f'<div class="source___2BqLm">Source:{escape(page.source)}</div>' if served.get("source_line") else ""
    lead = (
        [_p("The content below was translated by Tencent automatically for reference.")]
        if page.source == "Wenhua Finance and Economics"
        else []
    )
    contact = [
        _p(f"For queries, please contact {page.author} at {served['contact_email']}"),
        _p("For more information on how to access our research reports, please email service.en@smm.cn"),
    ]
    paragraphs = "\n".join(lead + [_p(p) for p in page.paragraphs] + contact)
    tags = "".join(f'<a href="/tag/{quote(t)}" class="tag___1mPq0">{escape(t)}</a>' for t in page.tags)
    related_html = "".join(
        f'<div class="relatedItem___3xT8m"><a href="{r.path}">{escape(r.title)}</a></div>' for r in related
    )
    inner = (
        f'<div class="breadcrumb___1xYq2"><a href="/en/">Home</a> / <a href="/list/latest/copper">Metal News</a> / '
        f"<span>{escape(page.title)}</span></div>"
        '<div class="newsDetail___2kP9x">'
        f'<h1 class="title___3RwQs">{escape(page.title)}</h1>'
        f'<div class="info___1Xv0k"><img src="/static/clock.9e1f.svg" alt="icon">{date_html}</div>'
        f"{source_html}"
        f'<div class="content___1sWxQ">\n{paragraphs}\n</div>'
        f'<div class="tags___3Zr1v">{tags}</div></div>'
        '<div class="events___1hJk2"><h3>SMM Events &amp; Webinars</h3><a href="/events">All</a></div>'
        f'<div class="related___3Lm0d"><h3>Related News</h3>{related_html}</div>'
    )
    return _smm_shell(page.title, inner, page.canonical_url)


def _smm_link(member: Page | BrokenPage, bare: bool) -> str:
    return f"/newscontent/{member.article_id}" if bare else member.path


def smm_item(member: Page | BrokenPage, bare: bool = False) -> dict:
    title = member.title if isinstance(member, Page) else f"Copper market weekly review {member.article_id}"
    when = smm_time(member.published_at) if isinstance(member, Page) else "Oct 31, 2026 09:05"
    return {"id": int(member.article_id), "title": title, "url": _smm_link(member, bare), "time": when}


def smm_list(items: list[dict], heading: str, more_api: str | None, top: list[dict] = ()) -> str:
    def render(item: dict) -> str:
        return (
            f'<div class="newsItem___wZtKx"><a href="{item["url"]}">'
            f'<div class="title___1baLV">{escape(item["title"])}</div>'
            f'<div class="date___3dzkE">{item["time"]}</div></a></div>'
        )

    top_html = (
        '<div class="topNews___2pLx0"><h2>Top News</h2>' + "".join(render(i) for i in top) + "</div>"
        if top
        else ""
    )
    more = (
        f'<div class="more___3Kp0a"><button type="button" data-api="{escape(more_api)}">More News</button></div>'
        "<script>/* More News: fetches the next page of the list from data-api and appends it */</script>"
        if more_api
        else ""
    )
    inner = (
        f'<div class="listPage___1Wm2s"><h1>{escape(heading)}</h1>{top_html}'
        f'<div class="newsList___2Hk1s">{"".join(render(i) for i in items)}</div>{more}</div>'
    )
    return _smm_shell(heading, inner, f"https://{HOSTS['smm']}/")


def smm_more(items: list[dict], has_more: bool) -> bytes:
    return json.dumps({"code": 0, "msg": "success", "data": {"list": items, "hasMore": has_more}}).encode("utf-8")


def smm_broken(broken: BrokenPage) -> tuple[int, bytes, str]:
    if broken.kind == "http_500":
        return 500, b"<html><body><h1>500 Internal Server Error</h1></body></html>", "utf-8"
    if broken.kind == "captcha":
        return 200, CAPTCHA_PAGE.encode("utf-8"), "utf-8"
    page = Page(
        site="smm", article_id=broken.article_id, path=broken.path,
        title=f"Copper market weekly review {broken.article_id}",
        published_at=datetime(2026, 10, 31, 9, 5), author="Alice Wang", source="SMM", category="",
        editor="", views=None, tags=("copper",),
        paragraphs=(
            "SMM: SHFE copper fluctuated in a narrow range this week as downstream buyers stayed cautious.",
            "Spot premiums edged higher while treatment charges for imported concentrate continued to fall.",
        ),
        relevant=False, metal="copper", story="broken",
        served={"contact_email": "alicewang@smm.cn"},
    )
    if broken.kind == "empty_body":
        page = Page(**{**page.__dict__, "paragraphs": ()})
    data = smm_article(page, related=[]).encode("utf-8")
    if broken.kind == "truncated":
        return 200, data[: len(data) * 11 // 20], "utf-8"
    return 200, data, "utf-8"


# --- SMM Chinese: news.smm.cn ----------------------------------------------------------

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def smm_cn_pubdate(moment: datetime) -> str:
    """The feeds' pubDate, not RFC 822: 周二,06 10月 2026 10:31:40 +0800."""
    return f"{_WEEKDAYS_ZH[moment.weekday()]},{moment:%d} {moment.month}月 {moment:%Y %H:%M:%S %z}"


def smm_cn_note(page: Page) -> str:
    """The meta line under the title. sites.md records `YYYY-MM-DD 来源: X`; the time after
    the day is this replica's choice (today's pages show one, `<time>2026-09-30 19:35</time>`,
    and a re-run of the pipeline has only the stored page to read it from)."""
    return f"{page.published_at:%Y-%m-%d %H:%M} 来源: {page.source}"


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
        f'<div class="note">{escape(smm_cn_note(page))}</div></div>'
        f'<div class="news-detail">\n{paragraphs}\n</div>'
        '<div class="news-statement"><p>免责声明：本文内容仅供参考，不构成投资建议。</p></div>'
        f'<div class="related-news"><h3>相关资讯</h3><ul>{related_html}</ul></div></div>'
    )
    return _smm_cn_shell(page.title, inner, page.canonical_url)


def smm_cn_home(latest: list[Page]) -> str:
    items = "".join(f'<li><a href="{p.path}">{escape(p.title)}</a></li>' for p in latest)
    return _smm_cn_shell("上海有色网资讯", f'<div class="main"><ul class="news-list">{items}</ul></div>', f"https://{HOSTS['smm_cn']}/")


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
        "ID": int(page.article_id), "Title": page.title, "Date": stamp, "UpdateTime": stamp, "RenewDate": stamp,
        "Source": page.source, "Profile": _profile(page), "Thumb": "", "Author": page.author,
        "URL": f"{origin}{page.path}", "KeyWords": "", "ProductType": page.metal,
    }


# --- 生态环境部 MEE: www.mee.gov.cn, static pages of a government CMS ---------------------

MEE_NAV = (("/", "首页"), ("/zjhb/", "机构"), ("/ywdt/", "新闻"), ("/xxgk/", "信息"), ("/ywgz/", "业务工作"),
           ("/hdjl/", "互动"))
# Links the pages carry beside the columns' articles: ministry news and notices, which are
# not the central inspection's reports (a configured article_pattern leaves them out).
MEE_OTHER_LINKS = (("/ywdt/hjywnews/202610/t20261030_1101234.shtml", "生态环境部召开10月例行新闻发布会"),
                   ("/xxgk/xxgk15/202610/t20261028_1101198.html", "关于做好2026年冬季大气污染防治工作的通知"))


def _relative(path: str, here: str) -> str:
    """The page's relative link to `path`, as the CMS writes them (./202610/t..., ../../dczg/)."""
    link = posixpath.relpath(path, posixpath.dirname(here))
    link = "" if link == "." else link + "/" if path.endswith("/") else link
    return link if link.startswith("..") else f"./{link}"


def mee_list_path(column: str, index: int) -> str:
    """index.shtml, then index_1.shtml, index_2.shtml ..."""
    return f"{MEE_SECTION}/{column}/index{f'_{index}' if index else ''}.shtml"


def _mee_crumb(here: str, column: str | None, leaf: bool) -> str:
    steps = [("/", "首页"), ("/ywgz/", "业务工作"), (f"{MEE_SECTION}/", "中央生态环境保护督察")]
    if column and leaf:
        steps.append((mee_list_path(column, 0), MEE_COLUMNS[column]))
    links = " &gt; ".join(f'<a href="{_relative(path, here)}" class="CurrChnlCls">{name}</a>' for path, name in steps)
    tail = " &gt; 正文" if leaf else (f" &gt; {MEE_COLUMNS[column]}" if column else "")
    return f'<div class="position">当前位置：{links}{tail}</div>'


def _mee_shell(title: str, inner: str, here: str, meta: dict[str, str]) -> str:
    metas = "".join(f'<meta name="{name}" content="{escape(value)}">' for name, value in meta.items())
    nav = "".join(f'<li><a href="{_relative(path, here)}">{name}</a></li>' for path, name in MEE_NAV)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">'
        f"<title>{escape(title)}</title>{metas}"
        f'<link rel="stylesheet" href="{_relative("/images/common.css", here)}"></head>\n<body>'
        '<div class="header"><div class="w1200"><a class="logo" href="/">中华人民共和国生态环境部</a>'
        f'<ul class="nav">{nav}</ul>'
        '<div class="search"><input type="text" name="searchword"><button>搜索</button></div></div></div>\n'
        f'<div class="w1200 main">{inner}</div>\n'
        '<div class="footer"><div class="w1200"><p>版权所有：中华人民共和国生态环境部 | '
        '<a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>'
        "<p>主办单位：中华人民共和国生态环境部 地址：北京市东城区东长安街12号 邮编：100006</p>"
        "<p>京ICP备05009132号 京公网安备 11040102700072号 网站标识码：bm17000009</p></div></div>"
        "</body></html>\n"
    )


def mee_article(page: Page, column: str, related: list[Page]) -> str:
    day = f"{page.published_at:%Y-%m-%d}"
    paragraphs = "\n".join(f'<p style="text-indent: 2em;">{escape(p)}</p>' for p in page.paragraphs)
    related_html = "".join(
        f'<li><a href="{_relative(r.path, page.path)}" target="_blank">{escape(r.title)}</a><span>{r.published_at:%Y-%m-%d}</span></li>'
        for r in related
    )
    inner = (
        _mee_crumb(page.path, column, leaf=True)
        + '<div class="content_box"><div class="neiright_Box">'
        f'<h2 class="neiright_Title">{escape(page.title)}</h2>'
        f'<div class="wzxq_neirong2"><span class="xqLyPc time">发布时间：{day}</span>&nbsp;&nbsp;'
        f'<span class="xqLyPc">来源：{escape(page.source)}</span></div>'
        '<div class="neiright_JPZ_GK_CP"><div class="TRS_Editor"><div class="Custom_UnionStyle">\n'
        f"{paragraphs}\n</div></div></div>"
        '<div class="fx"><span>【<a href="javascript:window.print()">打印</a>】</span>'
        '<span>【<a href="javascript:window.close()">关闭</a>】</span></div>'
        f'<div class="xgxx"><h3>相关链接</h3><ul>{related_html}</ul></div></div></div>'
    )
    meta = {"SiteName": "中华人民共和国生态环境部", "ColumnName": MEE_COLUMNS[column], "ArticleTitle": page.title,
            "PubDate": day, "ContentSource": page.source}
    return _mee_shell(f"{page.title}_{MEE_COLUMNS[column]}_生态环境部", inner, page.path, meta)


def _mee_pager(column: str, index: int, pages: int) -> str:
    def link(n: int, label: str) -> str:
        return f'<a href="{posixpath.basename(mee_list_path(column, n))}">{label}</a>'

    parts = [f"<span>共{pages}页</span>", link(0, "首页")]
    if index > 0:
        parts.append(link(index - 1, "上一页"))
    if index < pages - 1:
        parts.append(link(index + 1, "下一页"))
    parts.append(link(pages - 1, "尾页"))
    return f'<div class="page">{"".join(parts)}</div>'


def mee_list(column: str, members: list[Page], index: int, newest: list[Page]) -> str:
    """Page `index` of a column's list (0: index.shtml), with the site's newest reports and
    the ministry's other news beside it."""
    here = mee_list_path(column, index)
    pages = max(1, -(-len(members) // MEE_PAGE_SIZE))
    chunk = members[index * MEE_PAGE_SIZE : (index + 1) * MEE_PAGE_SIZE]
    items = "\n".join(
        f'<li><a href="{_relative(p.path, here)}" target="_blank" title="{escape(p.title)}">{escape(p.title)}</a>'
        f'<span class="date">{p.published_at:%Y-%m-%d}</span></li>'
        for p in chunk
    )
    columns = "".join(f'<li><a href="{_relative(mee_list_path(c, 0), here)}">{name}</a></li>' for c, name in MEE_COLUMNS.items())
    side = "".join(f'<li><a href="{_relative(p.path, here)}">{escape(p.title)}</a></li>' for p in newest)
    side += "".join(f'<li><a href="{_relative(path, here)}">{title}</a></li>' for path, title in MEE_OTHER_LINKS)
    inner = (
        _mee_crumb(here, column, leaf=False)
        + f'<div class="left_nav"><h3>中央生态环境保护督察</h3><ul>{columns}</ul></div>'
        f'<div class="main_list"><h2 class="lm_tit">{MEE_COLUMNS[column]}</h2>'
        f'<ul id="div" class="mobile_list">\n{items}\n</ul>{_mee_pager(column, index, pages)}</div>'
        f'<div class="right_box"><h3>最新发布</h3><ul>{side}</ul></div>'
    )
    return _mee_shell(f"{MEE_COLUMNS[column]}_生态环境部", inner, here, {"SiteName": "中华人民共和国生态环境部",
                                                                   "ColumnName": MEE_COLUMNS[column]})


def mee_home() -> str:
    columns = "".join(f'<li><a href="{_relative(mee_list_path(c, 0), "/")}">{name}</a></li>' for c, name in MEE_COLUMNS.items())
    news = "".join(f'<li><a href="{path}">{title}</a></li>' for path, title in MEE_OTHER_LINKS)
    inner = f'<div class="zysthjbhdc"><h3>中央生态环境保护督察</h3><ul>{columns}</ul></div><div class="news"><ul>{news}</ul></div>'
    return _mee_shell("中华人民共和国生态环境部", inner, "/", {"SiteName": "中华人民共和国生态环境部"})


# --- markup version 2: both SMM sites after a redesign --------------------------------


def redesigned_article(page: Page, lang: str) -> str:
    """An article after a (made-up) move of both SMM sites to one new CMS: none of version
    1's selectors (newsDetail___, og:title, .news-title, .news-detail) match any more."""
    paragraphs = "\n".join(_p(p) for p in page.paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(page.title)}</title>'
        f'<link rel="canonical" href="{escape(page.canonical_url)}"></head>\n<body><main class="article-page">'
        f'<article><header class="article-header"><h2 class="article-headline">{escape(page.title)}</h2>'
        f"<time>{page.published_at:%Y-%m-%d %H:%M}</time>"
        f'<span class="article-source">{escape(page.source)}</span></header>'
        f'<section class="article-content">\n{paragraphs}\n</section></article></main></body></html>\n'
    )
