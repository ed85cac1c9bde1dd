"""The JSON API and the web page (`monitor serve`): search, one article with its original
and normalised text, its story and its links across languages, and exports. Everything
scraped is untrusted: the page renders it as text only, and a strict Content-Security-Policy
keeps any markup that slipped through from running. Every request must name in its Host
header an address the server answers for (a web page on another site that has its name
resolve to this machine, DNS rebinding, names its own), and, with an access token set,
carry the token."""

from __future__ import annotations

import csv
import hmac
import io
import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict
from scrapy.http import HtmlResponse
from sqlalchemy import or_, select
from sqlalchemy.exc import NoResultFound
from starlette.exceptions import HTTPException as StarletteHTTPException

from db import Archive
from db.fulltext import Filters
from db.models import Article as ArticleRow
from db.models import Fact as FactRow
from db.models import StoryLink
from monitor.alerts import AlertError, rule_feed
from monitor.extract import SPIDERS
from monitor.feeds import FORMATS, render
from monitor.search import QueryError, Result, SearchOptions, iterate, plan, search
from pipelines.article import CHINA_TZ, BrokenPage, china_time

WEB = Path(__file__).parent / "web"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
MAX_PAGE = 1000  # results per API page; exports stream every result
MAX_OFFSET = 10_000_000
MAX_ID = 2**31 - 1  # articles.id is a 32-bit INTEGER on PostgreSQL
CSV_COLUMNS = ("id", "published_at", "site", "host", "lang", "relevance_label", "title", "url", "snippet", "copies")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FEED = {
    "description": "the rule's latest alerts as Atom 1.0, RSS 2.0 or JSON Feed 1.1",
    "content": {media: {"schema": {"type": "string"}} for media in FORMATS.values()},
}
EXPORTED = {
    "description": "every result: CSV with a header row, or JSON Lines",
    "content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}},
}


# --- response models: what /openapi.json describes ---------------------------------------


class ErrorBody(BaseModel):
    error: str


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody} for status in statuses}


class Copy(BaseModel):
    id: int
    url: str
    host: str
    site: str
    lang: str
    title: str
    published_at: str | None
    garbled: bool


class Hit(BaseModel):
    id: int
    title: str
    published_at: str | None
    site: str
    host: str
    url: str
    lang: str
    relevant: bool
    relevance_label: str
    garbled: bool
    story_id: int
    tags: list[str]
    snippet: str  # the original text around the first match, matches between « and »
    copies: list[Copy]  # the story's other copies (collapsed searches)


class FacetCount(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    site: list[FacetCount]  # hosts
    lang: list[FacetCount]
    month: list[FacetCount]  # YYYY-MM in China time, in order
    tag: list[FacetCount]


class SearchPage(BaseModel):
    query: str
    total: int  # stories when collapsed, else articles
    results: list[Hit]
    facets: Facets | None = None


class Tag(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    kind: str
    count: int
    first_seen: str


class Relevance(BaseModel):
    label: str
    score: float
    terms: list[str]


class FactView(BaseModel):
    kind: str
    number: int | None
    day: str | None
    as_of: str | None
    batches: int | None
    action: str | None
    sentence: str


class StoryCopy(BaseModel):
    id: int
    title: str
    url: str
    host: str
    lang: str
    garbled: bool


class Story(BaseModel):
    story_id: int
    copies: list[StoryCopy]  # the story's other articles


class LinkedArticle(BaseModel):
    id: int
    title: str
    url: str
    lang: str


class Link(BaseModel):
    story_id: int
    score: float
    shared: list[str]  # concept ids both stories mention
    articles: list[LinkedArticle]


class Text(BaseModel):
    title: str
    paragraphs: list[str]


class ArticleView(BaseModel):
    id: int
    title: str
    url: str
    host: str
    site: str
    lang: str
    script: str | None
    published_at: str | None
    author: str
    source: str
    # Where each field came from: structured (data the page states for machines), selectors
    # (the site's markup) or generic (the generic extractor); {} for articles stored before.
    field_sources: dict[str, str]
    relevance: Relevance
    tags: list[Tag]
    keywords: list[tuple[str, float]]
    facts: list[FactView]
    story: Story
    links: list[Link]
    normalised: Text  # cleaned, Simplified
    original: Text | None  # as the page's markup gave it; None when the page cannot be read again


# --- the options search and export share -----------------------------------------------


def search_options(
    sort: Literal["relevance", "date"] = "relevance",
    expand: Annotated[bool, Query(description="also search the vocabulary's other names, in both languages")] = True,
    collapse: Annotated[bool, Query(description="one result per story")] = True,
    lang: Literal["zh", "en", "und"] | None = None,
    site: Annotated[str | None, Query(max_length=255, description="spider name (cnmn) or host")] = None,
    since: Annotated[date | None, Query(description="published on or after this day (China time)")] = None,
    until: Annotated[date | None, Query(description="published on or before this day (China time)")] = None,
) -> SearchOptions:
    """The search options the query string gives, shared by search and export."""
    for name, day in (("since", since), ("until", until)):
        if day is not None and not 1900 <= day.year <= 2999:
            raise HTTPException(400, f"{name}: the year must be between 1900 and 2999")
    filters = Filters(
        langs=(lang,) if lang else (), sites=(site.lower(),) if site else (),
        since=_china_midnight(since) if since else None,
        until=_china_midnight(until) + timedelta(days=1) if until else None,
    )
    return SearchOptions(expand=expand, collapse=collapse, sort=sort, filters=filters)


QueryText = Annotated[str, Query(min_length=1, max_length=2000, description="the query language (README.md)")]
Options = Annotated[SearchOptions, Depends(search_options)]


def _china_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA_TZ)


# --- who may ask -------------------------------------------------------------------------------

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
TOKEN_COOKIE = "monitor_token"
# A Host header: a name or IPv4 address, or an IPv6 address in brackets, and maybe a port.
_HOST_HEADER = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::[0-9]{1,5})?")


