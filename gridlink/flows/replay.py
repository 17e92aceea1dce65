"""Replaying a message after a fix: a received interchange is processed again, a received document is
applied again, a document for a partner is sent again. Each replay is an audit event."""

from __future__ import annotations

from contextlib import suppress

from gridlink.engine import JobKind
from gridlink.flows.inbound import APPLY, receive
from gridlink.flows.outbound import MessageRef, deliver, delivery_order
from gridlink.flows.partner_documents import UnknownPartner, profile_by_key
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
        ordering = f"replay:{message.partner}"
        if message.direction == Direction.OUTBOUND.value:
            kind, what = deliver, "sent again"
            if message.partner is not None:  # in turn with the partner's other deliveries, if they queue
                with suppress(UnknownPartner):  # the delivery itself will say the partner is gone
                    ordering = delivery_order(await profile_by_key(session, message.partner)) or ordering
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
            ordering_key=ordering,
        )
    return f"message {message_id} will be {what}"
