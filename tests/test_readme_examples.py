"""README's "Using it" examples, copied from README.md as the test runs, run as a user types
them against the crawled replica archive on each engine: an example edited into one that
fails fails here. Plain `monitor` commands run in this process; pipes and scripts in a shell."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, monitor_main

# Examples that name a server of the reader's own: not run.
NOT_RUN = {
    "monitor reprocess --into postgresql+psycopg://host/db",
    "monitor db copy --into postgresql+psycopg://host/db",
    "monitor alerts remove NAME",
}


def _section() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0].splitlines()


def _code_blocks(lines: list[str]) -> list[str]:
    """The indented blocks but the first (the synopsis, with its placeholders), each a script."""
    blocks, current = [], []
    for line in lines + [""]:
        if line.startswith("    "):
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    return [block for block in blocks[1:] if "monitor " in block]


def _inline(lines: list[str]) -> list[str]:
    """The `monitor ...` commands quoted in the text, a line break inside one being a space."""
    text = " ".join(line.strip() for line in lines)
    return [c for c in re.findall(r"`(monitor [^`]+)`", text) if c not in NOT_RUN]


EXAMPLES = _code_blocks(_section()) + _inline(_section())


def test_the_examples_are_found():
    assert "monitor search -- -稀土 铜" in EXAMPLES
    assert any(example.startswith("monitor search rare earth") for example in EXAMPLES)


# What only a shell runs: pipes, redirections, other programs. Any other example is
# `monitor` commands alone, run in this process (monitor.cli.main), line by line.
_SHELL = re.compile(r"[|<>;&$`]|^(?!monitor )", re.MULTILINE)


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_example_runs(any_archive, tmp_path, monkeypatch, example):
    if _SHELL.search(example):
        _runs_in_a_shell(example, any_archive.url, tmp_path)
        return
    monkeypatch.chdir(tmp_path)  # where a user's --output goes
    for line in example.splitlines():
        done = monitor_main(*shlex.split(line)[1:], db_url=any_archive.url, check=False)
        assert done.returncode == 0, done.stderr


def _runs_in_a_shell(script: str, db_url: str, folder: Path) -> None:
    env = {
        **os.environ,
        "MONITOR_DB_URL": db_url,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        ["sh", "-ec", script], check=False, capture_output=True, text=True, cwd=folder, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
