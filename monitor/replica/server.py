"""The replica sites served over HTTP on 127.0.0.1, one port per site (port 0: the system
picks), so each keeps the live site's own paths. `python -m monitor.replica` prints
"<site> <address>" per site and serves until stopped."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from monitor.replica import render
from monitor.replica.catalog import (
    CNMN_CHANNELS,
    CNMN_METAL_PAGES,
    SMM_FIRST_BATCH,
    SMM_MORE_BATCH,
    Page,
    broken_pages,
    cnmn_list_members,
    pages_of,
    smm_home_members,
    smm_list_members,
)

SITES = ("smm", "cnmn", "mirror")
REQUEST_LOG_PATH = "/_replica/requests"
# An SMM article for members only: robots.txt forbids it, so a polite crawler never asks.
SMM_PRIVATE_PATH = "/en/newscontent/104000001-members-only-copper-outlook"
SMM_ROBOTS = "User-agent: *\nDisallow: /api/member/\nDisallow: /en/newscontent/104000001\n"
CNMN_ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /search.aspx\n"


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def _html(text: str) -> Reply:
    return Reply(200, text.encode("utf-8"))


NOT_FOUND = Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>")


class ReplicaSite:
    """Answers one site's requests."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pages = {p.article_id: p for p in pages_of(name)}
        self.broken = {b.article_id: b for b in broken_pages(name)}
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def answer(self, target: str, user_agent: str, host: str) -> Reply:
        if target != REQUEST_LOG_PATH:
            with self.lock:
                self.requests.append(target)
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == REQUEST_LOG_PATH:
            with self.lock:
                return Reply(200, json.dumps(self.requests).encode(), "application/json")
        if self.name == "smm":
            return self._smm(parts.path, query, user_agent)
        return self._cnmn(parts.path, query, host)

    def _related(self, page: Page) -> list[Page]:
        ordered = list(self.pages.values())
        at = ordered.index(page)
        return [p for p in ordered[max(0, at - 3) : at + 3] if p is not page][:5]

    # --- CNMN and mirror ---

    def _cnmn(self, path: str, query: dict[str, str], host: str) -> Reply:
        if path == "/robots.txt":
            return Reply(200, CNMN_ROBOTS.encode(), "text/plain")
        if path in ("/", "/index.html"):
            return _html(render.cnmn_home())
        list_id = int(query["id"]) if query.get("id", "").isdigit() else None
        pageindex = int(query["pageindex"]) if query.get("pageindex", "").isdigit() else 1
        if path == "/ShowNewsList.aspx" and list_id in CNMN_CHANNELS:
            members = cnmn_list_members(self.name, "channel", list_id)
            # The headline channel pins its newest report above the list: linked twice.
            pinned = next((m for m in members if isinstance(m, Page)), None) if list_id == 13 else None
            return _html(render.cnmn_list(
                members, pageindex, f"/ShowNewsList.aspx?id={list_id}", CNMN_CHANNELS[list_id], pinned
            ))
        if path == "/metal.aspx" and list_id in CNMN_METAL_PAGES.values():
            members = cnmn_list_members(self.name, "metal", list_id)
            return _html(render.cnmn_list(members, pageindex, f"/metal.aspx?id={list_id}", "金属频道", None))
        if path == "/ShowNews1.aspx" and list_id is not None:
            key = str(list_id)
            if key in self.broken:
                status, body, charset = render.cnmn_broken(self.broken[key], host)
                return Reply(status, body, f"text/html; charset={charset}")
            page = self.pages.get(key)
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
            members = smm_home_members()
            top = [render.smm_item(p) for p in members if p.relevant][:3]
            private = {"id": 104000001, "title": "Members only: copper outlook", "url": SMM_PRIVATE_PATH,
                       "time": "Oct 31, 2026 08:00"}
            items = [render.smm_item(p) for p in members] + [private]
            return _html(render.smm_list(items, "Latest News", None, top=top))
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
            for m in smm_list_members(kind, metal)
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
        return _html(render.smm_list(items[:SMM_FIRST_BATCH], title, more))

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
            status, body, charset = render.smm_broken(self.broken[article_id])
            return Reply(status, body, f"text/html; charset={charset}")
        page = self.pages.get(article_id)
        if page is None:
            return NOT_FOUND
        if path != page.path:  # the bare /newscontent/<id> and old forms redirect
            return Reply(301, b"", location=page.path)
        return _html(render.smm_article(page, self._related(page)))


def _handler_for(site: ReplicaSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "Microsoft-IIS/10.0" if site.name != "smm" else "nginx"

        def do_GET(self) -> None:
            reply = site.answer(self.path, self.headers.get("User-Agent", ""), self.headers.get("Host", ""))
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.location:
                self.send_header("Location", reply.location)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args) -> None:  # quiet: the request log keeps them
            pass

    return Handler


# The demo's preferred ports: the same addresses every run, so a second demo finds its
# articles already archived. Taken ports fall back to any free one.
DEMO_PORTS = {"smm": 8741, "cnmn": 8742, "mirror": 8743}


def _bind(host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError:
        if port == 0:
            raise
        return ThreadingHTTPServer((host, 0), handler)


@contextmanager
def serve_replicas(
    host: str = "127.0.0.1", sites: tuple[str, ...] = SITES, ports: dict[str, int] | None = None
) -> Iterator[dict[str, str]]:
    """Serve the replicas in background threads; yields {site: base URL}. Port 0 (the
    default) lets the system pick a free port."""
    servers = []
    try:
        for name in sites:
            server = _bind(host, (ports or {}).get(name, 0), _handler_for(ReplicaSite(name)))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append((name, server))
        yield {name: f"http://{host}:{server.server_address[1]}" for name, server in servers}
    finally:
        for _, server in servers:
            server.shutdown()
            server.server_close()
