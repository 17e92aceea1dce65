"""The stores a hub serves: one account per store hash, and a client for each that shares connections."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from gridlink.bigcommerce.client import API, BigCommerceClient, RetryPolicy
from gridlink.bigcommerce.errors import NotFound
from gridlink.connection_slots import ConnectionSlots


@dataclass(frozen=True)
class StoreAccount:
    """How the hub reaches one store and how that store's webhook deliveries prove themselves."""

    store_hash: str
    token: str
    header_secret: str
    client_secret: str = ""
    api_url: str = API
    scopes: tuple[str, ...] = ()


@dataclass
class StoreDirectory:
    """Every configured store by hash; clients are made on first use and share one connection pool."""

    accounts: dict[str, StoreAccount]
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    http: httpx.AsyncClient | None = None  # the shared connection pool, made on first use
    _clients: dict[str, BigCommerceClient] = field(default_factory=dict)

    def __iter__(self) -> Iterator[StoreAccount]:
        return iter(self.accounts.values())

    def get(self, store_hash: str) -> StoreAccount | None:
        """The account of ``store_hash``, if the hub serves that store."""
        return self.accounts.get(store_hash)

    def client(self, store_hash: str) -> BigCommerceClient:
        """The client of a configured store (KeyError for any other)."""
        client = self._clients.get(store_hash)
        if client is None:
            account = self.accounts[store_hash]
            if self.http is None:
                self.http = httpx.AsyncClient(timeout=30.0, transport=ConnectionSlots())
            client = BigCommerceClient(
                account.store_hash, account.token, base_url=account.api_url, http=self.http, retry=self.retry
            )
            self._clients[store_hash] = client
        return client

    async def aclose(self) -> None:
        """Close the shared connections."""
        if self.http is not None:
            await self.http.aclose()
            self.http = None
        self._clients.clear()


async def fetch_resource(
    client: BigCommerceClient, resource_type: str, resource_id: str
) -> dict[str, Any] | None:
    """The current state of what a webhook named, as JSON data; None when the store no longer has it.

    Raises ValueError for resource types the hub does not follow."""
    try:
        if resource_type == "order":
            return (await client.order_detail(int(resource_id))).model_dump(mode="json")
        if resource_type == "product":
            return {"product": (await client.product(int(resource_id))).model_dump(mode="json")}
    except NotFound:
        return None
    raise ValueError(f"the hub does not follow {resource_type!r} events")
