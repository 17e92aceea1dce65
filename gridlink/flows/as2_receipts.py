"""Asynchronous AS2 receipts: the MDN goes to the URL the sender named, retried until it is taken."""

from __future__ import annotations

import httpx
from pydantic import BaseModel

from gridlink.engine import JobContext, define_job
from gridlink.grid.as2.message import Outbound
from gridlink.grid.as2.transport import post_receipt
from gridlink.store.blobs import BlobStore


class ReceiptDelivery(BaseModel):
    """Where an MDN goes, its HTTP headers, and its body by blob digest."""

    url: str
    headers: dict[str, str]
    body_sha256: str


@define_job("as2.send_receipt", max_attempts=12, backoff=10.0, backoff_cap=3600.0)
async def send_receipt(ctx: JobContext, delivery: ReceiptDelivery) -> None:
    """POST a stored MDN to the sender's receipt URL (a failure is retried with backoff)."""
    blobs = ctx.resource(BlobStore)
    body = await blobs.get(delivery.body_sha256)
    receipt = Outbound(delivery.headers.get("Message-ID", ""), delivery.headers, body, mic="")
    async with httpx.AsyncClient(timeout=60.0) as http:
        await post_receipt(http, delivery.url, receipt)
