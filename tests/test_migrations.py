"""Schema migrations, on SQLite and PostgreSQL: the migrations make the models' schema, an
archive made by the released monitor (no alembic_version) is refused until `monitor db
upgrade` brings it up to date with its rows kept, the migrations go down and up again, and
none of them runs the project's live code (what they compute is frozen in them)."""

from __future__ import annotations

import ast
import subprocess
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, Table, insert, select, text

from common.china_time import CHINA_TZ
from db import Archive, printable_url
from db.engine import make_engine
from db.migrate import (
    HEAD_REVISION,
    MIGRATIONS,
    REVISIONS,
    alembic_config,
    include_name,
    stored_revision,
)
from db.models import Base
from db.search.expression import Term
from db.search.results import ranked
from db.search.spec import Filters, Search
from tests.conftest import ROOT, monitor_main

RELEASED_FTS5 = (
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
# The full-text index as db.search makes it, read back from each engine's catalog.
HEAD_FTS = {
    "sqlite": "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, parts, filters, tokenize = 'unicode61 remove_diacritics 0')",
    "postgresql": (
        [("article_pk", "integer", "NO"), ("document", "tsvector", "NO"), ("filters", "tsvector", "NO")],
        [
            "CREATE UNIQUE INDEX article_fts_pkey ON article_fts USING btree (article_pk)",
            "CREATE INDEX ix_article_fts_document ON article_fts USING gin (document)",
            "CREATE INDEX ix_article_fts_filters ON article_fts USING gin (filters)",
        ],
        ["FOREIGN KEY (article_pk) REFERENCES articles(id) ON DELETE CASCADE", "PRIMARY KEY (article_pk)"],
    ),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@contextmanager
def connected(url: str) -> Iterator[Connection]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


# What 0002 and 0003 add to the released schema, as autogenerate names it.
ADDED_BY_0002 = [
    ("add_index", "ix_article_tags_tag"),
    ("add_index", "ix_articles_copies"),
    ("add_index", "ix_articles_search"),
    ("add_table", "article_tags"),
]
ADDED_BY_0003 = sorted(
    [
        ("add_table", t)
        for t in (
            "alert_rules",
            "alert_queue",
            "alerts",
            "deliveries",
            "delivery_attempts",
            "crawl_runs",
            "health_events",
        )
    ]
    + [
        ("add_index", i)
        for i in (
            "ix_alerts_rule_story",
            "ix_alerts_rule_id",
            "ix_deliveries_alert_channel",
            "ix_deliveries_status",
            "ix_delivery_attempts_delivery_id",
            "ix_crawl_runs_site",
            "ix_health_events_site",
        )
    ]
)
ADDED_BY_0006 = [("add_column", "field_sources")]
ADDED_BY_0007 = [
    ("add_table", t) for t in ("case_readings", "cases", "case_articles", "case_stages", "case_figures")
] + [
    ("add_index", i)
    for i in (
        "ix_case_readings_family",
        "ix_cases_family",
        "ix_cases_party",
        "ix_case_articles_article_pk",
        "ix_case_stages_case_id",
        "ix_case_figures_case_id",
    )
]
# 0008 adds tables and facts' columns, and changes the alert tables (that 0003 makes whole).
ADDED_BY_0008_BESIDES_ALERTS = [("add_table", t) for t in ("case_events", "case_event_queue")] + [
    ("add_column", "party"),
    ("add_column", "place"),
    ("add_index", "ix_case_events_case_id"),
    ("add_index", "ix_facts_party"),
    ("add_index", "ix_facts_place"),
    ("add_index", "ix_alerts_rule_event"),  # an index, not the table's: autogenerate names it apart
]
ADDED_BY_0008 = ADDED_BY_0008_BESIDES_ALERTS + [
    ("add_column", "follow_kind"),
    ("add_column", "follow_id"),
    ("add_column", "case_event_id"),
    ("modify_nullable", "alerts.story_id"),
]
# 0009 drops the foreign keys of alerts to their rule and article (triggers keep them): by
# the names its downgrade gives them back.
DROPPED_BY_0009 = {
    "sqlite": [("remove_fk", "fk_alerts_rule_id_alert_rules"), ("remove_fk", "fk_alerts_article_pk_articles")],
    "postgresql": [("remove_fk", "alerts_rule_id_fkey"), ("remove_fk", "alerts_article_pk_fkey")],
}
ADDED_BY_0010 = [("add_table", "case_changes")]
# 0012 drops the foreign key of alerts to their case event (triggers keep it), which 0008 made.
DROPPED_BY_0012 = [("remove_fk", "fk_alerts_case_event_id")]
ADDED_SINCE_0001 = sorted(
    ADDED_BY_0002 + ADDED_BY_0003 + ADDED_BY_0006 + ADDED_BY_0007 + ADDED_BY_0008_BESIDES_ALERTS + ADDED_BY_0010
)


def schema_differences(conn: Connection) -> list[tuple[str, str]]:
    """What autogenerate would change to reach the models (`alembic check`), by name."""
    context = MigrationContext.configure(conn, opts={"include_name": include_name})
    return [_named(diff) for diff in compare_metadata(context, Base.metadata)]


def _named(diff) -> tuple[str, str]:
    """A difference by name; a column's changes come as a list of them (one here)."""
    if isinstance(diff, list):
        kind, _, table, column = diff[0][:4]
        return (kind, f"{table}.{column}")
    return (diff[0], diff[3].name if diff[0] == "add_column" else diff[1].name)


def fts_definition(conn: Connection):
    """The full-text index as the catalog describes it (None when there is none)."""
    if conn.dialect.name == "sqlite":
        return conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'article_fts'")).scalar()
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    columns = conn.execute(
        text(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'article_fts' ORDER BY ordinal_position"
        )
    ).all()
    if not columns:
        return None
    indexes = conn.execute(
        text(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'article_fts' ORDER BY indexname"
        )
    ).scalars()
    constraints = conn.execute(
        text(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST('article_fts' AS regclass) ORDER BY 1"
        )
    ).scalars()
    return [tuple(c) for c in columns], [i.replace(f"{schema}.", "") for i in indexes], list(constraints)


def test_head_revision_is_the_scripts_head():
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(REVISIONS)
    assert scripts.get_current_head() == HEAD_REVISION == "0012"


def heads_schema(conn: Connection) -> list[tuple[str, str]]:
    """The heads' tables and index (db.search.top_k) as SQLite's catalog holds them."""
    return [
        tuple(row)
        for row in conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE name LIKE 'article_fts_head%' OR name LIKE 'ix_article_fts_head%' ORDER BY name"
            )
        )
    ]


