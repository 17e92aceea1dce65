"""Async BigCommerce client: paced under the store's rate limit, retried where that is safe, paginated.

Retries: a 429 is always retried (BigCommerce did nothing) after X-Retry-After, the time to the
refill, or an exponential backoff when a 429 comes without headers (platform load shedding). 5xx
answers and timeouts are retried only for idempotent requests (GET, PUT, DELETE); a POST is retried
only when the connection was refused, i.e. the request never reached the store. Writes that must not
happen twice look before they write (see `create_shipment`).
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import random
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from gridlink.bigcommerce.budget import RESET_MS, RETRY_AFTER, StoreBudget, budget_for
from gridlink.bigcommerce.errors import BigCommerceError, Unavailable, error_for
from gridlink.bigcommerce.models import (
    Adjustment,
    Channel,
    Consignments,
    Customer,
    CustomerGroup,
    CustomField,
    Hook,
    InventoryItem,
    Location,
    Metafield,
    NewShipment,
    Order,
    OrderDetail,
    OrderProduct,
    Product,
    Refund,
    RefundLine,
    RefundPayment,
    RefundQuote,
    Shipment,
    ShippingAddress,
    Variant,
)
from gridlink.connection_slots import ConnectionSlots

API = "https://api.bigcommerce.com"
PAGE_LIMIT = 250  # the most BigCommerce returns per page; more is a 413
INVENTORY_BATCH = 2000
PRODUCT_BATCH = 10
VARIANT_BATCH = 50
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Params = dict[str, Any] | None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; tests shrink the delays."""

    attempts: int = 6
    base_delay: float = 2.0
    max_delay: float = 60.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter for attempt 1, 2, ..."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    """`items` in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BigCommerceClient:
    """One store's API: `/stores/{store_hash}/v2` and `/v3` with its token and the store's shared budget."""

    def __init__(
        self,
        store_hash: str,
        token: str,
        *,
        base_url: str = API,
        http: httpx.AsyncClient | None = None,
        budget: StoreBudget | None = None,
        retry: RetryPolicy = RetryPolicy(),
        timeout: float = 30.0,
    ) -> None:
        self.store_hash = store_hash
        self._root = f"{base_url.rstrip('/')}/stores/{store_hash}"
        self._headers = {"X-Auth-Token": token, "Accept": "application/json"}
        self._http = http or httpx.AsyncClient(timeout=timeout, transport=ConnectionSlots())
        self._owns_http = http is None
        self._budget = budget
        self.retry = retry

    @property
    def budget(self) -> StoreBudget:
        """The budget shared by every client of this store in the process."""
        if self._budget is None:
            self._budget = budget_for(self.store_hash)
        return self._budget

    async def aclose(self) -> None:
        """Close the HTTP connections this client opened."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> BigCommerceClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- transport ---------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one request (path like "/v2/orders"), retrying as the module describes; errors raise."""
        url = self._root + path
        safe = method in _IDEMPOTENT if idempotent is None else idempotent
        headers = dict(self._headers)
        content = None
        if json is not None:
            headers["Content-Type"] = "application/json"
            content = jsonlib.dumps(json, default=str).encode()
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.budget:
                    response = await self._http.request(
                        method, url, params=params, content=content, headers=headers
                    )
            except httpx.ConnectError as exc:  # never reached the store: safe to send again
                if attempt >= self.retry.attempts:
                    raise Unavailable(method, url, exc) from exc
                await asyncio.sleep(self.retry.delay(attempt))
                continue
            except httpx.TransportError as exc:  # timeouts, resets: the store may have acted
                if not safe or attempt >= self.retry.attempts:
                    raise Unavailable(method, url, exc) from exc
                await asyncio.sleep(self.retry.delay(attempt))
                continue
            self.budget.observe(response.headers)
            status = response.status_code
            if status == 429 and attempt < self.retry.attempts:
                self.budget.exhausted(self._rate_wait(response, attempt))
                continue
            if status in _RETRY_STATUSES and safe and attempt < self.retry.attempts:
                await asyncio.sleep(self.retry.delay(attempt))
                continue
            if status >= 400:
                raise error_for(status, _body(response), method, url)
            return response

    def _rate_wait(self, response: httpx.Response, attempt: int) -> float:
        headers = response.headers
        if headers.get(RETRY_AFTER, "").isdigit():
            return float(headers[RETRY_AFTER])
        if headers.get(RESET_MS, "").isdigit():
            return int(headers[RESET_MS]) / 1000
        return self.retry.delay(attempt)  # no headers: BigCommerce is shedding load

    async def _data(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON of a v3 response's `data`, or the whole body of a v2 response."""
        response = await self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        body = response.json()
        return body["data"] if path.startswith("/v3") and isinstance(body, dict) and "data" in body else body

    async def v2_pages(self, path: str, params: Params = None) -> AsyncIterator[dict[str, Any]]:
        """Every row of a v2 list: page by page until a short page or BigCommerce's 204 past the end."""
        page = 1
        while True:
            query = {**(params or {}), "page": page, "limit": PAGE_LIMIT}
            response = await self.request("GET", path, params=query)
            if response.status_code == 204 or not response.content:
                return
            rows = response.json()
            for row in rows:
                yield row
            if len(rows) < PAGE_LIMIT:
                return
            page += 1

    async def v3_pages(self, path: str, params: Params = None) -> AsyncIterator[dict[str, Any]]:
        """Every row of a v3 list, following meta.pagination (and stopping on an empty page)."""
        page = 1
        while True:
            query = {**(params or {}), "page": page, "limit": PAGE_LIMIT}
            body = (await self.request("GET", path, params=query)).json()
            rows = body.get("data") or []
            for row in rows:
                yield row
            pagination = body.get("meta", {}).get("pagination", {})
            if not rows or pagination.get("current_page", page) >= pagination.get("total_pages", page):
                return
            page += 1

    # -- orders (v2) -------------------------------------------------------------------------------

    async def order(self, order_id: int) -> Order:
        """One order."""
        return Order.model_validate(await self._data("GET", f"/v2/orders/{order_id}"))

    async def order_detail(self, order_id: int) -> OrderDetail:
        """An order with its lines and shipping addresses, in one request where the store expands them."""
        params = {"include": "consignments.line_items", "consignment_structure": "object"}
        data = await self._data("GET", f"/v2/orders/{order_id}", params=params)
        order = Order.model_validate(data)
        expanded = data.get("consignments") if isinstance(data, dict) else None
        if isinstance(expanded, dict) and isinstance(expanded.get("shipping"), list):
            # A consignment does not repeat its order's id, which the addresses carry.
            shipping = [{**c, "order_id": order_id} for c in expanded["shipping"] if isinstance(c, dict)]
            consignments = Consignments.model_validate({**expanded, "shipping": shipping})
            lines = [c.line_items for c in consignments.shipping]
            lines += [c.line_items for c in (*consignments.pickups, *consignments.downloads)]
            products = sorted((p for group in lines for p in group), key=lambda p: p.id)
            # Every line must be there: an order the store did not expand fully is read the long way.
            if sum(p.quantity for p in products) == order.items_total:
                addresses: list[ShippingAddress] = list(consignments.shipping)
                return OrderDetail(order=order, products=products, addresses=addresses)
        products = await self.order_products(order_id)
        addresses = await self.order_shipping_addresses(order_id)
        return OrderDetail(order=order, products=products, addresses=addresses)

    async def orders(self, **filters: Any) -> AsyncIterator[Order]:
        """Orders matching v2 filters (status_id, min_date_modified, ...), oldest id first."""
        async for row in self.v2_pages("/v2/orders", filters):
            yield Order.model_validate(row)

    async def order_products(self, order_id: int) -> list[OrderProduct]:
        """The lines of an order."""
        path = f"/v2/orders/{order_id}/products"
        return [OrderProduct.model_validate(r) async for r in self.v2_pages(path)]

    async def order_shipping_addresses(self, order_id: int) -> list[ShippingAddress]:
        """Where an order's lines go."""
        path = f"/v2/orders/{order_id}/shipping_addresses"
        return [ShippingAddress.model_validate(r) async for r in self.v2_pages(path)]

    async def update_order(self, order_id: int, **fields: Any) -> Order:
        """Change an order (status_id, staff_notes, ...)."""
        return Order.model_validate(await self._data("PUT", f"/v2/orders/{order_id}", json=fields))

    async def order_statuses(self) -> dict[int, str]:
        """Status ids and the labels this store shows for them."""
        rows = await self._data("GET", "/v2/order_statuses") or []
        return {int(r["id"]): str(r.get("custom_label") or r["name"]) for r in rows}

    async def shipments(self, order_id: int) -> list[Shipment]:
        """An order's shipments (BigCommerce answers 204 when there are none)."""
        path = f"/v2/orders/{order_id}/shipments"
        return [Shipment.model_validate(r) async for r in self.v2_pages(path)]

    async def create_shipment(self, order_id: int, shipment: NewShipment) -> Shipment:
        """Create a shipment once: a POST cannot be retried blindly, so an existing shipment with the same
        tracking number is returned instead, and after an unanswered POST the order is read again."""
        for existing in await self.shipments(order_id):
            if _same_shipment(existing, shipment):
                return existing
        body = shipment.model_dump(exclude_defaults=False)
        try:
            created = await self._data("POST", f"/v2/orders/{order_id}/shipments", json=body)
        except (Unavailable, BigCommerceError) as exc:
            if isinstance(exc, BigCommerceError) and exc.status < 500:
                raise
            for existing in await self.shipments(order_id):  # did it land before the failure?
                if _same_shipment(existing, shipment):
                    return existing
            raise
        return Shipment.model_validate(created)

    # -- refunds (v3) ------------------------------------------------------------------------------

    async def refund_quote(self, order_id: int, lines: Sequence[RefundLine]) -> RefundQuote:
        """What refunding `lines` would pay back and how (a quote changes nothing, so it is retried)."""
        body = {"items": [line.model_dump(mode="json", exclude_defaults=False) for line in lines]}
        path = f"/v3/orders/{order_id}/payment_actions/refund_quotes"
        return RefundQuote.model_validate(await self._data("POST", path, json=body, idempotent=True))

    async def refunds(self, order_id: int) -> list[Refund]:
        """The refunds made on an order."""
        rows = await self._data("GET", f"/v3/orders/{order_id}/payment_actions/refunds") or []
        return [Refund.model_validate(row) for row in rows]

    async def create_refund(
        self,
        order_id: int,
        lines: Sequence[RefundLine],
        payments: Sequence[RefundPayment],
        *,
        reference: str,
    ) -> Refund:
        """Refund `lines` once, paid back as `payments` (their sum must be the quote's total).

        BigCommerce takes no idempotency key, so the caller's `reference` (a claim or return id) is
        written into every item's reason and the order's refunds are looked through for it before
        posting: a refund already made under `reference` is returned instead. A POST that went
        unanswered is never repeated here; the order is looked at again, and if the refund has not
        appeared yet Unavailable is raised, and the next call with the same reference finds it."""
        tag = f"[{reference}]"
        existing = await self._refund_tagged(order_id, tag)
        if existing is not None:
            return existing
        body = {
            "items": [
                {**line.model_dump(mode="json"), "reason": f"{line.reason} {tag}".strip()} for line in lines
            ],
            "payments": [payment.model_dump(mode="json") for payment in payments],
        }
        try:
            created = await self._data("POST", f"/v3/orders/{order_id}/payment_actions/refunds", json=body)
        except (Unavailable, BigCommerceError) as exc:
            if isinstance(exc, BigCommerceError) and exc.status < 500:
                raise
            landed = await self._refund_tagged(order_id, tag)
            if landed is not None:
                return landed
            raise
        return Refund.model_validate(created)

    async def _refund_tagged(self, order_id: int, tag: str) -> Refund | None:
        for refund in await self.refunds(order_id):
            if any(item.reason.endswith(tag) for item in refund.items):
                return refund
        return None

    # -- catalog (v3) ------------------------------------------------------------------------------

    async def product(self, product_id: int) -> Product:
        """One product."""
        return Product.model_validate(await self._data("GET", f"/v3/catalog/products/{product_id}"))

    async def products(self, **filters: Any) -> AsyncIterator[Product]:
        """Products matching v3 filters (sku, sku:in, id:in, is_visible, ...)."""
        async for row in self.v3_pages("/v3/catalog/products", filters):
            yield Product.model_validate(row)

    async def update_products(self, changes: Sequence[dict[str, Any]]) -> list[Product]:
        """Update products in batches of 10 (each change carries its product's id)."""
        return await self._batched_put("/v3/catalog/products", changes, PRODUCT_BATCH, Product)

    async def variants(self, product_id: int) -> list[Variant]:
        """A product's variants."""
        path = f"/v3/catalog/products/{product_id}/variants"
        return [Variant.model_validate(r) async for r in self.v3_pages(path)]

    async def update_variants(self, changes: Sequence[dict[str, Any]]) -> list[Variant]:
        """Update variants in batches of 50 (each change carries its variant's id)."""
        return await self._batched_put("/v3/catalog/variants", changes, VARIANT_BATCH, Variant)

    async def _batched_put(
        self, path: str, changes: Sequence[dict[str, Any]], size: int, model: type[M]
    ) -> list[M]:
        out: list[M] = []
        for batch in chunks(changes, size):
            rows = await self._data("PUT", path, json=list(batch))
            out.extend(model.model_validate(r) for r in rows or [])
        return out

    async def custom_fields(self, product_id: int) -> list[CustomField]:
        """A product's custom fields."""
        path = f"/v3/catalog/products/{product_id}/custom-fields"
        return [CustomField.model_validate(r) async for r in self.v3_pages(path)]

    async def set_custom_field(self, product_id: int, name: str, value: str) -> CustomField:
        """Create or change the custom field `name` of a product."""
        path = f"/v3/catalog/products/{product_id}/custom-fields"
        current = next((f.id for f in await self.custom_fields(product_id) if f.name == name), None)
        return CustomField.model_validate(await self._set(path, current, {"name": name, "value": value}))

    async def metafields(self, product_id: int, namespace: str | None = None) -> list[Metafield]:
        """A product's metafields written by this API account."""
        path = f"/v3/catalog/products/{product_id}/metafields"
        params = {"namespace": namespace} if namespace else None
        return [Metafield.model_validate(r) async for r in self.v3_pages(path, params)]

    async def set_metafield(self, product_id: int, namespace: str, key: str, value: str) -> Metafield:
        """Create or change a product metafield."""
        path = f"/v3/catalog/products/{product_id}/metafields"
        current = next((m.id for m in await self.metafields(product_id, namespace) if m.key == key), None)
        body = {"namespace": namespace, "key": key, "value": value, "permission_set": "app_only"}
        return Metafield.model_validate(await self._set(path, current, body))

    async def _set(self, path: str, current: int | None, body: dict[str, Any]) -> Any:
        """Change sub-resource `current` under `path` to `body`, or create it when there is none."""
        if current is not None:
            # The whole body, not just the value: the metafield PUT requires namespace, key and
            # permission_set beside it.
            return await self._data("PUT", f"{path}/{current}", json=body)
        return await self._data("POST", path, json=body)

    # -- inventory (v3) ----------------------------------------------------------------------------

    async def locations(self) -> list[Location]:
        """Inventory locations."""
        return [Location.model_validate(r) async for r in self.v3_pages("/v3/inventory/locations")]

    async def inventory_items(self, location_id: int | None = None, **filters: Any) -> list[InventoryItem]:
        """Stock per item (and location); filters such as sku:in, variant_id:in."""
        path = f"/v3/inventory/locations/{location_id}/items" if location_id else "/v3/inventory/items"
        rows = [r async for r in self.v3_pages(path, filters)]
        out = []
        for row in rows:
            if "locations" in row:  # /inventory/items: one row per item, its locations nested
                for loc in row["locations"]:
                    out.append(InventoryItem.model_validate({**loc, "identity": row["identity"]}))
            else:
                out.append(InventoryItem.model_validate({**row, "location_id": location_id}))
        return out

    async def adjust_absolute(self, items: Sequence[Adjustment], reason: str = "") -> list[str]:
        """Set stock levels, at most 2,000 items a request; returns BigCommerce's transaction ids.
        BigCommerce applies them asynchronously: a read right after may still show the old level."""
        return await self._adjust("PUT", "absolute", items, reason)

    async def adjust_relative(self, items: Sequence[Adjustment], reason: str = "") -> list[str]:
        """Add to (or, negative, take from) stock levels; the item needs an absolute level first."""
        return await self._adjust("POST", "relative", items, reason)

    async def _adjust(self, method: str, kind: str, items: Sequence[Adjustment], reason: str) -> list[str]:
        ids = []
        for batch in chunks(items, INVENTORY_BATCH):
            body = {"reason": reason, "items": [i.model_dump(exclude_none=True) for i in batch]}
            # Absolute adjustments may be repeated safely; relative ones may not.
            response = await self.request(
                method, f"/v3/inventory/adjustments/{kind}", json=body, idempotent=kind == "absolute"
            )
            ids.append(str(response.json().get("transaction_id", "")))
        return ids

    # -- customers, channels, hooks ----------------------------------------------------------------

    async def customer(self, customer_id: int) -> Customer | None:
        """One customer (v3 answers a list filtered by id)."""
        rows = [r async for r in self.v3_pages("/v3/customers", {"id:in": customer_id})]
        return Customer.model_validate(rows[0]) if rows else None

    async def customer_groups(self) -> list[CustomerGroup]:
        """Customer groups (a v2-only resource)."""
        return [CustomerGroup.model_validate(r) async for r in self.v2_pages("/v2/customer_groups")]

    async def channels(self) -> list[Channel]:
        """Sales channels."""
        return [Channel.model_validate(r) async for r in self.v3_pages("/v3/channels")]

    async def hooks(self) -> list[Hook]:
        """Webhooks this API account created (others' are invisible to it)."""
        return [Hook.model_validate(r) async for r in self.v3_pages("/v3/hooks")]

    async def create_hook(self, scope: str, destination: str, headers: dict[str, str]) -> Hook:
        """Subscribe `destination` to `scope`, with headers sent on every delivery."""
        body = {"scope": scope, "destination": destination, "is_active": True, "headers": headers}
        return Hook.model_validate(await self._data("POST", "/v3/hooks", json=body))

    async def update_hook(self, hook_id: int, **fields: Any) -> Hook:
        """Change a hook (is_active=True reactivates one BigCommerce deactivated)."""
        return Hook.model_validate(await self._data("PUT", f"/v3/hooks/{hook_id}", json=fields))

    async def delete_hook(self, hook_id: int) -> None:
        """Remove a hook."""
        await self.request("DELETE", f"/v3/hooks/{hook_id}")


def _same_shipment(existing: Shipment, new: NewShipment) -> bool:
    """The same shipment: same tracking number (or, with none, the same address and items)."""
    if new.tracking_number:
        return existing.tracking_number == new.tracking_number
    key = sorted((i.order_product_id, i.quantity) for i in new.items)
    mine = sorted((i.order_product_id, i.quantity) for i in existing.items)
    return existing.order_address_id == new.order_address_id and key == mine and not existing.tracking_number


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
