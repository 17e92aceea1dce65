"""No-op job throughput of the durable job engine.

SQLite with one worker process; PostgreSQL with 1, 2 and 4 worker processes (`gridlink worker`).
For each run the workers are started and warmed up by a first batch (connections opened, statements
prepared); then N jobs are enqueued in one transaction and the clock runs from then to the last job's
finished_at. Prints a table, then one JSON line:
{"sqlite_1": jobs/s, "postgres_1": ..., "postgres_2": ..., "postgres_4": ...}

    .venv/bin/python -m bench.engine [--quick] [--jobs N] [--concurrency C]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

import psycopg
from sqlalchemy import func, insert, select

from gridlink.store.base import utcnow
from gridlink.store.db import Database
from gridlink.store.migrate import upgrade
from gridlink.store.models.jobs import UNFINISHED, Job, JobState

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("GRIDLINK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def start_workers(url: str, count: int, concurrency: int, log: Path) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(REPO),
        GRIDLINK_DATABASE_URL=url,
        GRIDLINK_LOG_LEVEL="warning",
        GRIDLINK_WORKER__JOB_MODULES='["bench.noop_jobs"]',
        GRIDLINK_WORKER__POLL_INTERVAL="0.05",
    )
    with log.open("ab") as out:
        return [
            subprocess.Popen(
                [sys.executable, "-m", "gridlink.cli", "worker", "--concurrency", str(concurrency)],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            for _ in range(count)
        ]


async def run_batch(
    db: Database, procs: list[subprocess.Popen[bytes]], jobs: int, log: Path
) -> tuple[datetime, datetime, int]:
    """Enqueue ``jobs`` no-op jobs in one transaction and wait for all: (start, last finish, succeeded)."""
    now = utcnow()
    rows = [
        {
            "kind": "bench.noop",
            "state": "available",
            "payload": {},
            "priority": 100,
            "attempt": 0,
            "max_attempts": 3,
            "run_at": now,
            "errors": [],
            "created_at": now,
        }
        for _ in range(jobs)
    ]
    async with db.transaction() as session:
        await session.execute(insert(Job), rows)
    started = utcnow()
    # Polling must not load the database it measures: a cheap "anything unfinished?" probe every
    # 100 ms, and the clock stops at the last job's own finished_at, not at the poll that saw it.
    unfinished = select(Job.id).where(Job.state.in_(UNFINISHED)).limit(1)
    while True:
        async with db.session() as session:
            if (await session.execute(unfinished)).first() is None:
                break
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"a worker died; see {log}")
        await asyncio.sleep(0.1)
    async with db.session() as session:
        done, last = (
            await session.execute(
                select(func.count(), func.max(Job.finished_at)).where(
                    Job.state == JobState.SUCCEEDED.value, Job.created_at >= now
                )
            )
        ).one()
    if last is None:
        raise RuntimeError(f"no job succeeded; see {log}")
    return started, last, done


async def measure(url: str, workers: int, jobs: int, concurrency: int, log: Path) -> float:
    """Jobs per second for ``jobs`` no-op jobs on ``workers`` worker processes."""
    await asyncio.to_thread(upgrade, url)
    db = Database(url, pool_size=2)
    procs = start_workers(url, workers, concurrency, log)
    try:
        await asyncio.sleep(2.0)  # let the processes start and go idle
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"a worker exited at start; see {log}")
        # Warm-up: the first jobs open each worker's connections (a PostgreSQL backend each) and
        # compile its statements. That cost is paid once per process, not per job, so it stays out
        # of the measured run.
        await run_batch(db, procs, workers * concurrency * 4, log)
        started, last, done = await run_batch(db, procs, jobs, log)
        if done != jobs:
            raise RuntimeError(f"{jobs - done} jobs did not succeed; see {log}")
        return jobs / (last - started).total_seconds()
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        await db.dispose()


def postgres_database() -> tuple[str, str]:
    name = f"gridlink_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer jobs: finishes in well under a minute")
    parser.add_argument("--jobs", type=int, help="jobs per run (default 3000 quick, 20000 full)")
    parser.add_argument("--concurrency", type=int, default=16, help="jobs each worker runs at once")
    args = parser.parse_args()
    jobs = args.jobs or (3000 if args.quick else 20000)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="gridlink-bench-") as tmp:
        log = Path(tmp) / "workers.log"
        results["sqlite_1"] = await measure(f"sqlite:///{tmp}/bench.db", 1, jobs, args.concurrency, log)
        print(f"sqlite     1 worker : {results['sqlite_1']:8.0f} jobs/s", flush=True)
        for workers in (1, 2, 4):
            name, url = postgres_database()
            try:
                rate = await measure(url, workers, jobs, args.concurrency, log)
            finally:
                drop_postgres(name)
            results[f"postgres_{workers}"] = rate
            print(f"postgres   {workers} workers: {rate:8.0f} jobs/s", flush=True)
    print(json.dumps({key: round(value, 1) for key, value in results.items()} | {"jobs_per_run": jobs}))


if __name__ == "__main__":
    asyncio.run(main())
