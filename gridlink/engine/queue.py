"""The queue's SQL: enqueue, claim, heartbeat, finish and rescue jobs, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, case, exists, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gridlink.logs import correlation_id
from gridlink.store.base import utcnow
from gridlink.store.db import Database, after_commit, database_of
from gridlink.store.inserts import insert_row
from gridlink.store.models.jobs import UNFINISHED, Job, JobState

MAX_ERROR_HISTORY = 20
_JOBS: Table = Job.__table__  # type: ignore[assignment]


class LeaseLost(Exception):
    """The job is no longer this worker's (lease expired, or cancelled): its work rolls back."""


@dataclass(frozen=True)
class ClaimedJob:
    """A job a worker holds: what it needs to run it and to prove it still owns it."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    correlation_id: str | None
    run_at: datetime
    ordering_key: str | None = None


async def enqueue(session: AsyncSession, row: dict[str, Any]) -> int | None:
    """Insert a job (see ``job_row``) in the session's transaction; None when its idempotency key is
    already taken."""
    unique = ("idempotency_key",) if row["idempotency_key"] is not None else ()
    job_id = await insert_row(session, _JOBS, row, unique=unique)
    database = database_of(session)
    if job_id is not None and database is not None:
        after_commit(session, database.jobs_enqueued.set)
    return job_id


def job_row(
    kind: str,
    payload: dict[str, Any],
    *,
    max_attempts: int,
    idempotency_key: str | None = None,
    ordering_key: str | None = None,
    run_at: datetime | None = None,
    delay: timedelta | None = None,
    priority: int = 100,
) -> dict[str, Any]:
    """The row of a new job, due at ``run_at`` (now by default) plus ``delay``."""
    now = utcnow()
    when = run_at or now
    if delay is not None:
        when = when + delay
    return {
        "kind": kind,
        "state": JobState.AVAILABLE.value,
        "payload": payload,
        "priority": priority,
        "attempt": 0,
        "max_attempts": max_attempts,
        "run_at": when,
        "idempotency_key": idempotency_key,
        "ordering_key": ordering_key,
        "errors": [],
        "correlation_id": correlation_id(),
        "created_at": now,
    }


def _state_is(column: Any, *states: str) -> Any:
    """``column`` = or IN ``states``, written as literals: a planner uses a partial index (the claim,
    ordering and lease indexes are partial on the state) only when it can see that the query's condition
    implies the index's, which a bound parameter hides from SQLite and from PostgreSQL's generic plans."""
    values: list[Any] = [literal_column(f"'{state}'") for state in states]
    return column == values[0] if len(values) == 1 else column.in_(values)


def _claimable(kinds: Sequence[str], now: Any) -> Any:
    other = aliased(Job)
    # Held back by an earlier unfinished job of its key, or by any running one: a job whose transaction
    # committed late can have a lower id than one of its key already running, and must not run beside it.
    blocked = exists().where(
        and_(
            other.ordering_key == Job.ordering_key,
            _state_is(other.state, *UNFINISHED),
            or_(other.id < Job.id, _state_is(other.state, JobState.RUNNING.value)),
        )
    )
    return and_(
        _state_is(Job.state, JobState.AVAILABLE.value),
        Job.run_at <= now,
        Job.kind.in_(kinds),
        or_(Job.ordering_key.is_(None), ~blocked),
    )


@functools.lru_cache(maxsize=32)
def _claim_statement(kinds: tuple[str, ...]) -> Any:
    # Built once per set of kinds (a worker has one): building this statement costs more than running it.
    candidates = (
        select(Job.id)
        .where(_claimable(kinds, bindparam("b_now")))
        .order_by(Job.priority, Job.run_at, Job.id)
        .limit(bindparam("b_limit"))
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer and ignores it
    )
    return (
        update(Job)
        .where(Job.id.in_(candidates.scalar_subquery()))
        .values(
            state=JobState.RUNNING.value,
            attempt=Job.attempt + 1,
            worker_id=bindparam("b_worker_id"),
            lease_until=bindparam("b_lease_until"),
            started_at=bindparam("b_now"),
        )
        .returning(
            Job.id,
            Job.kind,
            Job.payload,
            Job.attempt,
            Job.max_attempts,
            Job.correlation_id,
            Job.run_at,
            Job.ordering_key,
        )
        .execution_options(synchronize_session=False)
    )


async def claim(
    db: Database, *, worker_id: str, kinds: Sequence[str], limit: int, lease: timedelta, now: datetime
) -> list[ClaimedJob]:
    """Take up to ``limit`` due jobs: the head of each ordering key only, skipping rows others lock."""
    if limit <= 0 or not kinds:
        return []
    params = {"b_now": now, "b_limit": limit, "b_worker_id": worker_id, "b_lease_until": now + lease}
    async with db.transaction() as session:
        rows = (await session.execute(_claim_statement(tuple(sorted(kinds))), params)).all()
    jobs = [ClaimedJob(*row) for row in rows]
    return sorted(jobs, key=lambda job: job.id)


def _owned(job: ClaimedJob, worker_id: str) -> Any:
    return and_(
        Job.id == job.id,
        Job.state == JobState.RUNNING.value,
        Job.worker_id == worker_id,
        Job.attempt == job.attempt,
    )


# Built once: finishing a job is the hottest statement in the engine. Bind names differ from the
# column names because SQLAlchemy reserves those for the SET clause.
_SUCCEED = (
    update(_JOBS)
    .where(
        _JOBS.c.id == bindparam("b_job_id"),
        _JOBS.c.state == JobState.RUNNING.value,
        _JOBS.c.worker_id == bindparam("b_worker_id"),
        _JOBS.c.attempt == bindparam("b_attempt"),
    )
    .values(state=JobState.SUCCEEDED.value, finished_at=bindparam("b_now"), lease_until=None)
)


async def mark_succeeded(session: AsyncSession, job: ClaimedJob, worker_id: str, now: datetime) -> None:
    """Finish ``job`` inside the handler's own transaction; raises LeaseLost if it is no longer ours."""
    connection = await session.connection()
    result = await connection.execute(
        _SUCCEED, {"b_job_id": job.id, "b_worker_id": worker_id, "b_attempt": job.attempt, "b_now": now}
    )
    if result.rowcount != 1:
        raise LeaseLost(job.id)


