"""Incremental case upkeep (issue 15): storing 1,000 new articles brings the inspection
cases up to date in under 10% of the time the same articles take through the text pipeline.

The archive first holds cases: the labelled set (tests/data/cases/articles.jsonl: 43 cases
and their decoys) and the replica's seed documents, stored and kept as a crawl does. Then
N new articles (1,000), shuffled (seeded) from these kinds, about a third each:
- reposts: labelled articles again on other hosts, days later (they join their cases);
- later inspections: labelled articles with every year moved on three years and the round
  the next one (new cases, with new stages and figures, of the same parties; decoys stay
  decoys);
- the replica sites' articles (most about no case; the ministry's are reports on cases).

Timed in the same run, each the best of --rounds: the text pipeline over the N articles
(pipelines.stages.process, the case reading among its stages); then the case upkeep of
storing them in batches as the store does (50 a batch), on a fresh archive each round:
Archive.store_batch keeps each batch's readings and notes their families (db.cases.
keep_readings, counted), and pipelines.case_upkeep.CaseUpkeep, the store's own, says when
to assemble the families noted since (counted), its clock the pipeline's pace (the batches
come as fast as the pipeline makes them); the last assembly is the spider's close. Storing
the articles themselves (the rest of store_batch) is shown, not counted: it is the
archive's work, not the cases'.

    .venv/bin/python -m bench.case_upkeep [--articles 1000] [--rounds 3] [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from unittest.mock import patch

from sqlalchemy import create_engine, func, select, text

import db.archive
from bench.search_latency import PG_SERVER
from db import Archive
from db.cases import keep_readings
from db.models import Case, CaseEvent
from monitor.case_evaluation import DATA
from monitor.evaluation import _article, _served_lines
from monitor.replica import catalog
from pipelines.article import Article
from pipelines.case_groups import readings_of
from pipelines.case_upkeep import CaseUpkeep
from pipelines.stages import process

T = TypeVar("T")
STORE_BATCH = 50  # MONITOR_STORE_BATCH's default
YEARS_LATER = 3  # a later inspection of the same party: the next round, three years on
DATABASE = "monitor_case_upkeep_bench"
_CN_NUMERALS = "一二三四五六七八九十"
_EN_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


# --- the articles -----------------------------------------------------------------------


def labelled() -> list[dict]:
    lines = (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _published(day: date, hours: int = 12) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hours:02d}:00:00+08:00")


def repost(truth: dict, copy_no: int) -> Article:
    """A labelled article again on another host, days later."""
    day = date.fromisoformat(truth["published"]) + timedelta(days=copy_no)
    url = f"https://repost{copy_no}.example.com/{truth['id']}.html"
    return _article(truth["title"], truth["body"], _published(day), url)


def _later_text(text: str, rounds: int) -> str:
    """Every year `rounds` times YEARS_LATER on, and the round the `rounds`-th next one."""
    text = re.sub(r"\b(?:19|20)\d\d(?=年|\b)", lambda m: str(int(m.group()) + rounds * YEARS_LATER), text)
    text = re.sub(
        rf"第([{_CN_NUMERALS}])轮",
        lambda m: f"第{_CN_NUMERALS[min(_CN_NUMERALS.index(m.group(1)) + rounds, 9)]}轮",
        text,
    )
    pattern = rf"\b({'|'.join(_EN_ORDINALS)})(\s+round)\b"

    def next_round(match: re.Match) -> str:
        ordinal = _EN_ORDINALS[min(_EN_ORDINALS.index(match.group(1).lower()) + rounds, 9)]
        return (ordinal.capitalize() if match.group(1)[0].isupper() else ordinal) + match.group(2)

    return re.sub(pattern, next_round, text, flags=re.I)


def later(truth: dict, rounds: int) -> Article:
    """A labelled article of a later inspection of the same party."""
    day = date.fromisoformat(truth["published"])
    day = day.replace(year=day.year + rounds * YEARS_LATER, day=min(day.day, 28) if day.month == 2 else day.day)
    url = f"https://later{rounds}.example.com/{truth['id']}.html"
    return _article(_later_text(truth["title"], rounds), _later_text(truth["body"], rounds), _published(day), url)


def replica_pages(copy_no: int) -> list[Article]:
    """The replica sites' articles but the seeds (already in the archive), on their hosts."""
    return [
        _article(
            page.served.get("title", page.title),
            "\n".join(_served_lines(page)),
            page.published_at,
            f"{page.canonical_url}#{copy_no}" if copy_no > 1 else page.canonical_url,
        )
        for site in catalog.SITES
        for page in catalog.pages_of(site)
        if not page.seed
    ]


def seeds() -> list[Article]:
    return [
        _article(
            page.served.get("title", page.title), "\n".join(_served_lines(page)), page.published_at, page.canonical_url
        )
        for site in ("smm", "cnmn", "mirror")
        for page in catalog.pages_of(site)
        if page.seed
    ]


def existing() -> list[Article]:
    """What the archive holds first: the seed documents and the labelled set."""
    return seeds() + [
        _article(truth["title"], truth["body"], _published(date.fromisoformat(truth["published"])), truth["url"])
        for truth in labelled()
    ]


def new_articles(count: int, seed: int) -> list[Article]:
    """`count` new articles: reposts, later inspections and replica articles, shuffled."""
    truths = labelled()

    def kinds() -> Iterator[list[Article]]:
        copy_no = 1
        while True:
            yield [repost(truth, copy_no) for truth in truths]
            yield [later(truth, copy_no) for truth in truths]
            yield replica_pages(copy_no)
            copy_no += 1

    pool: list[Article] = []
    for articles in kinds():
        pool += articles
        if len(pool) >= count * 3 // 2:  # every kind in, and room to sample
            break
    return random.Random(seed).sample(pool, count)


