"""The sandbox store's data and rules: orders and their shipments, catalog, inventory, customers, hooks.

Plain in-memory state behind one store hash; the HTTP layer (app.py) only translates. Rules follow
BigCommerce's documented behaviour: shipments move quantity_shipped and the order to Partially
Shipped (3) or Shipped (2); a shipment names an address of its order and never more than remains;
inventory adjustments apply after a delay and a relative one needs an absolute level first.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

STATUS_NAMES = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
DEFAULT_LOCATION = 1


class StoreError(Exception):
    """A request the store refuses: HTTP status and BigCommerce's message (and v3 field errors)."""

    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}


def rfc2822(ts: float) -> str:
    """v2's date format."""
    return format_datetime(datetime.fromtimestamp(ts, UTC))


def iso(ts: float) -> str:
    """v3's date format."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Event:
    """Something a hook may be told about: its scope and the thin `data` BigCommerce sends."""

    scope: str
    data: dict[str, Any]
    created_at: int = field(default_factory=lambda: int(time.time()))  # the same in every retry


@dataclass
class Hook:
    """A webhook subscription of one API client."""

    id: int
    client_id: str
    scope: str
    destination: str
    headers: dict[str, str]
    is_active: bool = True
    created_at: int = field(default_factory=lambda: int(time.time()))
    updated_at: int = field(default_factory=lambda: int(time.time()))

    def matches(self, scope: str) -> bool:
        """`store/order/*` covers every order scope."""
        if self.scope.endswith("/*"):
            return scope.startswith(self.scope[:-1])
        return self.scope == scope

    def as_json(self, store_hash: str) -> dict[str, Any]:
        """The v3 webhook object."""
        return {
            "id": self.id,
            "client_id": self.client_id,
            "store_hash": store_hash,
            "scope": self.scope,
            "destination": self.destination,
            "headers": self.headers,
            "is_active": self.is_active,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


class SandboxStore:
    """One emulated store: its data, its rules, and the events it raises for the hook dispatcher."""

    def __init__(self, store_hash: str = "sandbox", inventory_delay: float = 0.0) -> None:
        self.store_hash = store_hash
        self.inventory_delay = inventory_delay
        self.ids = itertools.count(100)
        self.orders: dict[int, dict[str, Any]] = {}
        self.lines: dict[int, list[dict[str, Any]]] = {}
        self.addresses: dict[int, list[dict[str, Any]]] = {}
        self.shipments: dict[int, list[dict[str, Any]]] = {}
        self.refunds: dict[int, list[dict[str, Any]]] = {}
        self.products: dict[int, dict[str, Any]] = {}
        self.variants: dict[int, dict[str, Any]] = {}
        self.skus: dict[str, int] = {}  # sku -> variant id (stores of 100,000 SKUs are looked up by sku)
        self.custom_fields: dict[int, list[dict[str, Any]]] = {}
        self.metafields: dict[tuple[str, int], list[dict[str, Any]]] = {}  # (client, product)
        self.locations: dict[int, dict[str, Any]] = {
            DEFAULT_LOCATION: {"id": DEFAULT_LOCATION, "code": "DEFAULT", "label": "Default", "enabled": True}
        }
        self.stock: dict[tuple[int, int], int | None] = {}  # (variant id, location id) -> on hand
        self.customers: dict[int, dict[str, Any]] = {}
        self.groups: dict[int, dict[str, Any]] = {}
        self.channels: dict[int, dict[str, Any]] = {
            1: {
                "id": 1,
                "name": "Storefront",
                "type": "storefront",
                "platform": "bigcommerce",
                "status": "active",
            }
        }
        self.hooks: dict[int, Hook] = {}
        self.listeners: list[Callable[[Event], None]] = []
        self.pending_adjustments: set[asyncio.Task[None]] = set()

    def next_id(self) -> int:
        """A fresh id, unique across the store's resources."""
        return next(self.ids)

    def emit(self, scope: str, data: dict[str, Any]) -> None:
        """Tell the dispatcher (and any other listener) about an event."""
        for listener in self.listeners:
            listener(Event(scope, data))

    # -- catalog -----------------------------------------------------------------------------------

    def add_product(self, name: str, sku: str, price: float, **fields: Any) -> dict[str, Any]:
        """A simple product with its base variant, tracked by product, no stock level yet."""
        pid, vid = self.next_id(), self.next_id()
        now = time.time()
        product = {
            "id": pid,
            "name": name,
            "type": "physical",
            "sku": sku,
            "price": price,
            "weight": 1,
            "brand_id": 0,
            "categories": [],
            "is_visible": True,
            "availability": "available",
            "availability_description": "",
            "inventory_tracking": "product",
            "inventory_level": 0,
            "upc": "",
            "gtin": "",
            "mpn": "",
            "base_variant_id": vid,
            "preorder_release_date": None,
            "date_created": iso(now),
            "date_modified": iso(now),
            **fields,
        }
        self.products[pid] = product
        self.skus[sku] = vid
        self.variants[vid] = {
            "id": vid,
            "product_id": pid,
            "sku": sku,
            "sku_id": vid,  # BigCommerce numbers SKUs apart from variants; one per variant here
            "price": price,
            "inventory_level": 0,
            "purchasing_disabled": False,
            "purchasing_disabled_message": "",
            "upc": "",
            "gtin": "",
            "option_values": [],
        }
        self.custom_fields[pid] = []
        self.stock[(vid, DEFAULT_LOCATION)] = None
        self.emit("store/product/created", {"type": "product", "id": pid})
        return product

    def product(self, product_id: int) -> dict[str, Any]:
        """A product, or 404."""
        if product_id not in self.products:
            raise StoreError(404, f"product {product_id} not found")
        return self.products[product_id]

    def update_product(self, change: dict[str, Any]) -> dict[str, Any]:
        """Apply one product change (ids and dates are the store's)."""
        product = self.product(int(change.get("id", 0)))
        product.update(
            {k: v for k, v in change.items() if k not in ("id", "date_created", "base_variant_id")}
        )
        product["date_modified"] = iso(time.time())
        if "inventory_level" in change:
            self._set_stock(product["base_variant_id"], DEFAULT_LOCATION, int(change["inventory_level"]))
        self.emit("store/product/updated", {"type": "product", "id": product["id"]})
        return product

    def update_variant(self, change: dict[str, Any]) -> dict[str, Any]:
        """Apply one variant change."""
        vid = int(change.get("id", 0))
        if vid not in self.variants:
            raise StoreError(404, f"variant {vid} not found")
        variant = self.variants[vid]
        if "sku" in change and change["sku"] != variant["sku"]:
            self.skus.pop(variant["sku"], None)
            self.skus[str(change["sku"])] = vid
        variant.update({k: v for k, v in change.items() if k not in ("id", "product_id")})
        self.emit(
            "store/sku/updated", {"type": "sku", "id": vid, "sku": {"product_id": variant["product_id"]}}
        )
        return variant

    def variant_by(self, sku: str | None, variant_id: int | None, product_id: int | None) -> dict[str, Any]:
        """The variant an inventory identity names."""
        if variant_id is not None and variant_id in self.variants:
            return self.variants[variant_id]
        if product_id is not None and product_id in self.products:
            return self.variants[self.products[product_id]["base_variant_id"]]
        if sku is not None and sku in self.skus:
            return self.variants[self.skus[sku]]
        raise StoreError(422, f"no item with sku={sku} variant_id={variant_id} product_id={product_id}")

    # -- inventory ---------------------------------------------------------------------------------

    def on_hand(self, variant_id: int, location_id: int = DEFAULT_LOCATION) -> int | None:
        """Stock of a variant at a location (None until an absolute adjustment set it)."""
        return self.stock.get((variant_id, location_id))

    def adjust(self, kind: str, items: list[dict[str, Any]]) -> str:
        """Check an absolute or relative adjustment now, apply it after the configured delay."""
        if not items:
            raise StoreError(422, "items must not be empty", {"items": "at least one item"})
        if len(items) > 2000:
            raise StoreError(422, "at most 2000 items per request", {"items": "too many items"})
        planned: list[tuple[int, int, int]] = []
        for item in items:
            location = int(item.get("location_id", 0))
            if location not in self.locations:
                raise StoreError(422, f"location {location} does not exist")
            variant = self.variant_by(item.get("sku"), item.get("variant_id"), item.get("product_id"))
            quantity = int(item["quantity"])
            if kind == "relative" and self.on_hand(variant["id"], location) is None:
                raise StoreError(
                    422,
                    f"Items with identity: [sku={variant['sku']}] requires absolute adjustment"
                    " before relative",
                )
            planned.append((variant["id"], location, quantity))
        transaction = f"txn-{self.next_id()}"

        def apply() -> None:
            for vid, location, quantity in planned:
                base = self.on_hand(vid, location) or 0
                self._set_stock(vid, location, quantity if kind == "absolute" else base + quantity)

        if self.inventory_delay <= 0:
            apply()
        else:
            task = asyncio.get_running_loop().create_task(self._later(apply))
            self.pending_adjustments.add(task)
            task.add_done_callback(self.pending_adjustments.discard)
        return transaction

    async def _later(self, apply: Callable[[], None]) -> None:
        await asyncio.sleep(self.inventory_delay)
        apply()

    def _set_stock(self, variant_id: int, location: int, level: int) -> None:
        self.stock[(variant_id, location)] = level
        variant = self.variants[variant_id]
        total = sum(self.stock.get((variant_id, where)) or 0 for where in self.locations)
        variant["inventory_level"] = total
        product = self.products[variant["product_id"]]
        if product["base_variant_id"] == variant_id:
            product["inventory_level"] = total
        data = {"product_id": product["id"], "method": "absolute", "value": level}
        self.emit(
            "store/product/inventory/updated", {"type": "product", "id": product["id"], "inventory": data}
        )

    # -- customers ---------------------------------------------------------------------------------

    def add_customer(
        self, email: str, first: str, last: str, company: str = "", group_id: int = 0
    ) -> dict[str, Any]:
        """A customer, optionally in a customer group."""
        cid = self.next_id()
        self.customers[cid] = {
            "id": cid,
            "email": email,
            "first_name": first,
            "last_name": last,
            "company": company,
            "customer_group_id": group_id,
        }
        return self.customers[cid]

    def add_group(self, name: str) -> dict[str, Any]:
        """A customer group."""
        gid = self.next_id()
        self.groups[gid] = {"id": gid, "name": name, "is_default": False, "category_access": {"type": "all"}}
        return self.groups[gid]

    # -- orders ------------------------------------------------------------------------------------

    def place_order(
        self,
        customer_id: int,
        items: list[tuple[int, int]],
        address: dict[str, str],
        status_id: int = 11,
    ) -> dict[str, Any]:
        """An order as a shopper's checkout makes it: lines for (variant id, quantity), one shipping
        address, stock taken at placement; fires store/order/created."""
        oid, aid = self.next_id(), self.next_id()
        now = time.time()
        lines = []
        subtotal = 0.0
        for variant_id, quantity in items:
            variant = self.variants[variant_id]
            product = self.products[variant["product_id"]]
            price = float(variant["price"] if variant["price"] is not None else product["price"])
            subtotal += price * quantity
            lines.append(
                {
                    "id": self.next_id(),
                    "order_id": oid,
                    "product_id": product["id"],
                    "variant_id": variant_id,
                    "order_address_id": aid,
                    "name": product["name"],
                    "sku": variant["sku"],
                    "upc": variant["upc"],
                    "type": "physical",
                    "quantity": quantity,
                    "quantity_shipped": 0,
                    "quantity_refunded": 0,
                    "is_refunded": False,
                    "base_price": f"{price:.4f}",
                    "price_ex_tax": f"{price:.4f}",
                    "price_inc_tax": f"{price:.4f}",
                    "total_ex_tax": f"{price * quantity:.4f}",
                    "total_inc_tax": f"{price * quantity:.4f}",
                    "product_options": [],
                }
            )
            on_hand = self.on_hand(variant_id)
            if on_hand is not None:
                self._set_stock(variant_id, DEFAULT_LOCATION, on_hand - quantity)
        customer = self.customers.get(customer_id, {})
        billing = {
            "first_name": customer.get("first_name", address.get("first_name", "")),
            "last_name": customer.get("last_name", address.get("last_name", "")),
            "company": customer.get("company", ""),
            "email": customer.get("email", ""),
            **{k: address.get(k, "") for k in ("street_1", "street_2", "city", "state", "zip", "country")},
            "country_iso2": address.get("country_iso2", "US"),
            "phone": address.get("phone", ""),
        }
        count = sum(q for _, q in items)
        self.orders[oid] = {
            "id": oid,
            "customer_id": customer_id,
            "channel_id": 1,
            "status_id": status_id,
            "status": STATUS_NAMES[status_id],
            "date_created": rfc2822(now),
            "date_modified": rfc2822(now),
            "date_shipped": "",
            "currency_code": "USD",
            "subtotal_ex_tax": f"{subtotal:.4f}",
            "subtotal_inc_tax": f"{subtotal:.4f}",
            "total_ex_tax": f"{subtotal:.4f}",
            "total_inc_tax": f"{subtotal:.4f}",
            "items_total": count,
            "items_shipped": 0,
            "staff_notes": "",
            "customer_message": "",
            "external_order_id": "",
            "is_deleted": False,
            "billing_address": billing,
        }
        self.lines[oid] = lines
        self.addresses[oid] = [
            {
                "id": aid,
                "order_id": oid,
                **billing,
                **{k: v for k, v in address.items() if k in billing},
                "items_total": count,
                "items_shipped": 0,
                "shipping_method": "Standard",
            }
        ]
        self.shipments[oid] = []
        self.emit("store/order/created", {"type": "order", "id": oid})
        return self.orders[oid]

    def create_order(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v2/orders: catalog lines by product (and variant) id; status Pending unless given."""
        billing = body.get("billing_address")
        if not isinstance(billing, dict):
            raise StoreError(400, "billing_address is required")
        products = body.get("products")
        if not isinstance(products, list) or not products:
            raise StoreError(400, "products must be a non-empty array")
        items = []
        for n, line in enumerate(products):
            if not isinstance(line, dict):
                raise StoreError(400, f"products[{n}] must be an object")
            product_id, quantity = line.get("product_id"), line.get("quantity")
            product = self.products.get(product_id) if isinstance(product_id, int) else None
            if product is None:
                raise StoreError(400, f"products[{n}].product_id does not name a product")
            if not isinstance(quantity, int) or quantity < 1:
                raise StoreError(400, f"products[{n}].quantity must be a positive integer")
            variant_id = line.get("variant_id") or product["base_variant_id"]
            variant = self.variants.get(variant_id)
            if variant is None or variant["product_id"] != product["id"]:
                raise StoreError(400, f"products[{n}].variant_id is not a variant of that product")
            items.append((int(variant_id), quantity))
        status = body.get("status_id", 1)
        if status not in STATUS_NAMES:
            raise StoreError(400, f"status_id {status!r} is not a valid order status")
        shipping = body.get("shipping_addresses") or [billing]
        if not isinstance(shipping, list) or not isinstance(shipping[0], dict):
            raise StoreError(400, "shipping_addresses must be an array of addresses")
        customer_id = body.get("customer_id", 0)
        customer = customer_id if isinstance(customer_id, int) else 0
        return self.place_order(customer, items, shipping[0], status)

    def order(self, order_id: int) -> dict[str, Any]:
        """An order, or 404."""
        order = self.orders.get(order_id)
        if order is None or order["is_deleted"]:
            raise StoreError(404, "The requested resource was not found.")
        return order

    def update_order(self, order_id: int, change: dict[str, Any]) -> dict[str, Any]:
        """PUT /v2/orders/{id}: status and notes (what the hub changes)."""
        order = self.order(order_id)
        previous = order["status_id"]
        if "status_id" in change:
            status = change["status_id"]
            if not isinstance(status, int) or status not in STATUS_NAMES:
                raise StoreError(400, f"status_id {status!r} is not a valid order status")
            order["status_id"], order["status"] = status, STATUS_NAMES[status]
        for key in ("staff_notes", "customer_message", "external_order_id"):
            if key in change:
                order[key] = change[key]
        order["date_modified"] = rfc2822(time.time())
        self.emit("store/order/updated", {"type": "order", "id": order_id})
        if order["status_id"] != previous:
            status_data = {"previous_status_id": previous, "new_status_id": order["status_id"]}
            self.emit("store/order/statusUpdated", {"type": "order", "id": order_id, "status": status_data})
        return order

    def refund_quote(self, order_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v3/orders/{id}/payment_actions/refund_quotes: the amount, payable offline ("custom")."""
        self.order(order_id)
        total = _refund_total(self._refund_items(order_id, body))
        option = {
            "provider_id": "custom",
            "provider_description": "Custom",
            "amount": total,
            "offline": True,
            "offline_provider": True,
            "offline_reason": "This is an offline payment provider.",
        }
        return {
            "order_id": order_id,
            "total_refund_amount": total,
            "total_refund_tax_amount": 0.0,
            "rounding": 0.0,
            "adjustment": 0.0,
            "tax_inclusive": True,
            "refund_methods": [[option]],
        }

    def create_refund(self, order_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v3/orders/{id}/payment_actions/refunds: PRODUCT items paid back in full; the order becomes
        Refunded or Partially Refunded; fires store/order/refund/created."""
        order = self.order(order_id)
        planned = self._refund_items(order_id, body)
        total = _refund_total(planned)
        payments = body.get("payments")
        if not isinstance(payments, list) or not payments or not all(isinstance(p, dict) for p in payments):
            raise StoreError(422, "payments must be a non-empty array", {"payments": "required"})
        paid = round(sum(float(p.get("amount", 0)) for p in payments), 2)
        if abs(paid - total) > 0.005:
            raise StoreError(422, f"payments add up to {paid:.2f}, the refund is {total:.2f}")
        for line, quantity, _ in planned:
            line["quantity_refunded"] += quantity
            line["is_refunded"] = line["quantity_refunded"] >= line["quantity"]
        refund = {
            "id": self.next_id(),
            "order_id": order_id,
            "user_id": 0,
            "created": iso(time.time()),
            "reason": str(body.get("reason", "")),
            "total_amount": total,
            "total_tax": 0.0,
            "uses_merchant_override_values": False,
            "items": [
                {
                    "item_type": "PRODUCT",
                    "item_id": line["id"],
                    "reason": reason,
                    "quantity": quantity,
                    "requested_amount": round(float(line["price_inc_tax"]) * quantity, 2),
                }
                for line, quantity, reason in planned
            ],
            "payments": [
                {
                    "id": self.next_id(),
                    "provider_id": str(p.get("provider_id", "custom")),
                    "amount": float(p.get("amount", 0)),
                    "offline": bool(p.get("offline", True)),
                    "is_declined": False,
                    "declined_message": "",
                }
                for p in payments
            ],
        }
        self.refunds.setdefault(order_id, []).append(refund)
        everything = all(line["quantity_refunded"] >= line["quantity"] for line in self.lines[order_id])
        status = 4 if everything else 14  # Refunded, Partially Refunded
        if order["status_id"] != status:
            self.update_order(order_id, {"status_id": status})
        self.emit(
            "store/order/refund/created",
            {"type": "order", "id": order_id, "refund": {"refund_id": refund["id"]}},
        )
        return refund

    def _refund_items(self, order_id: int, body: dict[str, Any]) -> list[tuple[dict[str, Any], int, str]]:
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise StoreError(422, "items must be a non-empty array", {"items": "required"})
        lines = {line["id"]: line for line in self.lines[order_id]}
        planned = []
        for n, item in enumerate(items):
            if not isinstance(item, dict) or item.get("item_type") != "PRODUCT":
                raise StoreError(422, f"items[{n}]: the sandbox refunds PRODUCT items only")
            line = lines.get(item.get("item_id"))
            if line is None:
                raise StoreError(422, f"items[{n}].item_id is not a product of order {order_id}")
            quantity = item.get("quantity")
            left = line["quantity"] - line["quantity_refunded"]
            if not isinstance(quantity, int) or not 0 < quantity <= left:
                raise StoreError(
                    422, f"items[{n}].quantity must be 1 to {left}, the quantity not yet refunded"
                )
            planned.append((line, quantity, str(item.get("reason", ""))))
        return planned

    def create_shipment(self, order_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """Validate and record a shipment; move quantities shipped and the order's status."""
        order = self.order(order_id)
        address_id = body.get("order_address_id")
        items = body.get("items")
        if address_id is None or not items:
            raise StoreError(400, "order_address_id and items are required")
        address = next((a for a in self.addresses[order_id] if a["id"] == address_id), None)
        if address is None:
            raise StoreError(400, f"The order address {address_id} does not belong to order {order_id}.")
        if len(str(body.get("tracking_number", ""))) > 50:
            raise StoreError(400, "tracking_number is longer than 50 characters")
        by_id = {line["id"]: line for line in self.lines[order_id]}
        for item in items:
            line = by_id.get(item.get("order_product_id"))
            quantity = item.get("quantity")
            if line is None:
                raise StoreError(
                    400, f"order product {item.get('order_product_id')} is not in order {order_id}"
                )
            if line["order_address_id"] != address_id:
                raise StoreError(400, f"order product {line['id']} does not ship to address {address_id}")
            if not isinstance(quantity, int) or quantity < 1:
                raise StoreError(400, f"quantity {quantity!r} must be a positive integer")
            if quantity > line["quantity"] - line["quantity_shipped"]:
                remaining = line["quantity"] - line["quantity_shipped"]
                raise StoreError(
                    400, f"Cannot ship {quantity} of order product {line['id']}: {remaining} remain to ship."
                )
        for item in items:
            by_id[item["order_product_id"]]["quantity_shipped"] += item["quantity"]
        shipped = sum(item["quantity"] for item in items)
        address["items_shipped"] += shipped
        order["items_shipped"] += shipped
        previous = order["status_id"]
        done = all(line["quantity_shipped"] >= line["quantity"] for line in self.lines[order_id])
        order["status_id"] = 2 if done else 3
        order["status"] = STATUS_NAMES[order["status_id"]]
        now = time.time()
        order["date_modified"] = rfc2822(now)
        if done:
            order["date_shipped"] = rfc2822(now)
        shipment = {
            "id": self.next_id(),
            "order_id": order_id,
            "customer_id": order["customer_id"],
            "order_address_id": address_id,
            "date_created": rfc2822(now),
            "tracking_number": body.get("tracking_number", ""),
            "shipping_method": body.get("shipping_method", ""),
            "shipping_provider": body.get("shipping_provider", ""),
            "tracking_carrier": body.get("tracking_carrier", ""),
            "tracking_link": body.get("tracking_link", ""),
            "comments": body.get("comments", ""),
            "billing_address": order["billing_address"],
            "shipping_address": {
                k: v for k, v in address.items() if k not in ("items_total", "items_shipped")
            },
            "items": [
                {
                    "order_product_id": i["order_product_id"],
                    "product_id": by_id[i["order_product_id"]]["product_id"],
                    "quantity": i["quantity"],
                }
                for i in items
            ],
        }
        self.shipments[order_id].append(shipment)
        self.emit("store/shipment/created", {"type": "shipment", "id": shipment["id"], "orderId": order_id})
        self.emit("store/order/updated", {"type": "order", "id": order_id})
        if previous != order["status_id"]:
            status_data = {"previous_status_id": previous, "new_status_id": order["status_id"]}
            self.emit("store/order/statusUpdated", {"type": "order", "id": order_id, "status": status_data})
        return shipment

    # -- hooks -------------------------------------------------------------------------------------

    def create_hook(self, client_id: str, body: dict[str, Any]) -> Hook:
        """POST /v3/hooks: one hook per client, scope and destination."""
        scope, destination = body.get("scope"), body.get("destination")
        if not isinstance(scope, str) or not isinstance(destination, str) or not scope or not destination:
            raise StoreError(422, "scope and destination are required", {"scope": "required"})
        for hook in self.hooks.values():
            if (hook.client_id, hook.scope, hook.destination) == (client_id, scope, destination):
                raise StoreError(
                    422, "a hook for this scope and destination exists", {"destination": "duplicate"}
                )
        hook = Hook(
            self.next_id(),
            client_id,
            scope,
            destination,
            dict(body.get("headers") or {}),
            bool(body.get("is_active", True)),
        )
        self.hooks[hook.id] = hook
        return hook

    def hook(self, client_id: str, hook_id: int) -> Hook:
        """A hook this client owns, or 404 (others' hooks are invisible)."""
        hook = self.hooks.get(hook_id)
        if hook is None or hook.client_id != client_id:
            raise StoreError(404, f"hook {hook_id} not found")
        return hook


def _refund_total(planned: list[tuple[dict[str, Any], int, str]]) -> float:
    """What refunding the planned lines pays back: their price with tax, times the quantity."""
    return round(sum(float(line["price_inc_tax"]) * quantity for line, quantity, _ in planned), 2)
