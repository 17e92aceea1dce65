"""The BigCommerce webhook receiver: verify, keep the raw delivery, answer at once, work later."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from gridlink.bigcommerce.webhooks import HOOK_PATH, Rejected, verify
from gridlink.flows.store_events import keep_delivery
from gridlink.logs import get_logger
from gridlink.web.hub import Hub, hub_of

router = APIRouter(tags=["webhooks"])
log = get_logger(__name__)

MAX_BODY = 64 * 1024  # BigCommerce's thin payloads are a few hundred bytes


class DeliveryReceipt(BaseModel):
    """What the store is told: the event was recorded now or had been already."""

    status: str


@router.post(HOOK_PATH, response_model=DeliveryReceipt)
async def bigcommerce_delivery(
    store_hash: str, request: Request, hub: Annotated[Hub, Depends(hub_of)]
) -> DeliveryReceipt:
    """Receive one delivery; 401 and nothing recorded unless it proves it came from the store's hook."""
    body = await _bounded_body(request)
    account = hub.stores.get(store_hash)
    try:
        if account is None:
            raise Rejected("the hub serves no such store")
        delivery = verify(
            request.headers,
            body,
            header_secret=account.header_secret,
            client_secret=account.client_secret or None,
        )
        if delivery.store_hash != store_hash:
            raise Rejected(f"delivery produced by {delivery.producer}")
    except Rejected as exc:
        client = request.client.host if request.client else "?"
        log.warning("webhook refused", store=store_hash, reason=str(exc), client=client)
        raise HTTPException(401, "delivery not authenticated") from None
    recorded = await keep_delivery(hub.db, store_hash, delivery, body)
    return DeliveryReceipt(status="recorded" if recorded else "duplicate")


async def _bounded_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"a webhook body is at most {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"a webhook body is at most {MAX_BODY} bytes")
    return bytes(body)
