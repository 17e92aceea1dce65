"""Received interchanges: validated, acknowledged to their sender with a 997/999/TA1/CONTRL, and each
business document in them handed to the flow that applies it."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.documents.codecs import CodecProfile, decode_acknowledgment, decode_ship_notice
from gridlink.edi.ack import acknowledge
from gridlink.edi.errors import EdiError
from gridlink.edi.navigate import set_bodies
from gridlink.edi.reconcile import Ack, read_acks
from gridlink.edi.results import InterchangeResult, SetResult
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.validator import validate
from gridlink.engine import Discard, JobContext, JobKind, define_job
from gridlink.flows.functional_acks import settle
from gridlink.flows.order_acknowledgments import apply_acknowledgment
from gridlink.flows.outbound import ACKNOWLEDGMENTS, MessageRef, record_outbound
from gridlink.flows.partner_documents import codec_profile, numbered, profile_by_address
from gridlink.flows.received_sets import AnswersPurchaseOrder
from gridlink.flows.ship_notices import apply_ship_notice
from gridlink.flows.store_orders import order_key
from gridlink.logs import get_logger
from gridlink.partners.profiles import DocumentSetting, PartnerProfile
from gridlink.store import messages, orders
from gridlink.store.blobs import BlobStore
from gridlink.store.models.messages import Direction, Message, MessageState

log = get_logger(__name__)

# The flow that applies each kind of business document, and how to read the purchase order it answers;
# kinds without one are kept and acknowledged.
APPLY: dict[
    str, tuple[JobKind[MessageRef], Callable[[list[Segment], CodecProfile], AnswersPurchaseOrder]]
] = {
    "855": (apply_acknowledgment, decode_acknowledgment),
    "ORDRSP": (apply_acknowledgment, decode_acknowledgment),
    "856": (apply_ship_notice, decode_ship_notice),
    "DESADV": (apply_ship_notice, decode_ship_notice),
}


async def enqueue_receive(session: AsyncSession, message: Message) -> None:
    """Queue the processing of a just-recorded inbound message (in the transaction that recorded it)."""
    await receive.enqueue(
        session,
        MessageRef(message_id=message.id),
        idempotency_key=f"receive:{message.id}",
        # Copies of one file are processed in arrival order, so that the later is known as a copy; the
        # documents in them are put in order per purchase order when they are applied.
        ordering_key=f"receive:{message.blob_sha256}",
    )


@define_job("edi.receive", max_attempts=10, backoff=5.0, backoff_cap=600.0)
async def receive(ctx: JobContext, ref: MessageRef) -> None:
    """Validate a received interchange, acknowledge it, and queue what applies its documents."""
    session = ctx.session
    message = await session.get(Message, ref.message_id)
    if message is None:
        raise Discard(f"no message {ref.message_id}")
    if message.state not in (MessageState.RECEIVED, MessageState.RETRYING):
        return  # processed already
    data = await ctx.resource(BlobStore).get(message.blob_sha256)
    try:
        results = validate(data)
        bodies = set_bodies(read_segments(data))
    except EdiError as exc:  # not even an envelope to answer to: kept, and shown to an operator
        await messages.transition(session, message, MessageState.REJECTED, note="unreadable", error=str(exc))
        return
    if not results:
        await messages.transition(session, message, MessageState.REJECTED, error="no interchange in the file")
        return
    # Acknowledgments are read once per file, and settled once per sender when every interchange is in.
    acks = read_acks(data) if any(s.id in ACKNOWLEDGMENTS for r in results for s in r.sets) else []
    received = _File(message)
    index = 0
    for position, result in enumerate(results):
        count = len(result.sets)
        own = [ack for ack in acks if ack.position == position]
        await _interchange(ctx, received, result, own, bodies, list(range(index, index + count)))
        index += count
    await received.settle(ctx)


class _File:
    """What the interchanges of one received file share: their message, the senders' profiles, whether the
    file is a copy of one received before, and the acknowledgments waiting to be settled, by sender."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self._profiles: dict[str, PartnerProfile | None] = {}
        self._copy_of: Message | None = None
        self._copy_checked = False
        self._acks: dict[str, list[Ack]] = {}

    async def profile(self, session: AsyncSession, sender: str) -> PartnerProfile | None:
        """The profile of the partner at ``sender``, looked up once per file."""
        if sender not in self._profiles:
            self._profiles[sender] = await profile_by_address(session, sender)
        return self._profiles[sender]

    async def copy_of(self, session: AsyncSession) -> Message | None:
        """The message this file is a copy of, if the same bytes came from the partner before."""
        if not self._copy_checked:
            self._copy_of = await messages.earlier_copy(session, self.message)
            self._copy_checked = True
        return self._copy_of

    def hold(self, partner: str, acks: list[Ack]) -> None:
        """Keep a valid interchange's acknowledgments for :meth:`settle`."""
        self._acks.setdefault(partner, []).extend(acks)

    async def settle(self, ctx: JobContext) -> None:
        """Apply the acknowledgments held, one sender at a time, and say so on the file's message."""
        if not self._acks:
            return
        unmatched = []
        for partner, acks in self._acks.items():
            unmatched += await settle(ctx.session, ctx.resource(BlobStore), partner, acks)
        note = "acknowledgments applied" + (
            f"; naming nothing sent: {'; '.join(unmatched)}" if unmatched else ""
        )
        await messages.transition(ctx.session, self.message, MessageState.APPLIED, note=note)


