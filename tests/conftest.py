"""Fixtures shared by every test: databases on SQLite and PostgreSQL, migrated and disposable."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from gridlink.store.db import Database
from gridlink.store.migrate import upgrade
from tests.support import native
from tests.support.postgres import temporary_database


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test an EDI engine compiled from older sources than the ones in the tree."""
    stale = native.stale()
    if stale:
        pytest.exit(f"compiled before their last edit: {', '.join(stale)}; rebuild with scripts/test", 2)


def pytest_report_header() -> str:
    """Say whether the EDI engine under test is compiled or interpreted."""
    built = [s for s in native.native_sources() if native.compiled(s)]
    return f"EDI engine: {len(built)} of {len(native.native_sources())} hot modules compiled with mypyc"


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gridlink.db'}"
        return
    with temporary_database() as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database URL (for tests that only make sense there)."""
    with temporary_database() as url:
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database handle on each backend."""
    await asyncio.to_thread(upgrade, database_url)
    database = Database(database_url, pool_size=8)
    try:
        yield database
    finally:
        await database.dispose()
