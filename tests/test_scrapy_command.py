"""`scrapy crawl` from the project root works as any Scrapy user expects."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from db import Archive
from tests.conftest import ROOT


@pytest.mark.slow
@pytest.mark.parametrize(("spider", "articles"), [("cnmn", 81), ("mee", 80)])  # mee: a configured site
def test_scrapy_crawl_from_the_project_root(replicas, tmp_path, spider, articles):
    db_url = f"sqlite:///{tmp_path / 'scrapy.sqlite3'}"
    env = {**os.environ, "MONITOR_DB_URL": db_url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            spider,
            "-a",
            f"base_url={replicas.addresses[spider]}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "LOG_LEVEL=INFO",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"'monitor/articles/new': {articles}" in result.stderr
    extensions = result.stderr.split("Enabled extensions")[1].split("]")[0]
    assert "RemoteControl" not in extensions and "TelnetConsole" not in extensions
    assert Archive(db_url).count() == articles
