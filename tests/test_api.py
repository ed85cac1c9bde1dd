"""The JSON API as a client sees it: `monitor serve` in a subprocess over the crawled replica
archive, spoken to over HTTP."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import openpyxl
import pytest
from sqlalchemy import or_, select

from db.models import StoryLink
from monitor.export import COLUMNS, MEDIA
from pipelines.chinese import to_simplified
from tests.conftest import ROOT


@contextlib.contextmanager
def serving(db_url: str, *options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`monitor serve` on a free port (of 127.0.0.1 unless `options` say otherwise), with
    these environment variables; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--db", db_url, "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        line = process.stdout.readline()  # printed once the port is bound
        if not line.startswith("serving "):
            raise RuntimeError(f"monitor serve did not start: {line}{process.stderr.read()}")
        yield line.split(" on ")[1].strip().rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def api(archive, db_url) -> Iterator[str]:
    with serving(db_url) as base:
        yield base


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(api: str, path: str, **params) -> tuple[int, dict]:
    status, _, body = get(f"{api}{path}?{urlencode(params)}" if params else api + path)
    return status, json.loads(body)


def search(api: str, q: str, **params) -> dict:
    status, page = get_json(api, "/api/search", q=q, **params)
    assert status == 200, page
    return page


def _seed(manifest: dict, site: str) -> dict:
    return next(a for a in manifest["articles"] if a["seed"] and a["site"] == site)


def _host(replicas, site: str) -> str:
    return urlsplit(replicas.addresses[site]).netloc


def _cnmn_seed_id(api: str, replicas) -> int:
    page = search(api, "中国铜业", limit=50)
    return next(r["id"] for r in page["results"] if r["host"] == _host(replicas, "cnmn") and r["relevant"])


def test_openapi_describes_every_endpoint(api):
    status, spec = get_json(api, "/openapi.json")
    assert status == 200
    assert {"/api/search", "/api/articles/{article_id}", "/api/export"} <= set(spec["paths"])
    ok = spec["paths"]["/api/search"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/SearchPage"}
    assert {"SearchPage", "Hit", "Facets", "ArticleView", "ErrorBody"} <= set(spec["components"]["schemas"])
    assert "400" in spec["paths"]["/api/export"]["get"]["responses"]
    # An empty query is refused by the schema, as the server refuses it (422).
    for path in ("/api/search", "/api/export"):
        [q] = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "q"]
        assert (q["required"], q["schema"]["minLength"], q["schema"]["maxLength"]) == (True, 1, 2000)


def test_search_facets_match_the_manifest(api, replicas, manifest):
    """中国铜业 without expansion: the stories whose text holds it, counted from the replica's
    truth; the mirror copies collapse into their originals."""
    page = search(api, "中国铜业", expand="false", facets="true", limit=50)
    found = [a for a in manifest["articles"] if "中国铜业" in to_simplified(a["title"] + "\n" + a["body"])]
    stories = {a["story"] for a in found}
    assert page["total"] == len(stories) == len(page["results"])

    def counted(key) -> list[dict]:
        groups: dict[str, set] = {}
        for a in found:
            groups.setdefault(key(a), set()).add(a["story"])
        return [{"value": v, "count": len(s)} for v, s in groups.items()]

    def biggest_first(items: list[dict]) -> list[dict]:
        return sorted(items, key=lambda f: (-f["count"], f["value"]))

    facets = {
        name: [{"value": f["value"], "count": f["count"]} for f in found] for name, found in page["facets"].items()
    }
    # A story counts once, under the host of the copy shown: the mirror's copies join their originals.
    originals = [a for a in found if a["site"] != "mirror"]
    assert {a["story"] for a in originals} == stories
    by_host: dict[str, set] = {}
    for a in originals:
        by_host.setdefault(_host(replicas, a["site"]), set()).add(a["story"])
    assert facets["site"] == biggest_first([{"value": v, "count": len(s)} for v, s in by_host.items()])
    assert facets["lang"] == biggest_first(counted(lambda a: a["lang"]))
    assert facets["month"] == sorted(counted(lambda a: a["published_at"][:7]), key=lambda f: f["value"])
    assert {"value": "china-copper", "count": len(stories)} in facets["tag"]

    seed = _seed(manifest, "cnmn")
    hit = next(r for r in page["results"] if r["title"] == seed["title"])
    assert hit["host"] == _host(replicas, "cnmn") and hit["url"].endswith(seed["path"])
    assert [(c["host"], c["garbled"]) for c in hit["copies"]] == [(_host(replicas, "mirror"), True)]
    assert "«中国铜业»" in hit["snippet"]


def test_expansion_adds_the_english_name(api):
    exact = search(api, "中国铜业", expand="false", limit=50)
    expanded = search(api, "中国铜业", facets="true", limit=50)
    assert {r["id"] for r in exact["results"]} < {r["id"] for r in expanded["results"]}
    assert "en" in {f["value"] for f in expanded["facets"]["lang"]}


def test_pages_are_disjoint_and_make_up_the_whole(api):
    whole = search(api, "稀土", limit=200)
    assert whole["total"] > 20
    ids, offset = [], 0
    while offset < whole["total"]:
        page = search(api, "稀土", limit=7, offset=offset)
        assert page["total"] == whole["total"]
        ids += [r["id"] for r in page["results"]]
        offset += 7
    assert len(ids) == len(set(ids)) == whole["total"]
    assert ids == [r["id"] for r in whole["results"]]
    assert search(api, "稀土", offset=whole["total"])["results"] == []


@pytest.mark.parametrize(
    "q, message",
    [
        ("稀土 AND", "AND at position 4"),
        ('"open', "unbalanced quote at position 1"),
        ('copper "rare earth', "position 8"),
        ("(稀土", "( at position 1"),
        ("since:2020-13 稀土", "since: at position 1"),
    ],
)
def test_malformed_query_is_a_400_naming_the_position(api, q, message):
    for path in ("/api/search", "/api/export"):
        status, body = get_json(api, path, q=q)
        assert status == 400 and message in body["error"], (path, body)


@pytest.mark.parametrize(
    "path, params, status",
    [
        ("/api/search", {"q": "稀土", "limit": 0}, 422),
        ("/api/search", {"q": "稀土", "limit": "ten"}, 422),
        ("/api/search", {"q": "稀土", "offset": -1}, 422),
        ("/api/search", {"q": "稀土", "offset": 10**30}, 422),
        ("/api/search", {"q": "稀土", "sort": "random"}, 422),
        ("/api/search", {"q": "稀土", "since": "2020-13-01"}, 422),
        ("/api/search", {"q": "稀土", "until": "9999-12-31"}, 400),
        ("/api/search", {"q": ""}, 422),
        ("/api/search", {}, 422),
        ("/api/search", {"q": "x" * 3000}, 422),
        ("/api/search", {"q": "\x00"}, 400),
        ("/api/export", {"q": ""}, 422),
        ("/api/search", {"q": " "}, 400),
        ("/api/export", {"q": "稀土", "format": "xml"}, 422),
        ("/api/articles/999999", {}, 404),
        ("/api/articles/abc", {}, 422),
        ("/api/articles/99999999999999999999", {}, 422),
        ("/api/nothing", {}, 404),
    ],
)
def test_bad_input_is_a_client_error_with_a_message(api, path, params, status):
    got, body = get_json(api, path, **params)
    assert got == status and body["error"], body


def test_article_view_of_the_cnmn_seed(api, archive, replicas, manifest):
    seed_id = _cnmn_seed_id(api, replicas)
    status, view = get_json(api, f"/api/articles/{seed_id}")
    assert status == 200
    seed = _seed(manifest, "cnmn")
    assert (view["title"], view["lang"], view["script"], view["site"]) == (seed["title"], "zh", "Hans", "cnmn")
    assert view["published_at"] == seed["published_at"]
    # CNMN's pages state nothing for machines: every field from the site's selectors.
    assert view["field_sources"] == dict.fromkeys(("title", "published_at", "author", "source", "body"), "selectors")
    assert view["relevance"]["label"] == "supervision" and "chinalco" in {t["id"] for t in view["tags"]}
    # 截至10月9日，已完成整改24项，14项在持续整改中。
    assert {"kind": "issues_rectified", "number": 24, "as_of": "2020-10-09"}.items() <= next(
        f for f in view["facts"] if f["kind"] == "issues_rectified"
    ).items()
    body = "\n".join(view["normalised"]["paragraphs"])
    assert all(f["sentence"].strip("“”") in body for f in view["facts"])
    [mirror] = view["story"]["copies"]
    assert mirror["host"] == _host(replicas, "mirror") and mirror["garbled"]
    # The cross-language link, as stored in story_links, to the SMM seed's story.
    smm_seed = archive.articles(title=_seed(manifest, "smm")["title"])[0]
    with archive.engine.connect() as conn:
        stored = conn.execute(
            select(StoryLink).where(
                or_(StoryLink.story_a == view["story"]["story_id"], StoryLink.story_b == view["story"]["story_id"])
            )
        ).all()
    link = next(k for k in view["links"] if k["story_id"] == smm_seed.story_id)
    assert any(
        {row.story_a, row.story_b} == {view["story"]["story_id"], smm_seed.story_id} and row.score == link["score"]
        for row in stored
    )
    assert {"chinalco", "liu-jianping"} <= set(link["shared"])
    assert (smm_seed.id, "en") in [(a["id"], a["lang"]) for a in link["articles"]]


def test_mirror_copy_original_is_traditional_and_normalised_simplified(api, replicas, manifest):
    status, seed = get_json(api, f"/api/articles/{_cnmn_seed_id(api, replicas)}")
    mirror_id = seed["story"]["copies"][0]["id"]
    status, view = get_json(api, f"/api/articles/{mirror_id}")
    assert status == 200 and view["script"] == "Hant"
    original = view["original"]["title"] + "".join(view["original"]["paragraphs"])
    normalised = view["normalised"]["title"] + "".join(view["normalised"]["paragraphs"])
    # Traditional, with the mirror's pasted pinyin, as it served the page.
    assert "中國(guó)銅業(yè)" in original and to_simplified(original) != original
    assert view["normalised"]["title"] == _seed(manifest, "cnmn")["title"]
    assert "中国铜业" in normalised and to_simplified(normalised) == normalised and "(huán)" not in normalised


@pytest.mark.parametrize("collapse", ["true", "false"])
def test_exports_stream_every_result_as_a_full_record(api, archive, collapse):
    q = "稀土"
    everything = search(api, q, collapse=collapse, limit=1000)
    ids = [r["id"] for r in everything["results"]]
    assert len(ids) == everything["total"] > 20
    stored = {a.id: a for a in archive.articles()}

    status, headers, body = get(f"{api}/api/export?{urlencode({'q': q, 'format': 'csv', 'collapse': collapse})}")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"] == 'attachment; filename="monitor-export.csv"'
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert [int(r["id"]) for r in rows] == ids
    assert [int(r["copies"]) for r in rows] == [len(r["copies"]) for r in everything["results"]]
    assert [r["title"] for r in rows] == [r["title"] for r in everything["results"]]
    # The whole text and the fields a search page leaves out, as stored (a cell that would
    # start a formula gets its leading apostrophe).
    for row in rows:
        article = stored[int(row["id"])]
        assert row["body"].removeprefix("'") == article.body
        assert (row["author"], row["source"]) == (article.author, article.source)

    status, headers, body = get(f"{api}/api/export?{urlencode({'q': q, 'format': 'jsonl', 'collapse': collapse})}")
    assert status == 200 and 'filename="monitor-export.jsonl"' in headers["content-disposition"]
    lines = [json.loads(line) for line in body.decode("utf-8").splitlines()]
    assert len(lines) == len(ids)
    shown = [{key: line[key] for key in hit} for line, hit in zip(lines, everything["results"], strict=True)]
    assert shown == everything["results"]
    assert all(line["body"] == stored[line["id"]].body for line in lines)


def test_export_as_a_workbook(api):
    everything = search(api, "中国铜业", limit=1000)
    status, headers, body = get(f"{api}/api/export?{urlencode({'q': '中国铜业', 'format': 'xlsx'})}")
    assert status == 200 and headers["content-type"] == MEDIA["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [row[:2] for row in rows[1:]] == [(r["id"], r["title"]) for r in everything["results"]]


def test_facets_name_sites_by_spider_and_tags_in_chinese(api, replicas):
    facets = search(api, "中国铜业", facets="true", collapse="false", limit=1)["facets"]
    sites = {f["value"]: f["label"] for f in facets["site"]}
    assert sites == {
        _host(replicas, "cnmn"): "cnmn",
        _host(replicas, "mirror"): "cnmn 镜像 mirror",
        _host(replicas, "smm"): "smm",
    }
    tags = {f["value"]: f["label"] for f in facets["tag"]}
    assert (tags["chinalco"], tags["china-copper"]) == ("中铝集团", "中国铜业")


def test_overview_is_the_landing_data(api, archive, replicas):
    status, overview = get_json(api, "/api/overview")
    assert status == 200
    newest = overview["newest"]
    assert len(newest) == 10 and all(hit["relevant"] for hit in newest)
    days = [hit["published_at"] for hit in newest]
    assert days == sorted(days, reverse=True)
    summary = archive.summary()
    assert {s["host"]: s["articles"] for s in overview["sites"]} == summary["by_host"]
    assert sum(s["relevant"] for s in overview["sites"]) == summary["relevant"]
    mirror = next(s for s in overview["sites"] if s["host"] == _host(replicas, "mirror"))
    assert (mirror["site"], mirror["label"]) == ("cnmn", "cnmn 镜像 mirror") and len(mirror["newest"]) == 10
    assert overview["rules"][-1]["feeds"] == {fmt: f"/feeds/crawl-health.{fmt}" for fmt in ("atom", "rss", "json")}


def test_page_is_served_under_a_strict_content_security_policy(api):
    status, headers, body = get(api + "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe" not in policy
    page = body.decode("utf-8")
    assert '<script src="/static/app.js"' in page and "<script>" not in page and "http" not in page
    status, headers, script = get(api + "/static/app.js")
    assert status == 200 and "innerHTML" not in script.decode("utf-8") and len(script) < 16_000
