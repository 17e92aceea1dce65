"""The hub's Trading Grid mailbox over SFTP: a purchase order put in outbound/ reaches the supplier, and
everything the supplier answers is collected from inbound/ into the hub's messages, once each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest
from sqlalchemy import select

from gridlink.flows.mailbox import keep_collected
from gridlink.grid.as2.message import Identity
from gridlink.grid.sftp import Collected, Mailbox, collect, put
from gridlink.sandbox.grid.app import Grid, HubLink, create_grid_app
from gridlink.sandbox.grid.network import envelope
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.blobs import LocalBlobStore
from gridlink.store.db import Database
from gridlink.store.models.messages import Message
from tests.grid.test_sandbox_grid import SUPPLIER, purchase_order
from tests.support.certs import Identity as Keys
from tests.support.certs import identity
from tests.support.servers import running_server


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Keys]:
    base = tmp_path_factory.mktemp("grid-sftp")
    return {name: identity(name, base) for name in ("GRIDLINK", "TRADINGGRID")}


@pytest.fixture
async def grid(keys: dict[str, Keys]) -> AsyncIterator[Grid]:
    network = keys["TRADINGGRID"]
    grid = Grid(
        identity=Identity("TRADINGGRID", network.key, network.cert),
        hub=HubLink("ZZ:GRIDLINK", "GRIDLINK", "http://127.0.0.1:9/as2", keys["GRIDLINK"].cert),
    )
    async with running_server(create_grid_app(grid)):
        yield grid
    await grid.aclose()


async def test_a_purchase_order_over_sftp_and_the_answers_collected_once(
    grid: Grid, db: Database, tmp_path: Path
) -> None:
    hub_key = asyncssh.generate_private_key("ssh-ed25519")
    server = await grid.open_sftp_mailbox(tmp_path / "mailbox", hub_key.export_public_key().decode())
    grid.add_partner(SUPPLIER, "Acme Supply", Behaviour())
    mailbox = Mailbox(
        host="127.0.0.1",
        port=server.port,
        username="gridlink",
        host_key=server.public_host_key,
        client_key=hub_key.export_private_key().decode(),
    )
    await put(mailbox, "po-2001.edi", purchase_order())
    await grid.drain()
    assert list((tmp_path / "mailbox" / "outbound").iterdir()) == []  # taken by the network
    assert len(grid.partners[SUPPLIER].received) == 1

    blobs = LocalBlobStore(tmp_path / "blobs")

    async def keep(file: Collected) -> None:
        await keep_collected(db, blobs, "trading-grid", file)

    taken = await collect(mailbox, keep)
    assert sorted(envelope(f.data).set_ids[0] for f in taken) == ["810", "855", "856", "997"]
    assert await collect(mailbox, keep) == []  # nothing left, nothing twice
    async with db.session() as session:
        rows = list((await session.execute(select(Message))).scalars())
    assert len(rows) == 4 and {r.transport for r in rows} == {"sftp"}
