"""Alembic's environment for the archive, configured by db.migrate.alembic_config (no
alembic.ini): on the connection db.migrate.upgrade passes in, else on one of its own made
the same way (db.engine.make_engine: the archive's SQLite pragmas)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from db.migrate import include_name, migration_connection
from db.models import Base


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_name=include_name,
        # SQLite's ALTER TABLE cannot make most changes in place: autogenerate writes batch
        # operations, which copy the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:  # a command run on its own: tests, a developer's autogenerate
    with migration_connection(context.config.attributes["url"]) as connection:
        run(connection)
else:
    run(connection)
