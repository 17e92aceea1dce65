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
from gridlink.engine import Discard, JobContext, complete_waiting, define_job
from gridlink.flows.partner_documents import document_setting, interchange, numbered, profile_by_key
from gridlink.flows.transports import Delivered, PartnerLinks, transport_name
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
            session,
            MessageRef(message_id=message.id),
            idempotency_key=delivery_key(message.id),
            ordering_key=delivery_order(profile),
        )
    return message


def delivery_key(message_id: int) -> str:
    """The idempotency key of a message's delivery job."""
    return f"deliver:{message_id}"


def delivery_order(profile: PartnerProfile) -> str | None:
    """The ordering key of deliveries to a partner that takes several interchanges per file: one at a
    time, so that no two deliveries put the same waiting interchange in their files."""
    return f"deliver:{profile.key}" if profile.interchanges_per_file > 1 else None


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
        companions = await _waiting(peek, sending, profile.interchanges_per_file - 1)
    blobs = ctx.resource(BlobStore)
    data = b"".join([await blobs.get(m.blob_sha256) for m in (sending, *companions)])
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
    if delivered.earlier:  # what else that file held is not known: the others go again in their turn
        companions = []
    await _delivered(ctx.session, profile, [sending.id, *(m.id for m in companions)], delivered)
    # Their own delivery jobs have nothing left to do.
    await complete_waiting(ctx.session, [delivery_key(m.id) for m in companions], utcnow())


async def _waiting(session: AsyncSession, sending: Message, most: int) -> list[Message]:
    """Up to ``most`` other interchanges waiting for the same partner, to go in the same file."""
    if most <= 0:
        return []
    stmt = (
        select(Message)
        .where(
            Message.partner == sending.partner,
            Message.direction == Direction.OUTBOUND.value,
            Message.state == MessageState.VALIDATED.value,
            Message.transport == sending.transport,
            Message.standard == sending.standard,  # one content type per AS2 message
            Message.id != sending.id,
        )
        .order_by(Message.id)
        .limit(most)
    )
    return list((await session.execute(stmt)).scalars())


async def _delivered(
    session: AsyncSession, profile: PartnerProfile, ids: list[int], delivered: Delivered
) -> None:
    """Record that messages got to their partner in one file (the first is the delivery's own), and what
    the partner owes back now."""
    stmt = select(Message).where(Message.id.in_(ids)).with_for_update()
    found = {m.id: m for m in (await session.execute(stmt)).scalars()}
    arrived = []
    for message_id in ids:
        message = found[message_id]
        message.transport_id = delivered.transport_id[:255]
        message.error = None
        note = delivered.note
        if message_id == ids[0] and len(ids) > 1:
            note += f" ({len(ids) - 1} more interchanges in the same file)"
        elif message_id != ids[0]:
            note += f" (in the file of message {ids[0]})"
        if message.state in (MessageState.VALIDATED, MessageState.RETRYING):
            await messages.transition(session, message, MessageState.DELIVERED, note=note)
        elif message.state == MessageState.DEAD:
            continue
        else:  # its acknowledgment was settled while the receipt was on its way back
            note += " (its acknowledgment came first)"
            await messages.transition(session, message, MessageState(message.state), note=note)
        arrived.append(message)
    await _expect_answers(session, profile, arrived)


async def _expect_answers(session: AsyncSession, profile: PartnerProfile, sent: list[Message]) -> None:
    """What the partner owes back now that it has the documents, by when (from its profile); what came
    back already (answers can overtake the delivery's own bookkeeping) is expected and met at once."""
    now = utcnow()
    due = profile.acknowledgments
    orders_sent = [m.id for m in sent if m.document_type in PURCHASE_ORDERS]
    states: dict[int, str] = {}
    if orders_sent:
        # Only a purchase order still just sent becomes delivered: an answer may have moved it on.
        await session.execute(
            update(PurchaseOrderRecord)
            .where(
                PurchaseOrderRecord.message_id.in_(orders_sent),
                PurchaseOrderRecord.state == PurchaseOrderState.SENT.value,
            )
            .values(state=PurchaseOrderState.DELIVERED.value, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        stmt = select(PurchaseOrderRecord.message_id, PurchaseOrderRecord.state).where(
            PurchaseOrderRecord.message_id.in_(orders_sent)
        )
        states = {m: str(state) for m, state in (await session.execute(stmt)).all() if m is not None}
    expected: list[orders.Expected] = []
    for message in sent:
        owed: list[tuple[ExpectationKind, float, bool]] = []
        if due.functional and message.document_type not in ACKNOWLEDGMENTS:
            acknowledged = message.state in (MessageState.ACKNOWLEDGED, MessageState.DEAD)
            owed.append((ExpectationKind.FUNCTIONAL_ACK, due.functional_within_hours, acknowledged))
        if message.document_type in PURCHASE_ORDERS:
            state = PurchaseOrderState(states.get(message.id, PurchaseOrderState.DELIVERED.value))
            answered = state not in (PurchaseOrderState.SENT, PurchaseOrderState.DELIVERED)
            shipped = state in (PurchaseOrderState.SHIPPED, PurchaseOrderState.PARTIALLY_SHIPPED)
            owed.append((ExpectationKind.PO_ACK, due.po_ack_within_hours, answered))
            owed.append((ExpectationKind.SHIP_NOTICE, due.ship_notice_within_hours, shipped))
        expected += [
            orders.Expected(
                message.id, profile.key, kind, now + timedelta(hours=hours), message.reference, met
            )
            for kind, hours, met in owed
        ]
    await orders.expect(session, expected)
