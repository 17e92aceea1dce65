"""The whole order-to-cash loop on loopback, in one event loop: the sandbox store, the hub (web, worker,
scheduler) and the sandbox Trading Grid with simulated partners, each on its own port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh
from pydantic import SecretStr
from sqlalchemy import select, text

from gridlink.config import AS2Settings, MailboxSettings, OrderSettings, Settings, StoreSettings
from gridlink.engine import registry, run_scheduler
from gridlink.grid.as2.message import Identity
from gridlink.partners.directory import FILE, save_profiles
from gridlink.partners.profiles import PartnerProfile, SFTPLink
from gridlink.sandbox.grid.app import Grid, HubLink, create_grid_app
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.models.jobs import UNFINISHED, Job
from gridlink.store.models.messages import Message
from gridlink.store.models.orders import (
    Expectation,
    InvoiceRecord,
    PurchaseOrderRecord,
    ShipmentRecord,
)
from gridlink.web.app import create_app
from gridlink.web.hub import Hub, load_job_modules
from gridlink.web.serve import bind_socket
from tests.bigcommerce.conftest import FAST, Sandbox
from tests.engine.conftest import all_finished, eventually, workers
from tests.support.certs import Identity as Keys
from tests.support.servers import running_server

SUPPLIER, FINANCE = "ZZ:ACMESUPPLY", "ZZ:NORTHDIST"
ADDRESS = {"street_1": "1 Main St", "city": "Springfield", "state": "IL", "zip": "62701", "country": "US"}


def profile(key: str, address: str, **fields: Any) -> PartnerProfile:
    """A partner profile at ``address`` (reached through the hub's Trading Grid mailbox by default)."""
    qualifier, ident = address.split(":")
    return PartnerProfile.model_validate(
        {"key": key, "name": key.title(), "identity": {"x12_qualifier": qualifier, "x12_id": ident}, **fields}
    )


@dataclass
class Loop:
    """The running loop, and what the tests read of it."""

    sandbox: Sandbox
    hub: Hub
    grid: Grid
    inbox: Path | None = None  # the hub's SFTP inbound folder, when a partner is reached over SFTP

    async def settle(self, within: float = 90.0) -> None:
        """Wait until the network, the store's webhooks and the hub's jobs are all quiet."""
        dispatcher = self.sandbox.app.state.dispatcher

        async def quiet() -> bool:
            try:  # a drain still under way is not quiet yet; only ``within`` fails the wait
                await asyncio.wait_for(self.grid.drain(), 60)
                await asyncio.wait_for(dispatcher.drain(), 30)
            except TimeoutError:
                return False
            if not await all_finished(self.hub.db):
                return False
            if self.inbox is not None and any(self.inbox.iterdir()):
                return False  # files the hub's SFTP collection has not taken yet
            await asyncio.sleep(0.3)  # answers a partner sends after a pause (late shipments) start here
            return (
                not self.grid._routing
                and all(not p.tasks for p in self.grid.partners.values())
                and (await all_finished(self.hub.db))
            )

        try:
            await eventually(quiet, within=within)
        except AssertionError as exc:
            raise AssertionError(f"the loop did not settle ({exc!r}):\n{await self.diagnosis()}") from exc

    async def diagnosis(self) -> str:
        """What is still going on: unfinished jobs and, on PostgreSQL, transactions open a while."""
        lines = []
        async with self.hub.db.session() as session:
            unfinished = select(Job).where(Job.state.in_(UNFINISHED)).order_by(Job.id).limit(20)
            for job in (await session.execute(unfinished)).scalars():
                lines.append(
                    f"job {job.id} {job.kind} {job.state} attempt {job.attempt} key {job.ordering_key}"
                    f" run_at {job.run_at} lease {job.lease_until} error {job.last_error!r}"
                )
            if not self.hub.db.is_sqlite:
                activity = text(
                    "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, left(query, 200)"
                    " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND xact_start < now() - interval '5 seconds'"
                )
                lines.extend(f"backend {tuple(row)}" for row in (await session.execute(activity)).all())
        routing = len(self.grid._routing)
        answering = {address: len(p.tasks) for address, p in self.grid.partners.items() if p.tasks}
        lines.append(f"grid: {routing} routing, partners answering {answering}")
        return "\n".join(lines)

    async def rows(self, model: type[Any], *where: Any) -> list[Any]:
        """Every row of ``model`` matching ``where``, by id."""
        async with self.hub.db.session() as session:
            stmt = select(model).where(*where).order_by(model.id)
            return list((await session.execute(stmt)).scalars())

    async def messages(self, *where: Any) -> list[Message]:
        """Messages, oldest first."""
        return await self.rows(Message, *where)

    async def purchase_orders(self) -> list[PurchaseOrderRecord]:
        return await self.rows(PurchaseOrderRecord)

    async def shipments(self) -> list[ShipmentRecord]:
        return await self.rows(ShipmentRecord)

    async def invoices(self) -> list[InvoiceRecord]:
        return await self.rows(InvoiceRecord)

    async def expectations(self) -> list[Expectation]:
        return await self.rows(Expectation)


@asynccontextmanager
async def running_loop(
    sandbox: Sandbox,
    database_url: str,
    data_dir: Path,
    keys: dict[str, Keys],
    partners: list[PartnerProfile],
    behaviours: dict[str, Behaviour],
    *,
    sftp_for: str | None = None,
    routing: dict[str, Any] | None = None,
    invoice_to: list[str] | None = None,
    worker_concurrency: int = 8,
    workers_in_process: bool = True,
    hub_batch: int = 1,
) -> AsyncIterator[Loop]:
    """Everything running and wired: hooks on the store point at the hub, partners are saved."""
    load_job_modules()
    me, network = keys["GRIDLINK"], keys["TRADINGGRID"]
    hub_sock, grid_sock = bind_socket("127.0.0.1", 0), bind_socket("127.0.0.1", 0)
    hub_url = f"http://127.0.0.1:{hub_sock.getsockname()[1]}"
    grid_url = f"http://127.0.0.1:{grid_sock.getsockname()[1]}"
    settings = Settings(
        database_url=database_url,
        data_dir=data_dir,
        public_url=hub_url,
        stores=[
            StoreSettings(
                hash=sandbox.store.store_hash,
                token=SecretStr("sandbox-token"),
                client_secret=SecretStr("sandbox-secret"),
                api_url=sandbox.url,
            )
        ],
        as2=AS2Settings(key_file=me.key_pem, cert_file=me.cert_pem, partners_refresh_seconds=0),
        mailbox=MailboxSettings(
            as2_url=f"{grid_url}/as2", as2_id="TRADINGGRID", certificate=network.cert_pem
        ),
        orders=OrderSettings(
            routing=routing or {"default": "acme"},
            invoice_to=["finance"] if invoice_to is None else invoice_to,
        ),
    )
    hub = Hub.from_settings(settings)
    hub.stores.retry = FAST
    hub.stores.http = sandbox.contract.http(timeout=30)  # the hub's store calls are checked too
    grid = Grid(
        identity=Identity("TRADINGGRID", network.key, network.cert),
        hub=HubLink("ZZ:GRIDLINK", "GRIDLINK", f"{hub_url}/as2", me.cert),
        hub_batch=hub_batch,
    )
    for address, behaviour in behaviours.items():
        grid.add_partner(address, address.split(":")[1].title(), behaviour)
    if sftp_for is not None:  # that partner is reached through the hub's mailbox over SFTP instead
        partners = [await _over_sftp(grid, p, data_dir) if p.key == sftp_for else p for p in partners]
    await save_profiles(hub.db, partners, FILE)
    stop = asyncio.Event()
    try:
        async with (
            running_server(create_app(hub), sock=hub_sock),
            running_server(create_grid_app(grid), sock=grid_sock),
            workers(
                hub.db,
                count=1 if workers_in_process else 0,
                resources=hub.resources,
                concurrency=worker_concurrency,
            ),
        ):
            grid.start()
            scheduler = asyncio.create_task(run_scheduler(hub.db, stop, registry))
            try:
                if workers_in_process:  # the scheduler's first round points the store's hooks at the hub

                    async def hooked() -> bool:
                        return len(sandbox.store.hooks) > 0 and await all_finished(hub.db)

                    await eventually(hooked)
                inbox = data_dir / "mailbox" / "inbound" if sftp_for else None
                yield Loop(sandbox, hub, grid, inbox)
            finally:
                stop.set()
                await scheduler
                await grid.aclose()
    finally:
        await hub.close()


async def _over_sftp(grid: Grid, partner: PartnerProfile, data_dir: Path) -> PartnerProfile:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = data_dir / "sftp-client.key"
    key_file.write_bytes(key.export_private_key())
    server = await grid.open_sftp_mailbox(data_dir / "mailbox", key.export_public_key().decode())
    link = SFTPLink(
        type="sftp",
        host="127.0.0.1",
        port=server.port,
        username="gridlink",
        host_key=server.public_host_key,
        key_file=key_file,
    )
    return partner.model_copy(update={"transport": link})
