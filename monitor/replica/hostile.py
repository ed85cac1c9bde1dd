"""A news site of hostile pages beside ordinary ones, for the crawl's and extract's tests and
bench/hostile_pages.py: each kind of page that once stalled a crawl, fooled the extractor or
crashed it, made here (no page is copied from anywhere).

`python -m monitor.replica.hostile` serves it and prints its address; `pages()` is the site
as data: path -> Page (bytes, Content-Type)."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler

import opencc

from monitor.replica import corpus
from monitor.replica.render import CAPTCHA_PAGE
from monitor.replica.server import serving

ORDINARY = 50
LIST_PATH = "/news/index.html"
SEED = 20191231
CHARSETLESS = "text/html"  # no charset in the header: the bytes must decide
UTF8 = "text/html; charset=utf-8"
TITLE = "中央生态环境保护督察组通报典型案例"
TEXT = (
    "中央生态环境保护督察组近日通报一批典型案例，部分企业环境违法问题突出，整改工作推进不力。",
    "督察发现，有的企业长期超标排放废水，有的尾矿库未按要求建设防渗设施，周边土壤和地下水受到不同程度影响。",
    "有的地方对督察反馈问题整改敷衍应付，表面整改、假装整改，群众反映强烈的问题迟迟得不到解决。",
    "督察组要求有关地方和企业立行立改，举一反三，确保问题整改到位，并依法依规严肃追责问责。",
    "下一步，督察组将持续跟踪督办整改进展，对整改不力的单位约谈问责，推动解决突出生态环境问题。",
)


# What surrounds an article on a real page: far more markup and links than text.
FURNITURE = (
    '<ul class="links">'
    + "".join(f'<li><a href="/news/list{n}.html">有色金属行业新闻栏目{n}</a></li>' for n in range(100))
    + "</ul>"
)


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str = UTF8
    status: int = 200

    @property
    def charset(self) -> str | None:
        """What the HTTP header says of the page's charset (None: nothing)."""
        return self.content_type.split("charset=")[1] if "charset=" in self.content_type else None


def article_html(
    title: str,
    paragraphs: tuple[str, ...] | list[str],
    charset: str = "utf-8",
    head: str = "",
    heading: str | None = None,
) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{escape(title)}</title>{head}</head>'
        f'<body><div class="nav"><a href="{LIST_PATH}">新闻</a></div>'
        f'<h1>{escape(heading if heading is not None else title)}</h1><div class="article">{body}</div>'
        f'<div class="footer">{FURNITURE}版权所有 示例新闻网</div></body></html>'
    )


def _hostile() -> dict[str, Page]:
    """Kind -> page. What each must become is the tests' to say."""
    plain = article_html(TITLE, TEXT)
    traditional = opencc.OpenCC("s2tw").convert  # Taiwan's forms: all in Big5
    return {
        # jieba keeps a run of one character as one token: substring work was cubic in it.
        "one-character": Page(article_html(TITLE, ("督" * 10_000, *TEXT)).encode()),
        # Sizes: a million elements (refused before parsing), 10 MB of text (after extraction).
        "many-elements": Page(
            plain.replace('</div><div class="footer">', "<p>x</p>" * 700_000 + '</div><div class="footer">').encode()
        ),
        "ten-megabytes": Page(article_html(TITLE, (*TEXT, "copper " * 1_500_000)).encode()),
        "deep": Page(plain.replace("<p>", "<div>" * 100_000 + "<p>", 1).encode()),
        "megabyte-title": Page(article_html(TITLE, TEXT, heading="督察" * 500_000).encode()),
        "megabyte-og-title": Page(
            article_html(TITLE, TEXT, head=f'<meta property="og:title" content="{"tl " * 350_000}">').encode()
        ),
        # Charsets declared wrong, and no charset in the HTTP header.
        "utf8-declared-gbk": Page(article_html(TITLE, TEXT, "gbk").encode(), CHARSETLESS),
        "utf8-declared-utf16": Page(article_html(TITLE, TEXT, "utf-16").encode(), CHARSETLESS),
        "big5-declared-latin1": Page(traditional(article_html(TITLE, TEXT, "iso-8859-1")).encode("big5"), CHARSETLESS),
        "stray-bytes": Page(plain.encode().replace("近日".encode(), b"\xff\xfe\x80\x81\xc3", 1), CHARSETLESS),
        # Characters no XML tree takes: NUL, C0 controls, references to them.
        "control-characters": Page(plain.replace("近日", "近\x00日\x14").replace("整改", "整&#0;改&#x14;", 1).encode()),
        # The earlier kinds: the firewall, a cut page, an empty body, a server error.
        "captcha": Page(CAPTCHA_PAGE.encode()),
        "truncated": Page(plain.encode()[: len(plain.encode()) // 2]),
        "empty-body": Page(article_html(TITLE, ("\u00a0",)).encode()),
        "server-error": Page(b"<html><body><h1>500</h1></body></html>", status=500),
    }


@cache
def pages() -> dict[str, Page]:
    """The site: its list page, ORDINARY ordinary reports and the hostile pages."""
    ordinary = corpus.generate("zh", ORDINARY, SEED)
    site = {f"/news/a{n}.html": Page(article_html(a.title, a.paragraphs).encode()) for n, a in enumerate(ordinary)}
    site.update({f"/news/h-{kind}.html": page for kind, page in _hostile().items()})
    links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in site)
    site[LIST_PATH] = Page(f"<html><head><title>新闻</title></head><body><ul>{links}</ul></body></html>".encode())
    site["/robots.txt"] = Page(b"User-agent: *\nDisallow:\n", "text/plain")
    return site


def ordinary_titles() -> list[str]:
    return [a.title for a in corpus.generate("zh", ORDINARY, SEED)]


SITES_FILE = """[[site]]
name = "hostile"
base_url = "{address}"
lists = ["{list_path}"]
discover = false
article_pattern = '/news/((?:a|h-)[\\w-]+)\\.html$'

[site.selectors]
title = "h1"
body = "div.article"
"""


def sites_file(address: str) -> str:
    """A sites file (spiders/sites.toml's format) with the site as `hostile`."""
    return SITES_FILE.format(address=address, list_path=LIST_PATH)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = pages().get(self.path.split("?", 1)[0])
        page = page or Page(b"<html><body>404</body></html>", status=404)
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_hostile(host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
    """Serve the site in background threads; yields its address."""
    return serving(_Handler, host, port)


if __name__ == "__main__":
    with serve_hostile() as address:
        print(f"hostile {address}", flush=True)
        threading.Event().wait()
