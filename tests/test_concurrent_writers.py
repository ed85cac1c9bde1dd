"""Several processes storing into one archive at once (db.writing): no article lost, and the
archive exactly what one writer makes.

"As one writer makes" is checked two ways. The order in which writers' batches commit is the
order of the article ids (they are drawn under the write lock), and a new article joins a
story of the articles stored before it (db.stories): so one writer storing the same articles
in the order of their ids in the shared archive must make the same partition of articles
into stories, the same story links and the same term counts; it stores into SQLite, so the
engines are compared too. And the generated stories (tests/writers_load.py) are far apart and
their copies near, so any order makes them: the partition must be the generated one, each
Chinese story linked to its English one where the case is relevant, each word counted once
an article. Without the write lock the PostgreSQL load made 1,166 stories of the 1,000."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from db import Archive
from db.models import Article, Case, CaseArticle, StoryLink, TermStat
from db.writing import WRITE_LOCK, retried
from pipelines.case_upkeep import CaseUpkeep
from tests.conftest import ROOT
from tests.writers_load import CASE_BATCH, COPIES, STORE_BATCH, case_articles, linked, share, story_of

Partition = frozenset[frozenset[str]]


def _load(url: str, workers: int, source: str) -> list[dict[str, Any]]:
    """`workers` processes each storing its share of the articles (tests.writers_load: a
    count of generated ones, or a file of case articles) into the archive, started together."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.writers_load", url, str(worker), str(workers), source],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for worker in range(workers)
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.close()
        results = [json.loads(process.stdout.read()) for process in processes if process.stdout is not None]
        assert [process.wait(timeout=60) for process in processes] == [0] * workers
    finally:
        for process in processes:
            if process.poll() is None:  # a writer left behind by a failure above
                process.kill()
                process.wait()
    return results


def _stories(archive: Archive) -> tuple[list[str], dict[int, frozenset[str]]]:
    """The identities by id, and each story's articles by story id."""
    members: dict[int, set[str]] = {}
    articles = archive.articles()
    for article in articles:
        members.setdefault(article.story_id, set()).add(article.identity)
    return [article.identity for article in articles], {story: frozenset(ids) for story, ids in members.items()}


def _written(archive: Archive) -> tuple[Partition, frozenset[tuple[frozenset[frozenset[str]], float]], dict[str, int]]:
    """What the writers made of the articles: their stories, the story links (the two
    stories' articles, the score) and the term counts."""
    _, stories = _stories(archive)
    with archive.engine.connect() as conn:
        links = frozenset(
            (frozenset((stories[row.story_a], stories[row.story_b])), row.score)
            for row in conn.execute(select(StoryLink.story_a, StoryLink.story_b, StoryLink.score))
        )
        terms = dict(conn.execute(select(TermStat.term, TermStat.documents)).all())
    return frozenset(stories.values()), links, terms


def _generated(records: list[dict[str, Any]]) -> tuple[Partition, frozenset, dict[str, int]]:
    """What the generated articles are: their stories, the links of the linked cases, their words."""
    stories: dict[int, set[str]] = {}
    for record in records:
        stories.setdefault(story_of(record["identity"]), set()).add(record["identity"])
    links = frozenset(
        (frozenset((frozenset(stories[story]), frozenset(stories[story + 1]))), 1.0)
        for story in stories
        if story % 2 == 0 and linked(story)
    )
    terms = Counter(term for record in records for term in set(record["terms"]))
    return frozenset(frozenset(ids) for ids in stories.values()), links, dict(terms)


def _one_writer(url: str, records: list[dict[str, Any]], readings: dict[str, dict] | None = None) -> Archive:
    """The records stored by one writer, in order; with `readings` (by identity) stored
    with them, and their cases assembled at the end."""
    archive = Archive(url)
    size = STORE_BATCH if readings is None else CASE_BATCH
    for start in range(0, len(records), size):
        batch = records[start : start + size]
        batch_readings = (
            None if readings is None else {record["identity"]: readings[record["identity"]] for record in batch}
        )
        assert not archive.store_batch(batch, batch_readings).failed
    if readings is not None:
        CaseUpkeep(archive.engine).assemble()
    return archive


def _check(shared: Archive, workers: int, count: int, results: list[dict[str, Any]], replay_url: str) -> None:
    records = [record for worker in range(workers) for record in share(worker, workers, count)]
    assert [(result["new"], result["failed"]) for result in results] == [(count, [])] * workers
    assert shared.count() == workers * count == len({record["identity"] for record in records})
    made = _written(shared)
    generated = _generated(records)
    assert len(made[0]) == workers * count // COPIES and made[0] == generated[0]
    assert made[1] == generated[1] and made[2] == generated[2]
    order, _ = _stories(shared)
    by_identity = {record["identity"]: record for record in records}
    assert _written(_one_writer(replay_url, [by_identity[identity] for identity in order])) == made


