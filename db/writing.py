"""Writers of one archive, in any number of processes, one at a time; a write transaction
that failed on another's lock tried again whole.

What a batch writes depends on what was stored before it: a new article joins the story of
the most similar article stored before it (db.stories: order matters, and ids give the
order), its story is linked to the other language's stories stored before, its words count
in the term statistics, its case is assembled from the readings stored so far. Two writers
at once would each miss what the other has not committed yet: copies of one story stored
by two crawlers at once each found a story of their own (issue 17: 258 to 279 stories run
to run where one writer makes 258), and their row locks on shared rows (term counts, story
links) deadlocked batches away. So a write transaction first takes the archive's write lock
and holds it to its end:
- SQLite: BEGIN IMMEDIATE takes the database's one write lock (db.engine), across
  processes, waiting up to the busy timeout;
- PostgreSQL: a transaction-level advisory lock, keyed by the archive's `articles` table
  (its oid: archives in other schemas of the database have their own), released at commit.
  Each statement after it sees every batch committed before (READ COMMITTED), and article
  ids are drawn under it, so the archive is what one writer storing the batches in their
  order of commit makes, exactly. Measured (tests/test_concurrent_writers.py's load, 4
  processes x 2,000 articles, copies of each story spread over all four): without the lock
  1,166 stories where one writer makes 1,000, in 178 s; with it the 1,000, in 202 s (two
  cores under a load of 13 to 19: the same, within the noise). The writes took turns
  before too, queueing on one another's row locks (term counts, story links), only not in
  an order that made the stories right, and with deadlocks possible.
  SERIALIZABLE with retries was the other way: every batch reads the stories and links of
  the rows the others insert, so under load most batches would fail and be redone, and the
  ids (the order of "stored before") would still be drawn outside the order of commit.
The crawl's work before the store (fetching, reading, segmenting) runs in parallel all the
same; only the archive's writes take turns, as they do within a process (pipelines.store).

A transaction that fails all the same on a transient conflict (a deadlock with another kind
of writer, a serialization failure, SQLite busy past its timeout) is rolled back and tried
again whole: nothing of it was stored, so nothing is stored twice."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

# PostgreSQL's SQLSTATEs of a transaction rolled back for another's sake: worth trying again.
DEADLOCK_DETECTED = "40P01"
SERIALIZATION_FAILURE = "40001"
ATTEMPTS = 5
FIRST_PAUSE = 0.05  # seconds before the second attempt, doubling after, with jitter
WRITE_LOCK = text("SELECT pg_advisory_xact_lock(CAST(CAST(CAST('articles' AS regclass) AS oid) AS bigint))")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the archive's write lock from its start to its end; committed
    when the block ends without an error."""
    with engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(WRITE_LOCK)
        yield conn


def transient(error: DBAPIError) -> bool:
    """Whether the database gave up the transaction for another's sake, not for its content."""
    cause = error.orig
    if getattr(cause, "sqlstate", None) in (DEADLOCK_DETECTED, SERIALIZATION_FAILURE):
        return True
    code = getattr(cause, "sqlite_errorcode", None)
    return isinstance(cause, sqlite3.OperationalError) and code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def retried(work: Callable[[], T]) -> tuple[T, int]:
    """`work` (one whole transaction) and how many times it was tried again after a transient failure."""
    retries = 0
    while True:
        try:
            return work(), retries
        except DBAPIError as error:
            if retries + 1 == ATTEMPTS or not transient(error):
                raise
            time.sleep(FIRST_PAUSE * 2**retries * random.uniform(0.5, 1.5))
            retries += 1
