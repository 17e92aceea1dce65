"""The sandbox store over HTTP: BigCommerce's routes, auth, rate limit, pagination and error shapes.

Routes live under /stores/{store_hash}/v2 and /v3. Every response carries the four X-Rate-Limit
headers of a per-store window (150 requests per 30 s unless configured); past the quota the answer is
429 with X-Retry-After. v2 lists are bare arrays with 204 past the end, v3 lists are data + meta;
limit over 250 is a 413. Errors take v2's list shape or v3's object shape. Fault switches (`faults`)
make the store answer 5xx, slowly, or 429 without headers, as the real one sometimes does.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from gridlink.sandbox.bigcommerce.dispatcher import Dispatcher
from gridlink.sandbox.bigcommerce.gate import Gate
from gridlink.sandbox.bigcommerce.state import STATUS_NAMES, SandboxStore, StoreError

MAX_LIMIT = 250
V3_ERROR_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


@dataclass
class Faults:
    """Misbehaviour on request; counts are used up one request at a time."""

    errors: list[int] = field(default_factory=list)  # statuses to answer, in order, instead of serving
    errors_on: str | None = None  # only requests of this method get them (None: any)
    shed: int = 0  # 429s without any rate-limit header
    delay: float = 0.0  # seconds every answer is held back after the request was served
    delay_on: str | None = None  # only requests of this method are slowed (None: any)


@dataclass
class RateWindow:
    """BigCommerce's per-store quota in a fixed window."""

    quota: int = 150
    window: float = 30.0
    started: float = 0.0
    used: int = 0
    closed: list[int] = field(default_factory=list)  # requests served in each window that has ended

    def take(self, now: float) -> bool:
        """Count one request; False when the quota is spent."""
        if now - self.started >= self.window:
            if self.used:
                self.closed.append(self.used)
            self.started, self.used = now, 0
        if self.used >= self.quota:
            return False
        self.used += 1
        return True

    def headers(self, now: float) -> dict[str, str]:
        """The four headers BigCommerce sends on every response."""
        reset_ms = max(0, math.ceil((self.started + self.window - now) * 1000))
        return {
            "X-Rate-Limit-Time-Window-Ms": str(int(self.window * 1000)),
            "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(max(0, self.quota - self.used)),
        }


@dataclass
class SandboxConfig:
    """Who may call the store (token -> API client id) and the clients' secrets (they sign webhooks)."""

    tokens: dict[str, str] = field(default_factory=lambda: {"sandbox-token": "sandbox-client"})
    secrets: dict[str, str] = field(default_factory=lambda: {"sandbox-client": "sandbox-secret"})
    quota: int = 150
    window: float = 30.0
    webhook_time_scale: float = 1.0


