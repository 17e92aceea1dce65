"""Engine test helpers: a migrated database with the ledger table, and in-process workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import func, select

from gridlink.engine import Worker
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from tests.engine.jobs_for_tests import create_ledger


@pytest.fixture
async def ledger_db(db: Database) -> Database:
    """The migrated database with the ledger table the test jobs write to."""
    await create_ledger(db)
    return db


@asynccontextmanager
async def workers(db: Database, count: int = 1, **options: object) -> AsyncIterator[list[Worker]]:
    """Run ``count`` in-process workers on ``db`` for the duration of the block."""
    options = {"concurrency": 4, "poll_interval": 0.05, "lease": 5.0, "shutdown_grace": 5.0, **options}
    stop = asyncio.Event()
    pool = [Worker(db, **options) for _ in range(count)]  # type: ignore[arg-type]
    tasks = [asyncio.create_task(worker.run(stop)) for worker in pool]
    try:
        yield pool
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 60.0) -> None:
    """Wait until ``check`` holds; ``within`` is a safety net against hangs, not a speed requirement."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"condition not reached within {within}s")
        await asyncio.sleep(0.05)


async def states(db: Database) -> dict[str, int]:
    """How many jobs are in each state."""
    async with db.session() as session:
        rows = (await session.execute(select(Job.state, func.count()).group_by(Job.state))).all()
    return {state: n for state, n in rows}


async def all_finished(db: Database) -> bool:
    """No job is waiting or running."""
    counts = await states(db)
    return counts.get("available", 0) + counts.get("running", 0) == 0
