"""Where each of an article's fields came from (spiders.fields): `articles.field_sources`, a
JSON object such as {"title": "structured", "body": "selectors", "author": "generic"}.
Articles stored before have none ({}) until a re-crawl or `monitor reprocess` reads their
pages again.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("field_sources", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    op.drop_column("articles", "field_sources")  # SQLite drops a column itself since 3.35