def create_app(store: SandboxStore | None = None, config: SandboxConfig | None = None) -> FastAPI:
    """The emulator as an ASGI app; `app.state` holds the store, the faults and the dispatcher."""
    store = store or SandboxStore()
    config = config or SandboxConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.dispatcher = Dispatcher(store, config.secrets, config.webhook_time_scale)
        try:
            yield
        finally:
            await app.state.dispatcher.aclose()

    app = FastAPI(
        title="gridlink sandbox store", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.store = store
    app.state.config = config
    app.state.faults = Faults()
    app.state.rate = RateWindow(config.quota, config.window)
    app.state.dispatcher = None
    app.state.requests = deque(maxlen=10_000)  # (method, path, status) of recent API requests

    app.add_middleware(Gate, store_hash=store.store_hash, tokens=config.tokens, state=app.state, error=_error)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _error(exc.status, exc.message, request.url.path, exc.errors)

    _v2_routes(app, store)
    _v3_routes(app, store)
    return app


def _error(status: int, message: str, path: str, errors: dict[str, str] | None = None) -> JSONResponse:
    """BigCommerce's error shapes: v2 a one-element array; v3 an RFC 7807 object, served as
    application/problem+json by the inventory API and as application/json by the others."""
    if "/v3/" in path:
        body: Any = {"status": status, "title": message, "type": V3_ERROR_TYPE, "errors": errors or {}}
        media = "application/problem+json" if "/v3/inventory/" in path else "application/json"
        return JSONResponse(body, status_code=status, media_type=media)
    return JSONResponse([{"status": status, "message": message}], status_code=status)


def _limit(request: Request) -> tuple[int, int]:
    try:
        page = int(request.query_params.get("page", "1"))
        limit = int(request.query_params.get("limit", "50"))
    except ValueError as exc:
        raise StoreError(400, "page and limit must be integers") from exc
    if limit > MAX_LIMIT:
        raise StoreError(
            413, "The specified limit exceeds the maximum allowed.", {"max_limit": str(MAX_LIMIT)}
        )
    if page < 1 or limit < 1:
        raise StoreError(400, "page and limit must be positive")
    return page, limit


def v2_list(request: Request, rows: list[dict[str, Any]]) -> Response:
    """A v2 page: a bare array, or 204 with no body past the end."""
    page, limit = _limit(request)
    chunk = rows[(page - 1) * limit : page * limit]
    if not chunk:
        return Response(status_code=204)
    return JSONResponse(chunk)


def v3_list(request: Request, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A v3 page: data and meta.pagination."""
    page, limit = _limit(request)
    total = len(rows)
    pages = max(1, math.ceil(total / limit))
    chunk = rows[(page - 1) * limit : page * limit]
    links = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    pagination = {
        "total": total,
        "count": len(chunk),
        "per_page": limit,
        "current_page": page,
        "total_pages": pages,
        "links": links,
    }
    return {"data": chunk, "meta": {"pagination": pagination}}


def _filtered(rows: list[dict[str, Any]], request: Request, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Apply `field=value` and `field:in=a,b` filters for the named fields."""
    out = rows
    for name in fields:
        if name in request.query_params:
            wanted = request.query_params[name]
            out = [r for r in out if str(r.get(name)) == wanted]
        if f"{name}:in" in request.query_params:
            values = set(request.query_params[f"{name}:in"].split(","))
            out = [r for r in out if str(r.get(name)) in values]
    return out


async def _json(request: Request) -> Any:
    if request.headers.get("content-type", "").split(";")[0] != "application/json":
        raise StoreError(415, "Content-Type must be application/json")
    try:
        return await request.json()
    except ValueError as exc:
        raise StoreError(400, f"the body is not JSON: {exc}") from exc


async def _object(request: Request) -> dict[str, Any]:
    """A body that must be one JSON object."""
    body = await _json(request)
    if not isinstance(body, dict):
        raise StoreError(400, "the body must be an object")
    return body


async def _batch(request: Request, most: int) -> list[dict[str, Any]]:
    """A batch body: a non-empty array of objects, at most `most` of them (413 beyond)."""
    changes = await _json(request)
    if not isinstance(changes, list) or not changes or not all(isinstance(c, dict) for c in changes):
        raise StoreError(422, "the body must be a non-empty array of objects")
    if len(changes) > most:
        raise StoreError(413, f"The maximum items allowed in the array is {most}.")
    return changes


def _v2_routes(app: FastAPI, store: SandboxStore) -> None:
    prefix = "/stores/{store_hash}/v2"

    @app.get(prefix + "/time")
    async def server_time() -> dict[str, int]:
        return {"time": int(time.time())}

    @app.get(prefix + "/orders")
    async def orders(request: Request) -> Response:
        rows = sorted((o for o in store.orders.values() if not o["is_deleted"]), key=lambda o: o["id"])
        rows = _filtered(rows, request, ("status_id", "customer_id"))
        if "min_id" in request.query_params:
            rows = [o for o in rows if o["id"] >= int(request.query_params["min_id"])]
        return v2_list(request, rows)

    @app.post(prefix + "/orders")
    async def create_order(request: Request) -> dict[str, Any]:
        return _order_json(store, store.create_order(await _object(request)))

    @app.get(prefix + "/orders/{order_id}")
    async def order(order_id: int, request: Request) -> dict[str, Any]:
        body = _order_json(store, store.order(order_id))
        include = request.query_params.get("include", "").split(",")
        if (
            "consignments.line_items" in include
            and request.query_params.get("consignment_structure") == "object"
        ):
            lines = store.lines[order_id]
            body["consignments"] = {
                "pickups": [],
                "shipping": [
                    {**address, "line_items": [x for x in lines if x["order_address_id"] == address["id"]]}
                    for address in store.addresses[order_id]
                ],
                "downloads": [],
                "email": {"gift_certificates": []},
            }
        return body

    @app.put(prefix + "/orders/{order_id}")
    async def update_order(order_id: int, request: Request) -> dict[str, Any]:
        body = await _json(request)
        if not isinstance(body, dict):
            raise StoreError(400, "the body must be an object")
        return _order_json(store, store.update_order(order_id, body))

    @app.get(prefix + "/orders/{order_id}/products")
    async def order_products(order_id: int, request: Request) -> Response:
        store.order(order_id)
        return v2_list(request, store.lines[order_id])

    @app.get(prefix + "/orders/{order_id}/shipping_addresses")
    async def order_addresses(order_id: int, request: Request) -> Response:
        store.order(order_id)
        return v2_list(request, store.addresses[order_id])

    @app.get(prefix + "/orders/{order_id}/shipments")
    async def shipments(order_id: int, request: Request) -> Response:
        store.order(order_id)
        return v2_list(request, store.shipments[order_id])

    @app.post(prefix + "/orders/{order_id}/shipments", status_code=201)
    async def create_shipment(order_id: int, request: Request) -> dict[str, Any]:
        body = await _json(request)
        if not isinstance(body, dict):
            raise StoreError(400, "the body must be an object")
        return store.create_shipment(order_id, body)

    @app.get(prefix + "/order_statuses")
    async def statuses() -> list[dict[str, Any]]:
        return [
            {"id": i, "name": n, "system_label": n, "custom_label": n, "system_description": "", "order": i}
            for i, n in STATUS_NAMES.items()
        ]

    @app.get(prefix + "/customer_groups")
    async def groups(request: Request) -> Response:
        return v2_list(request, list(store.groups.values()))


def _order_json(store: SandboxStore, order: dict[str, Any]) -> dict[str, Any]:
    root = f"https://api.bigcommerce.com/stores/{store.store_hash}/v2/orders/{order['id']}"
    return {
        **order,
        "products": {"url": f"{root}/products", "resource": f"/orders/{order['id']}/products"},
        "shipping_addresses": {
            "url": f"{root}/shipping_addresses",
            "resource": f"/orders/{order['id']}/shipping_addresses",
        },
    }


def _v3_routes(app: FastAPI, store: SandboxStore) -> None:
    prefix = "/stores/{store_hash}/v3"

    @app.get(prefix + "/catalog/products")
    async def products(request: Request) -> dict[str, Any]:
        rows = _filtered(sorted(store.products.values(), key=lambda p: p["id"]), request, ("id", "sku"))
        return v3_list(request, rows)

    @app.put(prefix + "/catalog/products")
    async def update_products(request: Request) -> dict[str, Any]:
        changes = await _batch(request, 10)
        return {"data": [store.update_product(c) for c in changes], "meta": {}}

    @app.get(prefix + "/catalog/products/{product_id}")
    async def product(product_id: int) -> dict[str, Any]:
        return {"data": store.product(product_id), "meta": {}}

    @app.get(prefix + "/catalog/products/{product_id}/variants")
    async def variants(product_id: int, request: Request) -> dict[str, Any]:
        store.product(product_id)
        rows = [v for v in store.variants.values() if v["product_id"] == product_id]
        return v3_list(request, rows)

    @app.put(prefix + "/catalog/variants")
    async def update_variants(request: Request) -> dict[str, Any]:
        changes = await _batch(request, 50)
        return {"data": [store.update_variant(c) for c in changes], "meta": {}}

    @app.get(prefix + "/catalog/products/{product_id}/custom-fields")
    async def custom_fields(product_id: int, request: Request) -> dict[str, Any]:
        store.product(product_id)
        return v3_list(request, store.custom_fields[product_id])

    @app.post(prefix + "/catalog/products/{product_id}/custom-fields")
    async def add_custom_field(product_id: int, request: Request) -> dict[str, Any]:
        store.product(product_id)
        body = await _json(request)
        name, value = body.get("name"), body.get("value")
        if not isinstance(name, str) or not isinstance(value, str) or not 1 <= len(name) <= 250:
            raise StoreError(422, "name and value are required strings", {"name": "required"})
        if any(f["name"] == name and f["value"] == value for f in store.custom_fields[product_id]):
            raise StoreError(409, "this name and value pair exists on the product")
        field_ = {"id": store.next_id(), "name": name, "value": value}
        store.custom_fields[product_id].append(field_)
        return {"data": field_, "meta": {}}

    @app.put(prefix + "/catalog/products/{product_id}/custom-fields/{field_id}")
    async def change_custom_field(product_id: int, field_id: int, request: Request) -> dict[str, Any]:
        store.product(product_id)
        body = await _json(request)
        for field_ in store.custom_fields[product_id]:
            if field_["id"] == field_id:
                field_.update({k: v for k, v in body.items() if k in ("name", "value")})
                return {"data": field_, "meta": {}}
        raise StoreError(404, f"custom field {field_id} not found")

    @app.get(prefix + "/catalog/products/{product_id}/metafields")
    async def metafields(product_id: int, request: Request) -> dict[str, Any]:
        store.product(product_id)
        rows = store.metafields.get((request.state.client_id, product_id), [])
        return v3_list(request, _filtered(rows, request, ("namespace", "key")))

    @app.post(prefix + "/catalog/products/{product_id}/metafields")
    async def add_metafield(product_id: int, request: Request) -> dict[str, Any]:
        store.product(product_id)
        body = await _json(request)
        required = ("namespace", "key", "value", "permission_set")
        missing = [k for k in required if not isinstance(body.get(k), str)]
        if missing:
            raise StoreError(422, "missing fields", {k: "required" for k in missing})
        rows = store.metafields.setdefault((request.state.client_id, product_id), [])
        if any(m["namespace"] == body["namespace"] and m["key"] == body["key"] for m in rows):
            raise StoreError(409, "a metafield with this namespace and key exists")
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        meta = {
            "id": store.next_id(),
            **{k: body[k] for k in required},
            "description": body.get("description", ""),
            "resource_type": "product",
            "resource_id": product_id,
            "date_created": now,
            "date_modified": now,
        }
        rows.append(meta)
        return {"data": meta, "meta": {}}

    @app.put(prefix + "/catalog/products/{product_id}/metafields/{metafield_id}")
    async def change_metafield(product_id: int, metafield_id: int, request: Request) -> dict[str, Any]:
        body = await _json(request)
        for meta in store.metafields.get((request.state.client_id, product_id), []):
            if meta["id"] == metafield_id:
                meta.update(
                    {k: v for k, v in body.items() if k in ("value", "description", "permission_set")}
                )
                return {"data": meta, "meta": {}}
        raise StoreError(404, f"metafield {metafield_id} not found")

    @app.post(prefix + "/orders/{order_id}/payment_actions/refund_quotes", status_code=201)
    async def refund_quote(order_id: int, request: Request) -> dict[str, Any]:
        return {"data": store.refund_quote(order_id, await _object(request)), "meta": {}}

    @app.post(prefix + "/orders/{order_id}/payment_actions/refunds", status_code=201)
    async def create_refund(order_id: int, request: Request) -> dict[str, Any]:
        return {"data": store.create_refund(order_id, await _object(request)), "meta": {}}

    @app.get(prefix + "/orders/{order_id}/payment_actions/refunds")
    async def refunds(order_id: int) -> dict[str, Any]:
        store.order(order_id)
        return {"data": store.refunds.get(order_id, []), "meta": {}}

    @app.get(prefix + "/inventory/locations")
    async def locations(request: Request) -> dict[str, Any]:
        return v3_list(request, list(store.locations.values()))

    @app.get(prefix + "/inventory/items")
    async def inventory_items(request: Request) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        for variant in sorted(store.variants.values(), key=lambda v: v["id"]):
            identity = {
                "sku": variant["sku"],
                "variant_id": variant["id"],
                "product_id": variant["product_id"],
            }
            locs = [_stock_row(store, variant["id"], loc) for loc in store.locations]
            rows.append({"identity": identity, "locations": locs})
        rows = [r for r in rows if _identity_matches(r["identity"], request)]
        return v3_list(request, rows)

    @app.get(prefix + "/inventory/locations/{location_id}/items")
    async def location_items(location_id: int, request: Request) -> dict[str, Any]:
        if location_id not in store.locations:
            raise StoreError(404, f"location {location_id} not found")
        rows = []
        for variant in sorted(store.variants.values(), key=lambda v: v["id"]):
            identity = {
                "sku": variant["sku"],
                "variant_id": variant["id"],
                "product_id": variant["product_id"],
            }
            row = _stock_row(store, variant["id"], location_id)
            del row["location_id"]
            rows.append({**row, "identity": identity})
        rows = [r for r in rows if _identity_matches(r["identity"], request)]
        return v3_list(request, rows)

    @app.put(prefix + "/inventory/adjustments/absolute")
    async def absolute(request: Request) -> dict[str, str]:
        body = await _json(request)
        return {"transaction_id": store.adjust("absolute", list(body.get("items") or []))}

    @app.post(prefix + "/inventory/adjustments/relative")
    async def relative(request: Request) -> dict[str, str]:
        body = await _json(request)
        return {"transaction_id": store.adjust("relative", list(body.get("items") or []))}

    @app.get(prefix + "/customers")
    async def customers(request: Request) -> dict[str, Any]:
        rows = sorted(store.customers.values(), key=lambda c: c["id"])
        return v3_list(request, _filtered(rows, request, ("id", "email", "customer_group_id")))

    @app.get(prefix + "/channels")
    async def channels(request: Request) -> dict[str, Any]:
        return v3_list(request, list(store.channels.values()))

    @app.get(prefix + "/hooks")
    async def hooks(request: Request) -> dict[str, Any]:
        mine = [
            h.as_json(store.store_hash)
            for h in store.hooks.values()
            if h.client_id == request.state.client_id
        ]
        return v3_list(request, _filtered(mine, request, ("scope", "destination", "is_active")))

    @app.post(prefix + "/hooks")
    async def create_hook(request: Request) -> dict[str, Any]:
        hook = store.create_hook(request.state.client_id, await _json(request))
        return {"data": hook.as_json(store.store_hash), "meta": {}}

    @app.get(prefix + "/hooks/{hook_id}")
    async def hook(hook_id: int, request: Request) -> dict[str, Any]:
        return {"data": store.hook(request.state.client_id, hook_id).as_json(store.store_hash), "meta": {}}

    @app.put(prefix + "/hooks/{hook_id}")
    async def update_hook(hook_id: int, request: Request) -> dict[str, Any]:
        hook = store.hook(request.state.client_id, hook_id)
        body = await _json(request)
        for key in ("scope", "destination", "headers", "is_active"):
            if key in body:
                setattr(hook, key, body[key])
        hook.updated_at = int(time.time())
        return {"data": hook.as_json(store.store_hash), "meta": {}}

    @app.delete(prefix + "/hooks/{hook_id}")
    async def delete_hook(hook_id: int, request: Request) -> dict[str, Any]:
        hook = store.hook(request.state.client_id, hook_id)
        del store.hooks[hook_id]
        return {"data": hook.as_json(store.store_hash), "meta": {}}


def _stock_row(store: SandboxStore, variant_id: int, location_id: int) -> dict[str, Any]:
    on_hand = store.on_hand(variant_id, location_id) or 0
    return {
        "location_id": location_id,
        "available_to_sell": on_hand,
        "total_inventory_onhand": on_hand,
        "settings": {
            "safety_stock": 0,
            "is_in_stock": on_hand > 0,
            "warning_level": 0,
            "bin_picking_number": "",
        },
    }


def _identity_matches(identity: dict[str, Any], request: Request) -> bool:
    for name in ("sku", "variant_id", "product_id"):
        wanted = request.query_params.get(f"{name}:in")
        if wanted is not None and str(identity[name]) not in wanted.split(","):
            return False
    return True
