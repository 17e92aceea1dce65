"""The sandbox network retries a mailbox that failed before it gives up, as a real network does: a file
is not lost because the receiver dropped one connection."""

from __future__ import annotations

import io

import pytest

from gridlink.documents.codecs import CodecProfile, encode_purchase_order
from gridlink.edi.writer import EdifactWriter, MemoryNumbers
from gridlink.edi.writer import Party as EdiParty
from gridlink.sandbox.grid.network import Network, RoutingError
from gridlink.sandbox.grid.state import GridState
from tests.grid.test_sandbox_grid import ORDER, purchase_order

SUPPLIER = "ZZ:ACMESUPPLY"
THREE_PL = "ZZ:DELTA3PL"


def network_failing(times: int) -> tuple[Network, list[bytes]]:
    """A network whose supplier mailbox fails its first ``times`` deliveries."""
    network = Network(GridState(), retry_delays=(0.01, 0.01, 0.01))
    delivered: list[bytes] = []
    failures = iter(range(times))

    async def deliver(data: bytes) -> None:
        if next(failures, None) is not None:
            raise ConnectionResetError("the receiver closed the connection")
        delivered.append(data)

    network.join(SUPPLIER, "Acme Supply", deliver)
    return network, delivered


async def test_a_delivery_that_fails_is_tried_again_and_arrives_once() -> None:
    network, delivered = network_failing(2)
    data = purchase_order()
    await network.route(data)
    assert delivered == [data]
    (record,) = network.state.transactions
    assert record["deliverystatus"] == "Delivered"


async def test_a_mailbox_that_keeps_failing_is_reported_after_the_retries() -> None:
    network, delivered = network_failing(4)  # one more than the three retries
    with pytest.raises(RoutingError, match="delivery to ZZ:ACMESUPPLY failed: the receiver closed"):
        await network.route(purchase_order())
    assert delivered == []
    (record,) = network.state.transactions
    assert (record["deliverystatus"], record["errorcode"]) == ("DeliveryFailed", "E500")


async def test_a_file_of_several_interchanges_is_routed_one_interchange_at_a_time() -> None:
    network = Network(GridState())
    received: dict[str, list[bytes]] = {SUPPLIER: [], THREE_PL: []}
    for address, inbox in received.items():

        async def deliver(data: bytes, inbox: list[bytes] = inbox) -> None:
            inbox.append(data)

        network.join(address, address, deliver)
    first, second = purchase_order(SUPPLIER, 7), purchase_order(THREE_PL, 8)
    third = purchase_order(SUPPLIER, 9)
    await network.route(first + second + third)
    assert received == {SUPPLIER: [first, third], THREE_PL: [second]}  # each exactly as it was written
    lens = [(r["receiveraddress"], r["sendertransactionid"]) for r in network.state.transactions]
    assert lens == [(SUPPLIER, "000000007"), (THREE_PL, "000000008"), (SUPPLIER, "000000009")]


def edifact_order(receiver: str, control: int) -> bytes:
    """An ORDERS interchange (with its UNA) from the hub to ``receiver``."""
    profile = CodecProfile(standard="edifact", version="D96A")
    set_id, body = encode_purchase_order(ORDER, profile)
    out = io.BytesIO()
    writer = EdifactWriter(
        out,
        sender=EdiParty("ZZ", "GRIDLINK"),
        receiver=EdiParty(*receiver.split(":")),
        numbers=MemoryNumbers(control),
    )
    writer.write_message(set_id, "D", "96A", body)
    writer.close()
    return out.getvalue()


async def test_edifact_interchanges_of_one_file_are_split_with_their_service_string_advice() -> None:
    network = Network(GridState())
    received: list[bytes] = []

    async def deliver(data: bytes) -> None:
        received.append(data)

    network.join(SUPPLIER, "Acme Supply", deliver)
    first, second = edifact_order(SUPPLIER, 3), edifact_order(SUPPLIER, 4)
    assert first.startswith(b"UNA")
    await network.route(first + second)
    assert received == [first, second]
