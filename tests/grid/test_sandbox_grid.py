"""The sandbox Trading Grid end to end over loopback AS2: the hub sends a purchase order to its mailbox,
the network routes it to a simulated supplier by the ISA receiver, and what the supplier answers for
each behaviour comes back to the hub's own AS2 endpoint; Lens reports every hop."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from gridlink.config import AS2Settings, Settings
from gridlink.documents import Address, Item, OrderLine, Party, PartyRole, PurchaseOrder
from gridlink.documents.codecs import CodecProfile, encode_purchase_order
from gridlink.edi.validator import validate
from gridlink.edi.writer import MemoryNumbers, X12Writer
from gridlink.edi.writer import Party as EdiParty
from gridlink.grid.as2.message import Counterpart, Identity, MdnRequest, Security, build
from gridlink.grid.as2.transport import post_message
from gridlink.grid.community import CommunityClient
from gridlink.grid.lens import LensClient, LensQuery
from gridlink.grid.oauth import TokenSource
from gridlink.sandbox.grid.app import Grid, HubLink, create_grid_app
from gridlink.sandbox.grid.network import envelope
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.db import Database
from gridlink.store.models.messages import Message
from gridlink.web.app import create_app
from gridlink.web.hub import Hub
from tests.engine.conftest import eventually
from tests.support.certs import Identity as Keys
from tests.support.certs import identity
from tests.support.edi_validator import check
from tests.support.servers import running_server

SUPPLIER = "ZZ:ACMESUPPLY"
ORDER = PurchaseOrder(
    number="PO-2001-ACME",
    order_date=date(2026, 12, 1),
    parties=[
        Party(role=PartyRole.BUYER, name="Gridlink Demo Retail", id_qualifier="92", id="DEMO"),
        Party(
            role=PartyRole.SHIP_TO,
            name="Jane Doe",
            address=Address(
                lines=["12 Elm Street"], city="Denver", state="CO", postal_code="80202", country="US"
            ),
        ),
    ],
    lines=[
        OrderLine(line_number=1, item=Item(sku="SKU-1"), quantity=Decimal(4), unit_price=Decimal("19.99")),
        OrderLine(line_number=2, item=Item(sku="SKU-2"), quantity=Decimal(2), unit_price=Decimal("5.00")),
    ],
)


def purchase_order(receiver: str = SUPPLIER, control: int = 1) -> bytes:
    """A purchase order interchange from the hub to ``receiver``, its control numbers from ``control``."""
    profile = CodecProfile(standard="x12", version="004010")
    set_id, body = encode_purchase_order(ORDER, profile)
    out = io.BytesIO()
    to = EdiParty(*receiver.split(":"))
    writer = X12Writer(out, sender=EdiParty("ZZ", "GRIDLINK"), receiver=to, numbers=MemoryNumbers(control))
    writer.begin_group("PO", "004010")
    writer.write_set(set_id, body)
    writer.close()
    return out.getvalue()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Keys]:
    base = tmp_path_factory.mktemp("grid")
    return {name: identity(name, base) for name in ("GRIDLINK", "TRADINGGRID")}


@dataclass
class Scene:
    hub: Hub
    grid: Grid
    grid_url: str
    keys: dict[str, Keys]

    async def send(self, data: bytes) -> None:
        """The hub's AS2 delivery to its Trading Grid mailbox."""
        grid_cert = self.keys["TRADINGGRID"].cert
        grid_side = Counterpart("TRADINGGRID", certs=(grid_cert,), encrypt_cert=grid_cert)
        me = Identity("GRIDLINK", self.keys["GRIDLINK"].key, self.keys["GRIDLINK"].cert)
        outbound = build(data, me=me, partner=grid_side, security=Security(), mdn=MdnRequest())
        async with httpx.AsyncClient(timeout=30) as http:
            receipt = await post_message(http, self.grid_url + "/as2", outbound, grid_side)
        assert receipt is not None and receipt.ok, receipt
        await self.grid.drain()

    async def received(self) -> list[tuple[str, ...]]:
        """The set ids of each file the hub received, in order."""
        async with self.hub.db.session() as session:
            rows = list((await session.execute(select(Message).order_by(Message.id))).scalars())
        found = []
        for row in rows:
            data = await self.hub.blobs.get(row.blob_sha256)
            try:
                found.append(tuple(envelope(data).set_ids))
            except Exception:
                found.append(("unreadable",))
        return found


@pytest.fixture
async def scene(
    db: Database, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> AsyncIterator[Scene]:
    me, network = keys["GRIDLINK"], keys["TRADINGGRID"]
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        as2=AS2Settings(key_file=me.key_pem, cert_file=me.cert_pem, partners_refresh_seconds=0),
    )
    hub = Hub.from_settings(settings)
    hub.as2_station().partners["TRADINGGRID"] = Counterpart(
        "TRADINGGRID", certs=(network.cert,), encrypt_cert=network.cert
    )
    try:
        async with running_server(create_app(hub)) as hub_url:
            grid = Grid(
                identity=Identity("TRADINGGRID", network.key, network.cert),
                hub=HubLink("ZZ:GRIDLINK", "GRIDLINK", hub_url + "/as2", me.cert),
            )
            async with running_server(create_grid_app(grid)) as grid_url:
                yield Scene(hub, grid, grid_url, keys)
            await grid.aclose()
    finally:
        await hub.close()


EXPECTED = {
    "accept": [("997",), ("855",), ("856",), ("810",)],
    "partial": [("997",), ("855",), ("856",), ("810",)],
    "substitution": [("997",), ("855",), ("856",), ("810",)],
    "backorder": [("997",), ("855",), ("856",), ("810",)],  # the other line still ships
    "reject": [("997",), ("855",)],
}


