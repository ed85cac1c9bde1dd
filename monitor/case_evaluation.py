"""How well articles are read and grouped into inspection cases, on the labelled set in
tests/data/cases/ (written from issue 15's definitions alone; its README gives the schema):
`python -m monitor.case_evaluation [--json] [--errors]` prints the figures, and
tests/test_cases_evaluation.py pins their floors.

Each labelled article goes through the same text pipeline a crawl uses
(pipelines.stages.process), then pipelines.cases.read_case; the readings are grouped by
pipelines.case_groups.assign_cases. Scores: precision and recall over pairs of articles in
the same case; the stage of each case article; the figures of every article (decoys too),
exact in kind, value and as-of day."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from monitor.evaluation import _article
from pipelines.case_groups import assign_cases
from pipelines.cases import FIGURE_KINDS, STAGES, CaseReading, read_case
from pipelines.stages import process

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "cases"


@dataclass(frozen=True)
class Labelled:
    truth: dict[str, Any]
    reading: CaseReading


def labelled_readings(path: Path = DATA / "articles.jsonl") -> list[Labelled]:
    """Every labelled article, through the pipeline and read for its case."""
    result = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            truth = json.loads(line)
            published = datetime.fromisoformat(f"{truth['published']}T12:00:00+08:00")
            article = process(_article(truth["title"], truth["body"], published, truth["url"]))
            result.append(Labelled(truth, read_case(article)))
    return result


def _pairs(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for members in groups for pair in combinations(sorted(members), 2)}


def pair_scores(labelled: list[Labelled]) -> dict[str, Any]:
    """Precision and recall over pairs of articles in the same case."""
    truth: dict[str, list[str]] = defaultdict(list)
    for item in labelled:
        if item.truth["case"]:
            truth[item.truth["case"]].append(item.reading.article)
    found: dict[str, list[str]] = defaultdict(list)
    for article, case in assign_cases(item.reading for item in labelled).items():
        found[case.key].append(article)
    wanted, got = _pairs(truth.values()), _pairs(found.values())
    right = len(wanted & got)
    ids = {item.reading.article: item.truth["id"] for item in labelled}
    return {
        "precision": round(right / len(got), 4) if got else 0.0,
        "recall": round(right / len(wanted), 4) if wanted else 0.0,
        "pairs": len(wanted),
        "found": len(got),
        "wrong": sorted(tuple(sorted(ids[a] for a in pair)) for pair in got - wanted),
        "missed": sorted(tuple(sorted(ids[a] for a in pair)) for pair in wanted - got),
    }


def stage_scores(labelled: list[Labelled]) -> dict[str, Any]:
    """The stage read for each article of a case, against its label."""
    errors = []
    by_stage = {stage: [0, 0] for stage in STAGES}  # right, labelled
    for item in labelled:
        if not item.truth["case"]:
            continue
        stage = item.reading.stage.stage if item.reading.stage else None
        wanted: str = item.truth["stage"]
        by_stage[wanted][1] += 1
        if stage == wanted:
            by_stage[wanted][0] += 1
        else:
            errors.append((item.truth["id"], wanted, stage))
    total = sum(labelled for _, labelled in by_stage.values())
    return {
        "accuracy": round(1 - len(errors) / total, 4) if total else 0.0,
        "articles": total,
        "by_stage": by_stage,
        "errors": errors,
    }


def figure_scores(labelled: list[Labelled]) -> dict[str, Any]:
    """Every labelled figure found exactly (kind, value, as-of), and nothing else found: the
    figures of an article in a case as its case holds them, of any other as read."""
    wanted_total = found_total = right = 0
    by_kind = {kind: [0, 0] for kind in FIGURE_KINDS}  # right, labelled
    errors = []
    cases = assign_cases(item.reading for item in labelled)
    for item in labelled:
        case = cases.get(item.reading.article)
        figures = case.figures(item.reading) if case else item.reading.figures
        wanted = {(f["kind"], f["value"], f["as_of"]) for f in item.truth["figures"]}
        found = {(f.kind, f.value, f.as_of.isoformat()) for f in figures}
        for kind, *_ in wanted:
            by_kind[kind][1] += 1
        for kind, *_ in wanted & found:
            by_kind[kind][0] += 1
        wanted_total, found_total, right = (
            wanted_total + len(wanted),
            found_total + len(found),
            right + len(wanted & found),
        )
        if wanted != found:
            errors.append((item.truth["id"], sorted(wanted - found), sorted(found - wanted)))
    return {
        "labelled": wanted_total,
        "found": found_total,
        "right": right,
        "exact_articles": len(labelled) - len(errors),
        "articles": len(labelled),
        "by_kind": by_kind,
        "errors": errors,
    }


def report() -> dict[str, Any]:
    labelled = labelled_readings()
    return {"pairs": pair_scores(labelled), "stages": stage_scores(labelled), "figures": figure_scores(labelled)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m monitor.case_evaluation", description=__doc__)
    parser.add_argument("--json", action="store_true", help="the whole report as JSON")
    parser.add_argument("--errors", action="store_true", help="list the wrong and missed answers too")
    args = parser.parse_args()
    result = report()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    pairs, stages, figures = result["pairs"], result["stages"], result["figures"]
    print(f"case pairs   precision {pairs['precision']:.3f}  recall {pairs['recall']:.3f}  ({pairs['pairs']} labelled)")
    print(f"stages       accuracy {stages['accuracy']:.3f}  ({stages['articles']} case articles)")
    print(
        f"figures      {figures['right']} of {figures['labelled']} labelled found, {figures['found']} found in all; "
        f"{figures['exact_articles']} of {figures['articles']} articles exact"
    )
    print("  by stage   " + ", ".join(f"{stage} {right}/{n}" for stage, (right, n) in stages["by_stage"].items()))
    print("  by figure  " + ", ".join(f"{kind} {right}/{n}" for kind, (right, n) in figures["by_kind"].items()))
    if args.errors:
        for name in ("wrong", "missed"):
            for pair in pairs[name]:
                print(f"pair {name}: {' '.join(pair)}")
        for error in stages["errors"]:
            print("stage:", *error)
        for error in figures["errors"]:
            print("figures:", *error)


if __name__ == "__main__":
    main()
