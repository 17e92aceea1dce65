"""The business documents of a received interchange, one message each, and how a job gets one back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.documents.codecs import CodecProfile, DecodeError
from gridlink.edi.navigate import set_bodies
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import read_segments
from gridlink.engine import Discard, JobContext
from gridlink.flows.partner_documents import codec_profile, profile_by_key
from gridlink.partners.profiles import DocumentSetting, PartnerProfile
from gridlink.store import messages, orders
from gridlink.store.blobs import BlobStore
from gridlink.store.models.messages import Message, MessageState
from gridlink.store.models.orders import PurchaseOrderRecord


@dataclass
class ReceivedSet:
    """One received transaction set: its message, the partner it came from, its segments and codec."""

    message: Message
    partner: PartnerProfile
    segments: list[Segment]
    codec: CodecProfile


async def received_set(ctx: JobContext, message_id: int) -> ReceivedSet:
    """The set a message names, read from its interchange (Discard when it is gone)."""
    session: AsyncSession = ctx.session
    message = await session.get(Message, message_id)
    if message is None or message.partner is None:
        raise Discard(f"no received set {message_id}")
    profile = await profile_by_key(session, message.partner)
    data = await ctx.resource(BlobStore).get(message.blob_sha256)
    bodies = set_bodies(read_segments(data))
    index = int(message.details.get("set_index", -1))
    if not 0 <= index < len(bodies):
        raise Discard(f"message {message_id}: its interchange has no set {index}")
    version = str(message.details.get("version", ""))
    standard = "x12" if message.standard == "x12" else "edifact"
    setting = DocumentSetting.model_validate({"standard": standard, "version": version})
    return ReceivedSet(message, profile, bodies[index], codec_profile(profile, setting))


class AnswersPurchaseOrder(Protocol):
    """A document that refers to a purchase order the hub sent (an order response, a ship notice)."""

    @property
    def po_number(self) -> str: ...


A = TypeVar("A", bound=AnswersPurchaseOrder)


async def answer_to_purchase_order(
    ctx: JobContext, message_id: int, decode: Callable[[list[Segment], CodecProfile], A]
) -> tuple[ReceivedSet, A, PurchaseOrderRecord] | None:
    """A received set still to apply, decoded, with the purchase order it answers. None when it was
    applied already, or (the message then dead, saying why) when it cannot be read or answers nothing
    the hub sent to that partner."""
    got = await received_set(ctx, message_id)
    message, session = got.message, ctx.session
    if message.state not in (MessageState.VALIDATED, MessageState.RETRYING):
        return None
    try:
        document = decode(got.segments, got.codec)
    except DecodeError as exc:
        await messages.transition(session, message, MessageState.DEAD, error=str(exc))
        return None
    record = await orders.purchase_order(session, got.partner.key, document.po_number)
    if record is None:
        message.reference = document.po_number[:64]
        error = f"no purchase order {document.po_number} was sent to {got.partner.key}"
        await messages.transition(session, message, MessageState.DEAD, error=error)
        return None
    return got, document, record
