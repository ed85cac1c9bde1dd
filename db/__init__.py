"""The archive: SQLAlchemy models, engine set-up, schema migrations, writes and full-text search.

db/ knows storage only: it takes plain mappings and never imports spiders or pipelines (one
exception: migration 0002 re-segments stored text to rebuild the full-text index).
"""

from db.archive import Archive
from db.engine import ArchiveError, printable_url

__all__ = ["Archive", "ArchiveError", "printable_url"]
