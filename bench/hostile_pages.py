"""Time and memory of `monitor extract` on each hostile page (monitor.replica.hostile), each in
a process of its own, against an ordinary page of the same site in the same run: the page's
wall time and peak resident memory above what the process holds after loading everything
(jieba's dictionary, OpenCC, lxml) and reading an ordinary page. Targets: under 5 s and
300 MB for any of them.

    .venv/bin/python bench/hostile_pages.py"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from monitor.replica.hostile import pages

TARGET_SECONDS = 5.0
TARGET_MB = 300
ROOT = Path(__file__).resolve().parents[1]

# Runs in the child: loads everything, reads an ordinary page, then the page asked for.
CHILD = r"""
import json, resource, sys, time
from monitor.extract import extract_page
from monitor.replica.hostile import pages
from pipelines.article import BrokenPage

def read(path):
    page = pages()[path]
    started = time.perf_counter()
    try:
        article = extract_page(page.body, "http://127.0.0.1:8746" + path, encoding=page.charset)
        outcome = f"archived ({article.lang}, {len(article.body):,} characters)"
    except BrokenPage as broken:
        outcome = f"broken: {broken.reason}"
    return time.perf_counter() - started, outcome

read("/news/a0.html")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
seconds, outcome = read(sys.argv[1])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "mb": (peak - before) / 1024, "outcome": outcome}))
"""


def measure(path: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, path], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    reference = measure("/news/a1.html")
    print(f"{'page':28} {'seconds':>8} {'MB':>7}  outcome")
    print(f"{'(an ordinary page)':28} {reference['seconds']:8.2f} {reference['mb']:7.0f}  {reference['outcome']}")
    worst_seconds = worst_mb = 0.0
    for path in pages():
        if "/h-" not in path:
            continue
        found = measure(path)
        worst_seconds, worst_mb = max(worst_seconds, found["seconds"]), max(worst_mb, found["mb"])
        print(
            f"{path.removeprefix('/news/h-').removesuffix('.html'):28} {found['seconds']:8.2f} {found['mb']:7.0f}  {found['outcome']}"
        )
    met = worst_seconds < TARGET_SECONDS and worst_mb < TARGET_MB
    print(
        f"worst: {worst_seconds:.2f} s, {worst_mb:.0f} MB above the loaded process "
        f"(targets {TARGET_SECONDS:.0f} s, {TARGET_MB} MB): {'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
