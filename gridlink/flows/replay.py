"""Replaying a message after a fix: a received interchange is processed again, a received document is
applied again, a document for a partner is sent again. Each replay is an audit event."""

from __future__ import annotations

from gridlink.engine import JobKind
from gridlink.flows.inbound import APPLY, receive
from gridlink.flows.outbound import MessageRef, deliver
from gridlink.store import messages
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, Message, MessageState


class ReplayRefused(Exception):
    """The message cannot be replayed in its state; the message says why."""


# What an operator may replay: what failed or stalled. A message that was applied or delivered is not
# replayed, because its effects happened (a repeat would send a second copy to the partner).
REPLAYABLE = {
    MessageState.RECEIVED,
    MessageState.VALIDATED,
    MessageState.REJECTED,
    MessageState.RETRYING,
    MessageState.DEAD,
}


async def replay(db: Database, message_id: int, *, who: str = "an operator") -> str:
    """Queue ``message_id`` for processing again; a sentence saying what will happen."""
    async with db.transaction() as session:
        message = await session.get(Message, message_id)
        if message is None:
            raise ReplayRefused(f"no message {message_id}")
        if message.state not in REPLAYABLE:
            raise ReplayRefused(
                f"message {message_id} is {message.state}: only failed or stalled ones replay"
            )
        kind: JobKind[MessageRef] | None
        if message.direction == Direction.OUTBOUND.value:
            kind, what = deliver, "sent again"
        elif message.set_control is None:
            kind, what = receive, "validated, acknowledged and applied again"
        else:
            applier = APPLY.get(message.document_type or "")
            kind, what = (applier[0] if applier else None), "applied again"
        if kind is None:
            raise ReplayRefused(f"no flow applies {message.document_type} documents")
        history = await messages.history(session, message.id)
        await messages.transition(session, message, MessageState.RETRYING, note=f"replayed by {who}")
        await kind.enqueue(
            session,
            MessageRef(message_id=message.id),
            idempotency_key=f"replay:{message.id}:{len(history)}",
            ordering_key=f"replay:{message.partner}",
        )
    return f"message {message_id} will be {what}"
