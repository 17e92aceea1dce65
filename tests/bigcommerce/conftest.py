"""A sandbox store on a loopback port and a client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI

from gridlink.bigcommerce import BigCommerceClient, RetryPolicy, StoreBudget
from gridlink.sandbox.bigcommerce import SandboxStore, create_app
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from tests.support.contract import Contract
from tests.support.servers import running_server

FAST = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05)


@dataclass
class Sandbox:
    """The emulated store, its app (faults, rate window), its base URL, and the contract every client
    exchange with it is checked against when the test ends."""

    store: SandboxStore
    app: FastAPI
    url: str
    contract: Contract = field(default_factory=Contract)
    _http: list[httpx.AsyncClient] = field(default_factory=list)

    def client(
        self, token: str = "sandbox-token", timeout: float = 30.0, **kwargs: object
    ) -> BigCommerceClient:
        """A client with its own budget (tests must not share pacing state) and fast retries."""
        http = self.contract.http(timeout=timeout)
        self._http.append(http)
        options: dict[str, object] = {"budget": StoreBudget(), "retry": FAST, "http": http, **kwargs}
        return BigCommerceClient(self.store.store_hash, token, base_url=self.url, **options)  # type: ignore[arg-type]

    async def aclose(self) -> None:
        """Close the clients' connections."""
        for http in self._http:
            await http.aclose()


@pytest.fixture
def config() -> SandboxConfig:
    """The emulator's settings; tests override this fixture to change quota or webhook timing."""
    return SandboxConfig(quota=1000, window=30.0, webhook_time_scale=0.0001)


@pytest.fixture
async def sandbox(config: SandboxConfig) -> AsyncIterator[Sandbox]:
    """A running sandbox store with a small catalog."""
    store = SandboxStore("abc123")
    app = create_app(store, config)
    async with running_server(app) as url:
        sandbox = Sandbox(store, app, url)
        try:
            yield sandbox
        finally:
            await sandbox.aclose()
    violations = sandbox.contract.violations()
    assert not violations, "breaks BigCommerce's OpenAPI contract:\n" + "\n".join(violations)


def customer_order(store: SandboxStore, quantities: tuple[int, ...] = (3, 2)) -> dict[str, object]:
    """An order for one customer with a line per quantity, each of a new product."""
    customer = store.add_customer("buyer@example.com", "Ada", "Buyer", "Acme")
    lines = []
    for n, quantity in enumerate(quantities):
        product = store.add_product(f"Widget {n}", f"W-{store.next_id()}", 9.5)
        lines.append((int(product["base_variant_id"]), quantity))
    address = {"street_1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701", "country": "US"}
    return store.place_order(customer["id"], lines, address)
