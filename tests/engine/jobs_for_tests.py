"""Job kinds used by the engine tests, importable by worker processes (GRIDLINK_WORKER__JOB_MODULES).

Every effect is a row in the ``ledger`` table, written in the job's own transaction, so a test can count
exactly how often each job's effect happened and in which order.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from gridlink.engine import Discard, JobContext, Snooze, define_job
from gridlink.store.base import utcnow
from gridlink.store.db import Database

ledger_metadata = MetaData()
ledger = Table(
    "ledger",
    ledger_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(100), nullable=False),  # deliberately not unique: duplicates must be countable
    Column("seq", Integer, nullable=False),
    Column("job_id", Integer, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("pid", Integer, nullable=False),
)


async def create_ledger(db: Database) -> None:
    """Create the ledger table next to the hub's own tables."""
    async with db.engine.begin() as conn:
        await conn.run_sync(ledger_metadata.create_all)


async def ledger_rows(db: Database) -> list[dict[str, object]]:
    """Every effect recorded so far, in the order they were written."""
    async with db.session() as session:
        rows = (await session.execute(select(ledger).order_by(ledger.c.id))).mappings().all()
    return [dict(row) for row in rows]


class Effect(BaseModel):
    """Write one ledger row for ``key``/``seq``, after sleeping ``sleep`` seconds."""

    key: str
    seq: int = 0
    sleep: float = 0.0


class Flaky(BaseModel):
    """Fail the first ``failures`` attempts, then write the effect."""

    key: str
    failures: int


class SnoozeUntil(BaseModel):
    """Snooze until ``until``, then write the effect."""

    key: str
    until: datetime


async def _record(ctx: JobContext, key: str, seq: int) -> None:
    await ctx.session.execute(
        insert(ledger).values(key=key, seq=seq, job_id=ctx.job_id, attempt=ctx.attempt, pid=os.getpid())
    )


@define_job("test.effect", max_attempts=25, backoff=0.05, backoff_cap=0.5)
async def effect(ctx: JobContext, payload: Effect) -> None:
    """Record the effect once the (simulated) work is done."""
    if payload.sleep:
        await asyncio.sleep(payload.sleep)
    await _record(ctx, payload.key, payload.seq)


@define_job("test.flaky", max_attempts=4, backoff=0.2, backoff_cap=1.0)
async def flaky(ctx: JobContext, payload: Flaky) -> None:
    """Fail while attempts remain below the configured number of failures."""
    await _record(ctx, payload.key, ctx.attempt)  # rolled back with the failure
    if ctx.attempt <= payload.failures:
        raise RuntimeError(f"planned failure {ctx.attempt} of {payload.failures}")


@define_job("test.discard", max_attempts=5)
async def discard(ctx: JobContext, payload: Effect) -> None:
    """Give up at once: retrying cannot help."""
    raise Discard(f"nothing to do for {payload.key}")


@define_job("test.snooze", max_attempts=2)
async def snooze(ctx: JobContext, payload: SnoozeUntil) -> None:
    """Wait for a moment in the future without using up attempts."""
    remaining = (payload.until - utcnow()).total_seconds()
    if remaining > 0:
        raise Snooze(remaining)
    await _record(ctx, payload.key, ctx.attempt)
