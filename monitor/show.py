"""One article, whole: its fields, tags, facts, the story's other copies and its linked
stories in the other language. The API's article view and `monitor show` read the same data;
`show_lines` lays it out for a terminal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, or_, select

from db import Archive
from db.models import Article as ArticleRow
from db.models import Fact as FactRow
from db.models import StoryLink
from monitor.labels import tag_label
from pipelines.article import china_time

FACT_FIELDS = ("number", "day", "as_of", "batches", "action")


def article_view(archive: Archive, pk: int) -> dict[str, Any] | None:
    """Everything known of one article but its page's original text, or None for an unknown id."""
    found = archive.articles(id=pk)
    if not found:
        return None
    article = found[0]
    with archive.engine.connect() as conn:
        facts = conn.execute(
            select(
                FactRow.kind,
                FactRow.number,
                FactRow.day,
                FactRow.as_of,
                FactRow.batches,
                FactRow.action,
                FactRow.sentence,
            )
            .where(FactRow.article_pk == pk)
            .order_by(FactRow.offset, FactRow.id)
        ).all()
        copies = conn.execute(
            select(
                ArticleRow.id, ArticleRow.title, ArticleRow.url, ArticleRow.host, ArticleRow.lang, ArticleRow.garbled
            )
            .where(ArticleRow.story_id == article.story_id, ArticleRow.id != pk)
            .order_by(ArticleRow.id)
        ).all()
        links = _links(conn, article.story_id) if article.story_id is not None else []
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "host": article.host,
        "site": article.site,
        "lang": article.lang,
        "script": article.script,
        "published_at": china_time(article.published_at),
        "fetched_at": china_time(article.fetched_at),
        "author": article.author,
        "source": article.source,
        "field_sources": article.field_sources or {},
        "relevance": {
            "label": article.relevance_label,
            "score": article.relevance_score,
            "terms": article.relevance_terms,
        },
        "tags": [{**tag, "label": tag_label(tag["id"])} for tag in article.tags or []],
        "keywords": article.keywords or [],
        "facts": [row._asdict() for row in facts],
        "story": {"story_id": article.story_id, "copies": [row._asdict() for row in copies]},
        "links": links,
        "normalised": {
            "title": article.title_simplified or article.title,
            "paragraphs": (article.body_simplified or article.body).split("\n"),
        },
    }


def _links(conn: Connection, story_id: int) -> list[dict[str, Any]]:
    """The stories in the other language linked to this one, best first, with their articles."""
    rows = conn.execute(
        select(StoryLink.story_a, StoryLink.story_b, StoryLink.score, StoryLink.shared).where(
            or_(StoryLink.story_a == story_id, StoryLink.story_b == story_id)
        )
    ).all()
    out = []
    for link in sorted(rows, key=lambda r: -r.score):
        other = link.story_b if link.story_a == story_id else link.story_a
        articles = conn.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.url, ArticleRow.lang)
            .where(ArticleRow.story_id == other)
            .order_by(ArticleRow.id)
        ).all()
        out.append(
            {
                "story_id": other,
                "score": link.score,
                "shared": link.shared,
                "articles": [row._asdict() for row in articles],
            }
        )
    return out


def show_lines(view: dict[str, Any]) -> list[str]:
    """The article for a person at a terminal: a head of fields, then tags, facts, copies,
    links and the cleaned text (Simplified), each section under its name."""
    relevance = view["relevance"]
    script = f"-{view['script']}" if view["script"] else ""
    lines = [
        f"#{view['id']} {view['title']}",
        f"published: {_day(view['published_at'])}  site: {view['site']}  host: {view['host']}  lang: {view['lang']}{script}",
        f"url: {view['url']}",
        f"author: {view['author'] or '-'}  source: {view['source'] or '-'}",
        f"relevance: {relevance['label']} {relevance['score']:g}" + _listed(relevance["terms"]),
        "tags: " + (", ".join(f"{t['label']} ({t['id']})" for t in view["tags"]) or "none"),
    ]
    lines += _section("facts", [f"{f['kind']}: {_fact_values(f)}\n    {f['sentence']}" for f in view["facts"]])
    lines += _section(
        "copies",
        [
            f"#{c['id']} {c['host']} {c['lang']}{' mirror' if c['garbled'] else ''}: {c['title']}"
            for c in view["story"]["copies"]
        ],
    )
    lines += _section(
        "linked",
        [
            f"#{a['id']} {a['lang']} {link['score']:.2f}" + _listed(link["shared"]) + f": {a['title']}"
            for link in view["links"]
            for a in link["articles"]
        ],
    )
    return lines + ["", *view["normalised"]["paragraphs"]]


def _day(moment: str | None) -> str:
    """YYYY-MM-DD HH:MM of an ISO time in China time; `?` when the page gave none."""
    return moment[:16].replace("T", " ") if moment else "?"


def _listed(items: list[str]) -> str:
    return f" ({', '.join(items)})" if items else ""


def _fact_values(fact: dict[str, Any]) -> str:
    return ", ".join(f"{name} {fact[name]}" for name in FACT_FIELDS if fact[name] is not None)


def _section(name: str, items: list[str]) -> list[str]:
    return [f"{name}: none"] if not items else [f"{name}:", *(f"  {item}" for item in items)]
