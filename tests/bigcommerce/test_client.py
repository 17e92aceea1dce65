"""The BigCommerce client against the sandbox store over loopback HTTP: orders, shipments, catalog,
inventory, pagination and typed errors."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from gridlink.bigcommerce import (
    BigCommerceClient,
    BigCommerceError,
    NotFound,
    Unprocessable,
    budget_for,
)
from gridlink.bigcommerce.models import (
    Adjustment,
    NewShipment,
    OrderStatus,
    RefundLine,
    RefundPayment,
    ShipmentItem,
)
from tests.bigcommerce.conftest import Sandbox, customer_order
from tests.support.servers import running_server


async def test_an_order_reads_with_its_lines_and_address(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (3, 2))
    async with sandbox.client() as client:
        order = await client.order(int(placed["id"]))  # type: ignore[call-overload]
        lines = await client.order_products(order.id)
        addresses = await client.order_shipping_addresses(order.id)
    assert order.status_id == OrderStatus.AWAITING_FULFILLMENT
    assert str(order.total_inc_tax) == "47.5000"  # v2 money is a decimal string
    assert [line.quantity for line in lines] == [3, 2]
    assert addresses[0].city == "Springfield" and lines[0].order_address_id == addresses[0].id


async def test_an_order_detail_is_one_request_with_lines_and_addresses(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (3, 2))
    order_id = int(placed["id"])  # type: ignore[call-overload]
    async with sandbox.client() as client:
        detail = await client.order_detail(order_id)
    assert detail.order.id == order_id and [line.quantity for line in detail.products] == [3, 2]
    assert [a.city for a in detail.addresses] == ["Springfield"]
    assert detail.products[0].order_address_id == detail.addresses[0].id
    assert detail.addresses[0].order_id == order_id
    paths = [path for _, path, _ in sandbox.app.state.requests]
    assert [p for p in paths if f"/orders/{order_id}" in p] == [f"/stores/abc123/v2/orders/{order_id}"]


async def test_an_order_the_store_does_not_expand_is_read_the_long_way(sandbox: Sandbox) -> None:
    """A store that ignores ``include`` (an older API version, say) still gives every line and address."""

    async def ignoring_include(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            query = [(k, v) for k, v in parse_qsl(scope["query_string"].decode()) if k != "include"]
            scope = {**scope, "query_string": urlencode(query).encode()}
        await sandbox.app(scope, receive, send)

    placed = customer_order(sandbox.store, (1, 4))
    order_id = int(placed["id"])  # type: ignore[call-overload]
    async with running_server(ignoring_include) as url:
        client = BigCommerceClient(sandbox.store.store_hash, "sandbox-token", base_url=url)
        async with client:
            detail = await client.order_detail(order_id)
    assert [line.quantity for line in detail.products] == [1, 4]
    assert [a.city for a in detail.addresses] == ["Springfield"]
    paths = [path for _, path, _ in sandbox.app.state.requests if f"/orders/{order_id}" in path]
    assert [p.rsplit("/", 1)[-1] for p in paths] == [str(order_id), "products", "shipping_addresses"]


async def test_v2_lists_page_until_the_204_past_the_end(sandbox: Sandbox) -> None:
    customer = sandbox.store.add_customer("a@example.com", "A", "B")
    variant = int(sandbox.store.add_product("W", "W-1", 1.0)["base_variant_id"])
    for _ in range(500):  # exactly two full pages of 250: only a 204 says there is no third
        sandbox.store.place_order(customer["id"], [(variant, 1)], {"city": "X"})
    async with sandbox.client() as client:
        ids = [o.id async for o in client.orders()]
    assert len(ids) == 500 and ids == sorted(ids)
    pages = [r for r in sandbox.app.state.requests if r[1].endswith("/v2/orders")]
    assert [status for _, _, status in pages] == [200, 200, 204]


async def test_v3_lists_follow_meta_pagination(sandbox: Sandbox) -> None:
    for n in range(260):
        sandbox.store.add_product(f"P{n}", f"SKU-{n}", 2.0)
    async with sandbox.client() as client:
        skus = [p.sku async for p in client.products()]
    assert len(skus) == 260 and len(set(skus)) == 260


async def test_shipments_move_the_order_to_partially_shipped_then_shipped(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (3, 2))
    order_id = int(placed["id"])  # type: ignore[call-overload]
    async with sandbox.client() as client:
        lines = await client.order_products(order_id)
        address = lines[0].order_address_id
        assert await client.shipments(order_id) == []  # BigCommerce answers 204 when there are none
        first = NewShipment(
            order_address_id=address,
            items=[ShipmentItem(order_product_id=lines[0].id, quantity=2)],
            tracking_number="1Z001",
            shipping_provider="ups",
        )
        await client.create_shipment(order_id, first)
        assert (await client.order(order_id)).status_id == OrderStatus.PARTIALLY_SHIPPED
        rest = NewShipment(
            order_address_id=address,
            items=[
                ShipmentItem(order_product_id=lines[0].id, quantity=1),
                ShipmentItem(order_product_id=lines[1].id, quantity=2),
            ],
            tracking_number="1Z002",
        )
        await client.create_shipment(order_id, rest)
        order = await client.order(order_id)
        shipped = [line.quantity_shipped for line in await client.order_products(order_id)]
    assert order.status_id == OrderStatus.SHIPPED and order.items_shipped == 5
    assert shipped == [3, 2]


async def test_a_repeated_shipment_is_not_created_twice(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (1,))
    order_id = int(placed["id"])  # type: ignore[call-overload]
    async with sandbox.client() as client:
        line = (await client.order_products(order_id))[0]
        shipment = NewShipment(
            order_address_id=line.order_address_id,
            items=[ShipmentItem(order_product_id=line.id, quantity=1)],
            tracking_number="1ZSAME",
        )
        first = await client.create_shipment(order_id, shipment)
        again = await client.create_shipment(order_id, shipment)
    assert again.id == first.id
    assert len(sandbox.store.shipments[order_id]) == 1


async def test_the_store_refuses_shipping_more_than_remains_or_to_a_foreign_address(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (2,))
    other = customer_order(sandbox.store, (1,))
    order_id = int(placed["id"])  # type: ignore[call-overload]
    async with sandbox.client() as client:
        line = (await client.order_products(order_id))[0]
        foreign = (await client.order_shipping_addresses(int(other["id"])))[0].id  # type: ignore[call-overload]
        too_many = NewShipment(
            order_address_id=line.order_address_id, items=[ShipmentItem(order_product_id=line.id, quantity=3)]
        )
        with pytest.raises(Unprocessable, match="2 remain to ship"):
            await client.create_shipment(order_id, too_many)
        elsewhere = NewShipment(
            order_address_id=foreign, items=[ShipmentItem(order_product_id=line.id, quantity=1)]
        )
        with pytest.raises(Unprocessable, match="does not belong"):
            await client.create_shipment(order_id, elsewhere)
    assert sandbox.store.shipments[order_id] == []


async def test_status_and_staff_notes_are_written_back(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (1,))
    async with sandbox.client() as client:
        order = await client.update_order(
            int(placed["id"]),  # type: ignore[call-overload]
            status_id=int(OrderStatus.AWAITING_SHIPMENT),
            staff_notes="855 accepted",
        )
        labels = await client.order_statuses()
    assert order.status_id == 9 and order.staff_notes == "855 accepted"
    assert labels[11] == "Awaiting Fulfillment" and len(labels) == 15


async def test_errors_carry_status_bigcommerce_message_and_request(sandbox: Sandbox) -> None:
    async with sandbox.client() as client:
        with pytest.raises(NotFound) as missing:
            await client.order(99999)
        with pytest.raises(NotFound) as product:
            await client.product(99999)
    assert missing.value.status == 404 and "not found" in missing.value.message
    assert missing.value.method == "GET" and missing.value.url.endswith("/v2/orders/99999")
    assert isinstance(missing.value.body, list)  # v2's error shape
    assert isinstance(product.value.body, dict) and product.value.body["status"] == 404  # v3's
    async with sandbox.client(token="wrong") as client:
        with pytest.raises(BigCommerceError) as denied:
            await client.order_statuses()
    assert denied.value.status == 401


async def test_a_limit_above_250_is_a_413(sandbox: Sandbox) -> None:
    # A request the contract forbids (limit <= 250), so it is sent outside the contract's recording.
    async with BigCommerceClient(sandbox.store.store_hash, "sandbox-token", base_url=sandbox.url) as client:
        with pytest.raises(BigCommerceError) as too_big:
            await client.request("GET", "/v3/catalog/products", params={"limit": 251})
    assert too_big.value.status == 413 and "maximum" in too_big.value.message


async def test_batches_stay_within_the_documented_limits(sandbox: Sandbox) -> None:
    products = [sandbox.store.add_product(f"P{n}", f"B-{n}", 1.0) for n in range(25)]
    async with sandbox.client() as client:
        changes = [{"id": p["id"], "availability": "disabled"} for p in products]
        updated = await client.update_products(changes)
        variants = [{"id": p["base_variant_id"], "purchasing_disabled": True} for p in products]
        changed = await client.update_variants(variants * 3)
    assert len(updated) == 25 and all(p.availability == "disabled" for p in updated)
    assert len(changed) == 75
    puts = [r for r in sandbox.app.state.requests if r[0] == "PUT"]
    assert [p for _, p, _ in puts].count("/stores/abc123/v3/catalog/products") == 3  # 10 + 10 + 5
    assert [p for _, p, _ in puts].count("/stores/abc123/v3/catalog/variants") == 2  # 50 + 25


async def test_inventory_applies_after_a_delay_and_relative_needs_absolute_first(sandbox: Sandbox) -> None:
    sandbox.store.inventory_delay = 0.3
    product = sandbox.store.add_product("Stocked", "STK-1", 5.0)
    async with sandbox.client() as client:
        with pytest.raises(Unprocessable, match="absolute adjustment"):
            await client.adjust_relative([Adjustment(location_id=1, sku="STK-1", quantity=5)])
        await client.adjust_absolute([Adjustment(location_id=1, sku="STK-1", quantity=40)], reason="846")
        before = await client.inventory_items(**{"sku:in": "STK-1"})
        await asyncio.sleep(0.5)
        after = await client.inventory_items(**{"sku:in": "STK-1"})
        await client.adjust_relative([Adjustment(location_id=1, sku="STK-1", quantity=-4)])
        await asyncio.sleep(0.5)
        level = (await client.product(int(product["id"]))).inventory_level
    assert before[0].total_inventory_onhand == 0  # not applied yet: reads lag writes
    assert after[0].total_inventory_onhand == 40 and after[0].location_id == 1
    assert level == 36


async def test_large_adjustments_go_in_requests_of_2000(sandbox: Sandbox) -> None:
    for n in range(2500):
        sandbox.store.add_product(f"I{n}", f"INV-{n}", 1.0)
    items = [Adjustment(location_id=1, sku=f"INV-{n}", quantity=n) for n in range(2500)]
    async with sandbox.client() as client:
        transactions = await client.adjust_absolute(items)
    assert len(transactions) == 2
    variant = next(v for v in sandbox.store.variants.values() if v["sku"] == "INV-2499")
    assert sandbox.store.on_hand(variant["id"]) == 2499


async def test_orders_take_stock(sandbox: Sandbox) -> None:
    product = sandbox.store.add_product("Limited", "LIM-1", 3.0)
    variant = int(product["base_variant_id"])
    async with sandbox.client() as client:
        await client.adjust_absolute([Adjustment(location_id=1, sku="LIM-1", quantity=10)])
    customer = sandbox.store.add_customer("c@example.com", "C", "D")
    sandbox.store.place_order(customer["id"], [(variant, 4)], {"city": "Y"})
    assert sandbox.store.on_hand(variant) == 6


async def test_custom_fields_and_metafields_are_set_once_and_changed_in_place(sandbox: Sandbox) -> None:
    product = sandbox.store.add_product("Meta", "META-1", 1.0)
    pid = int(product["id"])
    async with sandbox.client() as client:
        await client.set_custom_field(pid, "supplier", "ACME")
        await client.set_custom_field(pid, "supplier", "GLOBEX")
        await client.set_metafield(pid, "gridlink", "partner_item", "A-77")
        await client.set_metafield(pid, "gridlink", "partner_item", "A-78")
        fields = await client.custom_fields(pid)
        metas = await client.metafields(pid, "gridlink")
    assert [(f.name, f.value) for f in fields] == [("supplier", "GLOBEX")]
    assert [(m.key, m.value) for m in metas] == [("partner_item", "A-78")]


async def test_customers_groups_channels_and_locations_read(sandbox: Sandbox) -> None:
    group = sandbox.store.add_group("Wholesale")
    customer = sandbox.store.add_customer("b2b@example.com", "Bo", "Buyer", "Globex", group["id"])
    async with sandbox.client() as client:
        found = await client.customer(int(customer["id"]))
        groups = await client.customer_groups()
        channels = await client.channels()
        locations = await client.locations()
    assert found is not None and found.customer_group_id == group["id"]
    assert [g.name for g in groups] == ["Wholesale"]
    assert channels[0].id == 1 and locations[0].id == 1


async def test_one_budget_per_store_in_a_process() -> None:
    assert budget_for("abc") is budget_for("abc")
    assert budget_for("abc") is not budget_for("xyz")


async def test_refunds_are_quoted_made_and_move_the_order_status(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (3, 2))
    order_id = int(placed["id"])  # type: ignore[call-overload]
    async with sandbox.client() as client:
        first, second = await client.order_products(order_id)
        part = [RefundLine(item_id=first.id, quantity=1, reason="damaged in transit")]
        quote = await client.refund_quote(order_id, part)
        assert quote.total_refund_amount == Decimal("9.50")
        method = quote.refund_methods[0][0]
        pay = [RefundPayment(provider_id=method.provider_id, amount=quote.total_refund_amount, offline=True)]
        refund = await client.create_refund(order_id, part, pay, reference="RMA-7")
        assert (await client.order(order_id)).status_id == OrderStatus.PARTIALLY_REFUNDED
        assert [(i.item_id, i.quantity) for i in refund.items] == [(first.id, 1)]

        with pytest.raises(Unprocessable, match="quantity must be 1 to 2"):
            await client.refund_quote(order_id, [RefundLine(item_id=first.id, quantity=3)])
        rest = [RefundLine(item_id=first.id, quantity=2), RefundLine(item_id=second.id, quantity=2)]
        short = [RefundPayment(provider_id="custom", amount=Decimal(1))]
        with pytest.raises(Unprocessable, match=r"payments add up to 1\.00"):
            await client.create_refund(order_id, rest, short, reference="RMA-8")
        total = (await client.refund_quote(order_id, rest)).total_refund_amount
        await client.create_refund(
            order_id, rest, [RefundPayment(provider_id="custom", amount=total)], reference="RMA-8"
        )
        assert (await client.order(order_id)).status_id == OrderStatus.REFUNDED
        assert [r.total_amount for r in await client.refunds(order_id)] == [Decimal("9.5"), Decimal("38")]
        assert {line.quantity_refunded for line in await client.order_products(order_id)} == {3, 2}


async def test_a_refund_is_made_once_per_reference_even_when_its_answer_is_lost(sandbox: Sandbox) -> None:
    placed = customer_order(sandbox.store, (3,))
    order_id = int(placed["id"])  # type: ignore[call-overload]

    def posts() -> int:
        return sum(
            1 for method, path, _ in sandbox.app.state.requests if method == "POST" and "refunds" in path
        )

    async with sandbox.client(timeout=0.3) as client:
        line = (await client.order_products(order_id))[0]
        lines = [RefundLine(item_id=line.id, quantity=1, reason="returned")]
        pay = [RefundPayment(provider_id="custom", amount=Decimal("9.5"), offline=True)]
        faults = sandbox.app.state.faults
        faults.delay, faults.delay_on = 0.6, "POST"  # the store refunds; its answer comes too late
        first = await client.create_refund(order_id, lines, pay, reference="RMA-1")  # found, not re-sent
        faults.delay = 0.0
        assert [r["id"] for r in sandbox.store.refunds[order_id]] == [first.id]
        again = await client.create_refund(order_id, lines, pay, reference="RMA-1")  # a job's retry
        assert again.id == first.id and len(sandbox.store.refunds[order_id]) == 1
        assert again.items[0].reason == "returned [RMA-1]"
        other = await client.create_refund(order_id, lines, pay, reference="RMA-2")  # a second return
    assert [r["id"] for r in sandbox.store.refunds[order_id]] == [first.id, other.id]
