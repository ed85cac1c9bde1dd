"""One charset decision for the crawl and `monitor extract`: without a charset in the HTTP
header the page's bytes decide (pipelines.charset), whatever its markup declares."""

from __future__ import annotations

import opencc
import pytest
import pytest_twisted
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from monitor.extract import extract_page
from spiders.cnmn import CnmnSpider
from tests.conftest import parsed_article_page

URL = "https://www.cnmn.com.cn/ShowNews1.aspx?id=474046"
TITLE = "铜陵有色整改中央环保督察反馈问题取得阶段成效"
PARAGRAPHS = (
    "近日，铜陵有色公布中央生态环境保护督察反馈问题整改进展，截至目前已完成整改任务十八项。",
    "公司对冶炼废水处理设施进行升级改造，对尾矿库开展生态修复，并建立整改台账逐项销号。",
    "下一步，公司将举一反三，持续巩固整改成效，确保各项整改任务按期完成。",
)


# A page's furniture: real pages are mostly markup and links around a short article.
FOOTER = (
    '<ul class="links">'
    + "".join(f'<li><a href="/ShowNewsList.aspx?id={n}">有色金属行业新闻栏目{n}</a></li>' for n in range(120))
    + "</ul>"
)


def _page(declared: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={declared}">'
        f"<title>{TITLE}-中国有色网</title></head><body>"
        f'<h4 class="h4title">{TITLE}</h4>'
        '<p class="info"><span class="time">2026年9月16日 7:51</span><span class="view">312次浏览</span>'
        "来源： 中国有色金属报 分类： 铜资讯 作者： 王磊</p>"
        f'<div id="txtcont">{body}</div>{FOOTER}</body></html>'
    )


async def _crawled(data: bytes, content_type: str = "text/html"):
    """What the CNMN spider's parse_article yields for the page, and its stats."""
    spider = CnmnSpider.from_crawler(get_crawler(CnmnSpider))
    response = HtmlResponse(URL, body=data, headers={"Content-Type": content_type}, request=Request(URL))
    return await parsed_article_page(spider, response), spider.crawler.stats


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [
        ("gbk", "utf-8"),  # valid UTF-8 labelled gbk
        ("utf-16", "utf-8"),  # labelled a codec it cannot be
        ("iso-8859-1", "big5"),  # Big5 labelled latin1
        ("utf-8", "gb18030"),  # GBK labelled UTF-8
    ],
)
@pytest_twisted.ensureDeferred
async def test_the_crawl_reads_a_mislabelled_page_as_extract_does(declared, encoding):
    # Big5 has no Simplified characters: that page is in Traditional ones.
    convert = opencc.OpenCC("s2t").convert if encoding == "big5" else str
    data = convert(_page(declared)).encode(encoding)
    [article], _ = await _crawled(data)
    assert article.title == convert(TITLE) and article.paragraphs == [convert(p) for p in PARAGRAPHS]
    extracted = extract_page(data, URL)
    assert (extracted.title, extracted.body) == (article.title, article.body)
    assert article.encoding == extracted.encoding


@pytest_twisted.ensureDeferred
async def test_a_few_stray_bytes_in_utf8_are_read_as_utf8():
    data = _page("utf-8").encode("utf-8").replace("截至目前".encode(), b"\xff\xfe\x80\x81\xc3", 1)
    [article], _ = await _crawled(data)
    assert article.encoding == "utf-8" and article.title == TITLE
    assert article.paragraphs[0] == PARAGRAPHS[0].replace("截至目前", "\ufffd" * 5)


@pytest_twisted.ensureDeferred
async def test_the_http_headers_charset_stands_and_a_wrong_one_is_named():
    data = _page("utf-8").encode("gb18030")
    articles, stats = await _crawled(data, "text/html; charset=utf-8")
    assert articles == [] and stats.get_value("monitor/broken/wrong_charset") == 1
    with pytest.raises(Exception) as broken:
        extract_page(data, URL, encoding="utf-8")
    assert str(broken.value).startswith("wrong_charset: ")
    assert str(broken.value).endswith("characters undecodable as utf-8, as its bytes read best")
