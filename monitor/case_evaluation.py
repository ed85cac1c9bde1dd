"""How well articles are read and grouped into inspection cases, on two sets: the labelled
set in tests/data/cases/ (written from issue 15's definitions alone; its README gives the
schema) and the replica sites' written cases (monitor/replica/cases.py, their truth in the
manifest's `inspection`). `python -m monitor.case_evaluation [--json] [--errors]` prints the
figures of each and of both together, and tests/test_cases.py pins their floors.

Each article goes through the same text pipeline a crawl uses (pipelines.stages.process),
then pipelines.cases.read_case; the readings are grouped by pipelines.case_groups.assign_cases.
The replica's are grouped with every other article of the replicas, as a crawl of them
would be, and scored on the written ones. Scores: precision and recall over pairs of
articles in the same case; the stage of each case article; the figures of every article
(decoys too), exact in kind, value and as-of day."""

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
from monitor.replica import catalog
from pipelines.case_groups import Case, assign_cases
from pipelines.cases import FIGURE_KINDS, STAGES, CaseReading, read_case
from pipelines.stages import process

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "cases"


@dataclass(frozen=True)
class Labelled:
    truth: dict[str, Any]  # id, case (None for a decoy), stage, figures: the labelled set's schema
    reading: CaseReading


@dataclass(frozen=True)
class Scored:
    """A set to score: its labelled articles, and the other articles grouped with them."""

    labelled: list[Labelled]
    others: list[CaseReading]

    def cases(self) -> dict[str, Case]:
        return assign_cases([*(item.reading for item in self.labelled), *self.others])


def _read(title: str, body: str, published: datetime, url: str) -> CaseReading:
    return read_case(process(_article(title, body, published, url)))


def labelled_readings(path: Path = DATA / "articles.jsonl") -> Scored:
    """Every labelled article, through the pipeline and read for its case."""
    result = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            truth = json.loads(line)
            published = datetime.fromisoformat(f"{truth['published']}T12:00:00+08:00")
            result.append(Labelled(truth, _read(truth["title"], truth["body"], published, truth["url"])))
    return Scored(result, [])


def replica_readings() -> Scored:
    """Every article of the replicas' manifest, as their spiders extract it (the truth's title
    and body), read for its case: the written ones (and the seeds) labelled, with their truth in
    the labelled set's schema; the generated ones, about no case that is labelled, beside them."""
    labelled, others = [], []
    for page in catalog.manifest()["articles"]:
        published = datetime.fromisoformat(page["published_at"])
        reading = _read(page["title"], page["body"], published, page["canonical_url"])
        truth = page["inspection"]
        if truth is None:
            others.append(reading)
        else:
            labelled.append(Labelled({**truth, "id": truth["label"]}, reading))
    return Scored(labelled, others)


def _pairs(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for members in groups for pair in combinations(sorted(members), 2)}


def pair_scores(scored: Scored) -> dict[str, Any]:
    """Precision and recall over pairs of labelled articles in the same case."""
    labelled = scored.labelled
    ids = {item.reading.article: item.truth["id"] for item in labelled}
    truth: dict[str, list[str]] = defaultdict(list)
    for item in labelled:
        if item.truth["case"]:
            truth[item.truth["case"]].append(item.reading.article)
    found: dict[str, list[str]] = defaultdict(list)
    for article, case in scored.cases().items():
        if article in ids:
            found[case.key].append(article)
    wanted, got = _pairs(truth.values()), _pairs(found.values())
    right = len(wanted & got)
    return {
        "precision": round(right / len(got), 4) if got else 0.0,
        "recall": round(right / len(wanted), 4) if wanted else 0.0,
        "pairs": len(wanted),
        "found": len(got),
        "right": right,
        "wrong": sorted(tuple(sorted(ids[a] for a in pair)) for pair in got - wanted),
        "missed": sorted(tuple(sorted(ids[a] for a in pair)) for pair in wanted - got),
    }


def stage_scores(scored: Scored) -> dict[str, Any]:
    """The stage read for each article of a case, against its label."""
    errors = []
    by_stage = {stage: [0, 0] for stage in STAGES}  # right, labelled
    for item in scored.labelled:
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