async def complete_waiting(session: AsyncSession, idempotency_keys: Sequence[str], now: datetime) -> int:
    """Finish, in the caller's transaction, waiting jobs whose work the caller's job has done (a delivery
    that took other messages along); returns how many."""
    if not idempotency_keys:
        return 0
    result = await session.execute(
        update(Job)
        .where(Job.idempotency_key.in_(idempotency_keys), _state_is(Job.state, JobState.AVAILABLE.value))
        .values(state=JobState.SUCCEEDED.value, finished_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def mark_failed(
    db: Database,
    job: ClaimedJob,
    worker_id: str,
    *,
    error: str,
    retry_in: float | None,
    now: datetime,
) -> str | None:
    """Record a failed attempt: back to ``available`` after ``retry_in`` seconds, or ``dead`` if None.

    Returns the new state, or None when the job was no longer ours.
    """
    async with db.transaction() as session:
        history = (
            await session.execute(select(Job.errors).where(_owned(job, worker_id)).with_for_update())
        ).scalar_one_or_none()
        if history is None:
            return None
        entry = {"attempt": job.attempt, "at": now.isoformat(), "error": error}
        errors = [*history, entry][-MAX_ERROR_HISTORY:]
        if retry_in is None:
            values: dict[str, Any] = {"state": JobState.DEAD.value, "finished_at": now}
        else:
            values = {"state": JobState.AVAILABLE.value, "run_at": now + timedelta(seconds=retry_in)}
        await session.execute(
            update(Job)
            .where(_owned(job, worker_id))
            .values(**values, last_error=error, errors=errors, worker_id=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        return str(values["state"])


async def snooze(db: Database, job: ClaimedJob, worker_id: str, *, seconds: float, now: datetime) -> bool:
    """Put ``job`` back for later without using up an attempt (the work was not tried)."""
    return await _return_to_queue(db, [job], worker_id, run_at=now + timedelta(seconds=seconds))


async def release(db: Database, jobs: Sequence[ClaimedJob], worker_id: str, now: datetime) -> bool:
    """Hand jobs back untried (on shutdown), restoring their attempt count."""
    return await _return_to_queue(db, jobs, worker_id, run_at=now)


async def _return_to_queue(
    db: Database, jobs: Sequence[ClaimedJob], worker_id: str, *, run_at: datetime
) -> bool:
    if not jobs:
        return True
    async with db.transaction() as session:
        result = await session.execute(
            update(Job)
            .where(or_(*(_owned(job, worker_id) for job in jobs)))
            .values(
                state=JobState.AVAILABLE.value,
                attempt=Job.attempt - 1,
                run_at=run_at,
                worker_id=None,
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def heartbeat(
    db: Database, job_ids: Sequence[int], worker_id: str, *, lease: timedelta, now: datetime
) -> None:
    """Extend the lease of every job this worker still runs."""
    if not job_ids:
        return
    async with db.transaction() as session:
        await session.execute(
            update(Job)
            .where(Job.id.in_(job_ids), Job.worker_id == worker_id, Job.state == JobState.RUNNING.value)
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )


async def rescue_expired(db: Database, now: datetime) -> int:
    """Return jobs whose worker stopped renewing its lease to the queue (or to ``dead`` if out of tries)."""
    async with db.transaction() as session:
        result = await session.execute(
            update(Job)
            .where(_state_is(Job.state, JobState.RUNNING.value), Job.lease_until < now)
            .values(
                state=case(
                    (Job.attempt >= Job.max_attempts, JobState.DEAD.value), else_=JobState.AVAILABLE.value
                ),
                finished_at=case((Job.attempt >= Job.max_attempts, now), else_=None),
                last_error="the worker running it stopped renewing its lease",
                run_at=now,
                worker_id=None,
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount)  # type: ignore[attr-defined]