def host_name(header: str) -> str | None:
    """The name or address a Host header names (lower case, no port, brackets or final dot);
    None when it is no host name at all."""
    found = _HOST_HEADER.fullmatch(header.strip().lower())
    return found.group(1).strip("[]").rstrip(".") if found else None


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Access:
    """Which requests the server answers. `hosts`: the names and addresses a Host header may
    give. `any_address`: the server listens on every address of the machine, and a Host that
    is an address at all names one of them (DNS rebinding needs a name: a page that addresses
    the server by number is that server's own). `token`: required of every request when set.
    `public_url`: the server's address in feed links; else the Host the request gave."""

    hosts: frozenset[str] = LOOPBACK_NAMES
    any_address: bool = False
    token: str | None = None
    public_url: str | None = None

    def host_allowed(self, header: str) -> bool:
        name = host_name(header)
        return name is not None and (name in self.hosts or (self.any_address and _is_address(name)))

    def token_given(self, request: Request) -> bool:
        """Whether the request carries the token: as a bearer token, a `token` query parameter
        (feed readers) or the cookie a browser got for it."""
        if self.token is None:
            return True
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        given = [value.strip() if scheme.lower() == "bearer" else "", request.query_params.get("token", ""),
                 request.cookies.get(TOKEN_COOKIE, "")]
        return any(hmac.compare_digest(g.encode(), self.token.encode()) for g in given)

    def feed_base(self, request: Request) -> str:
        return self.public_url or str(request.base_url).rstrip("/")


async def _guard(request: Request, call_next: Callable, access: Access) -> Response:
    """The request's Host and token checked before anything is read; a browser that opens
    /?token=... gets the token as a cookie and the address without it."""
    host = request.headers.get("host", "")
    if not access.host_allowed(host):
        return JSONResponse({"error": f"this server does not answer for the host {host!r}"}, status_code=421)
    if not access.token_given(request):
        return JSONResponse({"error": "an access token is required (Authorization: Bearer TOKEN, or ?token=TOKEN)"},
                            status_code=401, headers={"WWW-Authenticate": 'Bearer realm="monitor"'})
    if access.token is not None and request.url.path == "/" and "token" in request.query_params:
        redirect = RedirectResponse("/", status_code=303)
        redirect.set_cookie(TOKEN_COOKIE, access.token, httponly=True, samesite="lax")
        return redirect
    return await call_next(request)


# --- the application --------------------------------------------------------------------------


def create_app(db_url: str, access: Access = Access()) -> FastAPI:
    """The API and the web page over the archive at `db_url` (ArchiveError if it cannot open),
    answering the requests `access` lets through."""
    archive = Archive(db_url)
    # Swagger UI and ReDoc load scripts from a CDN: not offline, not under our CSP.
    app = FastAPI(title="monitor", summary="Bilingual metals-industry news archive", docs_url=None, redoc_url=None)
    _add_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1000)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable) -> Response:
        return await _guard(request, call_next, access)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable) -> Any:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/api/search", response_model=SearchPage, responses=errors(400, 422))
    def search_endpoint(
        q: QueryText,
        options: Options,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        facets: Annotated[bool, Query(description="count the matches by site, language, month and tag")] = False,
    ) -> dict[str, Any]:
        return search(archive, q, replace(options, limit=limit, offset=offset), with_facets=facets).as_dict()

    @app.get("/api/articles/{article_id}", response_model=ArticleView, responses=errors(404, 422))
    def article_endpoint(article_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> dict[str, Any]:
        found = article_view(archive, article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id}")
        return found

    @app.get("/api/export", response_class=StreamingResponse, responses={**errors(400, 422), 200: EXPORTED})
    def export_endpoint(
        q: QueryText, options: Options, format: Literal["csv", "jsonl"] = "csv",
    ) -> StreamingResponse:
        plan(q, options)  # a bad query fails here, as a 400, before anything is streamed
        results = iterate(archive, q, options)
        if format == "csv":
            body, media = csv_lines(results), "text/csv; charset=utf-8"
        else:
            body, media = jsonl_lines(results), "application/x-ndjson; charset=utf-8"
        disposition = f'attachment; filename="monitor-export.{format}"'
        return StreamingResponse(body, media_type=media, headers={"Content-Disposition": disposition})

    @app.get("/feeds/{feed}", response_class=Response, responses={**errors(404), 200: FEED})
    def feed_endpoint(feed: Annotated[str, PathParam(description="RULE.atom, RULE.rss or RULE.json; crawl-health for the health feed")], request: Request) -> Response:
        name, _, fmt = feed.rpartition(".")
        if fmt not in FORMATS:
            raise HTTPException(404, f"no feed {feed!r}: ask for NAME.atom, NAME.rss or NAME.json")
        try:
            found = rule_feed(archive, name, access.feed_base(request))
        except AlertError as error:
            raise HTTPException(404, str(error)) from None
        return Response(render(found, fmt), media_type=FORMATS[fmt] + "; charset=utf-8")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    return app


def _add_error_handlers(app: FastAPI) -> None:
    """Every error as {"error": message}, the web page shows the message as it is."""

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, error: QueryError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in error.errors())
        return JSONResponse({"error": problems}, status_code=422)


