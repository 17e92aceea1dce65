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

    def __post_init__(self) -> None:
        self.network = Network(self.state)
        self.network.join(self.hub.address, "Gridlink hub", self._to_hub)
        self.station = Station(self.identity, {self.hub.as2_id: self._hub_counterpart()})
        self._http = httpx.AsyncClient(timeout=60)
        self._routing: set[asyncio.Task[None]] = set()
        self._sftp: MailboxServer | None = None

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
        for task in list(self._routing):
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
