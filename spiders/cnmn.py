"""中国有色网 www.cnmn.com.cn (and its mirrors, by -a base_url=...)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from pipelines.dates import parse_chinese_datetime
from pipelines.normalise import remove_pinyin
from spiders.base import SiteSpider
from spiders.fields import Markup
from spiders.parsing import paragraphs_of, text_of

CHANNELS = (13, 43, 271)  # 要闻, 行业新闻, 铜资讯
METALS = (1, 23, 35, 14, 22, 87)  # 铜, 铝, 铅锌, 镍钴, 锡锑, 贵金属
# "来源： X 分类： Y 作者： Z" (full-width or half-width colons; mirrors blank the values,
# older pages have no 作者 at all).
_LABELS = re.compile(
    r"(?:来源|來源)\s*[:：]\s*(?P<source>.*?)\s*(?:分类|分類)\s*[:：]\s*(?P<category>.*?)\s*"
    r"(?:作者\s*[:：]\s*(?P<author>.*?))?\s*$"
)
_EDITOR = re.compile(r"^(?:责任编辑|責任編輯)\s*[:：]\s*(.+)$")


class CnmnSpider(SiteSpider):
    name = "cnmn"
    live_base_url = "https://www.cnmn.com.cn"
    list_paths = tuple(f"/ShowNewsList.aspx?id={c}" for c in CHANNELS) + tuple(f"/metal.aspx?id={m}" for m in METALS)

    def parse_list(self, response: Response) -> Iterator[scrapy.Request]:
        hrefs = response.css('#tab11-1 > h4 > a[href^="/ShowNews1.aspx?id="]::attr(href)').getall()
        self.list_links(response, hrefs)
        for href in hrefs:
            url = response.urljoin(href)
            request = self.article_request(url, article_id_of(url))
            if request is not None:
                yield request
        if "pageindex=" in response.url:
            return
        last = response.css("#flickrpager > a[target=_self]::attr(href)").getall()
        pages = int(parse_qs(urlsplit(last[-1]).query).get("pageindex", ["1"])[0]) if last else 1
        for index in range(2, min(pages, self.max_list_pages) + 1):
            yield self.list_request(f"{response.url}&pageindex={index}")

    def article_id_of(self, url: str) -> str | None:
        return article_id_of(url) or None

    def read_markup(self, response: TextResponse) -> Markup:
        found: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        # Each selector evaluated once: a page's reading is a crawl's main cost after the text stages.
        if titles := response.css("h4.h4title"):
            found["title"] = text_of(titles[0])
        info = response.css("p.info")
        if info:
            labels = _LABELS.search(remove_pinyin(text_of(info[0])))
            views = re.search(r"\d+", info.css("span.view").xpath("string()").get("") or "")
            if times := info.css("span.time"):
                found["published_at"] = parse_chinese_datetime(times.xpath("string()").get(""))
            if labels:
                found["author"], found["source"] = labels.group("author") or "", labels.group("source")
                extras["category"] = labels.group("category")
            extras["views"] = int(views.group(0)) if views else None
        body = response.css("#txtcont")
        if body:
            found["body"] = paragraphs = paragraphs_of(body[0])
            editors = (_EDITOR.match(remove_pinyin(p)) for p in paragraphs)
            extras["editor"] = next((m.group(1).strip() for m in editors if m), "")
        return Markup(found, extras)

    @classmethod
    def recognises(cls, url: str, response: TextResponse) -> bool:
        return super().recognises(url, response) or bool(response.css("h4.h4title") and response.css("#txtcont"))


def article_id_of(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("id", [""])[0]
