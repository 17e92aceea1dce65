"""Operator actions on jobs: list, inspect, retry, cancel, count, prune."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update

from gridlink.store.base import utcnow
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job, JobState


class JobActionError(Exception):
    """The action does not apply to the job in its current state."""


async def list_jobs(
    db: Database, *, state: str | None = None, kind: str | None = None, limit: int = 50
) -> Sequence[Job]:
    """The newest jobs, optionally of one state and kind."""
    stmt = select(Job).order_by(Job.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(Job.state == state)
    if kind:
        stmt = stmt.where(Job.kind == kind)
    async with db.session() as session:
        return (await session.execute(stmt)).scalars().all()


async def get_job(db: Database, job_id: int) -> Job | None:
    """One job by id."""
    async with db.session() as session:
        return await session.get(Job, job_id)


async def retry_job(db: Database, job_id: int) -> Job:
    """Run a dead, cancelled or waiting job again now; a dead job gets one more attempt."""
    async with db.transaction() as session:
        job = await session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise JobActionError(f"no job {job_id}")
        if job.state not in (JobState.DEAD, JobState.CANCELLED, JobState.AVAILABLE):
            raise JobActionError(
                f"job {job_id} is {job.state}; only dead, cancelled or waiting jobs can be retried"
            )
        job.state = JobState.AVAILABLE.value
        job.run_at = utcnow()
        job.finished_at = None
        job.max_attempts = max(job.max_attempts, job.attempt + 1)
    db.jobs_enqueued.set()
    return job


async def cancel_job(db: Database, job_id: int) -> Job:
    """Cancel a waiting or running job; a running one rolls its work back when it tries to finish."""
    async with db.transaction() as session:
        job = await session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise JobActionError(f"no job {job_id}")
        if job.state not in (JobState.AVAILABLE, JobState.RUNNING):
            raise JobActionError(
                f"job {job_id} is {job.state}; only waiting or running jobs can be cancelled"
            )
        job.state = JobState.CANCELLED.value
        job.finished_at = utcnow()
        job.lease_until = None
    return job


async def counts(db: Database) -> dict[tuple[str, str], int]:
    """How many jobs there are of each (kind, state)."""
    stmt = select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)
    async with db.session() as session:
        return {(kind, state): n for kind, state, n in (await session.execute(stmt)).all()}


async def prune(db: Database, finished_before: datetime) -> int:
    """Delete succeeded and cancelled jobs that finished before ``finished_before``; dead ones stay."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(Job).where(
                Job.state.in_((JobState.SUCCEEDED.value, JobState.CANCELLED.value)),
                Job.finished_at < finished_before,
            )
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def touch_due(db: Database) -> None:
    """Make every waiting job due now (used by operators to skip a backoff)."""
    async with db.transaction() as session:
        await session.execute(
            update(Job).where(Job.state == JobState.AVAILABLE.value).values(run_at=utcnow())
        )