def figure_scores(scored: Scored) -> dict[str, Any]:
    """Every labelled figure found exactly (kind, value, as-of), and nothing else found: the
    figures of an article in a case as its case holds them, of any other as read."""
    wanted_total = found_total = right = 0
    by_kind = {kind: [0, 0] for kind in FIGURE_KINDS}  # right, labelled
    errors = []
    cases = scored.cases()
    labelled = scored.labelled
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


def scores(scored: Scored) -> dict[str, Any]:
    return {"pairs": pair_scores(scored), "stages": stage_scores(scored), "figures": figure_scores(scored)}


def together(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The scores of several sets as one: their counts added."""
    parts = list(parts)

    def total(section: str, key: str) -> int:
        return sum(part[section][key] for part in parts)

    def merged(section: str, key: str) -> dict[str, list[int]]:
        return {
            name: [sum(part[section][key][name][i] for part in parts) for i in (0, 1)]
            for name in parts[0][section][key]
        }

    pairs, found, right = total("pairs", "pairs"), total("pairs", "found"), total("pairs", "right")
    articles = total("stages", "articles")
    stage_errors = [error for part in parts for error in part["stages"]["errors"]]
    return {
        "pairs": {
            "precision": round(right / found, 4) if found else 0.0,
            "recall": round(right / pairs, 4) if pairs else 0.0,
            "pairs": pairs,
            "found": found,
            "right": right,
            "wrong": [pair for part in parts for pair in part["pairs"]["wrong"]],
            "missed": [pair for part in parts for pair in part["pairs"]["missed"]],
        },
        "stages": {
            "accuracy": round(1 - len(stage_errors) / articles, 4) if articles else 0.0,
            "articles": articles,
            "by_stage": merged("stages", "by_stage"),
            "errors": stage_errors,
        },
        "figures": {
            **{key: total("figures", key) for key in ("labelled", "found", "right", "exact_articles", "articles")},
            "by_kind": merged("figures", "by_kind"),
            "errors": [error for part in parts for error in part["figures"]["errors"]],
        },
    }


def report() -> dict[str, Any]:
    """The scores of the labelled set, of the replicas' written cases, and of both."""
    labelled, replica = scores(labelled_readings()), scores(replica_readings())
    return {"labelled": labelled, "replica": replica, "both": together([labelled, replica])}


def _print(name: str, result: dict[str, Any], errors: bool) -> None:
    pairs, stages, figures = result["pairs"], result["stages"], result["figures"]
    print(f"{name}:")
    print(
        f"  case pairs   precision {pairs['precision']:.3f}  recall {pairs['recall']:.3f}  ({pairs['pairs']} labelled)"
    )
    print(f"  stages       accuracy {stages['accuracy']:.3f}  ({stages['articles']} case articles)")
    print(
        f"  figures      {figures['right']} of {figures['labelled']} labelled found, {figures['found']} found in all; "
        f"{figures['exact_articles']} of {figures['articles']} articles exact"
    )
    print("    by stage   " + ", ".join(f"{stage} {right}/{n}" for stage, (right, n) in stages["by_stage"].items()))
    print("    by figure  " + ", ".join(f"{kind} {right}/{n}" for kind, (right, n) in figures["by_kind"].items()))
    if errors:
        for kind in ("wrong", "missed"):
            for pair in pairs[kind]:
                print(f"  pair {kind}: {' '.join(pair)}")
        for error in stages["errors"]:
            print("  stage:", *error)
        for error in figures["errors"]:
            print("  figures:", *error)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m monitor.case_evaluation", description=__doc__)
    parser.add_argument("--json", action="store_true", help="the whole report as JSON")
    parser.add_argument("--errors", action="store_true", help="list the wrong and missed answers too")
    args = parser.parse_args()
    result = report()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for name, title in (("labelled", "labelled set"), ("replica", "replica cases"), ("both", "both")):
        _print(title, result[name], args.errors and name != "both")


if __name__ == "__main__":
    main()
