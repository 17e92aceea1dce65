"""SQL statements the hub runs per store order on the purchase-order path (webhook, re-fetch, placement,
delivery in shared files, the supplier's 997), by statement and table: what each order costs the
database, whatever the machine's speed. The hub runs in this process on SQLite, with the sandbox store
and grid; the last line printed is one JSON object.

    .venv/bin/python -m bench.statements_per_order [--orders N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event

from gridlink.logs import configure_logging
from gridlink.sandbox.bigcommerce import SandboxStore, create_app
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.migrate import upgrade
from tests.bigcommerce.conftest import Sandbox
from tests.flows.loop import ADDRESS, FINANCE, SUPPLIER, profile, running_loop
from tests.support.certs import identity
from tests.support.servers import running_server

TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)')


async def count(orders: int) -> Counter[tuple[str, str]]:
    """Statements run while ``orders`` orders go through, by (verb, table)."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        keys = {name: identity(name, base) for name in ("GRIDLINK", "TRADINGGRID")}
        url = f"sqlite:///{base / 'gridlink.db'}"
        await asyncio.to_thread(upgrade, url)
        store = SandboxStore("bench")
        product = store.add_product("Anvil", "A-1", 12.5)
        store.adjust("absolute", [{"location_id": 1, "sku": "A-1", "quantity": 1_000_000}])
        customer = store.add_customer("buyer@example.com", "Ada", "Buyer", "Acme")
        app = create_app(store, SandboxConfig(quota=100_000, window=30.0, webhook_time_scale=0.0001))
        partners = [profile("acme", SUPPLIER, interchanges_per_file=100), profile("finance", FINANCE)]
        behaviours = {SUPPLIER: Behaviour(acknowledgment=None), FINANCE: Behaviour()}
        counts: Counter[tuple[str, str]] = Counter()
        async with running_server(app) as store_url:
            sandbox = Sandbox(store, app, store_url)
            loop_ = running_loop(sandbox, url, base, keys, partners, behaviours, hub_batch=100)
            async with loop_ as loop:

                def seen(*args: Any) -> None:
                    statement = str(args[2])
                    table = TABLE.search(statement)
                    counts[(statement.split(maxsplit=1)[0], table.group(1) if table else "")] += 1

                event.listen(loop.hub.db.engine.sync_engine, "before_cursor_execute", seen)
                for _ in range(orders):
                    store.place_order(customer["id"], [(int(product["base_variant_id"]), 1)], ADDRESS)
                await loop.settle()
                event.remove(loop.hub.db.engine.sync_engine, "before_cursor_execute", seen)
            await sandbox.aclose()
        return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=50)
    args = parser.parse_args()
    configure_logging("warning", "console")
    counts = asyncio.run(count(args.orders))
    for (verb, table), n in counts.most_common():
        print(f"{n / args.orders:7.2f}  {verb} {table}")
    print(json.dumps({"statements_per_order": round(sum(counts.values()) / args.orders, 1)}))


if __name__ == "__main__":
    main()
