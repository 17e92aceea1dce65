"""Documents for partners: written with the partner's control numbers, checked, stored and recorded in
one transaction with the job that delivers them; delivery sets what the partner owes back by when."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from gridlink.config import Settings
from gridlink.edi.compose import Body
from gridlink.edi.renumber import renumber
from gridlink.edi.validator import validate
from gridlink.edi.writer import ControlNumbers
from gridlink.engine import Discard, JobContext, complete_waiting, define_job
from gridlink.flows.partner_documents import (
    batched,
    confirm,
    document_setting,
    foresee,
    interchange,
    numbered,
    profile_by_key,
)
from gridlink.flows.transports import Delivered, PartnerLinks, transport_name
from gridlink.grid.as2.transport import DeliveryFailed
from gridlink.grid.sftp import MailboxError
from gridlink.logs import get_logger
from gridlink.partners.profiles import PartnerProfile
from gridlink.store import messages, orders
from gridlink.store.base import utcnow
from gridlink.store.blobs import BlobStore, sha256_hex
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
    data = await numbered(session, profile, interchange(settings.edi, profile, setting, x12_set, [body]))
    return await record_outbound(session, blobs, profile, data, reference=reference)


async def record_outbound(
    session: AsyncSession, blobs: BlobStore, profile: PartnerProfile, data: bytes, *, reference: str | None
) -> Message:
    """Record an interchange for ``profile`` and queue its delivery.

    The hub checks what it writes as it checks what it receives: an interchange that fails its own
    validation is kept dead, with the problems, and never sent. One written with provisional control
    numbers (see ``batched``) is recorded without them, and kept on its message until its delivery numbers
    it: the archive gets what the partner gets.
    """
    fields, problems = described(data)
    draft = batched(profile) and not problems
    if batched(profile):
        fields.update(interchange_control=None, group_control=None, set_control=None)
    note = "written and validated" + ("; numbered when it is sent" if batched(profile) else "")
    message = await messages.record(
        session,
        direction=Direction.OUTBOUND,
        blob_sha256=sha256_hex(data) if draft else await blobs.put(data),
        size=len(data),
        draft=data if draft else None,
        state=MessageState.DEAD if problems else MessageState.VALIDATED,
        note="written; it fails validation and is not sent" if problems else note,
        partner=profile.key,
        transport=transport_name(profile),
        reference=reference,
        error="\n".join(problems) or None,
        **fields,
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


def described(data: bytes) -> tuple[dict[str, str | None], list[str]]:
    """What a message records of an interchange the hub wrote (standard, type, parties, controls), and
    the problems its validation found."""
    (result,) = validate(data)
    first = result.sets[0] if result.sets else None
    group = result.groups[0] if result.groups else None
    fields = {
        "standard": result.standard,
        "document_type": first.id if first else ("TA1" if result.standard == "x12" else None),
        "sender": f"{result.sender_qualifier}:{result.sender}",
        "receiver": f"{result.receiver_qualifier}:{result.receiver}",
        "interchange_control": result.control,
        "group_control": group.control if group and group.explicit else None,
        "set_control": first.control if first else None,
    }
    return fields, [f"{where}: {problem}" for where, problem in result.all_problems()]


def delivery_key(message_id: int) -> str:
    """The idempotency key of a message's delivery job."""
    return f"deliver:{message_id}"


def delivery_order(profile: PartnerProfile) -> str | None:
    """The ordering key of deliveries to a partner that takes several interchanges per file: one at a
    time, so that no two deliveries put the same waiting interchange in their files."""
    return f"deliver:{profile.key}" if batched(profile) else None


