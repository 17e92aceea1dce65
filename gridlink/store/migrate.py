"""Schema migrations: bring a database to the newest revision, or tell whether it is there."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, pool
from sqlalchemy.engine import URL

from gridlink.store.db import Database, sync_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | URL) -> Config:
    """An Alembic configuration for gridlink's migrations on ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's options go through configparser interpolation: a percent-encoded URL (a password with
    # an @ in it, a socket directory in the query) needs its % doubled.
    rendered = sync_url(url).render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (synchronous; call from a thread in async code)."""
    if make_sqlite_dir := _sqlite_path(url):
        make_sqlite_dir.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def current_revision_of(connection: Connection) -> str | None:
    """The revision a database connection is at, None before the first migration."""
    return MigrationContext.configure(connection).get_current_revision()


async def is_current(db: Database) -> bool:
    """True when the database is reachable and at the newest revision."""
    async with db.engine.connect() as conn:
        current = await conn.run_sync(current_revision_of)
    return current == head_revision()


def current_revision(url: str | URL) -> str | None:
    """The revision the database at ``url`` is at."""
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return current_revision_of(conn)
    finally:
        engine.dispose()


def _sqlite_path(url: str | URL) -> Path | None:
    parsed = sync_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)
