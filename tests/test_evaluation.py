"""The evaluation's floors: a change that makes the pipeline understand articles worse
fails here. Figures come from monitor.evaluation over the manifest and tests/data/eval."""

from __future__ import annotations

import pytest

from monitor.evaluation import report

pytestmark = pytest.mark.slow  # the whole module: README's fast command leaves it out


@pytest.fixture(scope="module")
def figures() -> dict:
    return report()


def test_language_accuracy(figures):
    language = figures["language"]
    assert language["texts"] >= 170
    assert language["accuracy"] >= 0.99, language["errors"]
    assert language["by_kind"]["zh-hant"] >= 0.99 and language["by_kind"]["mojibake"] >= 0.99


def test_relevance_precision_and_recall(figures):
    relevance = figures["relevance"]
    assert relevance["articles"] >= 300
    assert relevance["precision"] >= 0.95, relevance["errors"]
    assert relevance["recall"] >= 0.95, relevance["errors"]


def test_every_named_entity_of_the_seeds_is_tagged(figures):
    assert figures["seed_tags"]["entities"] >= 40
    assert figures["seed_tags"]["recall"] == 1.0, figures["seed_tags"]["missed"]


def test_facts_are_exact_on_the_seeds_and_the_written_cases(figures):
    facts = figures["facts"]
    assert facts["cases"] >= 76
    assert facts["errors"] == []


def test_story_clusters(figures):
    clusters = figures["clusters"]
    assert clusters["true_pairs"] >= 200
    assert clusters["precision"] >= 0.95 and clusters["recall"] >= 0.95
