"""`gridlink sandbox store` serves a seeded store that the client can use, and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from gridlink.bigcommerce import BigCommerceClient, StoreBudget
from tests.support.processes import start_gridlink, stop


async def test_the_sandbox_store_command_serves_a_seeded_store(tmp_path: Path) -> None:
    log = tmp_path / "sandbox.log"
    process = start_gridlink(["sandbox", "store", "--port", "0", "--orders", "4", "--products", "12"], log)
    try:
        url = None
        for _ in range(300):
            found = re.search(r"on (http://[\d.:]+)/stores/sandbox/", log.read_text())
            if found:
                url = found.group(1)
                break
            assert process.poll() is None, log.read_text()
            await asyncio.sleep(0.05)
        assert url, log.read_text()
        async with BigCommerceClient(
            "sandbox", "sandbox-token", base_url=url, budget=StoreBudget()
        ) as client:
            # The socket listens before the line is printed: requests queue until uvicorn serves them.
            orders = [o async for o in client.orders()]
            products = [p async for p in client.products()]
            stock = await client.inventory_items()
    finally:
        code = stop(process)
    assert len(orders) == 4 and all(o.status_id == 11 for o in orders)
    assert len(products) == 12 and all(item.total_inventory_onhand >= 20 for item in stock)
    assert code == 0, log.read_text()
