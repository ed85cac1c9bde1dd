"""When a writer assembles the cases (pipelines.case_upkeep): every ASSEMBLE_BATCHES batches,
or ASSEMBLE_SECONDS after the first batch not assembled, on its clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from db import Archive
from db.cases import CaseUpdate
from pipelines.case_upkeep import CaseUpkeep


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    archive = Archive(f"sqlite:///{tmp_path / 'archive.db'}")
    yield archive.engine
    archive.engine.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_stored_nothing_due(engine):
    upkeep = CaseUpkeep(engine, batches=3, seconds=10.0, clock=Clock())
    assert (upkeep.due_in(), upkeep.due()) == (None, False)


def test_due_after_so_many_batches(engine):
    clock = Clock()
    upkeep = CaseUpkeep(engine, batches=3, seconds=10.0, clock=clock)
    dues = []
    for _ in range(3):
        upkeep.stored()
        clock.now += 1.0
        dues.append((upkeep.due_in(), upkeep.due()))
    assert dues == [(9.0, False), (8.0, False), (0.0, True)]


def test_due_so_many_seconds_after_the_first_batch_not_assembled(engine):
    clock = Clock()
    upkeep = CaseUpkeep(engine, batches=3, seconds=10.0, clock=clock)
    upkeep.stored()
    clock.now += 6.0
    upkeep.stored()  # the time runs from the first
    assert (upkeep.due_in(), upkeep.due()) == (4.0, False)
    clock.now += 4.0
    assert (upkeep.due_in(), upkeep.due()) == (0.0, True)


def test_an_assembly_starts_the_count_again(engine):
    clock = Clock()
    upkeep = CaseUpkeep(engine, batches=1, seconds=10.0, clock=clock)
    upkeep.stored()
    assert upkeep.due() and upkeep.assemble() == CaseUpdate()  # no readings noted: no case
    assert upkeep.due_in() is None
    clock.now += 1.0
    upkeep.stored()
    assert upkeep.due_in() == 0.0
