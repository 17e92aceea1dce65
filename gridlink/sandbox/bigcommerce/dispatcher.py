"""Delivers the sandbox store's events to its hooks the way BigCommerce does.

Thin JSON payloads (scope, store_id, data, hash, created_at, producer), the hook's custom headers and
Standard Webhooks signatures keyed with the owning API client's secret; any non-2xx or timeout is a
failure retried on BigCommerce's schedule (60 s ... 86,400 s, multiplied by `time_scale` so tests can
compress 48 hours into a second), after whose last failure the hook is deactivated.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

import httpx

from gridlink.bigcommerce.webhooks import signature_of
from gridlink.connection_slots import ConnectionSlots
from gridlink.sandbox.bigcommerce.state import Event, Hook, SandboxStore

RETRY_SCHEDULE = (60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """A Standard Webhooks `webhook-signature` header value."""
    return "v1," + signature_of(secret, message_id, timestamp, body)


@dataclass
class DeliveryFaults:
    """Misbehaviour on request: every delivery sent twice, or deliveries held back and sent out of order."""

    duplicate: bool = False
    out_of_order: bool = False


class Dispatcher:
    """Runs in the emulator's event loop; `drain()` waits until nothing is in flight (for tests)."""

    def __init__(
        self,
        store: SandboxStore,
        secrets: dict[str, str],
        time_scale: float = 1.0,
        timeout: float = 10.0,
        concurrency: int = 16,
    ) -> None:
        self.store = store
        self.secrets = secrets
        self.time_scale = time_scale
        self.faults = DeliveryFaults()
        self._http = httpx.AsyncClient(timeout=timeout, transport=ConnectionSlots(concurrency))
        # Posts in flight at once: a burst of events waits here, before it is signed, rather than for a
        # connection after it (a post signed long before it goes would be stale).
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self.delivered: list[dict[str, Any]] = []  # payloads acknowledged with 2xx
        self.attempts = 0
        store.listeners.append(self.publish)

    def publish(self, event: Event) -> None:
        """Start a delivery to every active hook whose scope covers the event."""
        for hook in list(self.store.hooks.values()):
            if hook.is_active and hook.matches(event.scope):
                copies = 2 if self.faults.duplicate else 1
                for _ in range(copies):
                    self._start(self._deliver(hook, event))

    def _start(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def payload(self, hook: Hook, event: Event) -> dict[str, Any]:
        """The body BigCommerce posts: thin data, and a hash that is the same for repeated deliveries."""
        data_json = json.dumps(event.data, sort_keys=True, separators=(",", ":"))
        return {
            "scope": event.scope,
            "store_id": str(zlib.crc32(self.store.store_hash.encode()) % 10_000_000),  # stable per store
            "data": event.data,
            "hash": hashlib.sha1(f"{event.scope}:{data_json}".encode()).hexdigest(),
            "created_at": event.created_at,
            "producer": f"stores/{self.store.store_hash}",
        }

    async def _deliver(self, hook: Hook, event: Event) -> None:
        payload = self.payload(hook, event)
        body = json.dumps(payload).encode()
        message_id = f"msg_{uuid.uuid4().hex}"
        if self.faults.out_of_order:
            await asyncio.sleep(random.uniform(0, 0.2))
        for attempt in range(len(RETRY_SCHEDULE) + 1):
            if not hook.is_active:
                return
            if await self._post(hook, message_id, body):
                self.delivered.append(payload)
                return
            if attempt < len(RETRY_SCHEDULE):
                await asyncio.sleep(RETRY_SCHEDULE[attempt] * self.time_scale)
        hook.is_active = False  # BigCommerce deactivates the hook after its last retry fails
        hook.updated_at = int(time.time())

    async def _post(self, hook: Hook, message_id: str, body: bytes) -> bool:
        async with self._slots:  # signed when it goes, so a post that waited is not stale
            self.attempts += 1
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                **hook.headers,
                "webhook-id": message_id,
                "webhook-timestamp": str(timestamp),
            }
            secret = self.secrets.get(hook.client_id)
            if secret:
                headers["webhook-signature"] = sign(secret, message_id, timestamp, body)
            try:
                response = await self._http.post(hook.destination, content=body, headers=headers)
            except httpx.HTTPError:
                return False
        return 200 <= response.status_code < 300

    async def drain(self) -> None:
        """Wait until every delivery in flight has succeeded or given up (callers bound it with a timeout)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def aclose(self) -> None:
        """Stop delivering."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._http.aclose()
