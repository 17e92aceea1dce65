"""Messages over HTTP: the JSON API operators and scripts use."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict

from gridlink.store import messages
from gridlink.store.models.messages import Direction, Message, MessageState
from gridlink.web.hub import Hub, hub_of

router = APIRouter(prefix="/api/messages", tags=["messages"])


class MessageOut(BaseModel):
    """A message as the API shows it (its bytes are fetched separately)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    direction: str
    state: str
    partner: str | None
    transport: str | None
    standard: str | None
    document_type: str | None
    sender: str | None
    receiver: str | None
    interchange_control: str | None
    set_control: str | None
    reference: str | None
    blob_sha256: str
    size: int
    error: str | None
    created_at: datetime
    updated_at: datetime


class EventOut(BaseModel):
    """One state transition."""

    model_config = ConfigDict(from_attributes=True)

    from_state: str | None
    to_state: str
    note: str | None
    at: datetime


class MessageDetail(MessageOut):
    """A message with its audit trail."""

    events: list[EventOut]


@router.get("")
async def list_messages(
    hub: Annotated[Hub, Depends(hub_of)],
    *,
    state: MessageState | None = None,
    partner: str | None = None,
    direction: Direction | None = None,
    reference: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[MessageOut]:
    """The newest messages, filtered by state, partner, direction or business reference."""
    async with hub.db.session() as session:
        found = await messages.search(
            session, state=state, partner=partner, direction=direction, reference=reference, limit=limit
        )
    return [MessageOut.model_validate(m) for m in found]


@router.get("/{message_id}")
async def get_message(message_id: int, hub: Annotated[Hub, Depends(hub_of)]) -> MessageDetail:
    """One message and every state it passed through."""
    async with hub.db.session() as session:
        message = await session.get(Message, message_id)
        if message is None:
            raise HTTPException(404, f"no message {message_id}")
        events = await messages.history(session, message_id)
    base = MessageOut.model_validate(message).model_dump()
    return MessageDetail(**base, events=[EventOut.model_validate(e) for e in events])
