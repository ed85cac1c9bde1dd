"""Articles for the concurrent-writers tests (tests/test_concurrent_writers.py), and one
writer process storing its share of them: `python -m tests.writers_load URL WORKER WORKERS
COUNT` (generated articles) or `... URL WORKER WORKERS FILE` (pickled case articles, their
cases kept after each batch as the store pipeline does). It makes its articles ready,
prints "ready", waits for a line on its standard input (all writers start together), stores
them in batches and prints what it stored as JSON.

Generated stories overlap across the writers: the copies of a story go to every writer in
turn, and each writer stores its articles by publication day, so copies of one story are
stored by several processes at about the same time. Copies are the story's text, exact (a
mirror) or with a word changed and a footer of their own (a repost); the stories' texts are
random and share next to nothing. Pairs of stories, one Chinese and one English, name the
same case (an organisation and a place) days apart: the story links. Every article names a
few of its story's words as keyword candidates: the term statistics."""

from __future__ import annotations

import json
import pickle
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from db import Archive
from monitor.case_evaluation import DATA
from monitor.evaluation import _article
from pipelines.article import Article
from pipelines.case_upkeep import CaseUpkeep
from pipelines.dedup import dedup
from pipelines.stages import process

STORE_BATCH = 50  # the store pipeline's batch (MONITOR_STORE_BATCH's default)
CASE_BATCH = 10  # smaller: the writers' cases updates interleave more
CASE_ASSEMBLY = 3  # batches a writer stores before it assembles the cases: assemblies interleave too
COPIES = 8  # articles a story has
WORDS = 160  # a story's length in words
LINKED_EVERY = 4
FIRST_DAY = datetime(2024, 1, 1, 8, tzinfo=UTC)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _word(rng: random.Random, lang: str) -> str:
    if lang == "en":
        return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 8)))
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(2))


def _story_words(story: int) -> tuple[str, list[str]]:
    """A story's language and words (its title the first six)."""
    lang = "zh-Hans" if story % 2 == 0 else "en"
    rng = random.Random(f"story-{story}")
    return lang, [_word(rng, lang) for _ in range(WORDS)]


def _case_tags(story: int) -> list[dict[str, str]]:
    """Stories 2k (Chinese) and 2k+1 (English) name one case, as a tagger would."""
    case = story // 2
    return [
        {"id": f"org-{case}", "kind": "organisation", "name": f"org {case}"},
        {"id": f"place-{case}", "kind": "place", "name": f"place {case}"},
    ]


def linked(story: int) -> bool:
    """Whether the story is about its case (relevant), and so linked to the other language's
    story of the case: one case in LINKED_EVERY (linking reads the stories around, so the
    load costs less for fewer)."""
    return story // 2 % LINKED_EVERY == 0


def article(story: int, copy: int) -> dict[str, Any]:
    """The record of a story's copy, as the pipeline gives the store."""
    lang, words = _story_words(story)
    joiner = "" if lang == "zh-Hans" else " "
    if copy % 3:  # a repost: a word of its own and a footer
        rng = random.Random(f"copy-{story}-{copy}")
        words = list(words)
        words[rng.randrange(len(words))] = _word(rng, lang)
        words += [f"copy{copy}", f"site{copy % 4}"]
    published = FIRST_DAY + timedelta(days=story // 2 * 20 + story % 2, hours=copy)
    host = f"site{copy % 4}.example.com"
    url = f"https://{host}/{story}/{copy}.html"
    body = joiner.join(words[6:]) + f" {story % 97} {story % 89} {copy % 5}"
    item = Article(
        url=url,
        site=f"site{copy % 4}",
        html=f"<html><body><h1>{joiner.join(words[:6])}</h1><p>{body}</p></body></html>".encode(),
        encoding="utf-8",
        status=200,
        fetched_at=published + timedelta(hours=1),
        canonical_url=url,
        site_article_id=f"{story}-{copy}",
        title=joiner.join(words[:6]),
        published_at=published,
        body=body,
        lang=lang,
        title_terms=" ".join(words[:6]),
        body_terms=" ".join(words[6:]),
        segmenter="generated",
        terms=sorted(set(words[6:16])),
        keywords=[[word, 1.0] for word in words[6:11]],
        tags=_case_tags(story),
        relevant=linked(story),
        relevance_label="supervision" if linked(story) else "unrelated",
        relevance_score=1.0 if linked(story) else 0.0,
    )
    return dedup(item).record()


def share(worker: int, workers: int, count: int) -> list[dict[str, Any]]:
    """A writer's articles, by publication time: copy c of story s goes to writer
    (s + c) % workers, so each story's copies are spread over all writers."""
    stories = workers * count // COPIES
    records = [
        article(story, copy) for story in range(stories) for copy in range(COPIES) if (story + copy) % workers == worker
    ]
    return sorted(records, key=lambda record: (record["published_at"], record["identity"]))


def story_of(identity: str) -> int:
    """The story an article was generated from (its site article id is story-copy)."""
    return int(identity.rsplit(":", 1)[1].split("-")[0])


def store(url: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    archive = Archive(url)
    totals: dict[str, Any] = {"new": 0, "failed": [], "retries": 0}
    started = time.monotonic()
    for start in range(0, len(records), STORE_BATCH):
        result = archive.store_batch(records[start : start + STORE_BATCH])
        totals["new"] += result.new
        totals["failed"] += result.failed
        totals["retries"] += result.retries
    totals["seconds"] = round(time.monotonic() - started, 2)
    archive.engine.dispose()
    return totals


def case_articles() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The labelled case articles (tests/data/cases), each also reposted two days later on
    another host, through the pipeline: (record, case reading) by publication time."""
    pairs = []
    for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        day = datetime.fromisoformat(f"{truth['published']}T12:00:00+08:00")
        for published, url in (
            (day, truth["url"]),
            (day + timedelta(days=2), f"https://repost.example.com/{truth['id']}"),
        ):
            item = process(_article(truth["title"], truth["body"], published, url))
            pairs.append((item.record(), item.case_reading))
    return sorted(pairs, key=lambda pair: (pair[0]["published_at"], pair[0]["identity"]))


def store_with_cases(url: str, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """As the store pipeline does: each batch stored with its readings, the cases assembled
    when due, and at the end."""
    archive = Archive(url)
    cases = CaseUpkeep(archive.engine, batches=CASE_ASSEMBLY)
    failed = []
    for start in range(0, len(pairs), CASE_BATCH):
        batch = pairs[start : start + CASE_BATCH]
        failed += archive.store_batch(
            [record for record, _ in batch], {record["identity"]: reading for record, reading in batch}
        ).failed
        cases.stored()
        if cases.due():
            cases.assemble()
    cases.assemble()
    archive.engine.dispose()
    return {"failed": failed}


def main(argv: list[str]) -> None:
    """URL WORKER WORKERS COUNT: the writer's share of COUNT x WORKERS generated articles;
    URL WORKER WORKERS FILE: its share of the (record, case reading) pairs pickled in FILE."""
    url, worker, workers, source = argv[0], int(argv[1]), int(argv[2]), argv[3]
    job = (
        partial(store, url, share(worker, workers, int(source)))
        if source.isdigit()
        else partial(store_with_cases, url, pickle.loads(Path(source).read_bytes())[worker::workers])
    )
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps(job()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