# --- exports ----------------------------------------------------------------------------------


def csv_lines(results: Iterator[Result]) -> Iterator[str]:
    """A header and one row per result; a BOM first so that spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for result in results:
        row = {**result.article, "snippet": result.snippet, "copies": len(result.copies)}
        writer.writerow([_inert(row[column]) for column in CSV_COLUMNS])
        yield _drain(buffer)


def _inert(value: Any) -> Any:
    """Scraped text starting like a formula would run as one in a spreadsheet: quote it."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def jsonl_lines(results: Iterator[Result]) -> Iterator[str]:
    for result in results:
        yield json.dumps(result.as_dict(), ensure_ascii=False) + "\n"


# --- one article ----------------------------------------------------------------------------


def article_view(archive: Archive, pk: int) -> dict[str, Any] | None:
    """Everything the article view shows, or None for an unknown id."""
    found = archive.articles(id=pk)
    if not found:
        return None
    article = found[0]
    with archive.engine.connect() as conn:
        facts = conn.execute(
            select(FactRow.kind, FactRow.number, FactRow.day, FactRow.as_of, FactRow.batches, FactRow.action,
                   FactRow.sentence).where(FactRow.article_pk == pk).order_by(FactRow.offset, FactRow.id)
        ).all()
        copies = conn.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.url, ArticleRow.host, ArticleRow.lang, ArticleRow.garbled)
            .where(ArticleRow.story_id == article.story_id, ArticleRow.id != pk).order_by(ArticleRow.id)
        ).all()
        links = _links(conn, article.story_id)
    return {
        "id": article.id, "title": article.title, "url": article.url, "host": article.host, "site": article.site,
        "lang": article.lang, "script": article.script, "published_at": china_time(article.published_at),
        "author": article.author, "source": article.source, "field_sources": article.field_sources or {},
        "relevance": {"label": article.relevance_label, "score": article.relevance_score, "terms": article.relevance_terms},
        "tags": article.tags or [], "keywords": article.keywords or [],
        "facts": [row._asdict() for row in facts],
        "story": {"story_id": article.story_id, "copies": [row._asdict() for row in copies]},
        "links": links,
        "normalised": {
            "title": article.title_simplified or article.title,
            "paragraphs": (article.body_simplified or article.body).split("\n"),
        },
        "original": original_text(archive, pk, article.site),
    }


def _links(conn, story_id: int) -> list[dict[str, Any]]:
    """The stories in the other language linked to this one, best first, with their articles."""
    rows = conn.execute(
        select(StoryLink.story_a, StoryLink.story_b, StoryLink.score, StoryLink.shared)
        .where(or_(StoryLink.story_a == story_id, StoryLink.story_b == story_id))
    ).all()
    out = []
    for link in sorted(rows, key=lambda r: -r.score):
        other = link.story_b if link.story_a == story_id else link.story_a
        articles = conn.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.url, ArticleRow.lang)
            .where(ArticleRow.story_id == other).order_by(ArticleRow.id)
        ).all()
        out.append({"story_id": other, "score": link.score, "shared": link.shared,
                    "articles": [row._asdict() for row in articles]})
    return out


def original_text(archive: Archive, pk: int, site: str) -> dict[str, Any] | None:
    """The title and paragraphs as the site's spider reads them from the stored page, before
    any cleaning: a mirror's Traditional text and pasted pinyin as it served them."""
    spider_cls = next((s for s in SPIDERS if s.name == site), None)
    if spider_cls is None:
        return None
    try:
        url, html, encoding = archive.raw_html(pk)
        extracted = spider_cls().extract(HtmlResponse(url=url, body=html, encoding=encoding))
    except (NoResultFound, BrokenPage):
        return None
    return {"title": extracted.title, "paragraphs": extracted.paragraphs}
