"""When a writer assembles the cases of the articles it stored: not after every batch, but
once every ASSEMBLE_BATCHES batches, or ASSEMBLE_SECONDS after the first batch not yet
assembled, and when it is done (a crawl's spider closes, `monitor reprocess` ends).

Each batch keeps its articles' readings and notes the families they change in its own
transaction (Archive.store_batch); assembling goes over every family noted since, once,
however many batches touched it. A family is touched by most batches of a crawl about one
inspection (its reposts, its stages on other sites, in the other language): assembled
once for 20 batches, not 20 times. A crash before the assembly loses nothing: the changes
stay noted in the archive, for the next assembly of any writer."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from db.cases import CaseUpdate
from pipelines.case_groups import assemble_cases

# 1,000 articles in the store's batches of 50: case events (what follow rules alert on) wait
# for at most so many articles, or so many seconds on a slow crawl.
ASSEMBLE_BATCHES = 20
ASSEMBLE_SECONDS = 60.0


class CaseUpkeep:
    """A writer's case upkeep: told of each batch stored, it says when to assemble."""

    def __init__(
        self,
        engine: Engine,
        batches: int = ASSEMBLE_BATCHES,
        seconds: float = ASSEMBLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.batches, self.seconds, self.clock = batches, seconds, clock
        self.waiting = 0  # batches stored since the last assembly
        self.since: float | None = None  # when the first of them was

    def stored(self) -> None:
        """A batch was stored, its readings with it."""
        if self.since is None:
            self.since = self.clock()
        self.waiting += 1

    def due_in(self) -> float | None:
        """Seconds until the next assembly is due (0: now), None with nothing waiting."""
        if self.since is None:
            return None
        if self.waiting >= self.batches:
            return 0.0
        return max(0.0, self.since + self.seconds - self.clock())

    def due(self) -> bool:
        return self.due_in() == 0.0

    def assemble(self) -> CaseUpdate:
        """The cases of every change noted since the last assembly, by any writer (a crash's
        leftovers too)."""
        self.waiting, self.since = 0, None
        return assemble_cases(self.engine)
