"""Who `monitor serve` answers, spoken to over HTTP: only requests addressed to a host it
serves (DNS rebinding names another), and beyond this machine only with its access token."""

from __future__ import annotations

import http.client
import json
import os
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from db import Archive
from monitor.cli import main
from tests.test_api import serving

TOKEN = "s3cret-token_0123456789"
SETTINGS = ("MONITOR_SERVE_TOKEN", "MONITOR_ALLOWED_HOSTS", "MONITOR_PUBLIC_URL")
NEEDS_TOKEN = {"error": "an access token is required (Authorization: Bearer TOKEN, or ?token=TOKEN)"}


def _env(**variables: str) -> dict[str, str]:
    """The tests' environment without the serve settings of whoever runs them, plus these."""
    return {**{k: v for k, v in os.environ.items() if k not in SETTINGS}, **variables}


def ask(base: str, path: str, host: str | None, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """GET `path` of the server at `base` with this Host header (None: none at all)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    for name, value in (({"Host": host} if host is not None else {}) | (headers or {})).items():
        connection.putheader(name, value)
    connection.endheaders()
    reply = connection.getresponse()
    reply.body = reply.read()
    connection.close()
    return reply


def self_link(feed: bytes) -> str:
    return re.search(rb'<link rel="self" href="([^"]+)"', feed).group(1).decode()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'a.sqlite3'}"
    Archive(url).engine.dispose()  # `serve` reads an archive; it makes none
    return url


@pytest.fixture(scope="module")
def local(db) -> Iterator[str]:
    """Served on 127.0.0.1, with a name allowed by option and two by the environment."""
    env = _env(MONITOR_ALLOWED_HOSTS="news.internal, Monitor.LAN")
    with serving(db, "--allowed-host", "archive.example.org", env=env) as base:
        yield base


@pytest.fixture(scope="module")
def everywhere(db) -> Iterator[str]:
    """Served on every address, with a token and a public address."""
    env = _env(MONITOR_SERVE_TOKEN=TOKEN, MONITOR_PUBLIC_URL="https://news.example.org/monitor/")
    with serving(db, "--host", "0.0.0.0", env=env) as base:
        yield base


@pytest.mark.parametrize(
    "path", ["/", "/api/search?q=copper", "/openapi.json", "/static/app.js", "/feeds/crawl-health.atom"]
)
def test_the_server_answers_the_hosts_it_serves_and_no_other(local, path):
    port = urlsplit(local).port
    for host in (
        f"127.0.0.1:{port}",
        "127.0.0.1",
        f"localhost:{port}",
        "LOCALHOST.",
        f"[::1]:{port}",
        "archive.example.org",
        f"news.internal:{port}",
        "monitor.lan",
    ):
        assert ask(local, path, host).status == 200, host
    for host in (
        f"attacker.example:{port}",
        "localhost.attacker.example",
        "127.0.0.1.nip.io",
        "evil@127.0.0.1",
        "127.0.0.2",
        "10.0.0.5",
        "",
        "127.0.0.1:80:80",
    ):
        reply = ask(local, path, host)
        assert (reply.status, json.loads(reply.body)) == (
            421,
            {"error": f"this server does not answer for the host {host!r}"},
        )
    assert ask(local, path, None).status == 400  # HTTP/1.1 without a Host: refused before monitor sees it


def test_feed_links_name_the_host_asked_for(local):
    port = urlsplit(local).port
    assert (
        self_link(ask(local, "/feeds/crawl-health.atom", f"localhost:{port}").body)
        == f"http://localhost:{port}/feeds/crawl-health.atom"
    )
    assert (
        self_link(ask(local, "/feeds/crawl-health.atom", "monitor.lan").body)
        == "http://monitor.lan/feeds/crawl-health.atom"
    )


def test_every_request_beyond_this_machine_needs_the_token(everywhere):
    port = urlsplit(everywhere).port
    host = f"127.0.0.1:{port}"
    for path in ("/", "/api/search?q=copper", "/openapi.json", "/static/app.js", "/feeds/crawl-health.atom"):
        reply = ask(everywhere, path, host)
        assert (reply.status, json.loads(reply.body)) == (401, NEEDS_TOKEN), path
        assert reply.headers["WWW-Authenticate"] == 'Bearer realm="monitor"'
        for wrong in ("Bearer nope", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
            assert ask(everywhere, path, host, {"Authorization": wrong}).status == 401, (path, wrong)
        assert ask(everywhere, path, host, {"Authorization": f"Bearer {TOKEN}"}).status == 200, path
    assert ask(everywhere, f"/feeds/crawl-health.atom?token={TOKEN}", host).status == 200  # a feed reader's way
    assert ask(everywhere, "/api/search?q=copper&token=nope", host).status == 401


def test_a_browser_opening_the_token_address_keeps_it_in_a_cookie(everywhere):
    host = f"127.0.0.1:{urlsplit(everywhere).port}"
    reply = ask(everywhere, f"/?token={TOKEN}", host)
    assert (reply.status, reply.headers["Location"]) == (303, "/")
    assert reply.headers["Set-Cookie"] == f"monitor_token={TOKEN}; HttpOnly; Path=/; SameSite=lax"
    assert ask(everywhere, "/api/search?q=copper", host, {"Cookie": f"monitor_token={TOKEN}"}).status == 200
    assert ask(everywhere, "/api/search?q=copper", host, {"Cookie": "monitor_token=nope"}).status == 401


def test_on_every_address_a_host_by_number_is_answered_and_a_name_only_if_allowed(everywhere):
    port = urlsplit(everywhere).port
    token = {"Authorization": f"Bearer {TOKEN}"}
    for host in (f"10.1.2.3:{port}", "192.168.0.7", f"[fe80::1]:{port}", "localhost", "news.example.org"):
        assert ask(everywhere, "/api/search?q=copper", host, token).status == 200, host
    for host in ("attacker.example", f"monitor.lan:{port}"):
        assert ask(everywhere, "/api/search?q=copper", host, token).status == 421, host


def test_feed_links_name_the_public_address_when_one_is_set(everywhere):
    reply = ask(everywhere, "/feeds/crawl-health.atom", "10.1.2.3", {"Authorization": f"Bearer {TOKEN}"})
    assert self_link(reply.body) == "https://news.example.org/monitor/feeds/crawl-health.atom"


def _refusal(monkeypatch, capsys, *options: str, **variables: str) -> tuple[int, str, str]:
    """`monitor serve` that should refuse to start: its exit status, output and errors."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    status = main(["--db", "sqlite://", "serve", "--port", "0", *options])
    return (status, *capsys.readouterr())


def test_serving_beyond_this_machine_without_a_token_is_refused(monkeypatch, capsys):
    assert _refusal(monkeypatch, capsys, "--host", "0.0.0.0") == (
        2,
        "",
        (
            "monitor: 0.0.0.0 is reachable from other machines: set MONITOR_SERVE_TOKEN to an access token first "
            '(see README.md, "JSON API and web page"), or serve on 127.0.0.1\n'
        ),
    )
    assert _refusal(monkeypatch, capsys, "--host", "0.0.0.0", MONITOR_SERVE_TOKEN="short") == (
        2,
        "",
        (
            "monitor: MONITOR_SERVE_TOKEN must be 16 or more letters, digits, - _ . or ~ "
            "(make one: python3 -c 'import secrets; print(secrets.token_urlsafe())')\n"
        ),
    )
    assert _refusal(monkeypatch, capsys, "--allowed-host", "evil@127.0.0.1") == (
        2,
        "",
        "monitor: not a host name: 'evil@127.0.0.1'\n",
    )
