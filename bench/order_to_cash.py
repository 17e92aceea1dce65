"""Order to cash throughput and latency: store orders placed in the sandbox store, their webhooks taken by
the hub, one purchase order per order sent over AS2 to a simulated supplier on the sandbox Trading Grid.

Measured, as the issue asks, from the webhook to the purchase order delivered (the network's AS2 receipt):
sustained orders/s with orders placed as fast as the store takes them (from the first webhook until every
purchase order is delivered and the supplier's 997 for it received and reconciled), and p50/p99 latency at
half that rate. The supplier sends its 997 at once and nothing more here, as real suppliers answer the rest
hours or days later. Then the whole loop, as an extra number (``*_loop_orders_per_s``): the supplier also
answers each order with an 855, an 856 and an 810 at once, which the hub receives, acknowledges and applies
(a shipment in the store), until all of it is done. ``*_cpu_ms_per_order`` is the CPU time the burst took
per order, in the hub's processes, this one and PostgreSQL's: on a shared machine orders/s vary from run to
run far more than that does, and on two cores it bounds them (2,000 / cpu_ms_per_order).

On SQLite the hub is one process (`gridlink run`: web, worker, scheduler); on PostgreSQL it is
`gridlink web` and two `gridlink worker` processes. The sandbox store and grid run in this process, on the
same machine. The last line printed is one JSON object.

    .venv/bin/python -m bench.order_to_cash [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

import uvloop
from pydantic import SecretStr
from sqlalchemy import func, select

from gridlink.config import AS2Settings, MailboxSettings, OrderSettings, Settings, StoreSettings
from gridlink.grid.as2.message import Identity
from gridlink.logs import configure_logging
from gridlink.partners.directory import FILE, save_profiles
from gridlink.sandbox.bigcommerce import SandboxStore
from gridlink.sandbox.bigcommerce import create_app as create_store_app
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from gridlink.sandbox.grid.app import Grid, HubLink, create_grid_app
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.db import Database
from gridlink.store.migrate import upgrade
from gridlink.store.models.jobs import Job
from gridlink.store.models.messages import Message, MessageEvent
from gridlink.store.models.orders import PurchaseOrderRecord
from gridlink.store.models.store_events import StoreEvent
from gridlink.web.serve import bind_socket
from tests.flows.loop import ADDRESS, profile
from tests.support.certs import identity
from tests.support.postgres import temporary_database
from tests.support.processes import settings_for_child, start_gridlink
from tests.support.servers import running_server

SUPPLIER = "ZZ:ACMESUPPLY"
# Interchanges per file both ways: the hub to the network (the partner profile's interchanges_per_file)
# and the network to the hub (a mailbox delivery setting of the network).
BATCH = 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hub_settings(base: Path, database_url: str, store_url: str, grid_url: str, port: int) -> Settings:
    """The hub's configuration: the sandbox store, the grid as its mailbox, every line to the supplier."""
    return Settings(
        database_url=database_url,
        data_dir=base / "data",
        port=port,
        public_url=f"http://127.0.0.1:{port}",
        stores=[
            StoreSettings(
                hash="bench",
                token=SecretStr("sandbox-token"),
                client_secret=SecretStr("sandbox-secret"),
                api_url=store_url,
            )
        ],
        as2=AS2Settings(key_file=base / "GRIDLINK.key.pem", cert_file=base / "GRIDLINK.cert.pem"),
        mailbox=MailboxSettings(
            as2_url=f"{grid_url}/as2", as2_id="TRADINGGRID", certificate=base / "TRADINGGRID.cert.pem"
        ),
        orders=OrderSettings(routing={"default": "acme"}),
        log_level="warning",
    )


# Its 997 can be settled before the receipt's bookkeeping: the first of the two counts.
ARRIVED = ("delivered", "acknowledged")


async def delivered_count(db: Database, since: int) -> int:
    """How many purchase orders placed after order ``since`` have been delivered (a cheap poll)."""
    async with db.session() as session:
        stmt = (
            select(func.count())
            .select_from(PurchaseOrderRecord)
            .join(Message, Message.id == PurchaseOrderRecord.message_id)
            .where(PurchaseOrderRecord.order_id > since, Message.state.in_(ARRIVED))
        )
        return int((await session.execute(stmt)).scalar_one())


