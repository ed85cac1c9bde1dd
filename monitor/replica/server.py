"""The replica sites served over HTTP on 127.0.0.1, one port per site (port 0: the system
picks), so each keeps the live site's own paths. `python -m monitor.replica` prints
"<site> <address>" per site and serves until stopped.

Besides the site's own paths, each replica answers three control paths of its own:

- `GET /_replica/requests`: every path asked for so far, as a JSON list (control paths left out).
- `GET /_replica/markup?version=N`: from now on serve the pages in markup version N, as a
  site does after a redesign; answers `{"site": ..., "markup": N}` (without `version`: the
  current one; 400 for a version the site does not have). Version 1 is the site as the real
  pages (shared/realpages) and sites.md show it. Version 2:
  - `smm`: another Next.js build (render.SMM_BUILDS): every class's hash differs and the
    article's container and body are renamed (articleDetail___, articleBody___); the
    __NEXT_DATA__ data stays, with another buildId. The 2013-2017 articles keep their old
    layout in either version.
  - `mee`: the TRS template with the title, date, source and body containers renamed
    (render.MEE_ARTICLE_CLASSES); the TRS meta tags stay.
  - `smm_cn`: a redesign (render.redesigned_article) whose title and body match none of
    the spiders' selectors: only the generic extractor reads its pages.
  With `&after=K` the switch waits for K more requests of the site's own paths: a redesign
  that lands in the middle of a crawl. In-process, `ReplicaSite.markup` is the same switch.
- `GET /_replica/clock?today=YYYY-MM-DD`: from now on the site is as it was at the end of that
  day (China time): an article published later is in no list, feed, sitemap, API page or
  related-links block, and its page answers 404, as a real site's before publication;
  `today=` (empty) takes the clock away (every article shown, the default). Answers
  `{"site": ..., "today": "YYYY-MM-DD" or null}` (without `today`: the current one; 400 for
  what is no day). Broken pages, which have no day, are always there. In-process,
  `ReplicaSite.today` is the same clock; `python -m monitor.replica --today DAY` starts with it.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from common.china_time import CHINA_TZ
from monitor.replica import render
from monitor.replica.catalog import (
    ARTICLES_PER_SITE,
    CNMN_CHANNELS,
    CNMN_METAL_PAGES,
    HOSTS,
    MEE_CHANNELS,
    MEE_COLUMNS,
    MEE_PAGE_SIZE,
    MEE_SECTION,
    SITES,
    SMM_CN_API_PAGE_LIMIT,
    SMM_FIRST_BATCH,
    SMM_MORE_BATCH,
    BrokenPage,
    Page,
    broken_pages,
    cnmn_list_members,
    mee_column_members,
    pages_of,
    smm_cn_channel_members,
    smm_cn_feed_members,
    smm_home_members,
    smm_list_members,
)
from pipelines.article import REPLICA_HEADER

CONTROL_PREFIX = "/_replica/"
REQUEST_LOG_PATH = "/_replica/requests"
MARKUP_PATH = "/_replica/markup"
CLOCK_PATH = "/_replica/clock"
MARKUP_VERSIONS = {"smm": (1, 2), "smm_cn": (1, 2), "cnmn": (1,), "mirror": (1,), "mee": (1, 2)}
# An SMM article for members only: robots.txt forbids it, so a polite crawler never asks.
SMM_PRIVATE_PATH = "/en/newscontent/104000001-members-only-copper-outlook"
SMM_ROBOTS = "User-agent: *\nDisallow: /api/member/\nDisallow: /en/newscontent/104000001\n"
CNMN_ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /search.aspx\n"
SMM_CN_ROBOTS = "User-agent: *\nDisallow: /member/\n\nSitemap: {origin}/sitemap.xml\n"
MEE_ROBOTS = "User-agent: *\nDisallow: /cms/\nDisallow: /search/\n"


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def _html(text: str) -> Reply:
    return Reply(200, text.encode("utf-8"))


def _json(status: int, document: dict) -> Reply:
    return Reply(status, json.dumps(document).encode(), "application/json")


def parse_day(text: str) -> date | None:
    """A YYYY-MM-DD day; None for anything else."""
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


NOT_FOUND = Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>")


class ReplicaSite:
    """Answers one site's requests."""

    def __init__(self, name: str, articles: int = ARTICLES_PER_SITE, today: date | None = None) -> None:
        self.name = name
        self.articles = articles
        self.ordered = pages_of(name, articles)
        self.pages = {p.article_id: p for p in self.ordered}
        self.position = {p.article_id: n for n, p in enumerate(self.ordered)}  # _related by index, not a search
        self.broken = {b.article_id: b for b in broken_pages(name, articles)}
        self.lists: dict[tuple, list] = {}  # a list's members, sorted once: every page of it slices them
        self.requests: list[str] = []
        self.markup = 1  # the article template's version: see the module docstring
        self.pending: tuple[int, int] | None = None  # (requests to go, version) of a switch under way
        self.today = today  # the clock: articles published after this day are not out yet (None: all are)
        self.lock = threading.Lock()

    def answer(self, target: str, user_agent: str, host: str) -> Reply:
        parts = urlsplit(target)
        if parts.path.startswith(CONTROL_PREFIX):  # blank values kept: `today=` takes the clock away
            return self._control(
                parts.path, {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            )
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.requests.append(target)
            if self.pending is not None:  # a switch waiting for `remaining` more requests
                remaining, version = self.pending
                if remaining:
                    self.pending = (remaining - 1, version)
                else:
                    self.markup, self.pending = version, None
        if self.name == "smm":
            return self._smm(parts.path, query, user_agent)
        if self.name == "smm_cn":
            return self._smm_cn(parts.path, query, user_agent, f"http://{host}")
        if self.name == "mee":
            return self._mee(parts.path)
        return self._cnmn(parts.path, query, host)

    def _control(self, path: str, query: dict[str, str]) -> Reply:
        if path == REQUEST_LOG_PATH:
            with self.lock:
                return Reply(200, json.dumps(self.requests).encode(), "application/json")
        if path == MARKUP_PATH:
            return self._markup_control(query)
        if path == CLOCK_PATH:
            return self._clock_control(query)
        return NOT_FOUND

    def _markup_control(self, query: dict[str, str]) -> Reply:
        if "version" in query:
            version = int(query["version"]) if query["version"].isdigit() else None
            if version not in MARKUP_VERSIONS[self.name]:
                return _json(400, {"error": f"no markup version {query['version']!r}"})
            after = query.get("after", "0")
            if not after.isdigit():
                return _json(400, {"error": f"after: a number of requests, not {after!r}"})
            with self.lock:
                self.markup, self.pending = (self.markup, (int(after), version)) if int(after) else (version, None)
        return _json(200, {"site": self.name, "markup": self.markup})

    def _clock_control(self, query: dict[str, str]) -> Reply:
        if "today" in query:
            today = parse_day(query["today"]) if query["today"] else None
            if query["today"] and today is None:
                return _json(400, {"error": f"today: a day (YYYY-MM-DD), not {query['today']!r}"})
            with self.lock:
                self.today = today
        return _json(200, {"site": self.name, "today": self.today.isoformat() if self.today else None})

    def _out(self, item: Page | BrokenPage) -> bool:
        """Whether the item is published by the clock's day (a broken page has no day: always)."""
        return (
            self.today is None
            or not isinstance(item, Page)
            or item.published_at.astimezone(CHINA_TZ).date() <= self.today
        )

    def _page(self, article_id: str) -> Page | None:
        page = self.pages.get(article_id)
        return page if page is not None and self._out(page) else None

    def _related(self, page: Page) -> list[Page]:
        at = self.position[page.article_id]
        return [p for p in self.ordered[max(0, at - 3) : at + 3] if p is not page and self._out(p)][:5]

    def _members(self, members_of: Callable[..., list], *key: str | int) -> list:
        """A list's members, as `members_of` sorts them, that are out by the clock's day."""
        if (members_of, *key) not in self.lists:
            self.lists[(members_of, *key)] = members_of(*key, self.articles)
        members = self.lists[(members_of, *key)]
        return members if self.today is None else [m for m in members if self._out(m)]

    # --- CNMN and mirror ---

    def _cnmn(self, path: str, query: dict[str, str], host: str) -> Reply:
        if path == "/robots.txt":
            return Reply(200, CNMN_ROBOTS.encode(), "text/plain")
        if path in ("/", "/index.html"):
            return _html(render.cnmn_home())
        list_id = int(query["id"]) if query.get("id", "").isdigit() else None
        pageindex = int(query["pageindex"]) if query.get("pageindex", "").isdigit() else 1
        if path == "/ShowNewsList.aspx" and list_id is not None and list_id in CNMN_CHANNELS:
            members = self._members(cnmn_list_members, self.name, "channel", list_id)
            # The headline channel pins its newest report above the list: linked twice.
            pinned = next((m for m in members if isinstance(m, Page)), None) if list_id == 13 else None
            return _html(
                render.cnmn_list(members, pageindex, f"/ShowNewsList.aspx?id={list_id}", CNMN_CHANNELS[list_id], pinned)
            )
        if path == "/metal.aspx" and list_id is not None and list_id in CNMN_METAL_PAGES.values():
            members = self._members(cnmn_list_members, self.name, "metal", list_id)
            return _html(render.cnmn_list(members, pageindex, f"/metal.aspx?id={list_id}", "金属频道", None))
        if path == "/ShowNews1.aspx" and list_id is not None:
            key = str(list_id)
            if key in self.broken:
                status, body, charset = render.cnmn_broken(self.broken[key], host)
                return Reply(status, body, f"text/html; charset={charset}")
            page = self._page(key)
            if page is not None:
                return _html(render.cnmn_article(page, host, self._related(page)))
        return NOT_FOUND

    # --- SMM ---

    def _smm(self, path: str, query: dict[str, str], user_agent: str) -> Reply:
        if path == "/robots.txt":
            return Reply(200, SMM_ROBOTS.encode(), "text/plain")
        if "Bot" in user_agent:  # the firewall's answer to self-declared bots: 200 and a captcha
            return _html(render.CAPTCHA_PAGE)
        if path == "/en/" or path == "/en":
            members = self._members(smm_home_members)[:SMM_FIRST_BATCH]
            top = [render.smm_item(p) for p in members if p.relevant][:3]
            private = {
                "id": 104000001,
                "title": "Members only: copper outlook",
                "url": SMM_PRIVATE_PATH,
                "time": "Oct 31, 2026 08:00",
            }
            items = [render.smm_item(p) for p in members] + [private]
            return _html(render.smm_list(items, "Latest News", None, top=top, build=self.markup, route="/en"))
        listing = re.fullmatch(r"/list/(industry|latest)/([a-z-]+)", path)
        if listing:
            return self._smm_list_page(*listing.groups())
        if path == "/api/news/list":
            return self._smm_more(query)
        if path == SMM_PRIVATE_PATH:
            return _html("<html><body><h1>Members only</h1></body></html>")
        article = re.fullmatch(r"(?:/en)?/newscontent/(\d+)(?:[-/].*)?", path)
        if article:
            return self._smm_article(article.group(1), path)
        return NOT_FOUND

    def _smm_members(self, kind: str, metal: str) -> list[dict]:
        # /list/latest/ links some articles by the bare /newscontent/<id> form.
        return [
            render.smm_item(m, bare=kind == "latest" and int(m.article_id) % 3 == 0)
            for m in self._members(smm_list_members, kind, metal)
        ]

    def _smm_list_page(self, kind: str, metal: str) -> Reply:
        items = self._smm_members(kind, metal)
        if not items:
            return NOT_FOUND
        more = (
            f"/api/news/list?type={kind}&metal={metal}&page=2&size={SMM_MORE_BATCH}"
            if len(items) > SMM_FIRST_BATCH
            else None
        )
        title = f"{metal.replace('-', ' ').title()} {'Industry' if kind == 'industry' else 'Latest'} News"
        return _html(
            render.smm_list(
                items[:SMM_FIRST_BATCH],
                title,
                more,
                build=self.markup,
                route="/list/[type]/[metal]",
                query={"type": kind, "metal": metal},
            )
        )

    def _smm_more(self, query: dict[str, str]) -> Reply:
        try:
            page, size = int(query.get("page", "2")), int(query.get("size", str(SMM_MORE_BATCH)))
        except ValueError:
            return Reply(400, b'{"code":400,"msg":"bad page"}', "application/json")
        items = self._smm_members(query.get("type", ""), query.get("metal", ""))
        start = SMM_FIRST_BATCH + (page - 2) * size
        chunk = items[start : start + size] if page >= 2 else []
        return Reply(200, render.smm_more(chunk, start + size < len(items)), "application/json")

    def _smm_article(self, article_id: str, path: str) -> Reply:
        if article_id in self.broken:
            status, body, charset = render.smm_broken(self.broken[article_id], build=self.markup)
            return Reply(status, body, f"text/html; charset={charset}")
        page = self._page(article_id)
        if page is None:
            return NOT_FOUND
        if path != page.path:  # the bare /newscontent/<id> and old forms redirect
            return Reply(301, b"", location=page.path)
        if "layout" in page.served:  # a 2013-2017 article: its old layout in either version
            return _html(render.smm_legacy_article(page, self._related(page)))
        return _html(render.smm_article(page, self._related(page), build=self.markup))

    # --- SMM Chinese ---

    def _smm_cn(self, path: str, query: dict[str, str], user_agent: str, origin: str) -> Reply:
        """Pages, feeds, sitemaps and the list API; `origin` is the address asked for, so
        the absolute links of feeds and sitemaps lead back to this replica."""
        if path == "/robots.txt":
            return Reply(200, SMM_CN_ROBOTS.format(origin=origin).encode(), "text/plain")
        if path in ("/", "/index.html"):
            return _html(render.smm_cn_home(list(reversed([p for p in self.ordered if self._out(p)][-10:]))))
        feed = re.fullmatch(r"/rss/([a-z]+)", path)
        if feed and (members := self._members(smm_cn_feed_members, feed.group(1))):
            return Reply(200, render.smm_cn_rss(feed.group(1), members, origin), "application/rss+xml; charset=utf-8")
        if path.startswith("/sitemap"):
            return self._smm_cn_sitemap(path, origin)
        listing = re.fullmatch(r"/newscenter/news/list/([^/]+)/(\d+)", path)
        if listing:
            return self._smm_cn_api(unquote(listing.group(1)), int(listing.group(2)), query, origin)
        article = re.fullmatch(r"/news/(\d+)|/r/\d{4}-\d{2}-\d{2}/(\d+)\.html", path)
        page = self._page(article.group(1) or article.group(2)) if article else None
        if page is None:
            return NOT_FOUND
        if "Bot" in user_agent:  # the firewall guards the articles: 200 and a captcha instead
            return _html(render.CAPTCHA_PAGE)
        if path != page.path:  # the old /r/ form redirects
            return Reply(301, b"", location=page.path)
        if self.markup == 2:
            return _html(render.redesigned_article(page, "zh-CN"))
        return _html(render.smm_cn_article(page, self._related(page)))

    def _smm_cn_sitemap(self, path: str, origin: str) -> Reply:
        by_year: dict[int, list[Page]] = {}
        for page in filter(self._out, self.ordered):
            by_year.setdefault(page.published_at.year, []).append(page)
        if path == "/sitemap.xml":
            newest = {year: pages[-1].published_at for year, pages in by_year.items()}
            return Reply(200, render.smm_cn_sitemap_index(newest, origin), "application/xml")
        year = re.fullmatch(r"/sitemap/news-(\d{4})\.xml", path)
        if year and int(year.group(1)) in by_year:
            return Reply(200, render.smm_cn_sitemap(by_year[int(year.group(1))], origin), "application/xml")
        return NOT_FOUND

    def _smm_cn_api(self, channel: str, page: int, query: dict[str, str], origin: str) -> Reply:
        """Pages from 1, `page_limit` items each; past the end an empty list."""
        limit = int(query["page_limit"]) if query.get("page_limit", "").isdigit() else SMM_CN_API_PAGE_LIMIT
        members = self._members(smm_cn_channel_members, channel)[(page - 1) * limit : page * limit] if page >= 1 else []
        return Reply(200, render.smm_cn_api(members, origin), "application/json; charset=utf-8")

    # --- 生态环境部 MEE ---

    def _mee(self, path: str) -> Reply:
        if path == "/robots.txt":
            return Reply(200, MEE_ROBOTS.encode(), "text/plain")
        if path in ("/", "/index.shtml"):
            return _html(render.mee_home())
        # A column's list: its address, index.shtml, index_1.shtml ...; and the mobile
        # button's index_<channel>_<n>.shtml (the items of page n alone).
        listing = re.fullmatch(rf"{MEE_SECTION}/([a-z]+)/(?:index(?:_([1-9]\d*))?\.shtml)?", path)
        if listing and listing.group(1) in MEE_COLUMNS:
            return self._mee_list(listing.group(1), int(listing.group(2) or 0))
        fragment = re.fullmatch(rf"{MEE_SECTION}/([a-z]+)/index_(\d+)_([1-9]\d*)\.shtml", path)
        if fragment and MEE_CHANNELS.get(fragment.group(1)) == int(fragment.group(2)):
            return self._mee_list(fragment.group(1), int(fragment.group(3)), fragment=True)
        article = re.fullmatch(rf"{MEE_SECTION}/([a-z]+)/\d{{6}}/t\d{{8}}_(\d+)\.shtml", path)
        page = self._page(article.group(2)) if article else None
        if page is None or page.path != path:
            return NOT_FOUND
        return _html(render.mee_article(page, version=self.markup))

    def _mee_list(self, column: str, index: int, fragment: bool = False) -> Reply:
        members = self._members(mee_column_members, column)
        if index and index * MEE_PAGE_SIZE >= len(members):  # past the last page
            return NOT_FOUND
        if fragment:
            return _html(render.mee_list_fragment(column, members, index))
        return _html(render.mee_list(column, members, index))


def _handler_for(site: ReplicaSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx" if site.name.startswith("smm") else "Microsoft-IIS/10.0"
        # Connections kept open between requests, as the live sites keep them (every answer
        # states its length): a crawl pays for a connection per site, not per page.
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            reply = site.answer(self.path, self.headers.get("User-Agent", ""), self.headers.get("Host", ""))
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            # Whatever port it got, the replica says which site it stands for: the crawl knows
            # its articles by that host (pipelines.article.identity_host).
            self.send_header(REPLICA_HEADER, HOSTS[site.name])
            if reply.location:
                self.send_header("Location", reply.location)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args) -> None:  # quiet: the request log keeps them
            pass

    return Handler


# The demo's preferred ports: the same addresses every run, so a second demo finds its
# articles already archived. Taken ports fall back to any free one.
DEMO_PORTS = {"smm": 8741, "cnmn": 8742, "mirror": 8743, "smm_cn": 8744, "mee": 8745}


def _bind(host: str, port: int, handler: type[BaseHTTPRequestHandler], name: str) -> ThreadingHTTPServer:
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        if port == 0:
            raise
        server = ThreadingHTTPServer((host, 0), handler)
        # Said, not hidden: the replica's address differs from the last time (its articles
        # are known by the site it stands for, so none is archived twice).
        print(
            f"monitor: replica {name}: port {port} is taken ({error.strerror}): serving at "
            f"http://{host}:{server.server_address[1]} instead",
            file=sys.stderr,
            flush=True,
        )
        return server


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `handler` in background threads (port 0: the system picks); yields the address."""
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_replicas(
    host: str = "127.0.0.1",
    sites: tuple[str, ...] = SITES,
    ports: dict[str, int] | None = None,
    articles: int = ARTICLES_PER_SITE,
    today: date | None = None,
) -> Iterator[dict[str, str]]:
    """Serve the replicas in background threads, `articles` generated articles a site, with
    the clock at `today` (None: none); yields {site: base URL}. Port 0 (the default) lets the
    system pick a free port."""
    servers = []
    try:
        for name in sites:
            server = _bind(host, (ports or {}).get(name, 0), _handler_for(ReplicaSite(name, articles, today)), name)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append((name, server))
        yield {name: f"http://{host}:{server.server_address[1]}" for name, server in servers}
    finally:
        for _, server in servers:
            server.shutdown()
            server.server_close()
