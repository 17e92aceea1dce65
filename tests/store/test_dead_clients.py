"""A hub process killed while its transaction waits on a lock gives its own locks up at once (PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psycopg
from sqlalchemy.engine import make_url

from gridlink.store.migrate import upgrade

# The child holds a job row, then waits for the lock on a second row that the test holds.
CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from sqlalchemy import text
    from gridlink.store.db import Database

    async def main() -> None:
        db = Database(sys.argv[1], pool_size=1)
        async with db.transaction() as session:
            await session.execute(text("UPDATE jobs SET attempt = 1 WHERE id = 1"))
            print("holding", flush=True)
            await session.execute(text("UPDATE jobs SET attempt = 1 WHERE id = 2"))

    asyncio.run(main())
    """
)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_a_killed_client_waiting_on_a_lock_releases_its_own(postgres_url: str) -> None:
    upgrade(postgres_url)
    with psycopg.connect(_dsn(postgres_url), autocommit=True) as admin:
        admin.execute(
            "INSERT INTO jobs (kind, state, payload, priority, attempt, max_attempts, run_at, errors,"
            " created_at) SELECT 'k', 'available', '{}', 0, 0, 1, now(), '[]', now()"
            " FROM generate_series(1, 2)"
        )
        with psycopg.connect(_dsn(postgres_url)) as holder:
            holder.execute("SELECT 1 FROM jobs WHERE id = 2 FOR UPDATE")
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, postgres_url], stdout=subprocess.PIPE, start_new_session=True
            )
            try:
                assert child.stdout is not None
                assert child.stdout.readline() == b"holding\n"
                _until(lambda: _waiting(admin) == 1)
            finally:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
            # The holder keeps its lock: only the dead client's backend can have let row 1 go.
            _until(lambda: _lockable(admin, 1))
            assert _waiting(admin) == 0
            holder.rollback()


def _waiting(admin: psycopg.Connection[tuple[object, ...]]) -> int:
    query = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    row = admin.execute(query).fetchone()
    assert row is not None
    return int(str(row[0]))


def _lockable(admin: psycopg.Connection[tuple[object, ...]], job_id: int) -> bool:
    with admin.transaction():
        return (
            admin.execute("SELECT 1 FROM jobs WHERE id = %s FOR UPDATE SKIP LOCKED", (job_id,)).fetchone()
            is not None
        )


def _until(check: object, within: float = 30.0) -> None:
    assert callable(check)
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)