@pytest.mark.parametrize("answer", list(EXPECTED))
async def test_each_acknowledgment_behaviour_comes_back_to_the_hub(scene: Scene, answer: str) -> None:
    scene.grid.add_partner(SUPPLIER, "Acme Supply", Behaviour(acknowledgment=answer))  # type: ignore[arg-type]
    await scene.send(purchase_order())
    assert await scene.received() == EXPECTED[answer]


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [
        (Behaviour(shipments="split"), [("997",), ("855",), ("856",), ("856",), ("810",)]),
        (Behaviour(shipments="late", late_seconds=0.5), [("997",), ("855",), ("856",), ("810",)]),
        (Behaviour(misbehave={"no_997"}), [("855",), ("856",), ("810",)]),
        (Behaviour(acknowledgment=None), [("997",)]),  # the rest would come days later
        (Behaviour(misbehave={"malformed"}), [("997",), ("855",)]),  # a broken order response, then nothing
        (
            Behaviour(misbehave={"duplicate"}, invoice=False),
            [("997",), ("855",), ("855",), ("856",), ("856",)],
        ),
    ],
    ids=["split", "late", "no 997", "997 only", "malformed", "duplicate"],
)
async def test_shipping_and_misbehaviour(
    scene: Scene, behaviour: Behaviour, expected: list[tuple[str, ...]]
) -> None:
    scene.grid.add_partner(SUPPLIER, "Acme Supply", behaviour)
    await scene.send(purchase_order())
    assert await scene.received() == expected


async def test_what_the_supplier_sends_passes_the_independent_validator(scene: Scene) -> None:
    scene.grid.add_partner(SUPPLIER, "Acme Supply", Behaviour(acknowledgment="partial"))
    await scene.send(purchase_order())
    async with scene.hub.db.session() as session:
        rows = list((await session.execute(select(Message).order_by(Message.id))).scalars())
    documents = {f"doc{n}": await scene.hub.blobs.get(row.blob_sha256) for n, row in enumerate(rows)}
    assert check(documents) == {name: [] for name in documents}


async def test_lens_reports_every_hop_with_the_functional_ack_status(scene: Scene) -> None:
    scene.grid.add_partner(SUPPLIER, "Acme Supply", Behaviour())
    await scene.send(purchase_order())
    async with httpx.AsyncClient() as http:
        lens = LensClient(
            TokenSource(http, scene.grid_url, "sandbox-client", "sandbox-secret"), scene.grid_url
        )
        page = await lens.search(LensQuery(content_keys={"purchase order number": "PO-2001-ACME"}))
    by_type = {t.editype: t for t in page.transactions}
    assert set(by_type) == {"850", "855"}
    sent = by_type["850"]
    assert (sent.senderaddress, sent.receiveraddress, sent.deliverystatus) == (
        "ZZ:GRIDLINK",
        SUPPLIER,
        "Delivered",
    )
    assert sent.fastatus == "Accepted"  # the supplier's 997 settled it


async def test_wrong_control_numbers_reach_the_hub_as_sent(scene: Scene) -> None:
    scene.grid.add_partner(
        SUPPLIER, "Acme Supply", Behaviour(misbehave={"wrong_control_numbers"}, invoice=False)
    )
    await scene.send(purchase_order())
    async with scene.hub.db.session() as session:
        rows = list((await session.execute(select(Message).order_by(Message.id))).scalars())
    documents = [await scene.hub.blobs.get(row.blob_sha256) for row in rows]
    assert len(documents) == 3  # 997, 855, 856: the network routes by ISA, it does not check trailers
    (result,) = validate(documents[1])
    assert any("IEA" in str(problem) or "control" in str(problem).lower() for problem in result.problems)


async def test_the_partners_on_the_network_are_in_the_community_directory(scene: Scene) -> None:
    scene.grid.add_demo_partners()
    async with httpx.AsyncClient() as http:
        tokens = TokenSource(http, scene.grid_url, "sandbox-client", "sandbox-secret")
        community = CommunityClient(tokens, scene.grid_url, scene.grid.state.company["companyId"])
        listed = await community.partners()
    assert {a.address for p in listed for a in p.trading_addresses} == {
        "ZZ:ACMESUPPLY",
        "ZZ:DELTA3PL",
        "ZZ:NORTHDIST",
        "ZZ:RETURNSCTR",
    }


async def test_a_partner_sends_inventory_notices_on_its_schedule(scene: Scene) -> None:
    behaviour = Behaviour(inventory_every=0.2, stock={"SKU-1": 40, "SKU-2": 0})
    partner = scene.grid.add_partner(SUPPLIER, "Acme Supply", behaviour)
    partner.start()

    async def two_notices() -> bool:
        return (await scene.received()).count(("846",)) >= 2

    await eventually(two_notices, within=30)
    await partner.stop()
    async with scene.hub.db.session() as session:
        first = (await session.execute(select(Message).order_by(Message.id))).scalars().first()
    assert first is not None
    notice = await scene.hub.blobs.get(first.blob_sha256)
    (result,) = validate(notice)
    assert result.all_problems() == []
    assert check({"846": notice}) == {"846": []}
    assert b"LIN*1*SK*SKU-1~QTY*33*40*EA~" in notice and b"LIN*2*SK*SKU-2~QTY*33*0*EA~" in notice


async def test_answers_waiting_together_reach_the_hub_in_one_file_when_the_network_batches(
    scene: Scene,
) -> None:
    scene.grid.hub_batch = 10
    scene.grid.add_partner(SUPPLIER, "Acme Supply", Behaviour(acknowledgment=None))
    await scene.send(purchase_order(control=1) + purchase_order(control=2) + purchase_order(control=3))
    # The supplier acknowledges each interchange at once; the three 997s wait together for one message.
    assert await scene.received() == [("997", "997", "997")]
