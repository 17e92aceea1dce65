"""One request budget per store: paced from BigCommerce's rate-limit headers, with bounded concurrency.

BigCommerce counts every request of every app against one per-store quota that refills each window
(150 per 30 s on Standard plans) and says how much is left on every response. Spreading what is left
evenly over the time to the refill keeps a sustained workload from ever meeting a 429; a 429 still
received (another app spent the quota) stops every request to that store until the refill.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Mapping

QUOTA = "x-rate-limit-requests-quota"
LEFT = "x-rate-limit-requests-left"
RESET_MS = "x-rate-limit-time-reset-ms"
WINDOW_MS = "x-rate-limit-time-window-ms"
RETRY_AFTER = "x-retry-after"


class StoreBudget:
    """The requests one store still allows in this window, and how many may be in flight at once."""

    def __init__(
        self,
        concurrency: int = 8,
        reserve: int = 1,
    ) -> None:
        self.concurrency = concurrency
        self.reserve = reserve  # left for other apps sharing the quota, and for our own retries
        self._slots = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self.quota: int | None = None
        self.left: int | None = None
        self.reset_at: float | None = None
        self.window: float = 30.0
        self._next_send = 0.0
        self.waited = 0.0  # seconds spent pacing, for metrics and tests

    async def __aenter__(self) -> StoreBudget:
        await self._slots.acquire()
        try:
            await self._pace()
        except BaseException:
            self._slots.release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()

    async def _pace(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self.reset_at is not None and now >= self.reset_at:
                # The window turned over: the quota is whole again until a response says otherwise.
                self.left, self.reset_at = self.quota, now + self.window
            wait = 0.0
            if self.left is not None and self.reset_at is not None:
                if self.left <= self.reserve:
                    wait = self.reset_at - now
                    self.left, self.reset_at = self.quota, self.reset_at + self.window
                else:
                    interval = (self.reset_at - now) / (self.left - self.reserve)
                    wait = max(0.0, self._next_send - now)
                    self._next_send = max(now, self._next_send) + interval
                self.left = None if self.left is None else self.left - 1
            if wait > 0:
                self.waited += wait
                await asyncio.sleep(wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Take the quota, what is left and the time to the refill from a response's headers."""
        try:
            left = int(headers[LEFT])
            reset_ms = int(headers[RESET_MS])
        except (KeyError, ValueError):
            return
        now = time.monotonic()
        self.left = left
        self.reset_at = now + reset_ms / 1000
        if QUOTA in headers and headers[QUOTA].isdigit():
            self.quota = int(headers[QUOTA])
        if WINDOW_MS in headers and headers[WINDOW_MS].isdigit():
            self.window = int(headers[WINDOW_MS]) / 1000

    def exhausted(self, seconds: float) -> None:
        """A 429: nothing more goes to this store for `seconds`."""
        now = time.monotonic()
        self.left = 0
        self.reset_at = now + seconds
        self._next_send = now + seconds


_budgets: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, StoreBudget]] = (
    weakref.WeakKeyDictionary()
)


def budget_for(store_hash: str, concurrency: int = 8) -> StoreBudget:
    """The budget every client of `store_hash` in this process shares (asyncio objects belong to one loop)."""
    per_loop = _budgets.setdefault(asyncio.get_running_loop(), {})
    budget = per_loop.get(store_hash)
    if budget is None:
        budget = per_loop[store_hash] = StoreBudget(concurrency=concurrency)
    return budget