def alert_triggers(conn: Connection) -> list[tuple[str, str]]:
    """The triggers (and on PostgreSQL their functions) that keep alerts' references, and
    the index of case events' alerts (partial, which autogenerate does not compare), as the
    catalog holds them."""
    if conn.dialect.name == "sqlite":
        statement = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' OR name = 'ix_alerts_rule_event' ORDER BY name"
        )
    else:
        statement = (
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace)"
            " UNION ALL SELECT proname, prosrc FROM pg_proc WHERE pronamespace = current_schema()::regnamespace"
            " UNION ALL SELECT indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND indexname = 'ix_alerts_rule_event'"
            " ORDER BY 1"
        )
    return [tuple(row) for row in conn.execute(text(statement))]


def test_migrations_from_nothing_make_what_a_new_archive_has(url):
    command.upgrade(alembic_config(url), "head")
    with connected(url) as conn:
        assert schema_differences(conn) == []
        migrated_triggers = alert_triggers(conn)
        assert [name for name, _ in migrated_triggers] == (
            [
                "alert_rules_deleted",
                "alerts_inserted_check",
                "alerts_updated_check",
                "articles_deleted",
                "case_events_deleted",
                "ix_alerts_rule_event",
            ]
            if conn.dialect.name == "sqlite"
            else [
                "alert_rules_deleted",
                "alerts_check_references",
                "alerts_inserted_check",
                "alerts_of_deleted_articles",
                "alerts_of_deleted_case_events",
                "alerts_of_deleted_rules",
                "alerts_updated_check",
                "articles_deleted",
                "case_events_deleted",
                "ix_alerts_rule_event",
            ]
        )
        assert fts_definition(conn) == HEAD_FTS[conn.dialect.name]
        assert stored_revision(conn) == HEAD_REVISION
        migrated_heads = heads_schema(conn) if conn.dialect.name == "sqlite" else []
    # A new archive is made from the models at once and stamped: the same schema.
    command.downgrade(alembic_config(url), "base")
    Archive(url).engine.dispose()
    with connected(url) as conn:
        assert schema_differences(conn) == []
        assert alert_triggers(conn) == migrated_triggers
        assert fts_definition(conn) == HEAD_FTS[conn.dialect.name]
        assert stored_revision(conn) == HEAD_REVISION
        if conn.dialect.name == "sqlite":
            assert [name for name, _ in migrated_heads] == [
                "article_fts_head_bounds",
                "article_fts_head_terms",
                "article_fts_heads",
                "article_fts_heads_changed",
                "article_fts_heads_state",
                "ix_article_fts_heads_article",
            ]
            assert heads_schema(conn) == migrated_heads


