"""The contract check itself: it must catch what breaks BigCommerce's OpenAPI files."""

from __future__ import annotations

import json

import httpx

from tests.support.contract import Exchange, check, spec

ORDER_URL = httpx.URL("http://127.0.0.1:1/stores/abc123/v2/orders/7")
JSON = httpx.Headers({"content-type": "application/json"})


def exchange(url: httpx.URL, body: object, status: int = 200, method: str = "GET") -> Exchange:
    token = httpx.Headers({"X-Auth-Token": "t"})
    return Exchange(method, url, token, b"", status, JSON, json.dumps(body).encode())


def test_a_conforming_order_passes() -> None:
    order = {"id": 7, "status_id": 11, "external_order_id": "", "billing_address": {"zip": "62701"}}
    assert check(exchange(ORDER_URL, order)) == []


def test_a_wrongly_typed_field_is_reported_with_its_path() -> None:
    (problem,) = check(exchange(ORDER_URL, {"id": "seven", "status_id": 11}))
    assert "GET /stores/abc123/v2/orders/7 -> 200" in problem and "id" in problem


def test_a_request_without_a_token_is_reported() -> None:
    anonymous = exchange(ORDER_URL, {"id": 7, "status_id": 11})
    anonymous.request_headers = httpx.Headers()
    (problem,) = check(anonymous)
    assert "X-Auth-Token" in problem


def test_a_path_no_file_describes_is_reported() -> None:
    url = httpx.URL("http://127.0.0.1:1/stores/abc123/v3/no/such/thing")
    assert check(exchange(url, {})) == [f"GET {url.path} -> 200: no OpenAPI file describes this path"]


def test_a_request_outside_the_contract_is_reported() -> None:
    url = httpx.URL("http://127.0.0.1:1/stores/abc123/v3/catalog/products?limit=251")
    (problem,) = check(exchange(url, {"data": [], "meta": {}}, status=413))
    assert "request" in problem and "maximum of 250" in problem


def test_customers_v2_loads_once_patched_in_memory() -> None:
    assert spec("customers.v2.yml") is spec("customers.v2.yml")
    url = httpx.URL("http://127.0.0.1:1/stores/abc123/v2/customer_groups")
    assert check(exchange(url, [{"id": 1, "name": "Wholesale"}])) == []
