"""The archive: SQLAlchemy models, engine set-up, schema migrations, writes and full-text search.

db/ knows storage only: it takes plain mappings and imports nothing of spiders, pipelines or
monitor (what it needs of them, such as the segmenter that db.unindexed indexes with, is
passed in). Its migrations import no project code at all: what they compute is frozen in
them, so that each gives the same result whenever it runs.
"""

from db.archive import Archive
from db.engine import ArchiveError, printable_url

__all__ = ["Archive", "ArchiveError", "printable_url"]
