"""Pages per second through `monitor extract --batch`'s code path (the list read line by line,
each file read, decoded, parsed, the generic extractor or a site's spider, the whole text
pipeline, the JSON line made) over every page of the evaluation set (zh, en, extra/zh,
extra/en), in one process, after a warm-up pass; and trafilatura (bare_extraction with
metadata, as ../shared/eval/score.py calls it) on the same pages in the same run when it is
importable. The ratio is what counts: these machines are shared and noisy.

    .venv/bin/python bench/extract_speed.py [--eval ../shared/eval] [--rounds N]

The warm-up pass loads jieba's dictionary, OpenCC and the first imports, which a batch pays
once; it is not counted."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from monitor.extract import extract_batch

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
FOLDERS = ("zh", "en", "extra/zh", "extra/en")
TARGET = 20.0  # pages a second


def listing(root: Path) -> list[str]:
    """The batch list of every evaluation page: `PATH<TAB>URL` lines, paths relative to root."""
    lines = []
    for folder in FOLDERS:
        for meta in sorted((root / folder).glob("*.json")):
            if not meta.name.startswith("_"):
                url = json.loads(meta.read_text(encoding="utf-8")).get("url") or ""
                lines.append(f"{meta.with_suffix('.html').relative_to(root)}\t{url}\n")
    return lines


def monitor_batch(root: Path, lines: list[str]) -> Callable[[], int]:
    """One pass of the batch mode over the list: the JSON lines made as the CLI makes them
    (written to a scratch file, not the terminal). Returns the pages that failed."""

    def run() -> int:
        failed = 0
        with tempfile.TemporaryFile("w", encoding="utf-8") as out:
            for result in extract_batch(lines, root):
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
                failed += "error" in result
        return failed

    return run


def trafilatura_pass(root: Path, lines: list[str]) -> Callable[[], int] | None:
    try:
        import trafilatura
    except ImportError:
        return None
    pages = [(root / line.split("\t")[0], line.rstrip("\n").split("\t")[1]) for line in lines]

    def run() -> int:
        failed = 0
        for path, url in pages:
            failed += trafilatura.bare_extraction(path.read_bytes(), url=url or None, with_metadata=True) is None
        return failed

    return run


def pages_per_second(run: Callable[[], int], pages: int, rounds: int) -> tuple[float, int]:
    """(the best of `rounds` timed passes after a warm-up pass, the pages that failed)."""
    failed = run()  # warm-up
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return pages / best, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the evaluation set (zh/, en/, extra/ inside)")
    parser.add_argument("--rounds", type=int, default=2, help="timed passes; the best counts (default 2)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", module="dateutil")  # trafilatura's dates: "CST" not understood
    lines = listing(args.eval)
    if not lines:
        raise SystemExit(f"no evaluation pages under {args.eval}")
    ours, failed = pages_per_second(monitor_batch(args.eval, lines), len(lines), args.rounds)
    print(
        f"monitor extract --batch: {len(lines)} pages ({', '.join(FOLDERS)}), {ours:6.1f} pages/s "
        f"(target {TARGET:.0f}; the whole pipeline: extraction, segmentation, tags, keywords, dedup), "
        f"{failed} pages not extracted"
    )
    reference = trafilatura_pass(args.eval, lines)
    if reference is None:
        print("trafilatura: not importable here, so no ratio")
        return
    theirs, none = pages_per_second(reference, len(lines), args.rounds)
    print(
        f"trafilatura:             {len(lines)} pages, {theirs:6.1f} pages/s (extraction with metadata only), "
        f"{none} pages without a result"
    )
    print(f"ratio monitor/trafilatura: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
