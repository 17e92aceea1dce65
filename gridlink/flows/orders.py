"""What a store order's current state starts: purchase orders when it awaits fulfillment, invoices when
it has shipped or completed (each at most once per order)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.config import OrderSettings
from gridlink.flows.invoices import send_invoices
from gridlink.flows.purchase_orders import place
from gridlink.flows.store_orders import OrderRef, order_key


async def order_changed(
    session: AsyncSession,
    rules: OrderSettings,
    store_hash: str,
    order: dict[str, Any],
    *,
    event_id: int | None = None,
) -> None:
    """Queue what the order's status calls for, in the caller's transaction (``event_id``: the store
    event whose re-fetch read the order, for those jobs to use while it is fresh)."""
    status, order_id = order.get("status_id"), int(order["id"])
    ref = OrderRef(store_hash=store_hash, order_id=order_id, event_id=event_id)
    ordering = order_key(store_hash, order_id)
    if status in rules.place_statuses:
        await place.enqueue(
            session, ref, idempotency_key=f"place:{store_hash}:{order_id}", ordering_key=ordering
        )
    if status in rules.invoice_statuses:
        await send_invoices.enqueue(
            session, ref, idempotency_key=f"invoice:{store_hash}:{order_id}", ordering_key=ordering
        )
