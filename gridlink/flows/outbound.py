"""Documents for partners: written with the partner's control numbers, checked, stored and recorded in
one transaction with the job that delivers them; delivery sets what the partner owes back by when."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.config import Settings
from gridlink.edi.compose import Body
from gridlink.edi.validator import validate
from gridlink.engine import Discard, JobContext, define_job
from gridlink.flows.partner_documents import document_setting, interchange, numbered, profile_by_key
from gridlink.flows.transports import PartnerLinks, transport_name
from gridlink.grid.as2.transport import DeliveryFailed
from gridlink.grid.sftp import MailboxError
from gridlink.logs import get_logger
from gridlink.partners.profiles import PartnerProfile
from gridlink.store import messages, orders
from gridlink.store.base import utcnow
from gridlink.store.blobs import BlobStore
from gridlink.store.models.messages import Direction, Message, MessageState
from gridlink.store.models.orders import ExpectationKind, PurchaseOrderRecord, PurchaseOrderState

log = get_logger(__name__)

ACKNOWLEDGMENTS = frozenset({"997", "999", "TA1", "CONTRL"})
PURCHASE_ORDERS = frozenset({"850", "ORDERS"})


class MessageRef(BaseModel):
    """Which message a job is about."""

    message_id: int


async def send_document(
    session: AsyncSession,
    settings: Settings,
    blobs: BlobStore,
    profile: PartnerProfile,
    x12_set: str,
    body: Body,
    *,
    reference: str | None,
) -> Message:
    """Write one document to ``profile`` in its standard and version and queue its delivery."""
    setting = document_setting(profile, x12_set)
    data = await numbered(session, profile.key, interchange(settings.edi, profile, setting, x12_set, [body]))
    return await record_outbound(session, blobs, profile, data, reference=reference)


async def record_outbound(
    session: AsyncSession, blobs: BlobStore, profile: PartnerProfile, data: bytes, *, reference: str | None
) -> Message:
    """Record an interchange for ``profile`` and queue its delivery.

    The hub checks what it writes as it checks what it receives: an interchange that fails its own
    validation is kept dead, with the problems, and never sent.
    """
    (result,) = validate(data)
    problems = [f"{where}: {problem}" for where, problem in result.all_problems()]
    first = result.sets[0] if result.sets else None
    group = result.groups[0] if result.groups else None
    digest = await blobs.put(data)
    message = await messages.record(
        session,
        direction=Direction.OUTBOUND,
        blob_sha256=digest,
        size=len(data),
        state=MessageState.DEAD if problems else MessageState.VALIDATED,
        note="written; it fails validation and is not sent" if problems else "written and validated",
        partner=profile.key,
        transport=transport_name(profile),
        standard=result.standard,
        document_type=first.id if first else ("TA1" if result.standard == "x12" else None),
        sender=f"{result.sender_qualifier}:{result.sender}",
        receiver=f"{result.receiver_qualifier}:{result.receiver}",
        interchange_control=result.control,
        group_control=group.control if group and group.explicit else None,
        set_control=first.control if first else None,
        reference=reference,
        error="\n".join(problems) or None,
    )
    if problems:
        log.error("the hub wrote an invalid interchange", partner=profile.key, problems=problems[:5])
    else:
        await deliver.enqueue(
            session, MessageRef(message_id=message.id), idempotency_key=f"deliver:{message.id}"
        )
    return message


@define_job("edi.deliver", max_attempts=15, backoff=10.0, backoff_cap=3600.0)
async def deliver(ctx: JobContext, ref: MessageRef) -> None:
    """Send an outbound interchange over its partner's transport (again, when it was replayed)."""
    # Read outside the job's transaction: the partner may answer while the send is under way, and what
    # follows must see that answer (on SQLite a transaction keeps the snapshot of its first read).
    async with ctx.db.session() as peek:
        sending = await peek.get(Message, ref.message_id)
        if sending is None or sending.partner is None:
            raise Discard(f"no outbound message {ref.message_id}")
        if sending.state not in (MessageState.VALIDATED, MessageState.RETRYING):
            return  # delivered already: this is a repeat of a job that finished
        profile = await profile_by_key(peek, sending.partner)
    data = await ctx.resource(BlobStore).get(sending.blob_sha256)
    name = f"{sending.document_type or 'edi'}-{sending.interchange_control}-{sending.id}.edi"
    try:
        delivered = await ctx.resource(PartnerLinks).send(
            profile, data, standard=sending.standard or "x12", name=name
        )
    except (DeliveryFailed, MailboxError) as exc:
        # Kept in its own transaction: the job's rolls back with the failure.
        final = ctx.is_last_attempt
        async with ctx.db.transaction() as session:
            failed = await session.get(Message, sending.id)
            assert failed is not None
            to = MessageState.DEAD if final else MessageState.RETRYING
            await messages.transition(
                session, failed, to, note=f"attempt {ctx.attempt} failed", error=str(exc)
            )
        raise
    message = await ctx.session.get(Message, sending.id, with_for_update=True)
    assert message is not None
    message.transport_id = delivered.transport_id[:255]
    message.error = None
    if message.state in (MessageState.VALIDATED, MessageState.RETRYING):
        await messages.transition(ctx.session, message, MessageState.DELIVERED, note=delivered.note)
    else:  # its acknowledgment was settled while the receipt was on its way back
        note = f"{delivered.note} (its acknowledgment came first)"
        await messages.transition(ctx.session, message, MessageState(message.state), note=note)
    await _expect_answers(ctx.session, profile, message)


async def _expect_answers(session: AsyncSession, profile: PartnerProfile, message: Message) -> None:
    """What the partner owes back now that it has the document, by when (from its profile); what came
    back already (answers can overtake the delivery's own bookkeeping) is expected and met at once."""
    now = utcnow()
    due = profile.acknowledgments
    expected: list[tuple[ExpectationKind, float, bool]] = []
    if due.functional and message.document_type not in ACKNOWLEDGMENTS:
        acknowledged = message.state in (MessageState.ACKNOWLEDGED, MessageState.DEAD)
        expected.append((ExpectationKind.FUNCTIONAL_ACK, due.functional_within_hours, acknowledged))
    if message.document_type in PURCHASE_ORDERS:
        # Only a purchase order still just sent becomes delivered: an answer may have moved it on.
        await session.execute(
            update(PurchaseOrderRecord)
            .where(
                PurchaseOrderRecord.message_id == message.id,
                PurchaseOrderRecord.state == PurchaseOrderState.SENT.value,
            )
            .values(state=PurchaseOrderState.DELIVERED.value, updated_at=now)
        )
        record = (
            await session.execute(
                select(PurchaseOrderRecord).where(PurchaseOrderRecord.message_id == message.id)
            )
        ).scalar_one_or_none()
        state = PurchaseOrderState(record.state) if record else PurchaseOrderState.DELIVERED
        answered = state not in (PurchaseOrderState.SENT, PurchaseOrderState.DELIVERED)
        shipped = state in (PurchaseOrderState.SHIPPED, PurchaseOrderState.PARTIALLY_SHIPPED)
        expected.append((ExpectationKind.PO_ACK, due.po_ack_within_hours, answered))
        expected.append((ExpectationKind.SHIP_NOTICE, due.ship_notice_within_hours, shipped))
    for kind, hours, met in expected:
        await orders.expect(
            session,
            message_id=message.id,
            partner=profile.key,
            kind=kind,
            due_at=now + timedelta(hours=hours),
            reference=message.reference,
            met=met,
        )
