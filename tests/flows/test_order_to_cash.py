"""Order to cash end to end over loopback: a store order's webhook -> a purchase order over AS2 to a
simulated supplier -> its 997, 855, 856 and 810 back -> a shipment with tracking in the store and the
order invoiced; for each way a supplier answers, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gridlink.edi.validator import validate
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, Message, MessageState
from tests.bigcommerce.conftest import Sandbox, customer_order
from tests.flows.loop import FINANCE, SUPPLIER, Loop, profile, running_loop
from tests.support.certs import Identity as Keys
from tests.support.edi_validator import check

ACKS = {"997", "999", "TA1", "CONTRL"}
SHIPPED, PARTIALLY_SHIPPED, MANUAL_VERIFICATION = 2, 3, 12


@dataclass
class Outcome:
    """What one run left behind, for the assertions of its case."""

    loop: Loop
    order: dict[str, Any]  # the store order as the sandbox holds it now
    lines: list[dict[str, Any]]  # its order products

    @property
    def store_shipments(self) -> list[dict[str, Any]]:
        return list(self.loop.sandbox.store.shipments.get(self.order["id"], []))

    def shipped(self) -> list[int]:
        return [line["quantity_shipped"] for line in self.lines]


async def run(
    db: Database,
    sandbox: Sandbox,
    database_url: str,
    tmp_path: Path,
    keys: dict[str, Keys],
    behaviour: Behaviour,
    check_case: Callable[[Outcome], Awaitable[None]],
    sftp: bool = False,
    **supplier: Any,
) -> None:
    partners = [profile("acme", SUPPLIER, **supplier), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: behaviour, FINANCE: Behaviour()}
    sftp_for = "acme" if sftp else None
    async with running_loop(
        sandbox, database_url, tmp_path, keys, partners, behaviours, sftp_for=sftp_for
    ) as loop:
        placed = customer_order(sandbox.store, (4, 2))
        await loop.settle()
        order = sandbox.store.orders[placed["id"]]
        outcome = Outcome(loop, order, list(sandbox.store.lines[placed["id"]]))
        await _every_case(outcome)
        await check_case(outcome)


async def _every_case(outcome: Outcome) -> None:
    loop = outcome.loop
    (po,) = await loop.purchase_orders()  # exactly one purchase order for the one supplier
    order_id = outcome.order["id"]
    assert (po.partner, po.number, po.order_id) == ("acme", f"{order_id}-ACME", order_id)
    sent_po = (await loop.messages(Message.id == po.message_id))[0]
    assert (sent_po.document_type, sent_po.state) == ("850", MessageState.ACKNOWLEDGED)  # the 997 said so
    # Every business interchange received is acknowledged to its sender.
    inbound = Message.direction == Direction.INBOUND.value
    received = await loop.messages(inbound, Message.set_control.is_(None))
    business = [m for m in received if m.document_type not in ACKS]
    acks_sent = await loop.messages(
        Message.direction == Direction.OUTBOUND.value, Message.document_type.in_(ACKS)
    )
    assert len(acks_sent) == len(business) > 0
    assert {m.state for m in acks_sent} == {MessageState.DELIVERED}
    # Every document the hub sent passes the independent validator.
    sent = await loop.messages(Message.direction == Direction.OUTBOUND.value)
    documents = {f"{m.id}-{m.document_type}": await loop.hub.blobs.get(m.blob_sha256) for m in sent}
    assert check(documents) == {name: [] for name in documents}
    # Nothing is left waiting to be retried.
    assert not [m for m in await loop.messages() if m.state == MessageState.RETRYING]


async def _invoiced(outcome: Outcome) -> None:
    (invoice,) = await outcome.loop.invoices()
    assert (invoice.partner, invoice.order_id) == ("finance", outcome.order["id"])
    assert invoice.number.startswith("INV")
    (message,) = await outcome.loop.messages(Message.id == invoice.message_id)
    assert (message.document_type, message.reference) == ("810", invoice.number)
    assert message.state == MessageState.ACKNOWLEDGED  # the 997 of the party invoiced
    invoiced = [(line["quantity"]) for line in invoice.document["lines"]]
    assert [int(float(q)) for q in invoiced] == [q for q in outcome.shipped() if q]


async def _not_invoiced(outcome: Outcome) -> None:
    assert await outcome.loop.invoices() == []


async def accepted(outcome: Outcome) -> None:
    (shipment,) = outcome.store_shipments
    assert shipment["tracking_number"].startswith("1Z")
    assert shipment["tracking_carrier"] == "ups"
    assert outcome.shipped() == [4, 2]
    assert outcome.order["status_id"] == SHIPPED
    assert "supplier accepted" in outcome.order["staff_notes"]
    (po,) = await outcome.loop.purchase_orders()
    assert po.state == "shipped"
    (record,) = await outcome.loop.shipments()
    assert (record.store_shipment_id, record.tracking_number) == (shipment["id"], shipment["tracking_number"])
    await _invoiced(outcome)


async def partial(outcome: Outcome) -> None:
    (po,) = await outcome.loop.purchase_orders()
    assert (po.lines["1"]["status"], po.lines["1"]["quantity"]) == ("quantity_changed", "2")
    assert po.lines["2"]["status"] == "accepted"
    assert outcome.shipped() == [2, 2]  # what the supplier accepted, never more
    assert outcome.order["status_id"] == PARTIALLY_SHIPPED
    assert "only 2 of 4 accepted" in outcome.order["staff_notes"]
    assert po.state == "partially_shipped"
    await _not_invoiced(outcome)


async def substitution(outcome: Outcome) -> None:
    (po,) = await outcome.loop.purchase_orders()
    ordered_sku = po.lines["1"]["sku"]
    assert (po.lines["1"]["status"], po.lines["1"]["substitute"]) == ("substituted", f"{ordered_sku}-ALT")
    assert outcome.lines[0]["sku"] == ordered_sku  # what the customer bought is unchanged
    assert f"substitute {ordered_sku}-ALT" in outcome.order["staff_notes"]
    assert outcome.shipped() == [4, 2]
    await _invoiced(outcome)


async def backorder(outcome: Outcome) -> None:
    (po,) = await outcome.loop.purchase_orders()
    assert po.lines["1"]["status"] == "backordered" and po.lines["1"]["expected_ship_date"]
    assert outcome.shipped() == [0, 2]
    assert outcome.order["status_id"] == PARTIALLY_SHIPPED
    assert "backordered, expected to ship" in outcome.order["staff_notes"]
    await _not_invoiced(outcome)


async def split(outcome: Outcome) -> None:
    shipments = outcome.store_shipments
    assert len(shipments) == 2 and len({s["tracking_number"] for s in shipments}) == 2
    assert outcome.shipped() == [4, 2]
    assert outcome.order["status_id"] == SHIPPED
    assert len(await outcome.loop.shipments()) == 2
    await _invoiced(outcome)


async def late(outcome: Outcome) -> None:
    assert outcome.shipped() == [4, 2]
    by_kind = {e.kind: e for e in await outcome.loop.expectations()}
    notice = by_kind["ship_notice"]
    assert notice.overdue_at is not None and notice.met_at is not None  # recorded late, then met
    assert by_kind["po_ack"].overdue_at is None and by_kind["po_ack"].met_at is not None
    await _invoiced(outcome)


async def rejected(outcome: Outcome) -> None:
    (po,) = await outcome.loop.purchase_orders()
    assert po.state == "rejected"
    assert outcome.store_shipments == []
    assert outcome.order["status_id"] == MANUAL_VERIFICATION
    assert "line 1" in outcome.order["staff_notes"] and "rejected" in outcome.order["staff_notes"]
    await _not_invoiced(outcome)


async def malformed(outcome: Outcome) -> None:
    loop = outcome.loop
    (bad,) = await loop.messages(Message.state == MessageState.REJECTED)
    assert bad.document_type == "855" and "ZZZ" in (bad.error or "")
    # The 997 that went back rejects the set, naming the unknown segment (AK3 code 1).
    acks = await loop.messages(Message.direction == Direction.OUTBOUND.value, Message.document_type == "997")
    answer = await loop.hub.blobs.get(acks[-1].blob_sha256)
    text = answer.decode()
    assert "AK3*ZZZ*" in text and "AK5*R" in text and "AK9*R" in text
    (result,) = validate(answer)
    assert result.valid
    (po,) = await loop.purchase_orders()
    assert po.state == "delivered"  # it has no usable answer yet
    assert outcome.store_shipments == []
    po_ack = [e for e in await loop.expectations() if e.kind == "po_ack"]
    assert po_ack and po_ack[0].met_at is None


async def duplicated(outcome: Outcome) -> None:
    assert len(outcome.store_shipments) == 1  # the repeated 856 made no second shipment
    assert outcome.shipped() == [4, 2]
    assert outcome.order["staff_notes"].count("order response") == 1
    responses = await outcome.loop.messages(Message.document_type == "855")
    assert len(responses) == 3  # two interchanges received, the set of only the first applied
    assert [m.state for m in responses if m.set_control is not None] == [MessageState.APPLIED]
    await _invoiced(outcome)


CASES: dict[str, tuple[Behaviour, Callable[[Outcome], Awaitable[None]], dict[str, Any]]] = {
    "accept": (Behaviour(), accepted, {}),
    "partial": (Behaviour(acknowledgment="partial"), partial, {}),
    "substitution": (Behaviour(acknowledgment="substitution"), substitution, {}),
    "backorder": (Behaviour(acknowledgment="backorder"), backorder, {}),
    "split": (Behaviour(shipments="split"), split, {}),
    "late": (
        Behaviour(shipments="late", late_seconds=3.0),
        late,
        {"acknowledgments": {"ship_notice_within_hours": 0.0003}},  # about a second
    ),
    "reject": (Behaviour(acknowledgment="reject"), rejected, {}),
    "malformed": (Behaviour(misbehave={"malformed"}), malformed, {}),
    "duplicate": (Behaviour(misbehave={"duplicate"}), duplicated, {}),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_order_to_cash(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys], case: str
) -> None:
    behaviour, check_case, supplier = CASES[case]
    await run(db, sandbox, database_url, tmp_path, keys, behaviour, check_case, **supplier)


async def test_order_to_cash_over_sftp(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    async def check_case(outcome: Outcome) -> None:
        (po,) = await outcome.loop.purchase_orders()
        (sent,) = await outcome.loop.messages(Message.id == po.message_id)
        assert sent.transport == "sftp" and (sent.transport_id or "").startswith("850-")
        received = await outcome.loop.messages(Message.direction == Direction.INBOUND.value)
        assert {m.transport for m in received if m.partner == "acme"} == {"sftp"}
        await accepted(outcome)

    await run(db, sandbox, database_url, tmp_path, keys, Behaviour(), check_case, sftp=True)
