"""Received AS2 messages become inbound messages, once each, with the receipt their sender asked for."""

from __future__ import annotations

from typing import Any

from gridlink.flows.as2_receipts import ReceiptDelivery, send_receipt
from gridlink.flows.inbound import enqueue_receive
from gridlink.grid.as2.message import Outbound
from gridlink.grid.as2.station import Opened, Station
from gridlink.logs import get_logger
from gridlink.store import messages
from gridlink.store.blobs import BlobStore
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, MessageState

log = get_logger(__name__)


async def keep_as2(
    db: Database, blobs: BlobStore, station: Station, opened: Opened, raw_digest: str, raw_size: int
) -> tuple[Outbound | None, bool]:
    """Record an opened message (rejected when it failed; a repeated Message-ID is not recorded again)
    and return its receipt, and whether that receipt goes later by a job rather than in the answer."""
    message, failure = opened.message, opened.failure
    payload_digest = await blobs.put(message.payload) if failure is None else raw_digest
    # Signed before the transaction, so SQLite's single write lock is never held while signing; a
    # duplicate (rare) gets its own receipt below.
    receipt = station.receipt(opened)
    mdn = message.mdn
    later = receipt is not None and mdn is not None and mdn.mode == "async"
    async with db.transaction() as session:
        earlier = await messages.by_transport_id(
            session, partner=message.as2_from, direction=Direction.INBOUND, transport_id=message.message_id
        )
        if earlier is None:
            recorded = await messages.record(
                session,
                direction=Direction.INBOUND,
                blob_sha256=payload_digest,
                size=len(message.payload) if failure is None else raw_size,
                state=MessageState.RECEIVED if failure is None else MessageState.REJECTED,
                note="AS2 message received" if failure is None else f"AS2 {failure.disposition}",
                partner=message.as2_from,
                transport="as2",
                transport_id=message.message_id,
                error=None if failure is None else f"{failure.disposition}: {failure}",
                details=_details(opened, raw_digest, raw_size),
            )
            if failure is None:
                await enqueue_receive(session, recorded)
        elif failure is None:
            log.info("duplicate AS2 message", message_id=message.message_id, first=earlier.id)
            receipt = station.receipt(opened, duplicate=True)
        if receipt is not None and later and mdn is not None and mdn.url:
            stored = await blobs.put(receipt.body)
            delivery = ReceiptDelivery(url=mdn.url, headers=receipt.headers, body_sha256=stored)
            key = f"as2.receipt:{message.as2_from}:{message.message_id}:{stored}"
            await send_receipt.enqueue(session, delivery, idempotency_key=key)
    if failure is not None:
        log.warning("AS2 message refused", partner=message.as2_from, disposition=failure.disposition)
    return receipt, later


def _details(opened: Opened, raw_digest: str, raw_size: int) -> dict[str, Any]:
    message = opened.message
    return {
        "as2": {
            "message_id": message.message_id,
            "from": message.as2_from,
            "to": message.as2_to,
            "signed": message.signed,
            "encrypted": message.encrypted,
            "compressed": message.compressed,
            "mic": message.mic,
            "filename": message.filename,
            "content_type": message.content_type,
            "mdn": None if message.mdn is None else message.mdn.mode,
            "disposition": None if opened.failure is None else opened.failure.disposition,
        },
        "raw_sha256": raw_digest,
        "raw_size": raw_size,
    }