async def delivered_latencies(db: Database, since: int) -> list[tuple[float, float]]:
    """(webhook received, purchase order delivered) per purchase order placed after order ``since``."""
    async with db.session() as session:
        rows = (
            await session.execute(
                select(PurchaseOrderRecord.order_id, func.min(MessageEvent.at))
                .join(Message, Message.id == PurchaseOrderRecord.message_id)
                .join(MessageEvent, MessageEvent.message_id == Message.id)
                .where(MessageEvent.to_state.in_(ARRIVED), PurchaseOrderRecord.order_id > since)
                .group_by(PurchaseOrderRecord.order_id)
            )
        ).all()
        events = (
            await session.execute(
                select(StoreEvent.resource_id, StoreEvent.received_at).where(
                    StoreEvent.scope == "store/order/created"
                )
            )
        ).all()
    received = {int(r): at.timestamp() for r, at in events if r}
    return [(received[o], at.timestamp()) for o, at in rows if o in received]


async def run_one(kind: str, database_url: str, orders: int, latency_seconds: float) -> dict[str, float]:
    """Throughput and latency of one deployment (``sqlite`` or ``postgres``)."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        keys = {name: identity(name, base) for name in ("GRIDLINK", "TRADINGGRID")}
        store = SandboxStore("bench")
        product = store.add_product("Anvil", "A-1", 12.5)
        store.adjust("absolute", [{"location_id": 1, "sku": "A-1", "quantity": 1_000_000}])
        customer = store.add_customer("buyer@example.com", "Ada", "Buyer", "Acme")
        store_app = create_store_app(
            store, SandboxConfig(quota=100_000, window=30.0, webhook_time_scale=0.0001)
        )
        port = free_port()
        async with AsyncExitStack() as stack:
            store_url = await stack.enter_async_context(running_server(store_app))
            grid_sock = bind_socket("127.0.0.1", 0)
            grid_url = f"http://127.0.0.1:{grid_sock.getsockname()[1]}"
            settings = hub_settings(base, database_url, store_url, grid_url, port)
            database_url = settings.database_url  # SQLite: the file in the data directory
            network = keys["TRADINGGRID"]
            grid = Grid(
                identity=Identity("TRADINGGRID", network.key, network.cert),
                hub=HubLink("ZZ:GRIDLINK", "GRIDLINK", f"{settings.public_url}/as2", keys["GRIDLINK"].cert),
                hub_batch=BATCH,
            )
            supplier = grid.add_partner(SUPPLIER, "Acme Supply", Behaviour(acknowledgment=None))
            await stack.enter_async_context(running_server(create_grid_app(grid), sock=grid_sock))
            await asyncio.to_thread(upgrade, database_url)
            db = Database(database_url)
            stack.push_async_callback(db.dispose)
            await save_profiles(db, [profile("acme", SUPPLIER, interchanges_per_file=BATCH)], FILE)
            env = settings_for_child(settings, port=str(port), sandbox__enabled="false")
            log = base / "hub.log"
            if kind == "sqlite":
                processes = [start_gridlink(["run"], log, **env)]
            else:
                processes = [
                    start_gridlink(["web"], log, **env),
                    start_gridlink(["worker", "--concurrency", "16"], log, **env),
                    start_gridlink(["worker", "--concurrency", "16", "--no-scheduler"], log, **env),
                ]
            try:
                await until(lambda: len(store.hooks) >= 3, log)  # the hub pointed the store at itself

                async def place(count: int, rate: float | None) -> int:
                    start = time.monotonic()
                    last = 0
                    for n in range(count):
                        if rate:
                            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
                        elif n % 20 == 0:
                            await asyncio.sleep(0)  # let the store's webhook dispatcher run
                        last = int(
                            store.place_order(
                                customer["id"], [(int(product["base_variant_id"]), 1)], ADDRESS
                            )["id"]
                        )
                    return last

                async def finished(since: int, count: int) -> list[tuple[float, float]]:
                    while await delivered_count(db, since) < count:
                        check(processes, log)
                        await asyncio.sleep(0.2)
                    return await delivered_latencies(db, since)

                async def quiet() -> float:
                    """When everything is done: every answer received, acknowledged and applied."""
                    while True:
                        await grid.drain()
                        async with db.session() as session:
                            busy = (
                                await session.execute(
                                    select(func.count()).where(
                                        Job.state.in_(["available", "running"]),
                                        Job.idempotency_key.not_like("periodic:%"),
                                    )
                                )
                            ).scalar_one()
                        if not busy and not grid._routing:
                            return time.time()
                        check(processes, log)
                        await asyncio.sleep(0.2)

                async def burst() -> tuple[float, float]:
                    """Orders/s of ``orders`` placed at once, until the hub has done all they call for,
                    and the CPU milliseconds all of it took per order."""
                    first = max(store.orders, default=0)
                    cpu = cpu_seconds([p.pid for p in processes])
                    await place(orders, None)
                    done = await finished(first, orders)
                    rate = orders / (await quiet() - min(r for r, _ in done))
                    return rate, (cpu_seconds([p.pid for p in processes]) - cpu) / orders * 1000

                rate, cpu_per_order = await burst()
                mark = max(store.orders)
                paced = max(5, int(rate / 2 * latency_seconds))
                await place(paced, rate / 2)
                measured = await finished(mark, paced)
                await quiet()
                latencies = sorted((d - r) * 1000 for r, d in measured)
                supplier.behaviour = Behaviour()  # now the 855, 856 and 810 come back at once too
                loop_rate, _ = await burst()
                return {
                    "orders_per_s": round(rate, 1),
                    "cpu_ms_per_order": round(cpu_per_order, 1),
                    "paced_orders": paced,
                    "paced_rate": round(rate / 2, 1),
                    "p50_ms": round(statistics.median(latencies), 1),
                    "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
                    "loop_orders_per_s": round(loop_rate, 1),
                }
            finally:
                await grid.aclose()  # no answers left in flight to a hub that is stopping
                for process in processes:
                    os.killpg(process.pid, signal.SIGTERM)
                for process in processes:
                    try:
                        process.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        os.killpg(process.pid, signal.SIGKILL)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time used so far by the hub's processes, this one (the sandbox store and grid) and the
    PostgreSQL server's: throughput on a shared machine varies from run to run far more than this."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            pid, stat = int(entry.name), (entry / "stat").read_text()
        except (OSError, ValueError):
            continue  # gone meanwhile
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if pid in pids or pid == os.getpid() or name == "postgres":
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


async def until(check_: object, log: Path, within: float = 60.0) -> None:
    assert callable(check_)
    deadline = time.monotonic() + within
    while not check_():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the hub did not start:\n{log.read_text()[-3000:]}")  # noqa: ASYNC240
        await asyncio.sleep(0.1)


def check(processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    if any(p.poll() is not None for p in processes):
        raise RuntimeError(f"a hub process ended:\n{log.read_text()[-3000:]}")


async def main_async(quick: bool) -> dict[str, float]:
    orders, seconds = (16, 4.0) if quick else (600, 30.0)
    result: dict[str, float] = {}
    sqlite = await run_one("sqlite", "", orders, seconds)
    print(f"sqlite   (1 process):    {sqlite}", flush=True)
    with temporary_database() as url:
        postgres = await run_one("postgres", url, orders, seconds)
    print(f"postgres (web + 2 workers): {postgres}", flush=True)
    for name, numbers in (("sqlite", sqlite), ("postgres", postgres)):
        result[f"{name}_orders_per_s"] = numbers["orders_per_s"]
        result[f"{name}_p50_ms"] = numbers["p50_ms"]
        result[f"{name}_p99_ms"] = numbers["p99_ms"]
        result[f"{name}_loop_orders_per_s"] = numbers["loop_orders_per_s"]
        result[f"{name}_cpu_ms_per_order"] = numbers["cpu_ms_per_order"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer orders: under a minute")
    args = parser.parse_args()
    configure_logging("warning", "console")
    random.seed(1)
    # uvloop, as `gridlink run` serves the sandbox store and grid in the hub's process.
    print(json.dumps(uvloop.run(main_async(args.quick))))


if __name__ == "__main__":
    main()
