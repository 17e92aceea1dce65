"""Documents for partners: written with the partner's control numbers, checked, stored and recorded in
one transaction with the job that delivers them; delivery sets what the partner owes back by when."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import select
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
    message = await ctx.session.get(Message, ref.message_id)
    if message is None or message.partner is None:
        raise Discard(f"no outbound message {ref.message_id}")
    if message.state not in (MessageState.VALIDATED, MessageState.RETRYING):
        return  # delivered already: this is a repeat of a job that finished
    profile = await profile_by_key(ctx.session, message.partner)
    data = await ctx.resource(BlobStore).get(message.blob_sha256)
    name = f"{message.document_type or 'edi'}-{message.interchange_control}-{message.id}.edi"
    try:
        delivered = await ctx.resource(PartnerLinks).send(
            profile, data, standard=message.standard or "x12", name=name
        )
    except (DeliveryFailed, MailboxError) as exc:
        # Kept in its own transaction: the job's rolls back with the failure.
        final = ctx.is_last_attempt
        async with ctx.db.transaction() as session:
            failed = await session.get(Message, message.id)
            assert failed is not None
            to = MessageState.DEAD if final else MessageState.RETRYING
            await messages.transition(
                session, failed, to, note=f"attempt {ctx.attempt} failed", error=str(exc)
            )
        raise
    message.transport_id = delivered.transport_id[:255]
    message.error = None
    await messages.transition(ctx.session, message, MessageState.DELIVERED, note=delivered.note)
    await _expect_answers(ctx.session, profile, message)


async def _expect_answers(session: AsyncSession, profile: PartnerProfile, message: Message) -> None:
    """What the partner owes back now that it has the document, by when (from its profile)."""
    now = utcnow()
    due = profile.acknowledgments
    if due.functional and message.document_type not in ACKNOWLEDGMENTS:
        await orders.expect(
            session,
            message_id=message.id,
            partner=profile.key,
            kind=ExpectationKind.FUNCTIONAL_ACK,
            due_at=now + timedelta(hours=due.functional_within_hours),
            reference=message.reference,
        )
    if message.document_type not in PURCHASE_ORDERS:
        return
    record = (
        await session.execute(select(PurchaseOrderRecord).where(PurchaseOrderRecord.message_id == message.id))
    ).scalar_one_or_none()
    if record is not None and record.state == PurchaseOrderState.SENT:
        orders.touch(record, state=PurchaseOrderState.DELIVERED.value)
    for kind, hours in (
        (ExpectationKind.PO_ACK, due.po_ack_within_hours),
        (ExpectationKind.SHIP_NOTICE, due.ship_notice_within_hours),
    ):
        await orders.expect(
            session,
            message_id=message.id,
            partner=profile.key,
            kind=kind,
            due_at=now + timedelta(hours=hours),
            reference=message.reference,
        )