async def _interchange(
    ctx: JobContext,
    received: _File,
    result: InterchangeResult,
    acks: list[Ack],
    bodies: list[list[Segment]],
    indexes: list[int],
) -> None:
    session = ctx.session
    message = received.message
    sender = f"{result.sender_qualifier or 'ZZ'}:{result.sender}"
    profile = await received.profile(session, sender)
    if profile is None:
        error = f"unknown sender {sender}: no partner has this address"
        await messages.transition(session, message, MessageState.REJECTED, error=error)
        return
    message.partner = profile.key
    message.document_type = ",".join(dict.fromkeys(s.id for s in result.sets))[:16] or None
    message.standard, message.sender = result.standard, sender
    message.receiver = f"{result.receiver_qualifier}:{result.receiver}"
    # The file is known by its first interchange's number: a copy of it is found by that.
    message.interchange_control = message.interchange_control or result.control
    problems = [f"{where}: {problem}" for where, problem in result.all_problems()]
    accepted = [s for s in result.sets if s.accepted]
    state = MessageState.VALIDATED if accepted or not problems else MessageState.REJECTED
    await messages.transition(
        session, message, state, note=f"{len(result.sets)} sets", error="\n".join(problems) or None
    )
    ack = await numbered(session, profile, lambda numbers: acknowledge(result, numbers=numbers))
    if ack is not None:
        sent = await record_outbound(session, ctx.resource(BlobStore), profile, ack, reference=None)
        if state is MessageState.VALIDATED:
            control = sent.interchange_control or "numbered when sent"
            note = f"{sent.document_type} {control} queued (message {sent.id})"
            await messages.transition(session, message, MessageState.ACKNOWLEDGED, note=note)
    earlier = await received.copy_of(session)
    if earlier is not None:  # the same interchange sent again: acknowledged again, applied once
        note = f"a copy of message {earlier.id}: its documents are not applied again"
        await messages.transition(session, message, MessageState.APPLIED, note=note)
        return
    sets = [s for s in result.sets if s.id not in ACKNOWLEDGMENTS]
    if len(sets) < len(result.sets) and result.valid:
        received.hold(profile.key, acks)
    for set_result, index in zip(result.sets, indexes, strict=True):
        if set_result.id in ACKNOWLEDGMENTS or not set_result.accepted:
            continue
        body = bodies[index] if index < len(bodies) else []
        await _business_set(ctx, message, profile, result, set_result, index, body)


async def _business_set(
    ctx: JobContext,
    parent: Message,
    profile: PartnerProfile,
    result: InterchangeResult,
    found: SetResult,
    index: int,
    body: list[Segment],
) -> None:
    session = ctx.session
    version = found.version[:6] if result.standard == "x12" else found.version
    applier = APPLY.get(found.id)
    reference = _answered(applier[1], body, profile, result.standard, version) if applier else None
    child = await messages.record(
        session,
        direction=Direction.INBOUND,
        blob_sha256=parent.blob_sha256,
        size=parent.size,
        state=MessageState.VALIDATED,
        note=f"set {index + 1} of interchange message {parent.id}",
        partner=parent.partner,
        transport=parent.transport,
        standard=result.standard,
        document_type=found.id,
        sender=parent.sender,
        receiver=parent.receiver,
        interchange_control=result.control,
        set_control=found.control,
        reference=reference,
        details={"parent": parent.id, "set_index": index, "version": version},
    )
    if applier is None:
        await messages.transition(
            session, child, MessageState.ACKNOWLEDGED, note=f"kept: no flow applies {found.id} documents yet"
        )
        return
    record = await orders.purchase_order(session, profile.key, reference) if reference else None
    await applier[0].enqueue(
        session,
        MessageRef(message_id=child.id),
        idempotency_key=f"apply:{child.id}",
        # Answers are applied in arrival order with every other job of their store order (the suppliers
        # of one order all write its notes and status); other orders' side by side.
        ordering_key=(
            order_key(record.store_hash, record.order_id) if record else f"apply:{profile.key}:{child.id}"
        ),
    )


def _answered(
    decode: Callable[[list[Segment], CodecProfile], AnswersPurchaseOrder],
    body: list[Segment],
    profile: PartnerProfile,
    standard: str,
    version: str,
) -> str | None:
    """The purchase order a document answers, or None when it cannot be read (its job says why)."""
    try:
        setting = DocumentSetting.model_validate({"standard": standard, "version": version})
        return decode(body, codec_profile(profile, setting)).po_number[:64]
    except (ValidationError, EdiError):
        return None
