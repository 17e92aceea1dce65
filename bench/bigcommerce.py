"""Inventory sync of N SKUs into the sandbox store: API calls against the minimum, wall time against the
bound the store's rate limit sets.

The sync sets an absolute stock level for every SKU with `BigCommerceClient.adjust_absolute` (2,000 items
a request, so the minimum is ceil(n / 2000) calls), paced by the client's shared store budget, against
the emulator on loopback. bound_seconds = calls * window / quota: how long a stream of that many requests
takes at the rate the quota allows. The client spreads what the window has left evenly up to its reset
(keeping one request in reserve for other apps), so it should come within 10% of that bound without a 429.

Scenarios: BigCommerce's Standard plan (150 requests per 30 s) and a tighter 20 per second store.
`--quick` runs the tight store once; the full run runs both, three times each, and reports the median.
The store's stock is checked after every run. The last line printed is one JSON object.

    .venv/bin/python -m bench.bigcommerce [--quick] [--skus N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from dataclasses import dataclass

from gridlink.bigcommerce import BigCommerceClient, RateLimited
from gridlink.bigcommerce.client import INVENTORY_BATCH
from gridlink.bigcommerce.models import Adjustment
from gridlink.sandbox.bigcommerce import SandboxStore, create_app
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from gridlink.sandbox.bigcommerce.state import DEFAULT_LOCATION
from gridlink.web.serve import bind_socket, serve


@dataclass
class Run:
    """One sync's measurements."""

    skus: int
    quota: int
    window: float
    calls: int
    seconds: float
    http_429_seen_by_caller: int
    http_429_at_store: int

    @property
    def min_calls(self) -> int:
        return math.ceil(self.skus / INVENTORY_BATCH)

    @property
    def bound_seconds(self) -> float:
        return self.calls * self.window / self.quota


def catalog(skus: int) -> tuple[SandboxStore, list[str]]:
    """A store with one product (and base variant) per SKU."""
    store = SandboxStore("bench")
    names = [f"SKU-{n:06d}" for n in range(skus)]
    for sku in names:
        store.add_product(sku, sku, 9.99)
    return store, names


async def sync_once(skus: int, quota: int, window: float) -> Run:
    """Serve a fresh store and push one absolute level per SKU into it."""
    store, names = catalog(skus)
    app = create_app(store, SandboxConfig(quota=quota, window=window))
    sock = bind_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop = asyncio.Event()
    server = asyncio.create_task(serve(app, sock, stop))
    await asyncio.sleep(0.2)
    targets = {sku: (n * 7) % 500 for n, sku in enumerate(names)}
    items = [Adjustment(location_id=DEFAULT_LOCATION, quantity=q, sku=sku) for sku, q in targets.items()]
    refused = 0
    try:
        async with BigCommerceClient(store.store_hash, "sandbox-token", base_url=url) as client:
            started = time.perf_counter()
            try:
                await client.adjust_absolute(items, reason="bench inventory sync")
            except RateLimited:
                refused += 1
            seconds = time.perf_counter() - started
    finally:
        stop.set()
        await server
    requests = [(m, p, s) for m, p, s in app.state.requests if p.endswith("/adjustments/absolute")]
    wrong = sum(store.on_hand(store.skus[sku]) != level for sku, level in targets.items())
    if wrong:
        raise SystemExit(f"{wrong} SKUs do not hold the level the sync set")
    return Run(
        skus=skus,
        quota=quota,
        window=window,
        calls=sum(1 for _, _, status in requests if status != 429),
        seconds=seconds,
        http_429_seen_by_caller=refused,
        http_429_at_store=sum(1 for _, _, status in requests if status == 429),
    )


def median_run(runs: list[Run]) -> Run:
    """The run with the median wall time."""
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the tight store once (well under 60 s)")
    parser.add_argument("--skus", type=int, default=100_000)
    args = parser.parse_args()
    scenarios = [(20, 1.0)] if args.quick else [(20, 1.0), (150, 30.0)]
    repeats = 1 if args.quick else 3
    results: list[Run] = []
    columns = (("quota", 12), ("skus", 8), ("calls", 6), ("min", 5))
    columns += (("seconds", 8), ("bound s", 8), ("ratio", 6))
    print(" ".join(f"{name:>{width}}" for name, width in columns), " 429")
    for quota, window in scenarios:
        runs = [await sync_once(args.skus, quota, window) for _ in range(repeats)]
        run = median_run(runs)
        results.append(run)
        label = f"{quota}/{window:g}s"
        print(
            f"{label:>12} {run.skus:>8} {run.calls:>6} {run.min_calls:>5} {run.seconds:>8.2f} "
            f"{run.bound_seconds:>8.2f} {run.seconds / run.bound_seconds:>6.3f} {run.http_429_at_store:>4}"
            f"   (runs: {', '.join(f'{r.seconds:.2f}' for r in runs)})"
        )
    headline = results[0]
    summary = {
        "skus": headline.skus,
        "calls": headline.calls,
        "min_calls": headline.min_calls,
        "seconds": round(headline.seconds, 3),
        "bound_seconds": round(headline.bound_seconds, 3),
        "quota": f"{headline.quota} per {headline.window:g} s",
        "http_429_seen_by_caller": headline.http_429_seen_by_caller,
        "http_429_at_store": headline.http_429_at_store,
        "scenarios": [
            {
                "quota": f"{r.quota} per {r.window:g} s",
                "calls": r.calls,
                "seconds": round(r.seconds, 3),
                "bound_seconds": round(r.bound_seconds, 3),
                "http_429_seen_by_caller": r.http_429_seen_by_caller,
            }
            for r in results
        ],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
