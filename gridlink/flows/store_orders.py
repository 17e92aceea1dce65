"""A store order as the order flows see it: which one, and its current state when they run."""

from __future__ import annotations

from pydantic import BaseModel

from gridlink.bigcommerce.accounts import StoreDirectory
from gridlink.bigcommerce.client import BigCommerceClient
from gridlink.bigcommerce.models import OrderDetail
from gridlink.engine import JobContext


class OrderRef(BaseModel):
    """A store order."""

    store_hash: str
    order_id: int


def order_key(store_hash: str, order_id: int) -> str:
    """The ordering key of every job about one store order: they run one at a time, in order."""
    return f"order:{store_hash}:{order_id}"


async def order_still_in(
    ctx: JobContext, ref: OrderRef, statuses: list[int]
) -> tuple[BigCommerceClient, OrderDetail] | None:
    """The store's client and the order as it is now, with its lines and addresses, if its status is still
    one of ``statuses`` (an order can move on, cancelled say, before its job's turn comes)."""
    client = ctx.resource(StoreDirectory).client(ref.store_hash)
    detail = await client.order_detail(ref.order_id)
    return (client, detail) if detail.order.status_id in statuses else None