def test_baseline_is_the_released_schema(url):
    """8edecd0's models are today's without article_tags and ix_articles_search; its index was FTS5 with porter."""
    command.upgrade(alembic_config(url), "0001")
    with connected(url) as conn:
        assert sorted(schema_differences(conn)) == ADDED_SINCE_0001
        assert fts_definition(conn) == (RELEASED_FTS5 if conn.dialect.name == "sqlite" else None)


# --- an archive made by the released monitor ---------------------------------------------

FETCHED = datetime(2020, 10, 16, 2, 0)
ARTICLES = [
    {
        "identity": "cnmn:www.cnmn.com.cn:361562",
        "site_article_id": "361562",
        "host": "www.cnmn.com.cn",
        "site": "cnmn",
        "lang": "zh",
        "script": "Hans",
        "relevant": True,
        "relevance_label": "rectification",
        "title": "广西稀土企业完成环保督察整改",
        "title_simplified": None,
        "body_simplified": None,
        "body": "中央第四生态环境保护督察组进驻广西后，广西稀土集团对矿山开展整改，截至10月9日已完成12项问题整改。",
        "tags": [
            {"id": "inspection-team", "kind": "authority", "count": 1, "first": "body"},
            {"id": "guangxi-rare-earth", "kind": "organisation", "count": 1, "first": "body"},
            {"id": "rare-earth", "kind": "metal", "count": 2, "first": "title"},
        ],
    },
    {  # the mirror's Traditional copy: indexed by its Simplified shadow
        "identity": "cnmn:www.cnmn-mirror.com:361562",
        "site_article_id": "361562",
        "host": "www.cnmn-mirror.com",
        "site": "cnmn",
        "lang": "zh",
        "script": "Hant",
        "relevant": True,
        "relevance_label": "supervision",
        "title": "廣西環保督察組進駐稀土礦區",
        "title_simplified": "广西环保督察组进驻稀土矿区",
        "body": "廣西環保督察組進駐稀土礦區，責令企業限期整改。",
        "body_simplified": "广西环保督察组进驻稀土矿区，责令企业限期整改。",
        "tags": [
            {"id": "guangxi", "kind": "place", "count": 1, "first": "title"},
            {"id": "rare-earth", "kind": "metal", "count": 1, "first": "title"},
        ],
    },
    {
        "identity": "smm:news.metal.com:101286",
        "site_article_id": "101286",
        "host": "news.metal.com",
        "site": "smm",
        "lang": "en",
        "script": None,
        "relevant": True,
        "relevance_label": "rectification",
        "title": "Chinalco completes rectification of rare earth mines",
        "title_simplified": None,
        "body_simplified": None,
        "body": "Chinalco said its rare earth mines in Guangxi had completed the rectification required by the central environmental inspection team.",
        "tags": [
            {"id": "chinalco", "kind": "organisation", "count": 2, "first": "title"},
            {"id": "guangxi", "kind": "place", "count": 1, "first": "body"},
        ],
    },
    {
        "identity": "smm:news.metal.com:101301",
        "site_article_id": "101301",
        "host": "news.metal.com",
        "site": "smm",
        "lang": "en",
        "script": None,
        "relevant": False,
        "relevance_label": "unrelated",
        "title": "Copper prices rise",
        "title_simplified": None,
        "body_simplified": None,
        "body": "Copper prices rose on the LME as Chinese smelters cut output.",
        "tags": [],
    },
]
EXPECTED_TAGS = [
    (1, "guangxi-rare-earth"),
    (1, "inspection-team"),
    (1, "rare-earth"),
    (2, "guangxi"),
    (2, "rare-earth"),
    (3, "chinalco"),
    (3, "guangxi"),
]
# A word of each body, and the articles whose index holds it (Traditional text is indexed
# by its Simplified shadow, so 責令 itself finds nothing).
EXPECTED_MATCHES = {"稀土": [1, 2], "责令": [2], "責令": [], "earth": [3], "copper": [4]}
# 稀土's matches within filters (on SQLite, the index's filter terms of each article).
EXPECTED_FILTERED = {
    Filters(sites=("www.cnmn-mirror.com",)): [2],
    Filters(relevance=("rectification",)): [1],
    Filters(tags=(("guangxi-rare-earth",),)): [1],
    Filters(not_tags=("guangxi",)): [1],
    Filters(since=datetime(2020, 10, 15, tzinfo=CHINA_TZ), until=datetime(2020, 10, 16, tzinfo=CHINA_TZ)): [1, 2],
    Filters(since=datetime(2020, 10, 16, tzinfo=CHINA_TZ)): [],
}


