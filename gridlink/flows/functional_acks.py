"""Received 997, 999, TA1 and CONTRL acknowledgments settle what the hub sent: accepted documents are
acknowledged, rejected ones go dead with the partner's errors for an operator."""

from __future__ import annotations

import asyncio

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.edi.reconcile import Ack, AckError, Outcome, reconcile, sent_in
from gridlink.logs import get_logger
from gridlink.store import messages, orders
from gridlink.store.blobs import BlobStore
from gridlink.store.models.messages import Direction, Message, MessageState
from gridlink.store.models.orders import ExpectationKind, PurchaseOrderRecord, PurchaseOrderState

log = get_logger(__name__)

AWAITING = (MessageState.VALIDATED, MessageState.RETRYING, MessageState.DELIVERED)


async def settle(session: AsyncSession, blobs: BlobStore, partner: str, acks: list[Ack]) -> list[str]:
    """Apply ``acks`` from ``partner`` to the messages they name; the parts that match nothing the hub
    sent are returned (an operator may want to know)."""
    candidates = await _candidates(session, partner, acks)
    blobs_read = await asyncio.gather(*(blobs.get(m.blob_sha256) for m in candidates))
    sent = {s: m for m, data in zip(candidates, blobs_read, strict=True) for s in sent_in(data)}
    result = reconcile(list(sent), acks)
    settled: list[int] = []
    for entry in result.settled:
        message = sent[entry.sent]
        if entry.outcome == Outcome.PENDING or message.state not in AWAITING:
            continue
        if entry.outcome == Outcome.REJECTED:
            await messages.transition(
                session,
                message,
                MessageState.DEAD,
                note=f"rejected by {', '.join(entry.by)}",
                error=describe(entry.errors) or "rejected by the partner's acknowledgment",
            )
            await _purchase_order_rejected(session, message)
        else:
            note = f"{entry.outcome.value.replace('_', ' ')} by {', '.join(entry.by)}"
            error = describe(entry.errors) or None
            await messages.transition(session, message, MessageState.ACKNOWLEDGED, note=note, error=error)
        settled.append(message.id)
    if settled:
        await orders.meet(session, partner=partner, kind=ExpectationKind.FUNCTIONAL_ACK, message_ids=settled)
    if result.unmatched:
        log.warning("acknowledgments that name nothing sent", partner=partner, unmatched=result.unmatched)
    return result.unmatched


def describe(errors: list[AckError]) -> str:
    """The partner's error codes, one per line, with where it found them."""
    lines = []
    for e in errors:
        where = f" at {e.segment} #{e.position}" if e.segment else ""
        element = f" element {e.element}" + (f".{e.component}" if e.component else "") if e.element else ""
        value = f" ({e.value!r})" if e.value else ""
        lines.append(f"code {e.code}{where}{element}{value}")
    return "\n".join(lines)


async def _candidates(session: AsyncSession, partner: str, acks: list[Ack]) -> list[Message]:
    groups = {g.control for a in acks for g in a.groups}
    interchanges = {a.interchange for a in acks if a.interchange}
    # The envelope's numbers are written zero-padded (ISA13) and quoted either way.
    padded = interchanges | {f"{int(c):09d}" for c in interchanges if c.isdigit()}
    conditions = []
    if groups:
        conditions.append(Message.group_control.in_(groups))
    if padded:
        conditions.append(Message.interchange_control.in_(padded))
    if not conditions:
        return []
    stmt = select(Message).where(
        Message.partner == partner, Message.direction == Direction.OUTBOUND.value, or_(*conditions)
    )
    return list((await session.execute(stmt)).scalars())


async def _purchase_order_rejected(session: AsyncSession, message: Message) -> None:
    stmt = select(PurchaseOrderRecord).where(PurchaseOrderRecord.message_id == message.id)
    record = (await session.execute(stmt)).scalar_one_or_none()
    if record is not None:
        orders.touch(record, state=PurchaseOrderState.REJECTED.value)
