"""Throughput of the whole text pipeline on one core, Chinese and English, against jieba
segmentation alone of the same texts in the same run (the ratio is what counts: these
machines are shared and noisy).

    .venv/bin/python bench/pipeline_throughput.py [--rounds N]

Prints articles per second for the pipeline (normalise, language, segment, tag, keywords,
facts, case_reading, dedup: everything but storing) and for segmentation alone, and their ratio.
Target: the pipeline costs at most 3x jieba segmentation of the same text."""

from __future__ import annotations

import argparse
import copy
import time
from datetime import UTC, datetime

from monitor.replica import catalog
from pipelines.article import Article
from pipelines.normalise import normalise
from pipelines.segment import cut
from pipelines.stages import process


def articles(site: str) -> list[Article]:
    out = []
    for page in catalog.pages_of(site):
        served = page.served
        out.append(
            Article(
                url=f"https://bench.invalid/{page.article_id}",
                site=site,
                html=b"",
                encoding="utf-8",
                status=200,
                fetched_at=datetime.now(UTC),
                canonical_url="",
                site_article_id=page.article_id,
                title=served.get("title", page.title),
                published_at=page.published_at,
                paragraphs=list(served.get("paragraphs", page.paragraphs)),
            )
        )
    return out


def best_of(rounds: int, work) -> float:
    """The fastest of `rounds` timings: the least disturbed by other load."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, batch: list[Article], rounds: int) -> float:
    # The baseline segments what the pipeline segments: the cleaned, Simplified text.
    cleaned = [normalise(copy.deepcopy(a)) for a in batch]
    texts = [f"{a.simplified_title}\n{a.simplified_body}" for a in cleaned]
    segment_only = best_of(rounds, lambda: [cut(t) for t in texts])
    pipeline = best_of(rounds, lambda: [process(copy.copy(a)) for a in batch])
    chars = sum(map(len, texts))
    ratio = pipeline / segment_only
    print(
        f"{label:<22} {len(batch)} articles, {chars / len(batch):,.0f} chars each: "
        f"pipeline {len(batch) / pipeline:7.1f} articles/s, jieba alone {len(batch) / segment_only:7.1f} articles/s, "
        f"ratio {ratio:.2f}x"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    zh, mirror, en = articles("cnmn"), articles("mirror"), articles("smm")
    process(copy.copy(zh[0]))  # load jieba, OpenCC, the vocabulary once, outside the timings
    ratios = [
        measure("Chinese (Simplified)", zh, args.rounds),
        measure("Chinese (mirror, Hant)", mirror, args.rounds),
        measure("English", en, args.rounds),
    ]
    print(f"worst ratio {max(ratios):.2f}x (target <= 3.00x)")


if __name__ == "__main__":
    main()