def _row(n: int, article: dict) -> dict:
    url = f"https://{article['host']}/news/{article['site_article_id']}"
    return {
        **article,
        "id": n,
        "canonical_url": url,
        "url": url,
        "published_at": datetime(2020, 10, 15, 6, 52),
        "author": "",
        "source": "",
        "category": "",
        "editor": "",
        "views": None,
        "page_tags": [],
        "garbled": n == 2,
        "relevance_score": 6.5 if article["relevant"] else 0.0,
        "relevance_terms": [],
        "keywords": [["整改", 0.4]],
        "fingerprint": f"{n:064x}",
        "minhash": [n] * 64,
        "figures": ["12"],
        "content_hash": f"{n:064d}",
        "title_key": article["title"][:200],
        "story_id": 1 if n == 2 else n,
        "segmenter": "jieba-0.42.1+vocab-3f2a",
        "fetched_at": FETCHED,
        "updated_at": FETCHED,
    }


def make_released_archive(url: str) -> None:
    """An archive as the released monitor left it: its schema, no alembic_version, rows."""
    command.upgrade(alembic_config(url), "0001")
    with connected(url) as conn, conn.begin():
        conn.execute(text("DROP TABLE alembic_version"))
        tables = MetaData()
        articles, raw_pages, facts = (
            Table(name, tables, autoload_with=conn) for name in ("articles", "raw_pages", "facts")
        )
        conn.execute(insert(articles), [_row(n, a) for n, a in enumerate(ARTICLES, 1)])
        conn.execute(
            insert(raw_pages),
            [
                {
                    "article_pk": n,
                    "url": f"https://{a['host']}/news/{a['site_article_id']}",
                    "status": 200,
                    "encoding": "utf-8",
                    "html_zlib": zlib.compress(f"<h1>{a['title']}</h1><p>{a['body']}</p>".encode()),
                }
                for n, a in enumerate(ARTICLES, 1)
            ],
        )
        conn.execute(
            insert(facts),
            [
                {
                    "article_pk": 1,
                    "kind": "issues_rectified",
                    "number": 12,
                    "day": None,
                    "as_of": "2020-10-09",
                    "batches": None,
                    "action": None,
                    "sentence": "截至10月9日已完成12项问题整改",
                    "offset": 37,
                }
            ],
        )
        if conn.dialect.name == "sqlite":  # the released index held the old segmenter's tokens
            conn.execute(
                text("INSERT INTO article_fts (rowid, title, body) VALUES (1, '广西 稀土 企业', '中央 督察组')")
            )


