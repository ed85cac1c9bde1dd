"""The JSON API and the web page (`monitor serve`): search, one article with its original
and normalised text, its story and its links across languages, and exports. Everything
scraped is untrusted: the page renders it as text only, and a strict Content-Security-Policy
keeps any markup that slipped through from running. Every request must name in its Host
header an address the server answers for (a web page on another site that has its name
resolve to this machine, DNS rebinding, names its own), and, with an access token set,
carry the token."""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Callable
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
from sqlalchemy.exc import NoResultFound
from starlette.exceptions import HTTPException as StarletteHTTPException

from db import Archive
from db import health as health_events
from db import sites as site_figures
from db.search.spec import Filters
from monitor.alerts import HEALTH_FEED, AlertError, add_follow_rule, feed_path, list_rules, rule_feed
from monitor.cases import CaseError, case_view, list_cases, party_view
from monitor.export import MEDIA, encoded, records
from monitor.extract import SPIDERS
from monitor.feeds import FORMATS, render
from monitor.labels import site_labels, tag_label
from monitor.runs import list_runs
from monitor.search import QueryError, SearchOptions, plan, search
from monitor.show import article_view
from pipelines.article import CHINA_TZ, BrokenPage, china_time

WEB = Path(__file__).parent / "web"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
MAX_PAGE = 1000  # results per API page; exports stream every result
MAX_OFFSET = 10_000_000
MAX_ID = 2**31 - 1  # articles.id is a 32-bit INTEGER on PostgreSQL
NEWEST = 10  # relevant reports on the landing view
FEED = {
    "description": "the rule's latest alerts as Atom 1.0, RSS 2.0 or JSON Feed 1.1",
    "content": {media: {"schema": {"type": "string"}} for media in FORMATS.values()},
}
EXPORTED = {
    "description": "every result as a full record: CSV with a header row, JSON Lines, or an Excel workbook",
    "content": {media.split(";")[0]: {"schema": {"type": "string"}} for media in MEDIA.values()},
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
    case_id: int | None = None  # the inspection case its article is in


class FacetCount(BaseModel):
    value: str
    count: int
    label: str | None = None  # sites: the spider's name (a mirror's marked); tags: the Chinese name


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
    fetched_at: str | None
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


class SiteCount(BaseModel):
    host: str
    site: str  # the spider
    label: str
    articles: int
    relevant: int
    newest: str | None  # the newest article's day, YYYY-MM-DD (China time)


class SiteHealth(BaseModel):
    site: str
    base_url: str
    run: int
    status: str
    started_at: str
    new_articles: int
    errors: int
    health: dict[str, str]  # the conditions the run found: kind -> detail


class RuleFeeds(BaseModel):
    name: str
    query: str
    alerts: int
    last_alert: str | None
    feeds: dict[str, str]  # format -> path


class Overview(BaseModel):
    newest: list[Hit]  # the newest supervision and rectification reports
    sites: list[SiteCount]
    health: list[SiteHealth]  # each site's latest run
    rules: list[RuleFeeds]  # the alert rules, then the built-in crawl-health feed


class CaseSummary(BaseModel):
    id: int
    key: str  # party/inspection, e.g. chinalco/t4-2020, jiangxi-copper/r2b4
    party: str  # a vocabulary concept id
    party_label: str
    party_kind: str  # organisation, province, city
    family: str  # the topmost organisation or place above the party
    round: int | None
    batch: int | None
    team: int | None
    stationed: str | None  # YYYY-MM-DD
    first_day: str
    last_day: str


class CaseListed(CaseSummary):
    articles: int
    stages: int  # distinct stages reached


class CaseArticleRef(BaseModel):
    id: int
    title: str
    lang: str
    host: str
    url: str
    published_at: str | None


class CaseSource(CaseArticleRef):
    sentence: str  # the sentence that shows the stage or states the figure


class CaseStage(BaseModel):
    stage: str  # stationing, onsite, feedback, plan, progress, typical_case, lookback, closure
    day: str
    articles: list[CaseSource]


class CaseFigure(BaseModel):
    kind: str  # problems_raised, problems_rectified, problems_in_progress, complaints_..., penalty_yuan, ...
    value: int
    as_of: str
    articles: list[CaseSource]


class CaseView(CaseSummary):
    stages: list[CaseStage]  # by day
    figures: list[CaseFigure]  # by as-of day
    articles: list[CaseArticleRef]  # every article of the case, both languages, oldest first


class YearTotal(BaseModel):
    year: int
    total_yuan: int


class PartyView(BaseModel):
    id: str
    label: str
    kind: str | None  # organisation, province, city
    cases: list[CaseListed]
    penalties: list[YearTotal]  # penalties stated about it (or what is below it), by year of publication
    articles: list[CaseArticleRef]  # its newest articles


class FollowRequest(BaseModel):
    name: str  # the rule's name
    kind: Literal["case", "org", "place"]
    id: str  # the case id, or the organisation's or place's concept id


class FollowRule(BaseModel):
    name: str
    follows: str
    feeds: dict[str, str]  # format -> path


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
        langs=(lang,) if lang else (),
        sites=(site.lower(),) if site else (),
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
        given = [
            value.strip() if scheme.lower() == "bearer" else "",
            request.query_params.get("token", ""),
            request.cookies.get(TOKEN_COOKIE, ""),
        ]
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
        return JSONResponse(
            {"error": "an access token is required (Authorization: Bearer TOKEN, or ?token=TOKEN)"},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="monitor"'},
        )
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
        page = search(archive, q, replace(options, limit=limit, offset=offset), with_facets=facets).as_dict()
        if facets:
            _label_facets(archive, page["facets"])
        return page

    @app.get("/api/overview", response_model=Overview)
    def overview_endpoint() -> dict[str, Any]:
        return overview(archive)

    @app.get("/api/articles/{article_id}", response_model=ArticleView, responses=errors(404, 422))
    def article_endpoint(article_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> dict[str, Any]:
        found = article_view(archive, article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id}")
        return {**found, "original": original_text(archive, article_id, found["site"])}

    @app.get("/api/cases", response_model=list[CaseListed], responses=errors(400, 422))
    def cases_endpoint(
        org: Annotated[str | None, Query(max_length=200, description="an organisation, by id or name")] = None,
        place: Annotated[str | None, Query(max_length=200, description="a province or city, by id or name")] = None,
        since: Annotated[date | None, Query(description="cases with an article on or after this day")] = None,
    ) -> list[dict[str, Any]]:
        try:
            return list_cases(archive, org, place, since.isoformat() if since else None)
        except CaseError as error:
            raise HTTPException(400, str(error)) from None

    @app.get("/api/cases/{case_id}", response_model=CaseView, responses=errors(404, 422))
    def case_endpoint(case_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> dict[str, Any]:
        found = case_view(archive, case_id)
        if found is None:
            raise HTTPException(404, f"no case {case_id}")
        return found

    @app.get("/api/parties/{kind}/{party}", response_model=PartyView, responses=errors(404, 422))
    def party_endpoint(
        kind: Literal["org", "place"], party: Annotated[str, PathParam(max_length=200)]
    ) -> dict[str, Any]:
        try:
            return party_view(archive, party, kind)
        except CaseError as error:
            raise HTTPException(404, str(error)) from None

    @app.post("/api/follows", response_model=FollowRule, status_code=201, responses=errors(400, 422))
    def follow_endpoint(follow: FollowRequest) -> dict[str, Any]:
        # The body is read as JSON only (else 422): a page on another site cannot send JSON
        # without the browser asking the server first, which it does not allow.
        try:
            rule = add_follow_rule(archive, follow.name, follow.kind, follow.id)
        except AlertError as error:
            raise HTTPException(400, str(error)) from None
        return {
            "name": rule.name,
            "follows": f"{rule.follow_kind} {rule.follow_id}",
            "feeds": {fmt: feed_path(rule.name, fmt) for fmt in FORMATS},
        }

    @app.get("/api/export", response_class=StreamingResponse, responses={**errors(400, 422), 200: EXPORTED})
    def export_endpoint(
        q: QueryText,
        options: Options,
        format: Literal["csv", "jsonl", "xlsx"] = "csv",
    ) -> StreamingResponse:
        plan(q, options)  # a bad query fails here, as a 400, before anything is streamed
        headers = {"Content-Disposition": f'attachment; filename="monitor-export.{format}"'}
        return StreamingResponse(
            encoded(format, records(archive, q, options)), media_type=MEDIA[format], headers=headers
        )

    @app.get("/feeds/{feed}", response_class=Response, responses={**errors(404), 200: FEED})
    def feed_endpoint(
        feed: Annotated[
            str, PathParam(description="RULE.atom, RULE.rss or RULE.json; crawl-health for the health feed")
        ],
        request: Request,
    ) -> Response:
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


# --- exports, labels and the landing view --------------------------------------------------


def _label_facets(archive: Archive, facets: dict[str, list[dict[str, Any]]]) -> None:
    """Names people read beside the values the filters take: a host's spider, a tag's
    Chinese name."""
    with archive.engine.connect() as conn:
        sites = site_labels(conn)
    for facet in facets["site"]:
        facet["label"] = sites.get(facet["value"], facet["value"])
    for facet in facets["tag"]:
        facet["label"] = tag_label(facet["value"])


def overview(archive: Archive) -> dict[str, Any]:
    """The landing view: the newest relevant reports, each site's counts, each site's latest
    run and its health, and the alert rules with their feeds."""
    newest = search(archive, "relevance:relevant", SearchOptions(sort="date", limit=NEWEST)).as_dict()["results"]
    return {
        "newest": newest,
        "sites": _site_counts(archive),
        "health": _latest_runs(archive),
        "rules": _rule_feeds(archive),
    }


def _site_counts(archive: Archive) -> list[dict[str, Any]]:
    with archive.engine.connect() as conn:
        labels = site_labels(conn)
        rows = site_figures.article_counts(conn)
    return [
        {
            "host": host,
            "site": site,
            "label": labels.get(host, site),
            "articles": articles,
            "relevant": relevant,
            "newest": (china_time(newest) or "")[:10] or None,
        }
        for host, site, articles, relevant, newest in rows
    ]


RUNS_SCANNED = 500  # the newest runs read for each site's latest: a site silent longer is not shown


def _latest_runs(archive: Archive) -> list[dict[str, Any]]:
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for run in list_runs(archive, limit=RUNS_SCANNED):
        latest.setdefault((run["site"], run["base_url"]), run)
    keys = ("site", "base_url", "status", "started_at", "new_articles", "errors", "health")
    return [{"run": run["id"], **{key: run[key] for key in keys}} for run in latest.values()]


def _rule_feeds(archive: Archive) -> list[dict[str, Any]]:
    rules = [
        (r["name"], f"follows {r['follows']}" if r["follows"] else r["query"], r["alerts"], r["last_alert"])
        for r in list_rules(archive)
    ]
    with archive.engine.connect() as conn:
        events = health_events.count(conn)
    rules.append((HEALTH_FEED, "crawl health events", events, None))
    return [
        {
            "name": name,
            "query": query,
            "alerts": alerts,
            "last_alert": last,
            "feeds": {fmt: feed_path(name, fmt) for fmt in FORMATS},
        }
        for name, query, alerts, last in rules
    ]


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
