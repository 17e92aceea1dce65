"""Pacing and retries against the sandbox store's rate window and fault switches."""

from __future__ import annotations

import asyncio
import time

import pytest

from gridlink.bigcommerce import BigCommerceClient, BigCommerceError, RetryPolicy, StoreBudget, Unavailable
from gridlink.bigcommerce.models import NewShipment, ShipmentItem
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from tests.bigcommerce.conftest import Sandbox, customer_order


@pytest.fixture
def config() -> SandboxConfig:
    """A small quota (12 requests a second) so a sustained workload outruns it quickly if unpaced."""
    return SandboxConfig(quota=12, window=1.0)


def statuses(sandbox: Sandbox) -> list[int]:
    return [status for _, _, status in sandbox.app.state.requests]


async def test_a_sustained_workload_never_meets_a_429(sandbox: Sandbox) -> None:
    customer_order(sandbox.store, (1,))
    budget = StoreBudget(concurrency=4)
    clients = [sandbox.client(budget=budget) for _ in range(3)]  # three parts of the hub, one store budget
    try:
        await asyncio.gather(*(c.order_statuses() for c in clients for _ in range(15)))
    finally:
        for c in clients:
            await c.aclose()
    assert len(statuses(sandbox)) == 45
    assert 429 not in statuses(sandbox)
    assert budget.waited > 0  # it did have to hold back: 45 requests > 12 a second


@pytest.mark.parametrize("config", [SandboxConfig(quota=150, window=1.5)], ids=["150 per 30 s, 20x faster"])
async def test_a_thousand_requests_meet_no_429_and_use_the_quota(sandbox: Sandbox) -> None:
    budget = StoreBudget(concurrency=8)
    clients = [sandbox.client(budget=budget) for _ in range(4)]

    async def worker(client: BigCommerceClient, count: int) -> None:
        for _ in range(count):
            await client.order_statuses()

    try:
        await asyncio.gather(*(worker(clients[n % 4], 50) for n in range(20)))  # 20 tasks, 1,000 requests
    finally:
        for client in clients:
            await client.aclose()
    assert len(statuses(sandbox)) == 1000
    assert 429 not in statuses(sandbox)
    rate = sandbox.app.state.rate
    # Every window that ended served at least 90% of the quota (the last one holds the remainder).
    assert len(rate.closed) >= 6
    assert min(rate.closed) >= 0.9 * rate.quota, rate.closed


async def test_without_pacing_the_same_workload_is_refused(sandbox: Sandbox) -> None:
    # The control for the test above: the quota is real, a client that ignored it would meet 429s.
    client = sandbox.client(retry=RetryPolicy(attempts=1))
    client.budget.observe = lambda headers: None  # type: ignore[method-assign]
    results = await asyncio.gather(*(client.order_statuses() for _ in range(30)), return_exceptions=True)
    await client.aclose()
    assert any(isinstance(r, BigCommerceError) and r.status == 429 for r in results)


async def test_a_429_waits_for_x_retry_after_and_succeeds(sandbox: Sandbox) -> None:
    sandbox.app.state.rate.used = sandbox.app.state.rate.quota  # another app spent the quota
    sandbox.app.state.rate.started = time.monotonic()
    async with sandbox.client() as client:
        labels = await client.order_statuses()
    assert len(labels) == 15
    assert statuses(sandbox)[0] == 429 and statuses(sandbox)[-1] == 200


async def test_a_429_without_headers_backs_off_and_retries(sandbox: Sandbox) -> None:
    sandbox.app.state.faults.shed = 3
    async with sandbox.client() as client:
        assert len(await client.order_statuses()) == 15
    assert statuses(sandbox) == [429, 429, 429, 200]


async def test_5xx_is_retried_for_reads_but_a_post_is_not_repeated_blindly(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (1,))
    order_id = int(placed["id"])  # type: ignore[call-overload]
    sandbox.app.state.faults.errors = [503, 502]
    async with sandbox.client() as client:
        line = (await client.order_products(order_id))[0]  # two 5xx, then served
        shipment = NewShipment(
            order_address_id=line.order_address_id,
            items=[ShipmentItem(order_product_id=line.id, quantity=1)],
            tracking_number="1ZPOST",
        )
        sandbox.app.state.faults.errors, sandbox.app.state.faults.errors_on = [500], "POST"
        with pytest.raises(BigCommerceError) as failed:
            await client.create_shipment(order_id, shipment)
        assert failed.value.status == 500
        posts = [r for r in sandbox.app.state.requests if r[0] == "POST"]
        assert len(posts) == 1  # not retried: the store might have acted
        created = await client.create_shipment(order_id, shipment)  # the caller's retry (a job's)
    assert created.tracking_number == "1ZPOST"
    assert len(sandbox.store.shipments[order_id]) == 1


async def test_slow_responses_past_the_timeout_are_retried_for_reads(sandbox: Sandbox) -> None:
    sandbox.app.state.faults.delay = 0.5
    client = sandbox.client(timeout=0.2, retry=RetryPolicy(attempts=2, base_delay=0.01))
    try:
        with pytest.raises(Unavailable, match="ReadTimeout"):
            await client.order_statuses()
    finally:
        await client.aclose()
    await asyncio.sleep(0.8)  # the store finishes the requests the client gave up waiting for
    sent = [r for r in sandbox.app.state.requests if r[1].endswith("/v2/order_statuses")]
    assert len(sent) == 2  # the first try and one retry
