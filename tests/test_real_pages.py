"""The real pages of the seed sites (../shared/realpages) through the code a crawl runs: the
spiders' list parsing and article reading, and the text pipeline where it meets the real
pages' text. These pages are the truth the replicas and the spiders must agree with."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
import pytest_twisted
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from pipelines.article import CHINA_TZ
from pipelines.dates import parse_chinese_datetime, parse_english_datetime
from pipelines.normalise import is_boilerplate
from spiders.cnmn import _LABELS, CnmnSpider
from spiders.configured import configured_sites
from spiders.sites import SHIPPED_SITES
from tests.conftest import parsed_article_page

REAL = Path(__file__).resolve().parents[2] / "shared" / "realpages"
if not REAL.is_dir():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI needs the real pages at {REAL}")
    pytest.skip(f"no real pages at {REAL}", allow_module_level=True)

[MEE] = configured_sites([SHIPPED_SITES]).spiders


def _response(name: str, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=(REAL / name).read_bytes(), encoding="utf-8", request=Request(url))


def _spider(cls, **kwargs):
    crawler = get_crawler(cls)
    return cls.from_crawler(crawler, **kwargs)


def _truth(name: str) -> dict:
    return json.loads((REAL / name).read_text(encoding="utf-8"))


# --- MEE ---


@pytest_twisted.ensureDeferred
async def test_the_real_mee_article_gives_every_field_from_its_template():
    truth = _truth("mee_article_974894.json")
    spider = _spider(MEE)
    [article] = await parsed_article_page(spider, _response("mee_article_974894.html", truth["url"]))
    assert article.title == "生态环境部一周要闻（4.10-4.16）"
    assert article.published_at == datetime(2022, 4, 17, 14, 46, tzinfo=CHINA_TZ)
    assert (article.source, article.author) == ("生态环境部", "王丽平")
    assert article.field_sources == {
        "title": "structured",
        "published_at": "structured",
        "author": "structured",
        "source": "structured",
        "body": "selectors",
    }
    assert article.selectors_missed == []
    processed = article  # through the text stages as in a crawl
    assert processed.paragraphs[0] == truth["body_first_sentence"]
    assert processed.paragraphs[1].startswith(truth["body_first_paragraph"])
    assert processed.paragraphs[-1].endswith(truth["body_last_sentence"])
    assert not any("更多内容" in p or "点击阅读" in p or p.endswith(">") for p in processed.paragraphs)
    assert "版权所有" not in processed.body and "网站地图" not in processed.body
    assert spider.crawler.stats.get_value("monitor/fields/body/selectors") == 1


@pytest_twisted.ensureDeferred
async def test_the_real_mee_article_read_by_its_meta_tags_when_its_visible_markup_is_gone():
    """The TRS meta tags outlive a redesign: with the title and date elements renamed, the
    same fields still come, and the selectors that found nothing are named."""
    truth = _truth("mee_article_974894.json")
    html = (REAL / "mee_article_974894.html").read_text(encoding="utf-8")
    renamed = html.replace("neiright_Title", "article-title").replace("xqLyPc", "article-meta")
    response = HtmlResponse(url=truth["url"], body=renamed.encode(), encoding="utf-8", request=Request(truth["url"]))
    spider = _spider(MEE)
    [article] = await parsed_article_page(spider, response)
    assert article.title == "生态环境部一周要闻（4.10-4.16）"
    assert article.published_at == datetime(2022, 4, 17, 14, 46, tzinfo=CHINA_TZ)
    assert (article.source, article.author) == ("生态环境部", "王丽平")
    assert article.selectors_missed == ["title", "published_at", "source"]
    assert spider.crawler.stats.get_value("monitor/selectors/missed/title") == 1


def test_the_real_mee_list_gives_its_15_reports_and_the_30_pages_its_script_writes():
    truth = _truth("mee_list_dcjl.json")
    spider = _spider(MEE)
    requests = list(spider.parse_list(_response("mee_list_dcjl.html", truth["url"])))
    articles = [r.url for r in requests if r.callback == spider.parse_article]
    pages = [r.url for r in requests if r.callback == spider.parse_list]
    assert len(articles) == truth["items_count"] == 15
    assert articles[0] == truth["first_item"]["url"]
    assert articles[-1] == truth["last_item"]["url"]
    assert pages == [f"https://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/index_{n}.shtml" for n in range(1, 31)]


def test_the_real_mee_list_pages_stop_at_max_pages():
    spider = _spider(MEE, max_pages=5)
    requests = list(spider.parse_list(_response("mee_list_dcjl.html", "https://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/")))
    pages = [r.url for r in requests if r.callback == spider.parse_list]
    assert pages == [f"https://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/index_{n}.shtml" for n in range(1, 5)]


# --- CNMN ---


def test_the_real_cnmn_list_gives_its_20_articles_and_its_pages():
    truth = _truth("cnmn_list_43.json")
    spider = _spider(CnmnSpider, max_pages=6)
    requests = list(spider.parse_list(_response("cnmn_list_43.html", truth["url"])))
    articles = [r for r in requests if r.callback == spider.parse_article]
    pages = [r.url for r in requests if r.callback == spider.parse_list]
    assert len(articles) == truth["items_count"] == 20
    assert (articles[0].url, articles[0].meta["site_article_id"]) == (truth["first_item"]["url"], "474046")
    assert articles[-1].url == truth["last_item"]["url"]
    assert pages == [f"{truth['url']}&pageindex={n}" for n in range(2, 7)]


# --- the text of the other real pages, where the pipeline meets it ---


def _text_page(page_id: str) -> dict:
    return next(page for page in _truth("text_only.json") if page["id"] == page_id)


def test_the_cnmn_header_line_with_an_empty_source_and_no_author():
    header = _text_page("cnmn_323027")["header_line_as_stored"]
    labels = _LABELS.search(header)
    assert (labels["source"], labels["category"], labels["author"]) == ("", "铝资讯", None)
    assert parse_chinese_datetime(header) == datetime(2015, 11, 10, 8, 15, tzinfo=CHINA_TZ)


def test_the_mirror_header_lines():
    mirror = _text_page("spam_caoyihen_468110")["header_line_as_stored"]
    labels = _LABELS.search(mirror)
    assert (labels["source"], labels["category"], labels["author"]) == ("", "有色市場", "")
    assert parse_chinese_datetime(mirror) == datetime(2026, 1, 8, 10, 42, tzinfo=CHINA_TZ)
    # Minutes not zero-padded: 10:6 is 10:06.
    assert parse_chinese_datetime(_text_page("spam_yemianfei8_381620")["published_at"]) == datetime(
        2017, 10, 30, 10, 6, tzinfo=CHINA_TZ
    )


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Feb 17, 2017 11:01CST", datetime(2017, 2, 17, 11, 1, tzinfo=CHINA_TZ)),
        ("Published: Feb 17, 2017 11:01", datetime(2017, 2, 17, 11, 1, tzinfo=CHINA_TZ)),
        ("Jan 18,2013", datetime(2013, 1, 18, tzinfo=CHINA_TZ)),
        ("Mar 1,2017", datetime(2017, 3, 1, tzinfo=CHINA_TZ)),
        ("Apr 28, 2017 10:24", datetime(2017, 4, 28, 10, 24, tzinfo=CHINA_TZ)),
    ],
)
def test_the_metal_com_date_forms(printed, expected):
    assert parse_english_datetime(printed) == expected


def test_the_news_smm_cn_furniture_after_the_body_is_boilerplate():
    page = _text_page("smm_103627146")
    furniture = page["traps"][0].split(": ", 1)[1].strip("'")
    lines = ["暂无简介", "微信二维码今日有色", "微信扫一扫关注", "下载app掌上有色", "掌上有色下载", "返回顶部返回顶部"]
    assert all(line.split()[0] in furniture for line in lines)
    assert all(is_boilerplate(line) for line in lines)
    assert not is_boilerplate(page["body_first_sentence"]) and not is_boilerplate(page["body_last_sentence"])


def test_the_2017_metal_com_furniture_is_boilerplate():
    assert is_boilerplate("For news cooperation, please contact us by email: sallyzhang@smm.cn or service.en@smm.cn.")
    assert not is_boilerplate(_text_page("metalcom_100734009")["body_first_sentence"])