@pytest.mark.slow
def test_four_processes_store_into_postgresql_as_one_writer(postgres_url, tmp_path):
    """The must-show: 4 processes x 2,000 articles, copies of each story spread over all four."""
    results = _load(postgres_url, 4, "2000")
    archive = Archive(postgres_url)
    try:
        _check(archive, 4, 2000, results, f"sqlite:///{tmp_path / 'one.sqlite3'}")
    finally:
        archive.engine.dispose()


def test_four_processes_store_into_one_sqlite_file_as_one_writer(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    results = _load(url, 4, "100")
    _check(Archive(url), 4, 100, results, f"sqlite:///{tmp_path / 'one.sqlite3'}")


def test_a_batch_that_deadlocks_is_stored_whole_on_its_second_try(postgres_url):
    """A real deadlock: another transaction holds a term's row, the batch (holding the write
    lock) waits for it, and the other then asks for the write lock. PostgreSQL rolls the batch
    back (its session looks for deadlocks first: the other's deadlock_timeout is longer); the
    batch is tried again once the other commits, and stored once."""
    archive = Archive(postgres_url)
    record = share(0, 1, COPIES)[0]
    blocking = archive.engine.connect()
    try:
        with blocking.begin():
            blocking.execute(text("SET LOCAL deadlock_timeout = '30s'"))
            blocking.execute(TermStat.__table__.insert(), {"term": record["terms"][0], "documents": 0})
            stored: list = []
            batch = threading.Thread(target=lambda: stored.append(archive.store_batch([record])))
            batch.start()
            _until_waiting(postgres_url)
            blocking.execute(WRITE_LOCK)  # waits for the batch's, which waits for this: a deadlock
        batch.join(timeout=60)
        result = stored[0]
        assert (result.new, result.failed, result.retries, archive.count()) == (1, [], 1, 1)
        with archive.engine.connect() as conn:
            assert conn.execute(select(TermStat.documents).where(TermStat.term == record["terms"][0])).scalar() == 1
    finally:
        blocking.close()
        archive.engine.dispose()


def _until_waiting(url: str) -> None:
    """Until the batch's term count waits for a lock (the other's row)."""
    engine = create_engine(url)
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO term_stats%'"
    )
    try:
        with engine.connect() as conn:
            while not conn.execute(query).scalar():
                conn.rollback()
    finally:
        engine.dispose()


def test_sqlite_busy_past_its_timeout_is_tried_again_and_a_bad_write_is_not(tmp_path):
    """Another process's write lock held past the busy timeout (none here) costs a try, not
    the write; a write refused for its content fails at its first try."""
    path = tmp_path / "busy.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    other.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    tries: list[int] = []

    def insert() -> None:
        if tries:
            other.execute("COMMIT")  # the other writer is done by the second try
        tries.append(1)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))

    try:
        assert retried(insert) == (None, 1)
        assert other.execute("SELECT count(*) FROM t").fetchone() == (1,)
        tries.clear()
        with pytest.raises(IntegrityError):
            retried(insert)
        assert tries == [1]
    finally:
        other.close()
        engine.dispose()


def _cases(archive: Archive) -> dict[str, frozenset[str]]:
    """Each case's articles, by the case's key."""
    members: dict[str, set[str]] = {}
    query = select(Case.key, Article.identity).join(CaseArticle, CaseArticle.case_id == Case.id)
    with archive.engine.connect() as conn:
        for key, identity in conn.execute(query.join(Article, Article.id == CaseArticle.article_pk)).all():
            members.setdefault(key, set()).add(identity)
    return {key: frozenset(identities) for key, identities in members.items()}


@pytest.mark.slow
def test_four_processes_keep_the_cases_as_one_writer(postgres_url, tmp_path):
    """The labelled case articles and their reposts, dealt in turn to 4 processes that store
    them with their readings and assemble the cases every few batches: the cases one writer
    keeps, storing them in the same order."""
    pairs = case_articles()
    (tmp_path / "cases.pickle").write_bytes(pickle.dumps(pairs))
    results = _load(postgres_url, 4, str(tmp_path / "cases.pickle"))
    assert [result["failed"] for result in results] == [[]] * 4
    archive = Archive(postgres_url)
    try:
        order, _ = _stories(archive)
        records = {record["identity"]: record for record, _ in pairs}
        readings = {record["identity"]: reading for record, reading in pairs}
        one = _one_writer(f"sqlite:///{tmp_path / 'one.sqlite3'}", [records[i] for i in order], readings)
        assert len(order) == len(pairs) and len(_cases(archive)) > 40
        assert _cases(archive) == _cases(one) and _written(archive) == _written(one)
    finally:
        archive.engine.dispose()