def stored_rows(conn: Connection) -> dict[str, list[dict]]:
    tables = MetaData()
    return {
        name: [
            dict(row._mapping)
            for row in conn.execute(select(Table(name, tables, autoload_with=conn)).order_by(text("1")))
        ]
        for name in ("articles", "raw_pages", "facts")
    }


def filtered(conn: Connection, word: str, filters: Filters) -> list[int]:
    found, _ = ranked(conn, Search(Term(word), filters, collapse=False), limit=10)
    return sorted(r.id for r in found)


def tags(conn: Connection) -> list[tuple[int, str]]:
    return [tuple(r) for r in conn.execute(text("SELECT article_pk, tag FROM article_tags ORDER BY article_pk, tag"))]


def matches(conn: Connection, word: str) -> list[int]:
    if conn.dialect.name == "sqlite":
        query = "SELECT rowid FROM article_fts WHERE article_fts MATCH :q ORDER BY rowid"
        return list(conn.execute(text(query), {"q": f'"{word}"'}).scalars())
    query = "SELECT article_pk FROM article_fts WHERE document @@ CAST(:q AS tsquery) ORDER BY article_pk"
    return list(conn.execute(text(query), {"q": f"'{word}'"}).scalars())


def without_field_sources(rows: dict[str, list]) -> dict[str, list]:
    """The rows as an archive before 0006 holds them: articles without field_sources."""
    articles = [{name: value for name, value in row.items() if name != "field_sources"} for row in rows["articles"]]
    return {**rows, "articles": articles}


def without_fact_parties(rows: dict[str, list]) -> dict[str, list]:
    """The rows as an archive before 0008 holds them: facts without party and place."""
    facts = [{name: value for name, value in row.items() if name not in ("party", "place")} for row in rows["facts"]]
    return {**rows, "facts": facts}


def assert_upgraded(url: str, before: dict[str, list]) -> None:
    with connected(url) as conn:
        rows = stored_rows(conn)
        if before["articles"] and "field_sources" not in before["articles"][0]:  # made before 0006
            assert [row["field_sources"] for row in rows["articles"]] == [{}] * len(rows["articles"])
            rows = without_field_sources(rows)
        if before["facts"] and "party" not in before["facts"][0]:  # made before 0008: no party, no place
            assert {(fact["party"], fact["place"]) for fact in rows["facts"]} == {(None, None)}
            rows = without_fact_parties(rows)
        assert rows == before
        assert tags(conn) == EXPECTED_TAGS
        assert {word: matches(conn, word) for word in EXPECTED_MATCHES} == EXPECTED_MATCHES
        assert {f: filtered(conn, "稀土", f) for f in EXPECTED_FILTERED} == EXPECTED_FILTERED
        assert conn.execute(text("SELECT COUNT(*) FROM article_fts")).scalar_one() == len(ARTICLES)
        assert stored_revision(conn) == HEAD_REVISION


def test_upgrade_keeps_the_released_archive_and_indexes_it(url):
    make_released_archive(url)
    with connected(url) as conn:
        before = stored_rows(conn)
    assert [len(rows) for rows in before.values()] == [4, 4, 1]
    upgraded = monitor_main("db", "upgrade", db_url=url)
    assert (
        upgraded.stdout == f"upgraded the archive at {printable_url(url)} from 0001 (unversioned) to {HEAD_REVISION}\n"
    )
    assert_upgraded(url, before)
    assert monitor_main("db", "current", db_url=url).stdout == f"{HEAD_REVISION} (head)\n"
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"the archive at {printable_url(url)} is already at {HEAD_REVISION}\n"
    )
    archive = Archive(url)
    assert archive.count() == 4
    archive.engine.dispose()


