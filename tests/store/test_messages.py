"""Messages keep their audit trail; sequences hand out numbers without gaps, even across rollbacks."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import event, select

from gridlink.store import messages
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, Message, MessageEvent, MessageState, Sequence
from gridlink.store.sequences import next_value, take


async def test_every_transition_of_a_message_is_recorded_in_order(db: Database) -> None:
    async with db.transaction() as session:
        message = await messages.record(
            session,
            direction=Direction.INBOUND,
            blob_sha256="ab" * 32,
            size=120,
            partner="acme",
            document_type="856",
            note="over AS2",
        )
        message_id = message.id
    async with db.transaction() as session:
        loaded = await session.get(Message, message_id)
        assert loaded is not None
        await messages.transition(session, loaded, MessageState.PARSED)
        await messages.transition(session, loaded, MessageState.REJECTED, error="AK5*R*5", note="997 sent")
    async with db.session() as session:
        loaded = await session.get(Message, message_id)
        events = await messages.history(session, message_id)
    assert loaded is not None and loaded.state == "rejected" and loaded.error == "AK5*R*5"
    assert [(e.from_state, e.to_state, e.note) for e in events] == [
        (None, "received", "over AS2"),
        ("received", "parsed", None),
        ("parsed", "rejected", "997 sent"),
    ]


async def test_sequences_count_from_one_per_name(db: Database) -> None:
    async with db.transaction() as session:
        assert [await next_value(session, "acme:isa") for _ in range(3)] == [1, 2, 3]
        assert await next_value(session, "globex:isa") == 1
        assert (await take(session, {"acme:isa": 3}))["acme:isa"] == range(
            4, 7
        )  # several at once, in one statement
        assert await next_value(session, "acme:isa") == 7
        taken = await take(session, {"acme:isa": 2, "acme:gs": 1, "globex:isa": 3})  # several sequences
        assert taken == {"acme:isa": range(8, 10), "acme:gs": range(1, 2), "globex:isa": range(2, 5)}


@pytest.mark.parametrize("writers", [12])
async def test_numbers_used_by_committed_work_have_no_gaps_even_when_others_roll_back(
    db: Database, writers: int
) -> None:
    committed: list[int] = []
    rng = random.Random(7)

    async def allocate(rollback: bool) -> None:
        try:
            async with db.transaction() as session:
                value = await next_value(session, "invoices")
                await asyncio.sleep(rng.random() / 100)
                if rollback:
                    raise RuntimeError("the document failed validation")
                committed.append(value)
        except RuntimeError:
            pass

    plan = [i % 3 == 0 for i in range(writers * 3)]
    for start in range(0, len(plan), writers):
        await asyncio.gather(*(allocate(rollback) for rollback in plan[start : start + writers]))
    assert sorted(committed) == list(range(1, plan.count(False) + 1))
    async with db.session() as session:
        stmt = select(Sequence.last_value).where(Sequence.name == "invoices")
        last = (await session.execute(stmt)).scalar()
    assert last == len(committed)


async def _transitions_of_many(db: Database, count: int) -> tuple[list[int], int]:
    """Record ``count`` messages, then move each on in one transaction; (their ids, statements run by
    that transaction)."""
    async with db.transaction() as session:
        recorded = [
            await messages.record(session, direction=Direction.OUTBOUND, blob_sha256="cd" * 32, size=1)
            for _ in range(count)
        ]
    ids = [m.id for m in recorded]
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with db.transaction() as session:
            found = (await session.execute(select(Message).where(Message.id.in_(ids)))).scalars()
            for message in sorted(found, key=lambda m: m.id):
                await messages.transition(session, message, MessageState.DELIVERED, note=f"to {message.id}")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    return ids, sum("message_events" in s for s in statements if s.lstrip().upper().startswith("INSERT"))


async def test_the_events_of_one_transaction_are_written_in_one_statement_in_order(db: Database) -> None:
    ids, inserts = await _transitions_of_many(db, 30)
    assert inserts == 1
    async with db.session() as session:
        rows = (
            await session.execute(
                select(MessageEvent.message_id, MessageEvent.note)
                .where(MessageEvent.message_id.in_(ids), MessageEvent.to_state == "delivered")
                .order_by(MessageEvent.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [(i, f"to {i}") for i in ids]


async def test_events_not_yet_written_are_seen_by_the_transactions_next_query(db: Database) -> None:
    async with db.transaction() as session:
        message = await messages.record(session, direction=Direction.INBOUND, blob_sha256="ef" * 32, size=1)
        await messages.transition(session, message, MessageState.PARSED)
        assert [e.to_state for e in await messages.history(session, message.id)] == ["received", "parsed"]


async def test_a_rolled_back_transaction_leaves_no_events_behind(db: Database) -> None:
    async with db.session() as session:  # one session, as a job's failure path may go on with it
        async with session.begin():
            message = await messages.record(
                session, direction=Direction.INBOUND, blob_sha256="ef" * 32, size=1
            )
        message_id = message.id
        with pytest.raises(RuntimeError):
            async with session.begin():
                await messages.transition(session, message, MessageState.PARSED)
                raise RuntimeError("the job failed")
        async with session.begin():
            loaded = await session.get(Message, message_id)
            assert loaded is not None
            await messages.transition(session, loaded, MessageState.VALIDATED)
    async with db.session() as session:
        history = [(e.from_state, e.to_state) for e in await messages.history(session, message_id)]
    assert history == [(None, "received"), ("received", "validated")]
