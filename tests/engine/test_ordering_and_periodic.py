"""Per-key ordering across concurrent workers, and periodic jobs under any number of schedulers."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from gridlink.engine import JobContext, NoPayload, Registry, define_periodic, queue, run_scheduler
from gridlink.engine.scheduler import enqueue_due
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from tests.engine.conftest import all_finished, eventually, workers
from tests.engine.jobs_for_tests import Effect, effect, ledger_rows


async def test_jobs_sharing_an_ordering_key_run_one_at_a_time_in_enqueue_order(ledger_db: Database) -> None:
    rng = random.Random(7)
    expected: dict[str, list[int]] = defaultdict(list)
    async with ledger_db.transaction() as session:
        for n in range(500):
            key = f"order-{rng.randrange(20)}"
            expected[key].append(n)
            # Small random durations make later jobs of a key ready to finish before earlier ones.
            await effect.enqueue(
                session, Effect(key=key, seq=n, sleep=rng.choice([0, 0, 0.01])), ordering_key=key
            )
    async with workers(ledger_db, count=4, concurrency=5):
        await eventually(lambda: all_finished(ledger_db))
    seen: dict[str, list[int]] = defaultdict(list)
    for row in await ledger_rows(ledger_db):
        seen[str(row["key"])].append(int(row["seq"]))  # type: ignore[call-overload]
    assert seen == expected
    assert len(expected) == 20


async def test_a_waiting_retry_holds_back_the_rest_of_its_key(ledger_db: Database) -> None:
    # The first job of the key is scheduled in the future; the second must not overtake it.
    async with ledger_db.transaction() as session:
        await effect.enqueue(session, Effect(key="k", seq=1), ordering_key="k", delay=timedelta(seconds=0.8))
        await effect.enqueue(session, Effect(key="k", seq=2), ordering_key="k")
        await effect.enqueue(session, Effect(key="other", seq=3), ordering_key="other")
    async with workers(ledger_db, count=2):
        await eventually(lambda: all_finished(ledger_db))
    rows = await ledger_rows(ledger_db)
    assert [row["seq"] for row in rows if row["key"] == "k"] == [1, 2]
    assert rows[0]["seq"] == 3  # the unrelated key was not held back


heartbeat_runs: list[datetime] = []
periodic_registry = Registry()


@define_periodic("test.tick", every=timedelta(seconds=1), into=periodic_registry)
async def tick(ctx: JobContext, payload: NoPayload) -> None:
    """A periodic job that notes when it ran."""
    heartbeat_runs.append(datetime.now(UTC))


async def test_periodic_jobs_are_enqueued_once_per_period_by_any_number_of_schedulers(db: Database) -> None:
    now = datetime(2026, 11, 24, 12, 0, 0, 300_000, tzinfo=UTC)
    created = [await enqueue_due(db, periodic_registry, now) for _ in range(3)]
    created.append(await enqueue_due(db, periodic_registry, now + timedelta(milliseconds=500)))
    created.append(await enqueue_due(db, periodic_registry, now + timedelta(seconds=1)))
    assert created == [1, 0, 0, 0, 1]
    async with db.session() as session:
        jobs = (await session.execute(select(Job).order_by(Job.id))).scalars().all()
    assert [j.run_at for j in jobs] == [
        now.replace(microsecond=0),
        now.replace(microsecond=0) + timedelta(seconds=1),
    ]
    assert {j.ordering_key for j in jobs} == {"periodic:test.tick"}


async def test_running_schedulers_and_a_worker_run_a_periodic_job_each_period(db: Database) -> None:
    heartbeat_runs.clear()
    stop = asyncio.Event()
    schedulers = [asyncio.create_task(run_scheduler(db, stop, periodic_registry)) for _ in range(3)]
    async with workers(db, kinds=periodic_registry):
        await asyncio.sleep(3.2)
        stop.set()
        await asyncio.gather(*schedulers)
        await eventually(lambda: all_finished(db))
    async with db.session() as session:
        run_ats = (await session.execute(select(Job.run_at))).scalars().all()
    # Three schedulers over ~3 s: one job per period, never one per scheduler, and no period skipped.
    # (How many periods fit in the window depends on the machine's timing, so only a floor is asserted.)
    assert len(run_ats) >= 3
    assert len(set(run_ats)) == len(run_ats)
    ordered = sorted(run_ats)
    assert {later - earlier for earlier, later in itertools.pairwise(ordered)} == {timedelta(seconds=1)}
    assert len(heartbeat_runs) == len(run_ats)


async def test_a_job_committed_late_does_not_run_beside_a_later_one_of_its_key(ledger_db: Database) -> None:
    """Ids are given before commit: a job can become visible after one of its key with a higher id has
    started. It waits until that one is done; the key still has one job running at a time."""
    async with ledger_db.transaction() as session:
        late = await effect.enqueue(session, Effect(key="k", seq=1), ordering_key="k")
        first = await effect.enqueue(session, Effect(key="k", seq=2), ordering_key="k")
        await session.execute(update(Job).where(Job.id == late).values(state="hidden"))  # not committed yet
    now = datetime.now(UTC)
    options = {"worker_id": "w", "kinds": ["test.effect"], "limit": 10, "lease": timedelta(seconds=30)}
    assert [job.id for job in await queue.claim(ledger_db, now=now, **options)] == [first]
    async with ledger_db.transaction() as session:
        await session.execute(update(Job).where(Job.id == late).values(state="available"))  # committed now
    assert await queue.claim(ledger_db, now=now, **options) == []  # its key's running job holds it back
    async with ledger_db.transaction() as session:
        await session.execute(update(Job).where(Job.id == first).values(state="succeeded"))
    assert [job.id for job in await queue.claim(ledger_db, now=now, **options)] == [late]