@pytest.mark.parametrize("state", ["unversioned", "0001"])
def test_an_archive_not_upgraded_is_refused_with_the_way_out(url, state):
    make_released_archive(url)
    if state == "0001":
        command.stamp(alembic_config(url), "0001")
    searched = monitor_main("search", "x", db_url=url, check=False)
    assert (searched.returncode, searched.stdout) == (2, "")
    assert searched.stderr == (
        f"monitor: the archive at {printable_url(url)} was made by an older monitor (schema {state}): "
        f"run `monitor --db {printable_url(url)} db upgrade` (your data is kept)\n"
    )
    assert monitor_main("db", "current", db_url=url).stdout == f"{state}\n"


def test_an_archive_of_an_unknown_revision_is_left_alone(url):
    Archive(url).engine.dispose()
    with connected(url) as conn, conn.begin():
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    message = (
        f"monitor: the archive at {printable_url(url)} has schema 0099, which this monitor does not know "
        "(made by a newer monitor?): upgrade monitor to open it\n"
    )
    for args in (("search", "x"), ("db", "upgrade")):
        result = monitor_main(*args, db_url=url, check=False)
        assert (result.returncode, result.stderr) == (2, message)


def test_downgrade_to_the_baseline_and_upgrade_again(url):
    make_released_archive(url)
    with connected(url) as conn:
        before = stored_rows(conn)
    monitor_main("db", "upgrade", db_url=url)
    command.downgrade(alembic_config(url), "0001")
    kept = before
    with connected(url) as conn:
        assert stored_revision(conn) == "0001"
        assert sorted(schema_differences(conn)) == ADDED_SINCE_0001
        assert fts_definition(conn) == (RELEASED_FTS5 if conn.dialect.name == "sqlite" else None)
        if conn.dialect.name == "sqlite":
            # The released index is left empty, the hashes cleared for its `monitor reprocess`.
            assert conn.execute(text("SELECT COUNT(*) FROM article_fts")).scalar_one() == 0
            kept = {**before, "articles": [{**row, "content_hash": ""} for row in before["articles"]]}
        assert stored_rows(conn) == kept
    upgraded = monitor_main("db", "upgrade", db_url=url)
    assert upgraded.stdout == f"upgraded the archive at {printable_url(url)} from 0001 to {HEAD_REVISION}\n"
    assert_upgraded(url, kept)


def downgraded_from_head(url: str, revision: str) -> dict[str, list]:
    """A released archive upgraded, then taken down to `revision`; its rows at the head."""
    make_released_archive(url)
    monitor_main("db", "upgrade", db_url=url)
    with connected(url) as conn:
        before = stored_rows(conn)
    command.downgrade(alembic_config(url), revision)
    return before


def heads_made(conn: Connection) -> tuple[int, int, int]:
    """(words with heads, heads, whether the heads are kept) on SQLite."""
    return tuple(
        conn.execute(
            text(
                "SELECT (SELECT COUNT(*) FROM article_fts_head_terms), (SELECT COUNT(*) FROM article_fts_heads),"
                " (SELECT COUNT(*) FROM article_fts_heads_state)"
            )
        ).one()
    )


def test_0005_goes_down_to_0004_and_up_again_and_empties_the_heads_made_without_bounds(url):
    before = downgraded_from_head(url, "0004")
    with connected(url) as conn, conn.begin():
        assert stored_revision(conn) == "0004"
        if conn.dialect.name == "sqlite":
            assert "article_fts_head_bounds" not in [name for name, _ in heads_schema(conn)]
            # Heads as 0004 made them, of two words of both Chinese articles.
            conn.execute(text("INSERT INTO article_fts_heads_state (id, min_documents) VALUES (1, 2)"))
            conn.execute(text("INSERT INTO article_fts_head_terms (term) VALUES ('稀土'), ('整改')"))
            conn.execute(
                text(
                    "INSERT INTO article_fts_heads (term, article_pk, weight, length)"
                    " VALUES ('稀土', 1, 6.0, 40), ('稀土', 2, 6.0, 30), ('整改', 1, 2.0, 40), ('整改', 2, 1.0, 30)"
                )
            )
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0004 to {HEAD_REVISION}\n"
    )
    assert_upgraded(url, before)
    if url.startswith("sqlite"):
        with connected(url) as conn:
            assert heads_made(conn) == (0, 0, 0)  # until `monitor db optimize`
        archive = Archive(url)
        assert archive.optimize(min_documents=2) == (9, 2)  # the nine words of both Chinese articles
        archive.engine.dispose()
        with connected(url) as conn:
            assert heads_made(conn) == (9, 18, 1)
            assert {f: filtered(conn, "稀土", f) for f in EXPECTED_FILTERED} == EXPECTED_FILTERED


