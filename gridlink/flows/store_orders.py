"""A store order as the order flows see it: which one, and its current state when they run."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.bigcommerce.accounts import StoreDirectory
from gridlink.bigcommerce.client import BigCommerceClient
from gridlink.bigcommerce.models import OrderDetail
from gridlink.engine import JobContext
from gridlink.store.base import utcnow
from gridlink.store.models.store_events import StoreEvent

# How long what a store event's re-fetch read of an order stands for the order as it is now. Jobs it
# starts usually run within moments; one that waited longer (a backlog, a retry) reads the store again.
FRESH_FOR = timedelta(seconds=30)


class OrderRef(BaseModel):
    """A store order, and the store event whose re-fetch of it started the job, if one did."""

    store_hash: str
    order_id: int
    event_id: int | None = None


def order_key(store_hash: str, order_id: int) -> str:
    """The ordering key of every job about one store order: they run one at a time, in order."""
    return f"order:{store_hash}:{order_id}"


async def order_still_in(
    ctx: JobContext, ref: OrderRef, statuses: list[int]
) -> tuple[BigCommerceClient, OrderDetail] | None:
    """The store's client and the order as it is now, with its lines and addresses, if its status is still
    one of ``statuses`` (an order can move on, cancelled say, before its job's turn comes)."""
    client = ctx.resource(StoreDirectory).client(ref.store_hash)
    detail = await _fresh(ctx.session, ref) or await client.order_detail(ref.order_id)
    return (client, detail) if detail.order.status_id in statuses else None


async def _fresh(session: AsyncSession, ref: OrderRef) -> OrderDetail | None:
    """The order as its store event's re-fetch read it, while that is fresh (see FRESH_FOR)."""
    if ref.event_id is None:
        return None
    event = await session.get(StoreEvent, ref.event_id)
    if event is None or event.resource is None or event.fetched_at is None:
        return None
    if utcnow() - event.fetched_at > FRESH_FOR:
        return None
    try:
        detail = OrderDetail.model_validate(event.resource)
    except ValidationError:  # kept by an earlier version, without the addresses
        return None
    return detail if detail.order.id == ref.order_id else None
