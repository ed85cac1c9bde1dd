"""`scrapy crawl` from the project root works as any Scrapy user expects."""

from __future__ import annotations

import os
import subprocess
import sys

from db import Archive
from tests.conftest import ROOT


def test_scrapy_crawl_cnmn_from_the_project_root(replicas, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'scrapy.sqlite3'}"
    env = {**os.environ, "MONITOR_DB_URL": db_url}
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "cnmn", "-a", f"base_url={replicas.addresses['cnmn']}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'monitor/articles/new': 65" in result.stderr
    extensions = result.stderr.split("Enabled extensions")[1].split("]")[0]
    assert "RemoteControl" not in extensions and "TelnetConsole" not in extensions
    assert Archive(db_url).count() == 65
