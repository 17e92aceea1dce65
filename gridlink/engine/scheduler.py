"""The scheduler: enqueues periodic jobs once per period, however many schedulers run."""

from __future__ import annotations

import asyncio
import contextlib
import math
from datetime import UTC, datetime

from gridlink.engine.registry import NoPayload, Periodic, Registry, registry
from gridlink.logs import get_logger
from gridlink.store.base import utcnow
from gridlink.store.db import Database

log = get_logger(__name__)


def period_start(periodic: Periodic, now: datetime) -> datetime:
    """The start of the period ``now`` falls in (periods are aligned to the Unix epoch)."""
    every = periodic.every.total_seconds()
    return datetime.fromtimestamp(math.floor(now.timestamp() / every) * every, UTC)


async def enqueue_due(db: Database, schedules: Registry, now: datetime) -> int:
    """Enqueue the current period's run of every periodic job; returns how many were new."""
    created = 0
    async with db.transaction() as session:
        for name, periodic in schedules.periodic.items():
            start = period_start(periodic, now)
            job_id = await periodic.kind.enqueue(
                session,
                NoPayload(),
                # One key per period: every scheduler computes the same one, so only one run is enqueued.
                idempotency_key=f"periodic:{name}:{int(start.timestamp())}",
                # Runs of the same periodic job never overlap.
                ordering_key=f"periodic:{name}",
                run_at=start,
            )
            created += job_id is not None
    return created


async def run_scheduler(db: Database, stop: asyncio.Event, schedules: Registry = registry) -> None:
    """Enqueue periodic jobs at each period boundary until ``stop`` is set."""
    while not stop.is_set():
        if not schedules.periodic:
            await stop.wait()
            return
        now = utcnow()
        try:
            await enqueue_due(db, schedules, now)
        except Exception:
            log.exception("scheduling periodic jobs failed; will retry")
        next_start = min(
            period_start(p, now).timestamp() + p.every.total_seconds() for p in schedules.periodic.values()
        )
        delay = max(0.05, next_start - utcnow().timestamp())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
