"""The database handle: an async engine and sessions for SQLite (WAL) or PostgreSQL, from one URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from gridlink.store import sqlite_inline
from gridlink.store.sqlite_turns import take_turns

# asyncpg for the async engine: its protocol is compiled, and a job's transaction costs about a quarter
# less CPU than with psycopg. Alembic and tooling stay on synchronous psycopg.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
COMMIT_HOOKS_KEY = "gridlink.after_commit"
SQLITE_BUSY_TIMEOUT = 30.0  # seconds a SQLite writer waits for the write lock before it fails
# Per-connection PostgreSQL settings. A worker killed mid-transaction leaves a backend behind that only
# notices its client is gone when it next reads from it: one waiting on a lock would keep its own locks
# until that lock came free; the server now checks the socket every few seconds while a query runs. A
# client that hangs with a transaction open (a stopped process, a lost network) has it ended for it
# after ten minutes, far longer than any job holds one, so its row locks cannot stall the hub for good.
POSTGRES_SERVER_SETTINGS = {
    "client_connection_check_interval": "2000",
    "idle_in_transaction_session_timeout": "600000",
}


def _normalise(url: str | URL, drivers: dict[str, str]) -> URL:
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if isinstance(url, str) else url)
    backend = parsed.get_backend_name()
    if backend not in drivers:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return parsed.set(drivername=drivers[backend])


def async_url(url: str | URL) -> URL:
    """The URL with the async driver gridlink uses (aiosqlite, asyncpg)."""
    return _normalise(url, ASYNC_DRIVERS)


def sync_url(url: str | URL) -> URL:
    """The URL with a synchronous driver, for migrations and tooling."""
    return _normalise(url, SYNC_DRIVERS)


class HubSession(Session):
    """A session that runs callbacks registered with :func:`after_commit` once its transaction commits."""


@event.listens_for(HubSession, "after_commit")
def _run_commit_hooks(session: Session) -> None:
    hooks: list[Callable[[], None]] = session.info.pop(COMMIT_HOOKS_KEY, [])
    for hook in hooks:
        hook()


@event.listens_for(HubSession, "after_rollback")
def _drop_commit_hooks(session: Session) -> None:
    session.info.pop(COMMIT_HOOKS_KEY, None)


def after_commit(session: AsyncSession, hook: Callable[[], None]) -> None:
    """Call ``hook`` once the session's current transaction commits (never if it rolls back)."""
    hooks: list[Callable[[], None]] = session.info.setdefault(COMMIT_HOOKS_KEY, [])
    if hook not in hooks:
        hooks.append(hook)


_DATABASE_KEY = "gridlink.database"


class Database:
    """One database: the engine, a session factory, and in-process signals between its users."""

    def __init__(self, url: str | URL, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = async_url(url)
        self.dialect = self.url.get_backend_name()
        # No pre-ping: it costs a round trip on every checkout, the hottest path of the job engine.
        # A connection that died with a server restart raises once, SQLAlchemy then invalidates the
        # pool, and the engine retries what failed.
        kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": False}
        if self.dialect == "postgresql":
            kwargs.update(
                pool_size=pool_size,
                max_overflow=pool_size,
                connect_args={"server_settings": POSTGRES_SERVER_SETTINGS},
            )
        else:
            database = self.url.database or ""
            kwargs.update(
                pool_size=pool_size,
                max_overflow=pool_size,
                async_creator=lambda: sqlite_inline.connect(database, SQLITE_BUSY_TIMEOUT),
            )
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            take_turns(self.engine, timeout=SQLITE_BUSY_TIMEOUT)
        self.sessionmaker = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=HubSession, info={_DATABASE_KEY: self}
        )
        # Set when a transaction that enqueued jobs commits, so local workers need not wait for a poll.
        self.jobs_enqueued = asyncio.Event()

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite database."""
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A new session; begin a transaction on it with ``async with session.begin()``."""
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside a transaction that commits on success and rolls back on error."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def database_of(session: AsyncSession) -> Database | None:
    """The Database that made ``session``, or None for a session made elsewhere."""
    database = session.info.get(_DATABASE_KEY)
    return database if isinstance(database, Database) else None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; NORMAL sync is durable across process crashes in WAL
    # mode. The busy timeout is the connection's own affair (sqlite_inline).
    cursor = dbapi_connection.cursor()
    # WAL stays set in the file; setting it again needs a lock another process's writer may hold.
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    for pragma in ("synchronous=NORMAL", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
