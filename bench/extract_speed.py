"""Pages per second through `monitor extract`'s code path (decoding, parsing, the generic
extractor, the whole text pipeline) over the evaluation pages, in one process, against
trafilatura on the same pages in the same run when it is importable (the ratio is what
counts: these machines are shared and noisy).

    .venv/bin/python bench/extract_speed.py [--eval ../shared/eval] [--rounds N]

A warm-up pass runs first, so jieba's dictionary load and the first imports are not counted."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from monitor.extract import extract_page
from pipelines.article import BrokenPage

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def pages(root: Path) -> list[tuple[bytes, str]]:
    """Every evaluation page as its bytes and address ("" when unknown)."""
    found = []
    for meta in sorted(root.glob("*/*.json")):
        if not meta.name.startswith("_"):
            found.append((meta.with_suffix(".html").read_bytes(), json.loads(meta.read_text())["url"] or ""))
    return found


def monitor_extract(raw: bytes, url: str) -> None:
    try:
        extract_page(raw, url)
    except BrokenPage:
        pass  # a page that is not an article costs its time like any other


def trafilatura_extract() -> Callable[[bytes, str], None] | None:
    try:
        import trafilatura
    except ImportError:
        return None
    return lambda raw, url: trafilatura.bare_extraction(raw, url=url or None, with_metadata=True)


def pages_per_second(work: Callable[[bytes, str], None], batch: list[tuple[bytes, str]], rounds: int) -> float:
    """The best of `rounds` passes (the least disturbed by other load)."""
    for raw, url in batch:  # warm-up
        work(raw, url)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for raw, url in batch:
            work(raw, url)
        best = min(best, time.perf_counter() - start)
    return len(batch) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the evaluation set (zh/ and en/ inside)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    batch = pages(args.eval)
    ours = pages_per_second(monitor_extract, batch, args.rounds)
    print(f"monitor extract: {len(batch)} pages, {ours:6.1f} pages/s (full pipeline: extraction, segmentation, tags)")
    reference = trafilatura_extract()
    if reference is None:
        print("trafilatura: not importable, no ratio")
        return
    theirs = pages_per_second(reference, batch, args.rounds)
    print(f"trafilatura:     {len(batch)} pages, {theirs:6.1f} pages/s (extraction with metadata only)")
    print(f"ratio monitor/trafilatura: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
