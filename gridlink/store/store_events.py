"""Recording store events once per event hash, and reading them back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.store.base import utcnow
from gridlink.store.inserts import insert_row
from gridlink.store.models.store_events import EventState, StoreEvent

EVENTS: Table = StoreEvent.__table__  # type: ignore[assignment]


# One event is (hash, created_at): BigCommerce repeats both in every retry and duplicate of a delivery,
# while `hash` alone (a digest of the thin data) is the same for two "updated" events of one order.
EVENT_KEY = ("store_hash", "event_hash", "created_at")


def event_row(
    *,
    store_hash: str,
    event_hash: str,
    scope: str,
    created_at: int,
    body: bytes,
    resource_type: str | None,
    resource_id: str | None,
) -> dict[str, Any]:
    """The row of a delivery just received, waiting to be fetched."""
    return {
        "store_hash": store_hash,
        "event_hash": event_hash,
        "scope": scope,
        "created_at": created_at,
        "body": body,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "state": EventState.PENDING.value,
        "duplicates": 0,
        "received_at": utcnow(),
    }


async def record_event(session: AsyncSession, row: dict[str, Any]) -> int | None:
    """Insert the event (see ``event_row``) and return its id; None (and one more duplicate counted) when
    already recorded."""
    event_id = await insert_row(session, EVENTS, row, unique=EVENT_KEY)
    if event_id is None:
        await count_duplicate(session, row)
    return event_id


async def count_duplicate(session: AsyncSession, row: dict[str, Any]) -> None:
    """Count one more delivery of the event recorded with ``row``'s key."""
    await session.execute(
        update(StoreEvent)
        .where(*(getattr(StoreEvent, name) == row[name] for name in EVENT_KEY))
        .values(duplicates=StoreEvent.duplicates + 1)
    )


# Built once: run for every store event. Bind names differ from the column names, which SQLAlchemy
# reserves for the SET clause.
_FETCHED = (
    update(EVENTS)
    .where(EVENTS.c.id == bindparam("b_id"))
    .values(
        resource=bindparam("b_resource"), state=bindparam("b_state"), error=None, fetched_at=bindparam("b_at")
    )
)


async def mark_fetched(session: AsyncSession, event_id: int, resource: dict[str, Any] | None) -> None:
    """Keep what re-fetching the resource returned; None means the store no longer has it."""
    state = EventState.FETCHED if resource is not None else EventState.GONE
    connection = await session.connection()
    params = {"b_id": event_id, "b_resource": resource, "b_state": state.value, "b_at": utcnow()}
    await connection.execute(_FETCHED, params)


async def events(
    session: AsyncSession, *, store_hash: str | None = None, limit: int = 100
) -> list[StoreEvent]:
    """The newest events, optionally of one store."""
    stmt = select(StoreEvent).order_by(StoreEvent.id.desc()).limit(limit)
    if store_hash is not None:
        stmt = stmt.where(StoreEvent.store_hash == store_hash)
    return list((await session.execute(stmt)).scalars())