def test_0004_goes_down_to_0003_and_up_again(url):
    before = downgraded_from_head(url, "0003")
    with connected(url) as conn:
        assert stored_revision(conn) == "0003"
        assert sorted(schema_differences(conn)) == sorted(
            ADDED_BY_0006 + ADDED_BY_0007 + ADDED_BY_0008 + DROPPED_BY_0009[conn.dialect.name] + ADDED_BY_0010
        )
        if conn.dialect.name == "sqlite":
            assert fts_definition(conn) == HEAD_FTS["sqlite"].replace("parts, filters,", "parts,")
        else:  # as before 0011 added the filter terms
            columns, indexes, constraints = HEAD_FTS["postgresql"]
            assert fts_definition(conn) == (columns[:2], indexes[:2], constraints)
        assert {word: matches(conn, word) for word in EXPECTED_MATCHES} == EXPECTED_MATCHES
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0003 to {HEAD_REVISION}\n"
    )
    with connected(url) as conn:
        assert fts_definition(conn) == HEAD_FTS[conn.dialect.name]
    assert_upgraded(url, before)


def test_0003_goes_down_to_0002_and_up_again(url):
    before = downgraded_from_head(url, "0002")
    with connected(url) as conn:
        assert stored_revision(conn) == "0002"
        assert sorted(schema_differences(conn)) == sorted(
            ADDED_BY_0003 + ADDED_BY_0006 + ADDED_BY_0007 + ADDED_BY_0008_BESIDES_ALERTS + ADDED_BY_0010
        )
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0002 to {HEAD_REVISION}\n"
    )
    with connected(url) as conn:
        assert schema_differences(conn) == []
        assert stored_rows(conn) == before


def test_0006_goes_down_to_0005_and_up_again(url):
    before = downgraded_from_head(url, "0005")
    with connected(url) as conn:
        assert stored_revision(conn) == "0005"
        assert sorted(schema_differences(conn)) == sorted(
            ADDED_BY_0006 + ADDED_BY_0007 + ADDED_BY_0008 + DROPPED_BY_0009[conn.dialect.name] + ADDED_BY_0010
        )
        assert stored_rows(conn) == without_fact_parties(without_field_sources(before))
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0005 to {HEAD_REVISION}\n"
    )
    assert_upgraded(url, before)


def test_0007_goes_down_to_0006_and_up_again(url):
    before = downgraded_from_head(url, "0006")
    with connected(url) as conn:
        assert stored_revision(conn) == "0006"
        assert sorted(schema_differences(conn)) == sorted(
            ADDED_BY_0007 + ADDED_BY_0008 + DROPPED_BY_0009[conn.dialect.name] + ADDED_BY_0010
        )
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0006 to {HEAD_REVISION}\n"
    )
    assert_upgraded(url, before)


def test_0008_goes_down_to_0007_and_up_again(url):
    before = downgraded_from_head(url, "0007")
    with connected(url) as conn:
        assert stored_revision(conn) == "0007"
        assert sorted(schema_differences(conn)) == sorted(
            ADDED_BY_0008 + DROPPED_BY_0009[conn.dialect.name] + ADDED_BY_0010
        )
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0007 to {HEAD_REVISION}\n"
    )
    assert_upgraded(url, before)


