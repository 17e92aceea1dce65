"""The AS2 endpoint: keep the bytes durably, open the message, answer with the receipt asked for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from gridlink.flows.as2_receipts import ReceiptDelivery, send_receipt
from gridlink.grid.as2.station import Opened
from gridlink.logs import get_logger
from gridlink.store import messages
from gridlink.store.models.messages import Direction, MessageState
from gridlink.web.hub import Hub, hub_of

router = APIRouter(tags=["as2"])
log = get_logger(__name__)

INLINE_LIMIT = 64 * 1024  # bytes opened on the event loop; a thread hand-off costs more than their crypto
STREAM_ABOVE = 4 * 2**20  # bodies larger than this (or of unknown length) are streamed to disk


@router.post("/as2")
async def receive_as2(request: Request, hub: Annotated[Hub, Depends(hub_of)]) -> Response:
    """Receive one AS2 message (chunked bodies welcome); the MDN is the answer, or is sent later."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    if not all(headers.get(name) for name in ("as2-from", "as2-to", "message-id")):
        raise HTTPException(400, "not an AS2 message: AS2-From, AS2-To and Message-ID are required")
    limit = hub.settings.as2.max_message_mb * 2**20
    # Durable before anything else: the bytes survive whatever happens next. A body of known, modest
    # size is taken in one piece; others (chunked, large) are streamed to disk as they arrive.
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= min(limit, STREAM_ABOVE):
        body = await request.body()
        raw_digest, raw_size = await hub.blobs.put(body), len(body)
    else:
        raw_digest, raw_size = await hub.blobs.put_stream(_bounded(request.stream(), limit))
        body = await hub.blobs.get(raw_digest)
    station = await hub.current_as2_station()
    if raw_size > INLINE_LIMIT:  # large bodies keep the event loop free; small ones cost less inline
        opened = await asyncio.to_thread(station.open, headers, body)
    else:
        opened = station.open(headers, body)
    message, failure = opened.message, opened.failure
    payload_digest = await hub.blobs.put(message.payload) if failure is None else raw_digest
    # Signed before the transaction, so SQLite's single write lock is never held while signing; a
    # duplicate (rare) gets its own receipt below.
    receipt = station.receipt(opened)
    mdn = message.mdn
    later = receipt is not None and mdn is not None and mdn.mode == "async"
    async with hub.db.transaction() as session:
        earlier = await messages.by_transport_id(
            session, partner=message.as2_from, direction=Direction.INBOUND, transport_id=message.message_id
        )
        if earlier is None:
            await messages.record(
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
        elif failure is None:
            log.info("duplicate AS2 message", message_id=message.message_id, first=earlier.id)
            receipt = station.receipt(opened, duplicate=True)
        if receipt is not None and later and mdn is not None and mdn.url:
            stored = await hub.blobs.put(receipt.body)
            delivery = ReceiptDelivery(url=mdn.url, headers=receipt.headers, body_sha256=stored)
            key = f"as2.receipt:{message.as2_from}:{message.message_id}:{stored}"
            await send_receipt.enqueue(session, delivery, idempotency_key=key)
    if failure is not None:
        log.warning("AS2 message refused", partner=message.as2_from, disposition=failure.disposition)
    if receipt is None or later:
        return Response(status_code=200)
    return Response(content=receipt.body, headers=receipt.headers, status_code=200)


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


async def _bounded(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"an AS2 message is at most {limit // 2**20} MB here")
        yield chunk
