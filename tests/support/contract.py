"""Contract checks: requests and responses between the client and the emulator against BigCommerce's
OpenAPI files, kept byte for byte as published in tests/contract/bigcommerce-openapi/ (SOURCE.md there
names the upstream commit); the few published defects are corrected in memory, never on disk.

An httpx client made by :meth:`Contract.http` records every exchange; :meth:`Contract.violations`
validates each request, and each response whose status the operation declares (BigCommerce's files
leave most error statuses undeclared; those bodies are checked by the tests of error shapes instead).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathNotFound, ServerNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import MissingData
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPECS = Path(__file__).resolve().parents[1] / "contract" / "bigcommerce-openapi"
SPEC_FILES = {
    "v2": ["orders.v2.oas2.yml", "customers.v2.yml", "store_information.v2.yml"],
    "v3": [
        "catalog/products_catalog.v3.yml",
        "catalog/product-variants_catalog.v3.yml",
        "inventory.v3.yml",
        "locations.v3.yml",
        "customers.v3.yml",
        "channels.v3.yml",
        "webhooks.v3.yml",
        "orders.v3.yml",
    ],
}
PUBLIC_HOST = "https://api.bigcommerce.com"


def _patch_exclusive_bounds(node: Any) -> Any:
    """customers.v2.yml declares `exclusiveMaximum: false` without `maximum` (and the same for minimum),
    which OpenAPI 3.0 forbids; dropping the no-op flag changes no meaning."""
    if isinstance(node, dict):
        for flag, bound in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
            if node.get(flag) is False and bound not in node:
                del node[flag]
        for value in node.values():
            _patch_exclusive_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _patch_exclusive_bounds(value)
    return node


def _patch_hook_list(document: Any) -> Any:
    """webhooks.v3.yml gives the hook list `minItems: 1`, yet a store without hooks lists none."""
    del document["components"]["responses"]["webhooks_Resp"]["content"]["application/json"]["schema"][
        "properties"
    ]["data"]["minItems"]
    return document


def _patch_product_batch_id(document: Any) -> Any:
    """products_catalog.v3.yml marks the batch update's `id` both required and read-only; a batch
    update cannot name its products otherwise, so the id is writable there."""
    item = document["components"]["schemas"]["product_Put_Collection"]["items"]["allOf"][0]
    del item["properties"]["id"]["readOnly"]
    return document


# Defects of the published files, corrected in memory only (the files on disk stay as published).
PATCHES = {
    "customers.v2.yml": _patch_exclusive_bounds,
    "webhooks.v3.yml": _patch_hook_list,
    "catalog/products_catalog.v3.yml": _patch_product_batch_id,
}

# The inventory and locations files declare RFC 7807 error bodies; they are JSON.
CONFIG = Config(extra_media_type_deserializers={"application/problem+json": json.loads})


@functools.cache
def spec(name: str) -> OpenAPI:
    """One OpenAPI file, loaded once per test session."""
    document = yaml.safe_load((SPECS / name).read_text())
    patch = PATCHES.get(name)
    if patch is not None:
        document = patch(document)
    return OpenAPI.from_dict(document, config=CONFIG)


@dataclass
class Exchange:
    """One request the client sent and the response it received."""

    method: str
    url: httpx.URL
    request_headers: httpx.Headers
    request_body: bytes
    status: int
    response_headers: httpx.Headers
    response_body: bytes

    @property
    def label(self) -> str:
        return f"{self.method} {self.url.path} -> {self.status}"


class _Request:
    """openapi-core's Request protocol over a recorded exchange, addressed as on the public API."""

    def __init__(self, exchange: Exchange) -> None:
        self.host_url = PUBLIC_HOST
        self.path = exchange.url.path
        self.method = exchange.method.lower()
        self.body = exchange.request_body or None
        self.content_type = exchange.request_headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(exchange.url.params.multi_items())),
            header=Headers(list(exchange.request_headers.items())),
            cookie=ImmutableMultiDict(),
        )


class _Response:
    """openapi-core's Response protocol over a recorded exchange."""

    def __init__(self, exchange: Exchange) -> None:
        self.status_code = exchange.status
        self.content_type = exchange.response_headers.get("content-type", "")
        self.headers = Headers(list(exchange.response_headers.items()))
        self.data = exchange.response_body or None


@dataclass
class Contract:
    """Records exchanges made through :meth:`http` and checks them against the OpenAPI files."""

    exchanges: list[Exchange] = field(default_factory=list)

    async def _record(self, response: httpx.Response) -> None:
        await response.aread()
        request = response.request
        self.exchanges.append(
            Exchange(
                request.method,
                request.url,
                request.headers,
                request.content,
                response.status_code,
                response.headers,
                response.content,
            )
        )

    def http(self, **options: Any) -> httpx.AsyncClient:
        """An httpx client whose every exchange is recorded for checking."""
        return httpx.AsyncClient(event_hooks={"response": [self._record]}, **options)

    def violations(self) -> list[str]:
        """What in the recorded exchanges breaks the contract, one line each."""
        return [problem for exchange in self.exchanges for problem in check(exchange)]


def check(exchange: Exchange) -> list[str]:
    """The contract violations of one exchange (an empty list when it conforms)."""
    version = exchange.url.path.split("/")[3]
    request, response = _Request(exchange), _Response(exchange)
    for name in SPEC_FILES.get(version, []):
        api = spec(name)
        try:
            api.validate_request(request)
        except (PathNotFound, ServerNotFound):
            continue  # another file describes this path
        except Exception as exc:  # openapi-core's validation errors carry the details in __cause__
            return [f"{exchange.label}: request: {_describe(exc)}"]
        try:
            api.validate_response(request, response)
        except ResponseNotFound:
            return []  # a status the file does not declare
        except MissingData:
            if exchange.status == 204 and not exchange.response_body:
                return []  # `content: {}` on a 204: openapi-core asks for a body that HTTP forbids
            return [f"{exchange.label}: response ({name}): no body"]
        except Exception as exc:
            return [f"{exchange.label}: response ({name}): {_describe(exc)}"]
        return []
    return [f"{exchange.label}: no OpenAPI file describes this path"]


def _describe(exc: BaseException) -> str:
    """The schema errors (path and message) deep in openapi-core's exception chain, else its message."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None:
        chain.append(current)
        current = current.__cause__
    details = [
        f"{'/'.join(map(str, inner.absolute_path)) or '(body)'}: {inner.message[:200]}"
        for link in chain
        for inner in getattr(link, "schema_errors", None) or []
    ]
    return "; ".join(details) if details else f"{type(chain[-1]).__name__}: {str(chain[-1])[:300]}"
