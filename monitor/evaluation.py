"""How well the text pipeline understands articles, measured on labelled data:
`python -m monitor.evaluation [--json]` prints the figures; tests/test_evaluation.py pins
their floors so a regression fails CI.

Data: the replicas' manifest (every article's truth) and the texts written for the purpose
in tests/data/eval/ (language.jsonl, relevance.jsonl, facts.jsonl, facts_holdout.jsonl,
seed_entities.json)."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from db import Archive
from monitor.replica import catalog
from pipelines.article import Article
from pipelines.chinese import to_simplified
from pipelines.facts import extract_facts
from pipelines.language import detect_language, detect_script
from pipelines.stages import process
from pipelines.tag import matchers

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "eval"
REPORT_LABELS = ("supervision", "rectification")


@dataclass
class Score:
    """Counts of right and wrong answers, and the wrong ones themselves."""

    right: int = 0
    total: int = 0
    errors: list[Any] = field(default_factory=list)

    def add(self, ok: bool, error: Any = None) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.errors.append(error)

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0


def load_jsonl(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _article(title: str, body: str, published: str | datetime | None, url: str, lang_hint: str = "") -> Article:
    when = datetime.fromisoformat(published) if isinstance(published, str) else published
    return Article(
        url=url,
        site="eval",
        html=b"",
        encoding="utf-8",
        status=200,
        fetched_at=datetime.now(UTC),
        canonical_url=url,
        site_article_id="",
        title=title,
        published_at=when,
        paragraphs=body.split("\n"),
    )


def _served_lines(page: catalog.Page) -> list[str]:
    """The body paragraphs as the page serves them (a mirror's garbled, the seed mirror's
    without its editor line, which the spider reads apart)."""
    served = page.served
    if "lines" in served:
        return list(served["lines"][:-1])
    return list(served.get("paragraphs", page.paragraphs))


# --- language --------------------------------------------------------------------------


def language_score() -> dict[str, Score]:
    """Accuracy of (language, script) on the written texts, overall and by kind."""
    scores: dict[str, Score] = {"all": Score()}
    for item in load_jsonl("language.jsonl"):
        lang = detect_language(item["text"])
        script = detect_script(item["text"]) if lang == "zh" else None
        ok = (lang, script) == (item["lang"], item["script"])
        error = (item["id"], item["kind"], (lang, script), item["text"][:60])
        scores["all"].add(ok, error)
        scores.setdefault(item["kind"], Score()).add(ok, error)
    return scores


# --- relevance -------------------------------------------------------------------------


@dataclass
class Relevance:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    total: int = 0
    labels: Score = field(default_factory=Score)  # four-way label accuracy, written texts
    errors: list[tuple] = field(default_factory=list)

    def add(self, predicted: bool, wanted: bool) -> None:
        self.total += 1
        self.true_positive += predicted and wanted
        self.false_positive += predicted and not wanted
        self.false_negative += wanted and not predicted

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 0.0


def labelled_articles() -> Iterable[tuple[str, Article, bool, str | None]]:
    """(id, article, is a supervision/rectification report, four-way label or None) for the
    replica manifest and the written relevance texts."""
    for page in (p for site in ("smm", "cnmn", "mirror") for p in catalog.pages_of(site)):
        title = page.served.get("title", page.title)
        body = "\n".join(_served_lines(page))
        yield (
            f"{page.site}-{page.article_id}",
            _article(title, body, page.published_at, page.canonical_url),
            page.relevant,
            None,
        )
    for item in load_jsonl("relevance.jsonl"):
        article = _article(item["title"], item["body"], item["published_at"], f"https://eval.invalid/{item['id']}")
        yield item["id"], article, item["label"] in REPORT_LABELS, item["label"]


def relevance_score() -> tuple[Relevance, Relevance]:
    """(all labelled articles, the written ones alone: the replica's templated articles are
    easier than the written texts)."""
    result, written = Relevance(), Relevance()
    for item_id, article, wanted, label in labelled_articles():
        article = process(article)
        result.add(article.relevant, wanted)
        if label is not None:
            written.add(article.relevant, wanted)
        if article.relevant != wanted:
            result.errors.append((item_id, wanted, article.relevance_score, article.title[:50]))
        if label is not None:
            result.labels.add(
                article.relevance_label == label, (item_id, label, article.relevance_label, article.title[:40])
            )
    return result, written


# --- tags ------------------------------------------------------------------------------


def _concept_of(name: str) -> str | None:
    for lang, matcher in matchers().items():
        concept = matcher.concept_of.get(name if lang == "zh" else name.lower())
        if concept is not None:
            return concept.id
    return None


def seed_tag_score() -> Score:
    """Recall of the seeds' named entities (tests/data/eval/seed_entities.json names them as
    the texts write them) among the tags the pipeline gives each seed article."""
    entities = json.loads((DATA / "seed_entities.json").read_text(encoding="utf-8"))
    seeds = {page.site: page for site in ("smm", "cnmn", "mirror") for page in catalog.pages_of(site) if page.seed}
    score = Score()
    for site, names in entities.items():
        page = seeds[site]
        served = page.served
        article = process(
            _article(
                served.get("title", page.title), "\n".join(_served_lines(page)), page.published_at, page.canonical_url
            )
        )
        tagged = {tag["id"] for tag in article.tags}
        for name in names:
            concept = _concept_of(name)
            score.add(concept is not None and concept in tagged, (site, name, concept))
    return score


# --- facts -----------------------------------------------------------------------------


def _fact_keys(facts: Iterable[dict]) -> set[tuple]:
    return {
        (f["kind"], tuple(sorted((k, v) for k, v in f.items() if k not in ("kind", "sentence", "offset"))))
        for f in facts
    }


def fact_score() -> Score:
    """Cases whose extracted facts are exactly the expected ones: facts.jsonl, and
    facts_holdout.jsonl, written later by someone who had not seen the rules."""
    score = Score()
    for case in load_jsonl("facts.jsonl") + load_jsonl("facts_holdout.jsonl"):
        published = datetime.fromisoformat(case["published_at"])
        text = case["text"] if case["lang"] == "en" else to_simplified(case["text"])
        found = _fact_keys(f.as_dict() for f in extract_facts(text, case["lang"], published))
        wanted = _fact_keys(case["facts"])
        score.add(found == wanted, (case["id"], sorted(wanted - found), sorted(found - wanted)))
    return score


# --- story clusters --------------------------------------------------------------------

_BOILERPLATE_ZH = "（本文转载自其他媒体，版权归原作者所有，如有侵权请联系删除。）"
_BOILERPLATE_EN = "Disclaimer: this article is reposted for information only and does not constitute investment advice."


def _reposts(page: catalog.Page, n: int) -> list[tuple[str, list[str]]]:
    """Edited reposts of a page, (title, paragraphs): one with one kind of edit (in turn: a
    paragraph dropped and a disclaimer added, retitled with a disclaimer first, punctuation
    rewritten), one with all of them at once."""
    paragraphs = list(page.paragraphs)
    zh = page.site != "smm"
    boiler = _BOILERPLATE_ZH if zh else _BOILERPLATE_EN
    retitled = ("转载：" if zh else "Repost: ") + page.title

    def drop(ps: list[str]) -> list[str]:
        return ps[:-1] if len(ps) > 3 else ps

    def punctuate(ps: list[str]) -> list[str]:
        return [p.replace("，", ",").replace("。", ". ") if zh else p.replace(",", "") for p in ps]

    edits = [
        (page.title, drop(paragraphs) + [boiler]),
        (retitled, [boiler] + paragraphs),
        (page.title, punctuate(paragraphs)),
    ]
    return [edits[n % len(edits)], (retitled, [boiler] + punctuate(drop(paragraphs)) + [boiler])]


def cluster_score() -> dict[str, float | int]:
    """Pairwise precision and recall of story clusters over constructed copies: every
    CNMN article with its mirror copy (garbled as served), edited reposts of a third of the
    articles, and all the other articles, which are different stories on the same topics,
    and daily reports sharing one title, all of which must not merge."""
    records, truth = [], []

    def add(story: str, title: str, paragraphs: list[str], page: catalog.Page, url: str) -> None:
        article = process(_article(title, "\n".join(paragraphs), page.published_at, url))
        article.site_article_id = ""
        records.append(article.record())
        truth.append(story)

    # Twenty ordinary articles a site appear as daily reports under one recurring title:
    # different stories sharing a title, which must not merge (their mirror copies must).
    daily = {
        page.story for site in ("smm", "cnmn") for page in [p for p in catalog.pages_of(site) if not p.relevant][:20]
    }
    for site in ("smm", "cnmn", "mirror"):
        for n, page in enumerate(catalog.pages_of(site)):
            served = page.served
            paragraphs = _served_lines(page)
            title = served.get("title", page.title)
            if page.story in daily:
                title = (
                    "SMM Morning Comment: Base Metals"
                    if site == "smm"
                    else "有色金屬早間評論"
                    if site == "mirror"
                    else "有色金属早间评论"
                )
            add(page.story, title, paragraphs, page, f"https://{site}.invalid/{page.article_id}")
            if site != "mirror" and n % 3 == 0:
                for k, (title, edited) in enumerate(_reposts(page, n)):
                    add(page.story, title, edited, page, f"https://repost{k}.invalid/{site}/{page.article_id}")
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(f"sqlite:///{folder}/clusters.sqlite3")
        archive.store_batch(records)
        story_of = {row.identity: row.story_id for row in archive.articles()}
        predicted = [story_of[r["identity"]] for r in records]
        archive.engine.dispose()
    same_truth = same_predicted = both = 0
    for i, j in combinations(range(len(records)), 2):
        t, p = truth[i] == truth[j], predicted[i] == predicted[j]
        same_truth += t
        same_predicted += p
        both += t and p
    return {
        "articles": len(records),
        "true_pairs": same_truth,
        "precision": both / same_predicted if same_predicted else 0.0,
        "recall": both / same_truth if same_truth else 0.0,
    }


# --- report ----------------------------------------------------------------------------


@cache
def report() -> dict[str, Any]:
    language = language_score()
    relevance, written = relevance_score()
    tags = seed_tag_score()
    facts = fact_score()
    return {
        "language": {
            "accuracy": language["all"].rate,
            "texts": language["all"].total,
            "by_kind": {k: round(s.rate, 3) for k, s in language.items() if k != "all"},
            "errors": language["all"].errors,
        },
        "relevance": {
            "precision": relevance.precision,
            "recall": relevance.recall,
            "articles": relevance.total,
            "written": {"precision": written.precision, "recall": written.recall, "articles": written.total},
            "label_accuracy": relevance.labels.rate,
            "errors": relevance.errors,
            "label_errors": relevance.labels.errors,
        },
        "seed_tags": {"recall": tags.rate, "entities": tags.total, "missed": tags.errors},
        "facts": {"exact": facts.right, "cases": facts.total, "errors": facts.errors},
        "clusters": cluster_score(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m monitor.evaluation", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the whole report, errors included, as JSON")
    args = parser.parse_args()
    result = report()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
        return
    lang, rel, tags, facts, clusters = (result[k] for k in ("language", "relevance", "seed_tags", "facts", "clusters"))
    print(f"language   accuracy {lang['accuracy']:.3f} on {lang['texts']} texts  {lang['by_kind']}")
    print(
        f"relevance  precision {rel['precision']:.3f} recall {rel['recall']:.3f} on {rel['articles']} articles "
        f"(written ones alone: {rel['written']['precision']:.3f} / {rel['written']['recall']:.3f} on "
        f"{rel['written']['articles']}); four-way label accuracy {rel['label_accuracy']:.3f} on those"
    )
    print(f"seed tags  recall {tags['recall']:.3f} of {tags['entities']} named entities")
    print(f"facts      {facts['exact']} of {facts['cases']} cases exact")
    print(
        f"clusters   precision {clusters['precision']:.3f} recall {clusters['recall']:.3f} "
        f"over {clusters['articles']} articles, {clusters['true_pairs']} true pairs"
    )
    counts = Counter({"language": len(lang["errors"]), "relevance": len(rel["errors"]), "facts": len(facts["errors"])})
    if any(counts.values()):
        print(f"errors: {dict(counts)} (--json lists them)")


if __name__ == "__main__":
    main()
