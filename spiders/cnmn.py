"""中国有色网 www.cnmn.com.cn (and its mirrors, by -a base_url=...)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from pipelines.article import Article, BrokenPage
from pipelines.dates import parse_chinese_datetime
from pipelines.normalise import remove_pinyin
from spiders.base import SiteSpider
from spiders.parsing import (
    canonical_url,
    paragraphs_of,
    text_of,
)

CHANNELS = (13, 43, 271)  # 要闻, 行业新闻, 铜资讯
METALS = (1, 23, 35, 14, 22, 87)  # 铜, 铝, 铅锌, 镍钴, 锡锑, 贵金属
# "来源： X 分类： Y 作者： Z" (full-width or half-width colons; mirrors blank the values).
_LABELS = re.compile(
    r"(?:来源|來源)\s*[:：]\s*(?P<source>.*?)\s*(?:分类|分類)\s*[:：]\s*(?P<category>.*?)\s*"
    r"作者\s*[:：]\s*(?P<author>.*?)\s*$"
)
_EDITOR = re.compile(r"^(?:责任编辑|責任編輯)\s*[:：]\s*(.+)$")


class CnmnSpider(SiteSpider):
    name = "cnmn"
    live_base_url = "https://www.cnmn.com.cn"
    list_paths = tuple(f"/ShowNewsList.aspx?id={c}" for c in CHANNELS) + tuple(
        f"/metal.aspx?id={m}" for m in METALS
    )

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

    def extract(self, response: TextResponse) -> Article:
        title = text_of(response.css("h4.h4title")[0]) if response.css("h4.h4title") else ""
        if not title:
            raise BrokenPage("no_title", "no h4.h4title")
        info = response.css("p.info")
        labels = _LABELS.search(remove_pinyin(text_of(info[0]))) if info else None
        views = re.search(r"\d+", info.css("span.view").xpath("string()").get("") or "")
        paragraphs = paragraphs_of(next(iter(response.css("#txtcont")), None))
        editor = next((m.group(1).strip() for m in (_EDITOR.match(remove_pinyin(p)) for p in paragraphs) if m), "")
        return self.new_article(
            response,
            canonical_url=canonical_url(response),
            site_article_id=article_id_of(response.url),
            title=title,
            published_at=parse_chinese_datetime(info.css("span.time").xpath("string()").get("") if info else ""),
            author=labels.group("author") if labels else "",
            source=labels.group("source") if labels else "",
            category=labels.group("category") if labels else "",
            editor=editor,
            views=int(views.group(0)) if views else None,
            paragraphs=paragraphs,
        )

    @classmethod
    def recognises(cls, url: str, response: TextResponse) -> bool:
        return super().recognises(url, response) or bool(
            response.css("h4.h4title") and response.css("#txtcont")
        )


def article_id_of(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("id", [""])[0]