@define_job("edi.deliver", max_attempts=15, backoff=10.0, backoff_cap=3600.0)
async def deliver(ctx: JobContext, ref: MessageRef) -> None:
    """Send an outbound interchange over its partner's transport (again, when it was replayed)."""
    # Read outside the job's transaction: the partner may answer while the send is under way, and what
    # follows must see that answer (on SQLite a transaction keeps the snapshot of its first read).
    async with ctx.db.session() as peek:
        sending = await peek.get(Message, ref.message_id, options=[undefer(Message.draft)])
        if sending is None or sending.partner is None:
            raise Discard(f"no outbound message {ref.message_id}")
        if sending.state not in (MessageState.VALIDATED, MessageState.RETRYING):
            return  # delivered already: this is a repeat of a job that finished
        profile = await profile_by_key(peek, sending.partner)
        batch = [sending, *await _waiting(peek, sending, profile.interchanges_per_file - 1)]
    blobs = ctx.resource(BlobStore)
    parts = await _numbered(ctx, profile.key, blobs, batch)
    data = b"".join(data for data, _ in parts)
    # The file's name says what it holds: an earlier attempt's file of that name is this very file.
    name = f"{sending.document_type or 'edi'}-{parts[0][1]}-{sending.id}-{sha256_hex(data)[:12]}.edi"
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
    ids = [m.id for m in batch]
    await _delivered(ctx.session, profile, ids, delivered)
    # Their own delivery jobs have nothing left to do.
    await complete_waiting(ctx.session, [delivery_key(i) for i in ids[1:]], utcnow())


async def _numbered(
    ctx: JobContext, partner: str, blobs: BlobStore, batch: list[Message]
) -> list[tuple[bytes, str | None]]:
    """The interchanges of ``batch`` as they go, with their control numbers. Those written with
    provisional control numbers (see ``batched``) are numbered now, in order, from the partner's
    sequences, in a transaction of their own: from then on the numbers are theirs, whether this send
    succeeds or is tried again."""
    # Drafts are on their messages (those of earlier versions in the archive, as is what was numbered).
    # Read at once: one by one, each read waits its turn on a busy event loop, and deliveries to a
    # partner go one at a time.
    archived = [m for m in batch if m.draft is None]
    read = await asyncio.gather(*(blobs.get(m.blob_sha256) for m in archived))
    contents = {m.id: data for m, data in zip(archived, read, strict=True)}
    stored = [(m.draft or contents[m.id], m.interchange_control) for m in batch]
    drafts = [n for n, m in enumerate(batch) if m.interchange_control is None]
    if not drafts:
        return stored

    def write(numbers: ControlNumbers) -> list[bytes]:
        return [renumber(stored[n][0], numbers) for n in drafts]

    # Written, checked and stored before the numbers are locked, with those they will be (a batched
    # partner's numbers are taken by its one delivery under way only), so the lock is held briefly.
    async with ctx.db.session() as peek:
        foreseen = await foresee(peek, partner, write)
    described_as = [described(data)[0] for data in foreseen.result]
    await asyncio.gather(*(blobs.put(data) for data in foreseen.result))
    async with ctx.db.transaction() as session:
        numbered_data = await confirm(session, partner, foreseen)
        if numbered_data is not foreseen.result:  # others took numbers meanwhile
            described_as = [described(data)[0] for data in numbered_data]
            await asyncio.gather(*(blobs.put(data) for data in numbered_data))
        stmt = select(Message).where(Message.id.in_([batch[n].id for n in drafts])).with_for_update()
        found = {m.id: m for m in (await session.execute(stmt)).scalars()}
        for n, data, fields in zip(drafts, numbered_data, described_as, strict=True):
            message = found[batch[n].id]
            if message.interchange_control is not None:  # numbered meanwhile: give these numbers back
                raise RuntimeError(f"message {message.id} was numbered by another delivery")
            for key, value in fields.items():
                setattr(message, key, value)
            message.blob_sha256, message.size, message.draft = sha256_hex(data), len(data), None
            note = f"numbered {fields['interchange_control']} to be sent"
            await messages.transition(session, message, MessageState(message.state), note=note)
            stored[n] = (data, fields["interchange_control"])
    return stored


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
        .options(undefer(Message.draft))
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
