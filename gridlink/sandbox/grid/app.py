"""The sandbox Trading Grid as one loopback service: the hub's AS2 connection to its mailbox, the network
with simulated partners behind it, and the token, Lens and Community Management APIs over what passed.

The hub sends interchanges over AS2 to `POST /as2`; the network reads each envelope and hands the file to
the receiver's mailbox. What partners send to the hub's address is delivered over AS2 to the hub's own
endpoint, signed and encrypted, with a synchronous signed receipt expected.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from cryptography import x509
from fastapi import FastAPI, Request, Response

from gridlink.connection_slots import ConnectionSlots
from gridlink.grid.as2.message import Counterpart, Identity, MdnRequest, Security, build
from gridlink.grid.as2.station import Station
from gridlink.grid.as2.transport import DeliveryFailed, post_message
from gridlink.logs import get_logger
from gridlink.sandbox.grid.api import create_api_app
from gridlink.sandbox.grid.network import Network, RoutingError, envelope
from gridlink.sandbox.grid.sftp import MailboxServer
from gridlink.sandbox.grid.simulated import Behaviour, SimulatedPartner
from gridlink.sandbox.grid.state import GridState

log = get_logger(__name__)

DEMO_PARTNERS = {
    "ZZ:ACMESUPPLY": ("Acme Supply (supplier)", Behaviour(inventory_every=300.0)),
    "ZZ:DELTA3PL": ("Delta Logistics (3PL)", Behaviour(acknowledgment="partial", shipments="split")),
    "ZZ:NORTHDIST": ("North Distribution (distributor)", Behaviour(acknowledgment="backorder")),
    "ZZ:RETURNSCTR": ("Returns Center", Behaviour(shipments="none", invoice=False)),
}


@dataclass
class HubLink:
    """The hub as the network knows it: its address, AS2 name, endpoint and certificate."""

    address: str
    as2_id: str
    url: str
    cert: x509.Certificate


@dataclass
class Grid:
    """The emulated network and everything on it."""

    identity: Identity  # the network's own AS2 station
    hub: HubLink
    state: GridState = field(default_factory=GridState)
    partners: dict[str, SimulatedPartner] = field(default_factory=dict)
    network: Network = field(init=False)
    security: Security = field(default_factory=Security)
    # Interchanges per AS2 message to the hub: what waits while one message is on its way goes together
    # in the next, as a network set to batch a mailbox's deliveries does (1: each alone).
    hub_batch: int = 1

    def __post_init__(self) -> None:
        self.network = Network(self.state)
        self.network.join(self.hub.address, "Gridlink hub", self._to_hub)
        self.station = Station(self.identity, {self.hub.as2_id: self._hub_counterpart()})
        self._http = httpx.AsyncClient(timeout=60, transport=ConnectionSlots())
        self._routing: set[asyncio.Task[None]] = set()
        self._sftp: MailboxServer | None = None
        self._for_hub: list[tuple[bytes, asyncio.Future[None]]] = []
        self._hub_sender: asyncio.Task[None] | None = None

    def _hub_counterpart(self) -> Counterpart:
        return Counterpart(self.hub.as2_id, certs=(self.hub.cert,), encrypt_cert=self.hub.cert)

    def add_partner(self, address: str, name: str, behaviour: Behaviour | None = None) -> SimulatedPartner:
        """Put a simulated partner on the network."""
        partner = SimulatedPartner(address, name, self.network, behaviour or Behaviour())
        partner.hub_address = self.hub.address
        self.partners[address] = partner
        self.network.join(address, name, partner.deliver)
        qualifier, _, ident = address.partition(":")
        self.state.partners = [p for p in self.state.partners if p["partnerCompanyName"] != name]
        self.state.partners.append(  # what Community Management's partner directory lists
            {
                "partnerCompanyId": self.state.new_id("GC"),
                "partnerCompanyName": name,
                "tradingAddresses": [{"qualifier": qualifier, "id": ident, "address": address}],
                "status": "Active",
            }
        )
        return partner

    def add_demo_partners(self) -> None:
        """The supplier, 3PL, distributor and returns center of the demo."""
        for address, (name, behaviour) in DEMO_PARTNERS.items():
            self.add_partner(address, name, replace(behaviour, stock=dict(behaviour.stock)))

    def start(self) -> None:
        """Start the partners' schedules (inventory notices) in the running event loop."""
        for partner in self.partners.values():
            partner.start()

    async def _to_hub(self, data: bytes) -> None:
        if self.hub_batch <= 1:
            return await self._post_to_hub(data)
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._for_hub.append((data, sent))
        if self._hub_sender is None or self._hub_sender.done():
            self._hub_sender = asyncio.get_running_loop().create_task(self._send_to_hub())
        await sent

    async def _send_to_hub(self) -> None:
        """Post what waits for the hub, up to ``hub_batch`` interchanges a message, until nothing waits."""
        while self._for_hub:
            batch, self._for_hub = self._for_hub[: self.hub_batch], self._for_hub[self.hub_batch :]
            try:
                await self._post_to_hub(b"".join(data for data, _ in batch))
            except Exception as exc:  # each waiting delivery fails and is retried by the network
                for _, sent in batch:
                    if not sent.done():  # its waiter may have given up
                        sent.set_exception(exc)
            else:
                for _, sent in batch:
                    if not sent.done():
                        sent.set_result(None)

    async def _post_to_hub(self, data: bytes) -> None:
        outbound = build(
            data, me=self.identity, partner=self._hub_counterpart(), security=self.security, mdn=MdnRequest()
        )
        receipt = await post_message(self._http, self.hub.url, outbound, self._hub_counterpart())
        if receipt is None or not receipt.ok:
            raise DeliveryFailed(
                f"the hub refused the file: {receipt.disposition if receipt else 'no receipt'}"
            )

    def route_later(self, data: bytes) -> None:
        """Route a received file once its receipt has gone back (a network queues, it does not block)."""
        task = asyncio.get_running_loop().create_task(self._route(data))
        self._routing.add(task)
        task.add_done_callback(self._routing.discard)

    async def _route(self, data: bytes) -> None:
        try:
            await self.network.route(data)
        except RoutingError as exc:
            log.warning("sandbox grid could not route a file", error=str(exc))

    async def open_sftp_mailbox(self, root: Path, hub_public_key: str) -> MailboxServer:
        """Serve the hub's mailbox over SFTP too: what the hub renames into outbound/ is routed, and what
        is addressed to the hub is left in inbound/ instead of being posted over AS2."""
        server = MailboxServer(root, self.route_later, hub_public_key)
        await server.start()
        numbers = itertools.count(1)

        async def to_hub(data: bytes) -> None:
            await server.deliver(data, f"{envelope(data).control or 'file'}-{next(numbers):06d}.edi")

        self.network.join(self.hub.address, "Gridlink hub", to_hub)
        self._sftp = server
        return server

    async def drain(self) -> None:
        """Wait until nothing is being routed and no partner is still answering (for tests)."""
        while self._routing or any(p.tasks for p in self.partners.values()):
            if self._routing:  # wait, not gather: a caller's timeout must not cancel the routing itself
                await asyncio.wait(set(self._routing))
            for partner in self.partners.values():
                await partner.drain()

    async def aclose(self) -> None:
        """Stop routing and close connections."""
        for task in [*self._routing, *([self._hub_sender] if self._hub_sender else [])]:
            task.cancel()
        for partner in self.partners.values():
            await partner.stop()
        await self._http.aclose()
        if self._sftp is not None:
            await self._sftp.aclose()


def create_grid_app(grid: Grid) -> FastAPI:
    """The sandbox network's service: AS2 in, and the public APIs over what it carried."""
    app = create_api_app(grid.state)
    app.state.sandbox_grid = grid

    @app.post("/as2")
    async def receive(request: Request) -> Response:
        headers = {name.lower(): value for name, value in request.headers.items()}
        opened = grid.station.open(headers, await request.body())
        receipt = grid.station.receipt(opened)
        if opened.failure is None:
            grid.route_later(opened.message.payload)
        if receipt is None:
            return Response(status_code=200)
        return Response(content=receipt.body, headers=receipt.headers)

    return app
