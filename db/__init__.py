"""The archive: SQLAlchemy models, engine set-up, writes and full-text search.

db/ knows storage only: it takes plain mappings and never imports spiders or pipelines.
"""

from db.archive import Archive, ArchiveError, printable_url

__all__ = ["Archive", "ArchiveError", "printable_url"]
