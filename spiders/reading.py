"""Reading article pages off the reactor thread: extraction and the text stages are CPU work,
and on the reactor one slow page would stop every download, the log's stats, time limits
and signals. One worker thread does it for the whole process, a page at a time, as before
(the segmenter and language detector are not made for concurrent use); each page within a
time budget (pipelines.stages.process), over which it is a broken page (too_slow)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_TEXT_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-text")


async def off_reactor(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` on the text worker thread; the reactor goes on meanwhile."""
    return await asyncio.wrap_future(_TEXT_WORKER.submit(work, *args))
