"""`monitor reprocess`: the pipeline again over every stored raw page, so a better
vocabulary or extractor reaches old articles without a new crawl."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from db import Archive
from monitor.extract import extract_page
from pipelines.article import BrokenPage
from pipelines.case_groups import reading_row
from pipelines.case_upkeep import CaseUpkeep
from pipelines.keywords import DocumentFrequencies, candidates
from pipelines.segment import cut


@dataclass
class ReprocessResult:
    updated: int = 0
    unchanged: int = 0
    case_events: int = 0  # stages and figures of cases that they did not have before
    failed: list[tuple[int, str]] = field(default_factory=list)  # (article id, why)


def fit_document_frequencies(
    archive: Archive,
    progress: Callable[[int, int], None],
    into: Archive,
) -> DocumentFrequencies:
    """Count afresh, with today's segmenter and vocabulary, in how many articles each word
    occurs (new dictionary words would otherwise look unseen, and top every keyword list)."""
    total, done, counts = archive.count(), 0, Counter[str]()
    for texts in archive.texts():
        for title, body in texts:
            counts.update(set(candidates(cut(title) + cut(body))))
        done += len(texts)
        progress(done, total)
    into.replace_document_frequencies(counts)
    return DocumentFrequencies(total, dict(counts))


def reprocess(
    archive: Archive,
    progress: Callable[[int, int], None] = lambda done, total: None,
    into: Archive | None = None,
) -> ReprocessResult:
    """Document frequencies first, then the whole pipeline over every stored page, stored
    back, or `into` another archive (moving an archive to a shared PostgreSQL server), and
    the cases of the articles' families assembled again there."""
    frequencies = fit_document_frequencies(archive, progress, into or archive)
    target = into or archive
    total, done = archive.count(), 0
    result = ReprocessResult()
    cases = CaseUpkeep(target.engine)
    for pages in archive.stored_pages():
        records: list[Mapping[str, Any]] = []
        case_rows: dict[str, dict[str, Any]] = {}
        for page in pages:
            try:
                article = extract_page(page.html, page.url, page.encoding, site=page.site, frequencies=frequencies)
            except BrokenPage as broken:
                result.failed.append((page.pk, str(broken)))
                continue
            article.fetched_at, article.status = page.fetched_at, page.status
            records.append(article.record())
            case_rows[article.identity] = reading_row(article)
        stored = target.store_batch(records, case_rows, readings_anew=True)  # the grouping may have changed too
        cases.stored()
        if cases.due():
            result.case_events += cases.assemble().events
        result.updated += stored.updated + stored.new
        result.unchanged += stored.unchanged
        result.failed += [(0, f"{identity}: {why}") for identity, why in stored.failed]  # 0: not stored, no id
        done += len(pages)
        progress(done, total)
    result.case_events += cases.assemble().events
    if target.heads_stale():  # many articles were indexed anew
        target.optimize()
    return result


class ProgressBar:
    """A one-line bar on a terminal; on anything else, nothing until the summary."""

    WIDTH = 40

    def __init__(self, label: str, stream=sys.stderr) -> None:
        self.label, self.stream = label, stream
        self.live = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.live or not total:
            return
        filled = self.WIDTH * done // total
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
