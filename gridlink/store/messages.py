"""Recording messages and their state transitions, each transition an audit event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.logs import correlation_id
from gridlink.store.base import utcnow
from gridlink.store.inserts import insert_later
from gridlink.store.models.messages import Direction, Message, MessageEvent, MessageState

_EVENTS: Table = MessageEvent.__table__  # type: ignore[assignment]


async def record(
    session: AsyncSession,
    *,
    direction: Direction,
    blob_sha256: str,
    size: int,
    state: MessageState = MessageState.RECEIVED,
    note: str | None = None,
    **fields: Any,
) -> Message:
    """Add a message whose bytes are already in the blob store (a draft's are on its row, see
    ``Message.draft``), with its first audit event."""
    message = Message(
        direction=direction.value,
        state=state.value,
        blob_sha256=blob_sha256,
        size=size,
        correlation_id=correlation_id(),
        **fields,
    )
    session.add(message)
    await session.flush()
    _event(session, message.id, None, state, note)
    return message


async def transition(
    session: AsyncSession,
    message: Message,
    to: MessageState,
    *,
    note: str | None = None,
    error: str | None = None,
) -> None:
    """Move ``message`` to state ``to`` and record the transition (``error`` is kept on the message)."""
    _event(session, message.id, message.state, to, note)
    message.state = to.value
    message.updated_at = utcnow()
    if error is not None:
        message.error = error


def _event(
    session: AsyncSession, message_id: int, from_state: str | None, to: MessageState, note: str | None
) -> None:
    # Written with the transaction's other events in one statement, before its next query or commit.
    row = {
        "message_id": message_id,
        "from_state": from_state,
        "to_state": to.value,
        "note": note,
        "at": utcnow(),
    }
    insert_later(session, _EVENTS, row)


async def history(session: AsyncSession, message_id: int) -> list[MessageEvent]:
    """Every transition of a message, oldest first."""
    stmt = select(MessageEvent).where(MessageEvent.message_id == message_id).order_by(MessageEvent.id)
    return list((await session.execute(stmt)).scalars())


async def search(
    session: AsyncSession,
    *,
    state: MessageState | None = None,
    partner: str | None = None,
    direction: Direction | None = None,
    reference: str | None = None,
    limit: int = 50,
) -> list[Message]:
    """The newest messages matching every filter given."""
    stmt = select(Message).order_by(Message.id.desc()).limit(limit)
    if state is not None:
        stmt = stmt.where(Message.state == state.value)
    if partner is not None:
        stmt = stmt.where(Message.partner == partner)
    if direction is not None:
        stmt = stmt.where(Message.direction == direction.value)
    if reference is not None:
        stmt = stmt.where(Message.reference == reference)
    return list((await session.execute(stmt)).scalars())


async def by_transport_id(
    session: AsyncSession, *, partner: str, direction: Direction, transport_id: str
) -> Message | None:
    """The message a transport already delivered under this id (an AS2 Message-ID), if any."""
    stmt = (
        select(Message)
        .where(
            Message.partner == partner,
            Message.direction == direction.value,
            Message.transport_id == transport_id,
        )
        .order_by(Message.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def earlier_copy(session: AsyncSession, message: Message) -> Message | None:
    """An earlier inbound interchange from the same partner with the same control number and bytes."""
    stmt = (
        select(Message)
        .where(
            Message.partner == message.partner,
            Message.direction == Direction.INBOUND.value,
            Message.interchange_control == message.interchange_control,
            Message.blob_sha256 == message.blob_sha256,
            Message.set_control.is_(None),  # interchanges, not the sets recorded from them
            Message.id < message.id,
        )
        .order_by(Message.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
