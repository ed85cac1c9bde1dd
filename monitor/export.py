"""Full records of a search's results, for spreadsheets and scripts: `monitor export` and the
API's /api/export. Every result (limit and offset aside) with its dates, site, URL, author,
source, tags, relevance and whole cleaned text, as CSV, JSON Lines or an Excel workbook.

Scraped text is untrusted. In CSV a cell starting `=`, `+`, `-`, `@`, a tab or a carriage
return would be read as a formula by a spreadsheet: it gets a leading `'`. In the workbook
every text cell is typed as text, so nothing is read as a formula and nothing need change."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

from sqlalchemy import select

from db import Archive
from db.models import Article
from monitor.labels import tag_label
from monitor.search import Result, SearchOptions, iterate
from monitor.terminal import json_text
from pipelines.article import china_time

FORMATS = ("csv", "jsonl", "xlsx")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The columns of CSV and the workbook, in order; JSON Lines has these and more (the copies
# themselves, the snippet).
COLUMNS = (
    "id",
    "title",
    "published_at",
    "fetched_at",
    "site",
    "host",
    "url",
    "author",
    "source",
    "lang",
    "tags",
    "tag_labels",
    "relevance_label",
    "relevance_score",
    "story_id",
    "copies",
    "body",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_MAX = 32_767  # the most characters an Excel cell holds: a longer body is cut there
BATCH = 500
_FULL = (Article.id, Article.author, Article.source, Article.body, Article.relevance_score, Article.fetched_at)


def records(archive: Archive, query: str, options: SearchOptions) -> Iterator[dict[str, Any]]:
    """Every result of the search, in its order, as a full record; read in batches, so an
    export of the whole archive holds one batch of bodies in memory at a time."""
    results = iterate(archive, query, options)
    while chunk := list(islice(results, BATCH)):
        with archive.engine.connect() as conn:
            rows = conn.execute(select(*_FULL).where(Article.id.in_([r.article["id"] for r in chunk])))
            full = {row.id: row for row in rows}
        yield from (_record(result, full[result.article["id"]]) for result in chunk)


class Counted:
    """Records passed through, counted: `monitor export` says how many it wrote."""

    def __init__(self, found: Iterable[dict[str, Any]]) -> None:
        self.found, self.count = found, 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record in self.found:
            self.count += 1
            yield record


def encoded(format: str, found: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The records in one of FORMATS, as bytes to stream or write."""
    if format == "xlsx":
        return _workbook(found)
    chunks = csv_chunks(found) if format == "csv" else jsonl_chunks(found)
    return (chunk.encode("utf-8") for chunk in chunks)


def _record(result: Result, row: Any) -> dict[str, Any]:
    article = result.article
    return {
        **article,
        "fetched_at": china_time(row.fetched_at),
        "author": row.author,
        "source": row.source,
        "tag_labels": [tag_label(tag) for tag in article["tags"]],
        "relevance_score": row.relevance_score,
        "snippet": result.snippet,
        "copies": result.copies,
        "body": row.body,
    }


def _cells(record: dict[str, Any]) -> list[Any]:
    """A record's row: lists joined with `; `, the copies counted."""
    flat = {
        **record,
        "tags": "; ".join(record["tags"]),
        "tag_labels": "; ".join(record["tag_labels"]),
        "copies": len(record["copies"]),
    }
    return [flat[column] for column in COLUMNS]


# --- CSV ------------------------------------------------------------------------------------


def csv_chunks(found: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A header and one row per record, UTF-8 with a byte-order mark first: without it Excel
    reads the file in the machine's legacy code page and garbles every Chinese character."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for record in found:
        writer.writerow([inert(cell) for cell in _cells(record)])
        yield _drain(buffer)


def inert(value: Any) -> Any:
    """Text starting like a formula would run as one in a spreadsheet: quoted with `'`."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# --- JSON Lines -------------------------------------------------------------------------------


def jsonl_chunks(found: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in found:
        yield json_text(record) + "\n"


# --- Excel ------------------------------------------------------------------------------------


def _workbook(found: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The workbook in pieces: a zip file is whole only once written, so it is made in a
    temporary file (on disk past 16 MB) and read from there."""
    with tempfile.SpooledTemporaryFile(16 * 2**20) as file:
        write_xlsx(found, file)
        file.seek(0)
        while chunk := file.read(2**16):
            yield chunk


def write_xlsx(found: Iterable[dict[str, Any]], file: IO[bytes]) -> None:
    """One sheet, the header row then a row per record, written row by row (openpyxl's
    write-only mode keeps no sheet in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("monitor")
    sheet.append(list(COLUMNS))
    for record in found:
        row = []
        for value in _cells(record):
            cell = WriteOnlyCell(sheet, _xlsx_value(value))
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with `=`
            row.append(cell)
        sheet.append(row)
    book.save(file)


def _xlsx_value(value: Any) -> Any:
    """The value as a workbook may hold it: text without the control characters XML cannot
    carry, cut at Excel's cell limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
