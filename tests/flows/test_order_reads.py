"""A store event's re-fetch of an order is what the jobs it starts see of the order while it is fresh;
after that they read the store again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from gridlink.bigcommerce.models import OrderStatus
from gridlink.engine.context import JobContext, Resources
from gridlink.flows.store_orders import FRESH_FOR, OrderRef, order_still_in
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.base import utcnow
from gridlink.store.db import Database
from gridlink.store.models.store_events import StoreEvent
from tests.bigcommerce.conftest import Sandbox, customer_order
from tests.flows.loop import FINANCE, SUPPLIER, Loop, profile, running_loop
from tests.support.certs import Identity as Keys

PARTNERS = [profile("acme", SUPPLIER), profile("finance", FINANCE)]
BEHAVIOURS = {SUPPLIER: Behaviour(), FINANCE: Behaviour()}


def order_reads(sandbox: Sandbox, order_id: int) -> int:
    """How many times the hub read the order itself from the store."""
    path = f"/v2/orders/{order_id}"
    return sum(1 for e in sandbox.contract.exchanges if e.method == "GET" and e.url.path.endswith(path))


async def order_events(loop: Loop, order_id: int) -> list[StoreEvent]:
    async with loop.hub.db.session() as session:
        stmt = select(StoreEvent).where(
            StoreEvent.resource_type == "order", StoreEvent.resource_id == str(order_id)
        )
        return list((await session.execute(stmt)).scalars())


async def test_jobs_an_event_starts_use_its_read_of_the_order(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    only_997 = {SUPPLIER: Behaviour(acknowledgment=None), FINANCE: Behaviour()}  # nothing else reads it
    async with running_loop(sandbox, database_url, tmp_path, keys, PARTNERS, only_997) as loop:
        order_id = int(str(customer_order(sandbox.store, (2,))["id"]))
        await loop.settle()
        assert [po.order_id for po in await loop.purchase_orders()] == [order_id]
        # One read per store event about it: placing the purchase order read nothing more.
        assert order_reads(sandbox, order_id) == len(await order_events(loop, order_id))


async def test_an_event_read_that_is_no_longer_fresh_is_read_again(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    async with running_loop(sandbox, database_url, tmp_path, keys, PARTNERS, BEHAVIOURS) as loop:
        order_id = int(str(customer_order(sandbox.store, (2,))["id"]))
        await loop.settle()
        first = min(await order_events(loop, order_id), key=lambda e: e.id)
        assert first.resource is not None
        assert first.resource["order"]["status_id"] == OrderStatus.AWAITING_FULFILLMENT
        ref = OrderRef(store_hash=sandbox.store.store_hash, order_id=order_id, event_id=first.id)
        statuses = [OrderStatus.AWAITING_FULFILLMENT]

        async def still_awaiting(fetched_ago: timedelta) -> bool:
            async with loop.hub.db.transaction() as session:
                await session.execute(
                    update(StoreEvent)
                    .where(StoreEvent.id == first.id)
                    .values(fetched_at=utcnow() - fetched_ago)
                )
            async with loop.hub.db.transaction() as session:
                ctx = JobContext(session, loop.hub.db, Resources(loop.hub.stores), 0, "test", 1, 1)
                return await order_still_in(ctx, ref, statuses) is not None

        reads = order_reads(sandbox, order_id)
        assert await still_awaiting(timedelta(0))  # the event's read: the order as it was then
        assert order_reads(sandbox, order_id) == reads
        assert not await still_awaiting(FRESH_FOR + timedelta(seconds=1))  # the store says shipped now
        assert order_reads(sandbox, order_id) == reads + 1
