"""The job engine in one process: enqueue semantics, retries, dead jobs, snoozes, leases, cancellation."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from gridlink.engine import RetryPolicy, admin, insert_with_job, queue
from gridlink.store.base import utcnow
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from gridlink.store.store_events import EVENT_KEY, EVENTS, event_row
from tests.engine.conftest import all_finished, eventually, states, workers
from tests.engine.jobs_for_tests import (
    Effect,
    Flaky,
    SnoozeUntil,
    discard,
    effect,
    flaky,
    ledger_rows,
    snooze,
)


async def job(db: Database, job_id: int) -> Job:
    async with db.session() as session:
        found = await session.get(Job, job_id)
    assert found is not None
    return found


async def test_enqueue_is_part_of_the_callers_transaction(ledger_db: Database) -> None:
    async with ledger_db.session() as session:
        async with session.begin():
            await effect.enqueue(session, Effect(key="kept"))
        transaction = await session.begin()
        await effect.enqueue(session, Effect(key="rolled back"))
        await transaction.rollback()
    async with ledger_db.session() as session:
        payloads = (await session.execute(select(Job.payload))).scalars().all()
    assert [p["key"] for p in payloads] == ["kept"]


async def test_an_idempotency_key_enqueues_once(ledger_db: Database) -> None:
    ids = []
    for _ in range(3):
        async with ledger_db.transaction() as session:
            ids.append(await effect.enqueue(session, Effect(key="once"), idempotency_key="order-1:po"))
    assert ids[0] is not None
    assert ids[1:] == [None, None]
    assert await states(ledger_db) == {"available": 1}


async def test_concurrent_enqueuers_of_one_key_make_one_job(ledger_db: Database) -> None:
    async def enqueue_one(n: int) -> int | None:
        async with ledger_db.transaction() as session:
            return await effect.enqueue(session, Effect(key=f"racer-{n}"), idempotency_key="shared")

    results = await asyncio.gather(*(enqueue_one(n) for n in range(8)))
    assert sum(result is not None for result in results) == 1
    assert await states(ledger_db) == {"available": 1}


async def test_a_row_and_the_job_that_acts_on_it_are_recorded_together_once(ledger_db: Database) -> None:
    row = event_row(
        store_hash="s1",
        event_hash="h" * 40,
        scope="store/order/created",
        created_at=1,
        body=b"{}",
        resource_type="order",
        resource_id="7",
    )

    async def record() -> int | None:
        return await insert_with_job(
            ledger_db,
            EVENTS,
            row,
            unique=EVENT_KEY,
            kind=effect,
            payload=Effect(key="fetch"),
            id_field="seq",
            key_prefix="fetch:",
            ordering_key="order:7",
        )

    first, again = await record(), await record()
    assert first is not None and again is None
    async with ledger_db.session() as session:
        jobs = [
            (j.kind, j.payload, j.idempotency_key, j.ordering_key, j.max_attempts)
            for j in (await session.execute(select(Job))).scalars()
        ]
    payload = {"key": "fetch", "seq": first, "sleep": 0.0}
    assert jobs == [("test.effect", payload, f"fetch:{first}", "order:7", 25)]
    async with workers(ledger_db):
        await eventually(lambda: all_finished(ledger_db))
    assert [(r["key"], r["seq"]) for r in await ledger_rows(ledger_db)] == [("fetch", first)]


async def test_every_job_runs_and_its_effect_happens_once(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        for n in range(200):
            await effect.enqueue(session, Effect(key=f"job-{n}"))
    async with workers(ledger_db, count=2, concurrency=8):
        await eventually(lambda: all_finished(ledger_db))
    rows = await ledger_rows(ledger_db)
    assert sorted(row["key"] for row in rows) == sorted(f"job-{n}" for n in range(200))
    assert await states(ledger_db) == {"succeeded": 200}


async def test_a_failing_job_is_retried_with_backoff_and_its_failures_roll_back(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await flaky.enqueue(session, Flaky(key="flaky", failures=2))
    assert job_id is not None
    async with workers(ledger_db):
        await eventually(lambda: all_finished(ledger_db))
    done = await job(ledger_db, job_id)
    assert (done.state, done.attempt) == ("succeeded", 3)
    assert [e["attempt"] for e in done.errors] == [1, 2]
    assert "planned failure 2 of 2" in done.errors[1]["error"]
    # Only the successful attempt's effect survives: the failed attempts' writes rolled back.
    assert [(row["key"], row["seq"]) for row in await ledger_rows(ledger_db)] == [("flaky", 3)]
    # The failures are spaced at least by the policy's smallest backoff for each attempt.
    times = [datetime.fromisoformat(e["at"]) for e in done.errors]
    policy = flaky.retry
    assert (times[1] - times[0]).total_seconds() >= policy.base * (1 - policy.jitter)


async def test_after_the_last_attempt_a_job_is_dead_and_keeps_its_errors(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await flaky.enqueue(session, Flaky(key="hopeless", failures=99))
    assert job_id is not None
    async with workers(ledger_db):
        await eventually(lambda: all_finished(ledger_db))
    dead = await job(ledger_db, job_id)
    assert (dead.state, dead.attempt, dead.max_attempts) == ("dead", 4, 4)
    assert dead.last_error is not None and "planned failure 4 of 99" in dead.last_error
    assert len(dead.errors) == 4
    assert dead.finished_at is not None
    assert await ledger_rows(ledger_db) == []


async def test_a_dead_job_retried_by_an_operator_runs_again(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await discard.enqueue(session, Effect(key="x"))
    assert job_id is not None
    async with workers(ledger_db):
        await eventually(lambda: all_finished(ledger_db))
        assert (await job(ledger_db, job_id)).state == "dead"
        retried = await admin.retry_job(ledger_db, job_id)
        assert retried.state == "available"
        await eventually(lambda: all_finished(ledger_db))
    again = await job(ledger_db, job_id)
    assert (again.state, again.attempt) == ("dead", 2)  # it ran once more, and failed the same way
    with pytest.raises(admin.JobActionError):
        await admin.cancel_job(ledger_db, job_id)


async def test_discard_makes_a_job_dead_without_retrying(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await discard.enqueue(session, Effect(key="nothing"))
    assert job_id is not None
    async with workers(ledger_db):
        await eventually(lambda: all_finished(ledger_db))
    dead = await job(ledger_db, job_id)
    assert (dead.state, dead.attempt) == ("dead", 1)
    assert "nothing to do for nothing" in (dead.last_error or "")


async def test_a_snoozed_job_waits_without_using_attempts(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await snooze.enqueue(
            session, SnoozeUntil(key="later", until=utcnow() + timedelta(seconds=0.6))
        )
    assert job_id is not None
    async with workers(ledger_db):
        await eventually(lambda: all_finished(ledger_db))
    done = await job(ledger_db, job_id)
    assert (done.state, done.attempt) == ("succeeded", 1)  # max_attempts is 2: snoozes did not count


async def test_a_job_with_a_bad_payload_is_dead_with_the_reason(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        row = queue.job_row("test.effect", {"seq": "not a number"}, max_attempts=5)
        job_id = await queue.enqueue(session, row)
    assert job_id is not None
    async with workers(ledger_db):
        await eventually(lambda: all_finished(ledger_db))
    dead = await job(ledger_db, job_id)
    assert dead.state == "dead"
    assert "invalid payload" in (dead.last_error or "")


async def test_scheduled_jobs_wait_for_their_time(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        later = await effect.enqueue(session, Effect(key="later"), delay=timedelta(hours=1))
        now = await effect.enqueue(session, Effect(key="now"))
    assert later is not None and now is not None
    async with workers(ledger_db):
        await eventually(lambda: _succeeded(ledger_db, now))
        await asyncio.sleep(0.3)
    assert (await job(ledger_db, later)).state == "available"
    assert [row["key"] for row in await ledger_rows(ledger_db)] == ["now"]


async def _succeeded(db: Database, job_id: int) -> bool:
    return (await job(db, job_id)).state == "succeeded"


async def test_a_crashed_workers_job_is_rescued_when_its_lease_expires(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await effect.enqueue(session, Effect(key="orphan"))
    assert job_id is not None
    # A worker that claims the job and then vanishes: it never heartbeats nor finishes.
    claimed = await queue.claim(
        ledger_db,
        worker_id="ghost",
        kinds=["test.effect"],
        limit=1,
        lease=timedelta(seconds=0.5),
        now=utcnow(),
    )
    assert [c.id for c in claimed] == [job_id]
    async with workers(ledger_db, lease=1.0):
        await eventually(lambda: all_finished(ledger_db))
    done = await job(ledger_db, job_id)
    assert (done.state, done.attempt) == ("succeeded", 2)
    assert [row["attempt"] for row in await ledger_rows(ledger_db)] == [2]


async def test_heartbeats_keep_a_long_job_from_being_taken_over(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await effect.enqueue(session, Effect(key="long", sleep=2.5))
    assert job_id is not None
    # Two workers with a 1 s lease: without heartbeats the second would rescue and re-run the job.
    async with workers(ledger_db, count=2, lease=1.0):
        await eventually(lambda: all_finished(ledger_db))
    done = await job(ledger_db, job_id)
    assert (done.state, done.attempt) == ("succeeded", 1)
    assert len(await ledger_rows(ledger_db)) == 1


async def test_cancelling_a_running_job_rolls_its_work_back(ledger_db: Database) -> None:
    async with ledger_db.transaction() as session:
        job_id = await effect.enqueue(session, Effect(key="cancel me", sleep=1.0))
    assert job_id is not None
    async with workers(ledger_db):
        await eventually(lambda: _is_running(ledger_db, job_id))
        await admin.cancel_job(ledger_db, job_id)
        await asyncio.sleep(1.5)
    assert (await job(ledger_db, job_id)).state == "cancelled"
    assert await ledger_rows(ledger_db) == []


async def _is_running(db: Database, job_id: int) -> bool:
    return (await job(db, job_id)).state == "running"


def test_backoff_grows_exponentially_within_its_jitter_and_cap() -> None:
    policy = RetryPolicy(base=2.0, cap=60.0, jitter=0.25)
    for attempt, exponential in [(1, 2.0), (2, 4.0), (3, 8.0), (5, 32.0), (6, 60.0), (12, 60.0)]:
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(exponential * 0.75 <= d <= exponential for d in delays)
        assert max(delays) - min(delays) > 0  # jittered, so workers retrying together spread out
