"""Worker processes against one PostgreSQL database: crash safety, ordering, graceful shutdown."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import select

from gridlink.store.db import Database
from gridlink.store.migrate import upgrade
from gridlink.store.models.jobs import Job
from tests.engine.conftest import all_finished, eventually, states
from tests.engine.jobs_for_tests import Effect, create_ledger, effect, ledger_rows
from tests.support.processes import start_gridlink, stop

pytestmark = pytest.mark.postgres

Popen = subprocess.Popen[bytes]
JOB_MODULES = json.dumps(["tests.engine.jobs_for_tests"])


@pytest.fixture
async def pg(postgres_url: str) -> AsyncIterator[Database]:
    await asyncio.to_thread(upgrade, postgres_url)
    database = Database(postgres_url, pool_size=4)
    await create_ledger(database)
    try:
        yield database
    finally:
        await database.dispose()


def spawn_worker(url: str, tmp_path: Path, concurrency: int, lease: float = 2.0, **settings: str) -> Popen:
    """A `gridlink worker` process running the test job kinds (no periodic jobs), logging to workers.log."""
    return start_gridlink(
        ["worker", "--concurrency", str(concurrency), "--no-scheduler"],  # only the test jobs run
        tmp_path / "workers.log",
        database_url=url,
        worker__job_modules=JOB_MODULES,
        worker__lease_seconds=str(lease),
        worker__poll_interval="0.05",
        **settings,
    )


@contextmanager
def worker_processes(url: str, tmp_path: Path, count: int, concurrency: int) -> Iterator[list[Popen]]:
    """``count`` worker processes, each stopped afterwards (SIGTERM, then SIGKILL)."""
    procs = [spawn_worker(url, tmp_path, concurrency) for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            with suppress(subprocess.TimeoutExpired):
                stop(proc, signal.SIGTERM, timeout=30)


def log_tail(tmp_path: Path) -> str:
    path = tmp_path / "workers.log"
    return path.read_text()[-4000:] if path.exists() else ""


async def test_killed_workers_lose_and_duplicate_nothing(
    pg: Database, postgres_url: str, tmp_path: Path
) -> None:
    async with pg.transaction() as session:
        for n in range(2000):
            await effect.enqueue(session, Effect(key=f"job-{n}", seq=n, sleep=0.01))
    kills = 0
    with worker_processes(postgres_url, tmp_path, count=2, concurrency=8) as procs:
        rng = random.Random(3)
        while not await all_finished(pg):
            await asyncio.sleep(rng.uniform(0.4, 0.9))
            counts = await states(pg)
            if kills < 4 and counts.get("succeeded", 0) < 1800:
                victim = rng.randrange(len(procs))
                procs[victim].send_signal(signal.SIGKILL)  # no chance to clean up: mid-transaction
                procs[victim].wait()
                kills += 1
                procs[victim] = spawn_worker(postgres_url, tmp_path, concurrency=8)
            assert any(p.poll() is None for p in procs), log_tail(tmp_path)
    assert kills >= 3, "the run finished before the workers could be killed three times"
    assert await states(pg) == {"succeeded": 2000}
    effects = Counter(str(row["key"]) for row in await ledger_rows(pg))
    assert len(effects) == 2000
    assert set(effects.values()) == {1}, [key for key, n in effects.items() if n != 1][:10]


async def test_ordering_holds_across_worker_processes(
    pg: Database, postgres_url: str, tmp_path: Path
) -> None:
    rng = random.Random(11)
    expected: dict[str, list[int]] = defaultdict(list)
    async with pg.transaction() as session:
        for n in range(500):
            key = f"order-{rng.randrange(20)}"
            expected[key].append(n)
            await effect.enqueue(
                session, Effect(key=key, seq=n, sleep=rng.choice([0, 0.005])), ordering_key=key
            )
    with worker_processes(postgres_url, tmp_path, count=4, concurrency=4):
        await eventually(lambda: all_finished(pg), within=120)
    seen: dict[str, list[int]] = defaultdict(list)
    for row in await ledger_rows(pg):
        seen[str(row["key"])].append(int(str(row["seq"])))
    assert seen == expected
    assert len({row["pid"] for row in await ledger_rows(pg)}) > 1  # the work really was shared


async def test_sigterm_lets_running_jobs_finish(pg: Database, postgres_url: str, tmp_path: Path) -> None:
    async with pg.transaction() as session:
        await effect.enqueue(session, Effect(key="in flight", sleep=2.0))
    proc = spawn_worker(postgres_url, tmp_path, concurrency=2, lease=10.0)
    try:
        await eventually(lambda: _running(pg))
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0, log_tail(tmp_path)
    assert await states(pg) == {"succeeded": 1}
    assert [row["key"] for row in await ledger_rows(pg)] == ["in flight"]


async def test_sigterm_hands_back_jobs_that_outlast_the_grace_period(
    pg: Database, postgres_url: str, tmp_path: Path
) -> None:
    async with pg.transaction() as session:
        await effect.enqueue(session, Effect(key="too long", sleep=60))
    proc = spawn_worker(postgres_url, tmp_path, concurrency=1, worker__shutdown_grace="0.5")
    try:
        await eventually(lambda: _running(pg))
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(proc.wait, 30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0, log_tail(tmp_path)
    async with pg.session() as session:
        job = (await session.execute(select(Job.state, Job.attempt, Job.worker_id))).mappings().one()
    # Back in the queue, untried: the interrupted attempt is not counted against it.
    assert (job["state"], job["attempt"], job["worker_id"]) == ("available", 0, None)
    assert await ledger_rows(pg) == []


async def _running(db: Database) -> bool:
    return (await states(db)).get("running", 0) > 0