def test_0009_goes_down_to_0008_and_up_again(url):
    before = downgraded_from_head(url, "0008")
    with connected(url) as conn:
        assert stored_revision(conn) == "0008"
        assert sorted(schema_differences(conn)) == sorted(
            DROPPED_BY_0009[conn.dialect.name] + ADDED_BY_0010 + DROPPED_BY_0012
        )
        assert [name for name, _ in alert_triggers(conn)] == ["ix_alerts_rule_event"]
        assert "WHERE" not in alert_triggers(conn)[0][1]
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0008 to {HEAD_REVISION}\n"
    )
    assert_upgraded(url, before)


def test_0010_goes_down_to_0009_and_up_again(url):
    before = downgraded_from_head(url, "0009")
    with connected(url) as conn:
        assert stored_revision(conn) == "0009"
        assert sorted(schema_differences(conn)) == sorted(ADDED_BY_0010 + DROPPED_BY_0012)
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0009 to {HEAD_REVISION}\n"
    )
    assert_upgraded(url, before)


def test_0012_goes_down_to_0011_and_up_again(url):
    """Down, the case event is a foreign key again and no trigger of case events is left; up,
    the triggers keep it, the other alert triggers made anew around SQLite's new table."""
    before = downgraded_from_head(url, "0011")
    with connected(url) as conn:
        assert stored_revision(conn) == "0011"
        assert schema_differences(conn) == DROPPED_BY_0012
        assert "case_events_deleted" not in [name for name, _ in alert_triggers(conn)]
    assert (
        monitor_main("db", "upgrade", db_url=url).stdout
        == f"upgraded the archive at {printable_url(url)} from 0011 to {HEAD_REVISION}\n"
    )
    with connected(url) as conn:
        assert "case_events_deleted" in [name for name, _ in alert_triggers(conn)]
    assert_upgraded(url, before)


# --- migrations that give the same result whenever they run ---

PROJECT = ("common", "db", "monitor", "pipelines", "spiders")


def project_imports(source: str) -> list[str]:
    """The project's modules a script imports, at its top or inside a function."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
    return sorted(module for module in modules if module.split(".")[0] in PROJECT)


def test_project_imports_finds_an_import_inside_a_function():
    script = (
        "import sqlalchemy as sa\n\n\ndef _fill():\n    from pipelines.segment import cut\n    import db.fulltext\n"
    )
    assert project_imports(script) == ["db.fulltext", "pipelines.segment"]


def test_no_migration_imports_project_code():
    scripts = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert [script.name[:4] for script in scripts] == list(REVISIONS)
    assert {script.name: project_imports(script.read_text(encoding="utf-8")) for script in scripts} == {
        script.name: [] for script in scripts
    }


MIGRATE_ALONE = """
import sys
from alembic import command
from db.migrate import BASELINE_REVISION, alembic_config
config = alembic_config(sys.argv[1])
command.stamp(config, BASELINE_REVISION)
command.upgrade(config, "head")
print(sorted({name.split(".")[0] for name in sys.modules} & {"monitor", "pipelines", "spiders"}))
"""


def test_the_migrations_alone_load_no_pipeline_code_and_leave_the_index_to_db_upgrade(url):
    """Run by Alembic alone, the migrations load nothing of pipelines/ (the segmenter), fill
    article_tags from the rows and leave the new index empty; `monitor db upgrade` then
    indexes every article with the segmenter of the day, as for any upgrade."""
    make_released_archive(url)
    with connected(url) as conn:
        before = stored_rows(conn)
    migrated = subprocess.run(
        [sys.executable, "-c", MIGRATE_ALONE, url], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert migrated.stdout == "[]\n"
    with connected(url) as conn:
        assert stored_revision(conn) == HEAD_REVISION
        assert tags(conn) == EXPECTED_TAGS
        assert conn.execute(text("SELECT COUNT(*) FROM article_fts")).scalar_one() == 0
    upgraded = monitor_main("db", "upgrade", db_url=url)
    assert upgraded.stdout == f"the archive at {printable_url(url)} is already at {HEAD_REVISION}\n"
    assert_upgraded(url, before)