# --- the timings ------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Timing:
    wall: float  # seconds
    cpu: float  # of this process: what other load on a shared machine leaves alone

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.wall + other.wall, self.cpu + other.cpu)

    def __sub__(self, other: Timing) -> Timing:
        return Timing(self.wall - other.wall, self.cpu - other.cpu)


ZERO = Timing(0.0, 0.0)


def timed(work: Callable[[], T]) -> tuple[Timing, T]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu), result


def pipeline(articles: list[Article], rounds: int) -> tuple[Timing, list[Article]]:
    """The best time of the text pipeline over the articles, and the articles it made."""
    runs = [timed(lambda: [process(copy.copy(article)) for article in articles]) for _ in range(rounds)]
    best = min(timing for timing, _ in runs)
    return best, runs[-1][1]


def _batches(articles: list[Article]) -> Iterator[list[Article]]:
    for start in range(0, len(articles), STORE_BATCH):
        yield articles[start : start + STORE_BATCH]


def _counts(archive: Archive) -> tuple[int, int]:
    with archive.engine.connect() as conn:
        cases = conn.execute(select(func.count()).select_from(Case)).scalar_one()
        events = conn.execute(select(func.count()).select_from(CaseEvent)).scalar_one()
    return cases, events


@dataclass
class PipelineClock:
    """The store's clock as the batches come at the pipeline's pace."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def readings_timed() -> Iterator[list[Timing]]:
    """The times of keeping the readings in store_batch's transaction (db.cases.keep_readings
    as db.archive calls it), listed as they come."""
    times: list[Timing] = []

    def keep(*args: Any, **kwargs: Any) -> None:
        taken, _ = timed(lambda: keep_readings(*args, **kwargs))
        times.append(taken)

    with patch.object(db.archive, "keep_readings", keep):
        yield times


def store(archive: Archive, batch: list[Article]) -> None:
    archive.store_batch([article.record() for article in batch], readings_of(batch))


def upkeep(url: str, first: list[Article], new: list[Article], pace: float) -> tuple[Timing, Timing, str]:
    """Store `first`, then `new` batch by batch as the store does, a batch every `pace`
    seconds an article: the time of keeping the cases of the new batches, of storing them,
    and what the cases became."""
    archive = Archive(url)
    for batch in _batches(first):
        store(archive, batch)
    CaseUpkeep(archive.engine).assemble()
    before = _counts(archive)
    clock = PipelineClock()
    cases = CaseUpkeep(archive.engine, clock=clock)
    assembling = stored = ZERO
    with readings_timed() as readings:
        for batch in _batches(new):
            clock.now += pace * len(batch)
            storing, _ = timed(lambda: store(archive, batch))  # noqa: B023
            stored += storing
            cases.stored()
            if cases.due():
                assembling += timed(cases.assemble)[0]
        assembling += timed(cases.assemble)[0]  # the spider closes
    keeping = sum(readings, ZERO)
    after = _counts(archive)
    archive.engine.dispose()
    outcome = f"cases {before[0]} -> {after[0]}, {after[1] - before[1]} new stages and figures"
    return assembling + keeping, stored - keeping, outcome


def sqlite_archive() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="monitor-case-bench-"))
    try:
        yield f"sqlite:///{folder / 'cases.sqlite3'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def postgres_archive() -> Iterator[str]:
    """A database of the bench's own, never the server's `test`, dropped afterwards."""
    server = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))

    try:
        drop()
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
        yield f"{PG_SERVER}/{DATABASE}"
    finally:
        drop()
        server.dispose()


ARCHIVES: dict[str, Callable[[], Iterator[str]]] = {"sqlite": sqlite_archive, "postgres": postgres_archive}


def measure(engine: str, first: list[Article], new: list[Article], rounds: int, pipeline_time: Timing) -> float:
    runs = []
    for _ in range(rounds):
        archives = ARCHIVES[engine]()
        url = next(archives)
        # Each round stores its own copies: the archive takes a record's values as they are.
        pace = pipeline_time.wall / len(new)
        runs.append(upkeep(url, copy.deepcopy(first), copy.deepcopy(new), pace))
        archives.close()
    cases, stored, outcome = min(runs)
    ratio, cpu_ratio = cases.wall / pipeline_time.wall, cases.cpu / pipeline_time.cpu
    print(
        f"{engine:<8} case upkeep {cases.wall:6.2f} s (CPU {cases.cpu:.2f} s; {1000 * cases.wall / len(new):.2f} ms an "
        f"article; storing the articles themselves {stored.wall:.2f} s), {outcome}: "
        f"{100 * ratio:.1f}% of the pipeline's time (CPU: {100 * cpu_ratio:.1f}%)"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engines", default="sqlite", help="sqlite, postgres or both (comma-separated)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engines = args.engines.split(",")
    if unknown := [name for name in engines if name not in ARCHIVES]:
        parser.error(f"unknown engine {', '.join(unknown)}: sqlite or postgres")
    first = [process(article) for article in existing()]  # also loads jieba, OpenCC, the vocabulary
    new = new_articles(args.articles, args.seed)
    pipeline_time, made = pipeline(new, args.rounds)
    about_cases = sum(1 for article in made if article.case_reading["family"])
    print(
        f"pipeline     {pipeline_time.wall:6.2f} s (CPU {pipeline_time.cpu:.2f} s) for {len(new)} new articles, "
        f"{about_cases} of them about a case "
        f"({1000 * pipeline_time.wall / len(new):.2f} ms an article)"
    )
    ratios = [measure(engine, first, made, args.rounds, pipeline_time) for engine in engines]
    print(f"worst ratio {100 * max(ratios):.1f}% (target < 10%)")


if __name__ == "__main__":
    main()
