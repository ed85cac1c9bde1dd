"""Start-up cost of the `monitor` command as a user meets it: wall time of whole processes,
`python -c pass` (the interpreter alone) measured in the same run as the reference, the
median of several repetitions each.

    .venv/bin/python bench/startup.py [--repeat N] [--db URL]

Timed: `monitor --help`; `monitor search 稀土` on the demo archive (built once with `monitor
demo` when missing: about a minute); `monitor extract` of one saved page (the demo's first
stored article page). Targets: --help under 0.3 s above the interpreter, a search under 1 s,
an extract under 1.5 s."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO_DB = "sqlite:////tmp/startup-demo.sqlite3"
MONITOR = [sys.executable, "-m", "monitor.cli"]


def wall(command: list[str], repeat: int) -> float:
    """The median wall time of running `command` to its end, output discarded."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def demo_archive(url: str) -> None:
    """The demo archive at `url`, made once (a crawl of the local replicas)."""
    if not Path(url.removeprefix("sqlite:///")).is_file():
        print(f"building the demo archive at {url} (once)...", flush=True)
        subprocess.run([*MONITOR, "--db", url, "demo"], stdout=subprocess.DEVNULL, check=True)


def saved_page(url: str, folder: Path) -> tuple[Path, str]:
    """The demo's first stored article page, saved as a file, and its address."""
    from db import Archive

    archive = Archive(url, create=False)
    address, html, _ = archive.raw_html(1)
    archive.engine.dispose()
    page = folder / "page.html"
    page.write_bytes(html)
    return page, address


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command (the median is shown)")
    parser.add_argument("--db", default=DEMO_DB, help="the demo archive (SQLite; made when missing)")
    args = parser.parse_args()
    demo_archive(args.db)
    with tempfile.TemporaryDirectory() as folder:
        page, address = saved_page(args.db, Path(folder))
        python = wall([sys.executable, "-c", "pass"], args.repeat)
        rows = [
            ("monitor --help", wall([*MONITOR, "--help"], args.repeat), python + 0.3),
            (
                "monitor search 稀土 (demo archive)",
                wall([*MONITOR, "--db", args.db, "search", "稀土"], args.repeat),
                1.0,
            ),
            (
                "monitor extract PAGE --url URL",
                wall([*MONITOR, "extract", str(page), "--url", address], args.repeat),
                1.5,
            ),
        ]
    print(f"python -c pass: {python:.3f} s (median of {args.repeat})")
    for name, seconds, target in rows:
        verdict = "ok" if seconds < target else "OVER"
        print(
            f"{name}: {seconds:.3f} s wall, {seconds - python:+.3f} s above python (target < {target:.2f} s: {verdict})"
        )


if __name__ == "__main__":
    main()
