"""The AS2 endpoint: keep the bytes durably, open the message, answer with the receipt asked for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from gridlink.flows.as2_inbound import keep_as2
from gridlink.web.hub import Hub, hub_of

router = APIRouter(tags=["as2"])

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
    receipt, later = await keep_as2(hub.db, hub.blobs, station, opened, raw_digest, raw_size)
    if receipt is None or later:
        return Response(status_code=200)
    return Response(content=receipt.body, headers=receipt.headers, status_code=200)


async def _bounded(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"an AS2 message is at most {limit // 2**20} MB here")
        yield chunk
