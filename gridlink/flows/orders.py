"""What a store order's current state starts: purchase orders when it awaits fulfillment (once per
supplier), invoices when it has shipped or completed (once per order)."""

from __future__ import annotations

from gridlink.bigcommerce.accounts import StoreDirectory
from gridlink.bigcommerce.models import OrderDetail
from gridlink.config import OrderSettings
from gridlink.engine import JobContext
from gridlink.flows.invoices import send_invoices
from gridlink.flows.purchase_orders import place_order
from gridlink.flows.store_orders import OrderRef, order_key


async def order_changed(
    ctx: JobContext, rules: OrderSettings, store_hash: str, detail: OrderDetail, event_id: int
) -> None:
    """Do what the order's status calls for, in the job of the store event ``event_id`` that read it:
    place its purchase orders now, or queue its invoices (which use that read while it is fresh)."""
    status, order_id = detail.order.status_id, detail.order.id
    if status in rules.place_statuses:
        # Placed here rather than by a job of its own: one transaction, job and read of the order fewer
        # for every order. Store events about one order run one at a time, in order.
        await place_order(ctx, store_hash, ctx.resource(StoreDirectory).client(store_hash), detail)
    if status in rules.invoice_statuses:
        ref = OrderRef(store_hash=store_hash, order_id=order_id, event_id=event_id)
        await send_invoices.enqueue(
            ctx.session,
            ref,
            idempotency_key=f"invoice:{store_hash}:{order_id}",
            ordering_key=order_key(store_hash, order_id),
        )
