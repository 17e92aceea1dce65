"""Alembic environment: runs gridlink's migrations on the connection or URL it is given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

import gridlink.store.models  # noqa: F401  (registers every table)
from gridlink.store.base import Base
from gridlink.store.db import sync_url

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Migrate through a connection handed over in ``config.attributes`` or one made from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(sync_url(config.get_main_option("sqlalchemy.url") or ""), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
