"""Kill -9 the worker at random points during 200 orders: afterwards every order has exactly one
purchase order per supplier, no shipment or invoice is duplicated, and nothing is stuck."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from gridlink.store.models.messages import Direction, Message, MessageState
from tests.bigcommerce.conftest import Sandbox
from tests.flows.loop import ADDRESS, FINANCE, profile, running_loop
from tests.support.certs import Identity as Keys
from tests.support.processes import settings_for_child, start_gridlink

ORDERS = 200
ACME, DELTA = "ZZ:ACMESUPPLY", "ZZ:DELTA3PL"


@pytest.mark.timeout(1800)  # about 5 minutes; room for a slow shared machine (settling may take 15)
async def test_killing_the_worker_loses_and_duplicates_nothing(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    if not database_url.startswith("postgresql"):
        # Separate worker processes are the PostgreSQL deployment; on SQLite the worker runs inside the
        # hub's one process (gridlink run), beside the web server that takes the partners' files.
        pytest.skip("worker processes of their own run against PostgreSQL")
    partners = [profile("acme", ACME), profile("delta", DELTA), profile("finance", FINANCE)]
    behaviours = {ACME: Behaviour(invoice=False), DELTA: Behaviour(invoice=False), FINANCE: Behaviour()}
    routing = {"rules": [{"partner": "delta", "match": {"skus": ["D-*"]}}], "default": "acme"}
    store = sandbox.store
    async with running_loop(
        sandbox, database_url, tmp_path, keys, partners, behaviours, routing=routing, workers_in_process=False
    ) as loop:
        env = settings_for_child(loop.hub.settings, worker__lease_seconds="3", worker__poll_interval="0.05")
        log = tmp_path / "worker.log"

        def start() -> subprocess.Popen[bytes]:
            return start_gridlink(["worker", "--concurrency", "16", "--no-scheduler"], log, **env)

        async def kill(worker: subprocess.Popen[bytes]) -> subprocess.Popen[bytes]:
            """Kill -9 the worker wherever it is (mid-job, mid-commit, mid-send) and start another."""
            os.killpg(worker.pid, signal.SIGKILL)
            await asyncio.to_thread(worker.wait)  # the loop keeps serving meanwhile
            return start()

        worker = start()
        try:
            await _until(lambda: len(store.hooks) > 0)
            a = store.add_product("Anvil", "A-1", 12.5)
            d = store.add_product("Drill", "D-1", 40.0)
            customer = store.add_customer("buyer@example.com", "Ada", "Buyer", "Acme")
            rng = random.Random(7)
            placed = []
            kills = 0
            for n in range(ORDERS):
                lines = [
                    (int(a["base_variant_id"]), rng.randint(1, 3)),
                    (int(d["base_variant_id"]), rng.randint(1, 3)),
                ]
                placed.append(store.place_order(customer["id"], lines, ADDRESS)["id"])
                if n % 25 == 24:
                    await asyncio.sleep(rng.uniform(0.2, 1.5))
                    worker = await kill(worker)
                    kills += 1
            for _ in range(3):  # and a few more while the answers come back
                await asyncio.sleep(rng.uniform(1.0, 3.0))
                worker = await kill(worker)
                kills += 1
            await loop.settle(within=900)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            await asyncio.to_thread(worker.wait, 60)
        assert kills == 11

        purchase_orders = await loop.purchase_orders()
        by_order = Counter(po.order_id for po in purchase_orders)
        assert set(by_order) == set(placed) and set(by_order.values()) == {2}
        assert {(po.order_id, po.partner) for po in purchase_orders} == {
            (o, p) for o in placed for p in ("acme", "delta")
        }
        for order_id in placed:  # one shipment per purchase order, never more shipped than ordered
            shipments = store.shipments[order_id]
            assert len(shipments) == 2, (order_id, shipments)
            assert all(line["quantity_shipped"] == line["quantity"] for line in store.lines[order_id])
            assert store.orders[order_id]["status_id"] == 2
            notes = store.orders[order_id]["staff_notes"]  # both suppliers' answers, each once
            assert notes.count("-ACME order response") == notes.count("-DELTA order response") == 1, notes
        assert len(await loop.shipments()) == 2 * ORDERS
        invoices = await loop.invoices()
        assert sorted(i.order_id for i in invoices) == sorted(placed)  # one each
        assert sorted(i.number for i in invoices) == [f"INV{n:08d}" for n in range(1, ORDERS + 1)]  # no gaps
        async with loop.hub.db.session() as session:
            flows = select(Job.state, func.count()).where(Job.idempotency_key.not_like("periodic:%"))
            jobs = dict((await session.execute(flows.group_by(Job.state))).all())
            stuck = (
                await session.execute(
                    select(func.count()).where(
                        Message.state.in_([MessageState.RETRYING.value, MessageState.RECEIVED.value])
                    )
                )
            ).scalar_one()
            sent_orders = (
                await session.execute(
                    select(func.count()).where(
                        Message.direction == Direction.OUTBOUND.value, Message.document_type == "850"
                    )
                )
            ).scalar_one()
        assert set(jobs) <= {"succeeded"}, jobs  # none waiting, running, retrying or dead
        assert stuck == 0
        assert sent_orders == 2 * ORDERS  # one interchange per purchase order, however often it was sent


async def _until(check: object, within: float = 60.0) -> None:
    assert callable(check)
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)
