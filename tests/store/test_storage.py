"""Storage: migrations on both databases, timezone-safe timestamps, commit hooks, the blob store."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

import gridlink.store.models  # noqa: F401  (registers every table)
from gridlink.store.base import Base
from gridlink.store.blobs import BlobNotFound, LocalBlobStore
from gridlink.store.db import Database, after_commit
from gridlink.store.migrate import current_revision, head_revision, is_current, upgrade
from gridlink.store.models.jobs import Job


async def test_migrations_bring_an_empty_database_to_head(database_url: str) -> None:
    assert current_revision(database_url) is None
    await asyncio.to_thread(upgrade, database_url)
    assert current_revision(database_url) == head_revision()
    db = Database(database_url)
    try:
        assert await is_current(db)
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            indexes = await conn.run_sync(lambda sync: {i["name"] for i in inspect(sync).get_indexes("jobs")})
        assert "jobs" in tables
        assert {"ix_jobs_claim", "ix_jobs_ordering", "ix_jobs_lease"} <= indexes
    finally:
        await db.dispose()
    await asyncio.to_thread(upgrade, database_url)  # a second upgrade is a no-op
    assert current_revision(database_url) == head_revision()


@pytest.mark.postgres
def test_migrations_take_a_url_with_percent_encoded_parts(postgres_url: str) -> None:
    # A password with @ or % in it must be percent-encoded in the URL (trust auth ignores its value).
    url = make_url(postgres_url).set(password="p@ss%word").render_as_string(hide_password=False)
    assert "%40" in url
    upgrade(url)
    assert current_revision(url) == head_revision()


async def test_the_migrations_build_exactly_the_tables_the_models_describe(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url)
    db = Database(database_url)
    try:
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await db.dispose()
    assert differences == []


async def test_an_unmigrated_database_is_not_current(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert not await is_current(db)
    finally:
        await db.dispose()


async def test_timestamps_come_back_in_utc_whatever_zone_went_in(db: Database) -> None:
    paris = timezone(timedelta(hours=1))
    local = datetime(2026, 11, 24, 13, 30, tzinfo=paris)
    async with db.transaction() as session:
        job = Job(kind="k", payload={}, max_attempts=1, run_at=local, errors=[])
        session.add(job)
    async with db.session() as session:
        stored = (await session.execute(select(Job.run_at))).scalar_one()
    assert stored == datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    assert stored.tzinfo is not None


async def test_commit_hooks_run_after_commit_and_never_after_rollback(db: Database) -> None:
    ran: list[str] = []
    async with db.session() as session:
        async with session.begin():
            after_commit(session, lambda: ran.append("committed"))
            await session.execute(text("SELECT 1"))
            assert ran == []
        assert ran == ["committed"]
        transaction = await session.begin()
        after_commit(session, lambda: ran.append("rolled back"))
        await transaction.rollback()
        async with session.begin():
            await session.execute(text("SELECT 1"))
    assert ran == ["committed"]


async def test_concurrent_transactions_of_one_process_all_commit(db: Database) -> None:
    async def add(n: int) -> None:
        async with db.transaction() as session:
            session.add(Job(kind=f"k{n}", payload={}, max_attempts=1, errors=[]))
            await session.flush()
            await asyncio.sleep(0)  # let the others try to write meanwhile

    await asyncio.gather(*(add(n) for n in range(40)))
    async with db.session() as session:
        kinds = set((await session.execute(select(Job.kind))).scalars())
    assert kinds == {f"k{n}" for n in range(40)}


async def test_on_sqlite_a_transaction_that_has_not_written_blocks_no_writer(db: Database) -> None:
    async with db.transaction() as slow:
        await slow.execute(select(Job.id))  # reads, then waits (on the network, say) before writing
        async with db.transaction() as quick:
            quick.add(Job(kind="quick", payload={}, max_attempts=1, errors=[]))
        slow.add(Job(kind="slow", payload={}, max_attempts=1, errors=[]))
    async with db.session() as session:
        assert set((await session.execute(select(Job.kind))).scalars()) == {"quick", "slow"}


async def test_on_sqlite_a_writer_waits_for_another_process_lock_while_the_hub_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    other = sqlite3.connect(tmp_path / "hub.db", isolation_level=None)  # another process, as SQLite sees it
    try:
        async with db.session() as session:  # the hub is up (its first connection put the file in WAL mode)
            await session.execute(select(Job.id))
        other.execute("BEGIN IMMEDIATE")  # holds the write lock

        async def write() -> None:
            async with db.transaction() as session:
                session.add(Job(kind="waited", payload={}, max_attempts=1, errors=[]))

        writer = asyncio.create_task(write())
        await asyncio.sleep(0.2)
        async with db.session() as session:  # the event loop is free: reads go on meanwhile
            assert (await session.execute(select(func.count()).select_from(Job))).scalar_one() == 0
        assert not writer.done()
        other.execute("COMMIT")
        await writer
        async with db.session() as session:
            assert list((await session.execute(select(Job.kind))).scalars()) == ["waited"]
    finally:
        other.close()
        await db.dispose()


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


async def test_blobs_are_stored_under_their_sha256_once(blobs: LocalBlobStore) -> None:
    data = b"ISA*00*...~"
    digest = await blobs.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert await blobs.get(digest) == data
    assert await blobs.exists(digest)
    assert await blobs.put(data) == digest
    files = [p for p in blobs.root.rglob("*") if p.is_file()]
    assert files == [blobs.root / digest[:2] / digest]  # one file, no temporary leftovers


async def test_blobs_an_earlier_version_stored_two_levels_deep_are_still_found(blobs: LocalBlobStore) -> None:
    data = b"UNA:+.? 'UNB+UNOC:3+SENDER+RECEIVER'"
    digest = hashlib.sha256(data).hexdigest()
    earlier = blobs.root / digest[:2] / digest[2:4] / digest
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(data)
    assert await blobs.exists(digest)
    assert await blobs.get(digest) == data
    assert b"".join([part async for part in blobs.stream(digest)]) == data
    assert await blobs.put(data) == digest
    assert [p for p in blobs.root.rglob("*") if p.is_file()] == [earlier]  # not stored a second time


async def test_large_blobs_stream_in_and_out(blobs: LocalBlobStore) -> None:
    chunk = bytes(range(256)) * 4096  # 1 MiB

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield chunk

    digest, size = await blobs.put_stream(chunks())
    assert size == 5 * len(chunk)
    assert digest == hashlib.sha256(chunk * 5).hexdigest()
    received = b"".join([part async for part in blobs.stream(digest)])
    assert received == chunk * 5


async def test_missing_or_malformed_digests_are_not_found(blobs: LocalBlobStore) -> None:
    with pytest.raises(BlobNotFound):
        await blobs.get("0" * 64)
    with pytest.raises(BlobNotFound):
        await blobs.get("../../etc/passwd")
    assert not await blobs.exists("not-a-digest")
    with pytest.raises(BlobNotFound):
        async for _ in blobs.stream("f" * 64):
            pass
