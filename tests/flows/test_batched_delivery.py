"""Interchanges waiting for a partner that takes several per file go in one AS2 message, and each is still
delivered, acknowledged and expected as its own; a partner that takes one per file gets one per message."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridlink.bigcommerce.models import OrderStatus
from gridlink.documents.codecs import encode_purchase_order
from gridlink.flows.outbound import delivery_key, send_document
from gridlink.flows.partner_documents import encoded, profile_by_key
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from gridlink.store.models.messages import Direction, Message, MessageState
from gridlink.store.models.orders import ExpectationKind, PurchaseOrderState
from tests.bigcommerce.conftest import Sandbox, customer_order
from tests.flows.loop import FINANCE, SUPPLIER, Loop, profile, running_loop
from tests.grid.test_sandbox_grid import ORDER
from tests.support.certs import Identity as Keys


async def send_three(loop: Loop) -> list[int]:
    """Three purchase orders for acme, written in one transaction: all wait when delivery starts."""
    ids = []
    async with loop.hub.db.transaction() as session:
        acme = await profile_by_key(session, "acme")
        for n in range(3):
            po = ORDER.model_copy(update={"number": f"PO-{n}"})
            body = encoded(encode_purchase_order, po, acme, "850")
            sent = await send_document(
                session, loop.hub.settings, loop.hub.blobs, acme, "850", body, reference=po.number
            )
            ids.append(sent.id)
    return ids


@pytest.mark.parametrize("sftp", [False, True], ids=["as2", "sftp"])
async def test_waiting_interchanges_go_in_one_file_and_each_is_acknowledged(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys], sftp: bool
) -> None:
    partners = [profile("acme", SUPPLIER, interchanges_per_file=10), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(acknowledgment=None), FINANCE: Behaviour()}
    over = "acme" if sftp else None
    batching = running_loop(
        sandbox, database_url, tmp_path, keys, partners, behaviours, hub_batch=10, sftp_for=over
    )
    async with batching as loop:
        ids = await send_three(loop)
        await loop.settle()
        sent = await loop.messages(Message.id.in_(ids))
        assert [m.state for m in sent] == [MessageState.ACKNOWLEDGED] * 3  # each settled by its own 997
        assert len({m.transport_id for m in sent}) == 1  # one AS2 message or SFTP file carried all three
        supplier = loop.grid.partners[SUPPLIER]
        assert [r[:3] for r in supplier.received] == [b"ISA"] * 3  # the network split the file again
        if not sftp:  # the three 997s came back to the hub's AS2 endpoint in one file, each settling its own
            answers = await loop.messages(
                Message.direction == Direction.INBOUND.value, Message.partner == "acme"
            )
            assert [(m.document_type, m.state) for m in answers] == [("997", MessageState.APPLIED)]
        jobs = await loop.rows(Job, Job.idempotency_key.in_([delivery_key(i) for i in ids]))
        expected = [e for e in await loop.expectations() if e.kind == ExpectationKind.PO_ACK.value]
        assert sorted(j.attempt for j in jobs) == [0, 0, 1]  # one delivery ran; it did the others' work
        assert all(j.state == "succeeded" for j in jobs)
        assert sorted(e.message_id for e in expected) == sorted(ids)  # what each owes back is expected


async def test_a_partner_taking_one_interchange_per_file_gets_one_message_each(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    partners = [profile("acme", SUPPLIER), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(acknowledgment=None), FINANCE: Behaviour()}
    async with running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours) as loop:
        ids = await send_three(loop)
        await loop.settle()
        sent = await loop.messages(Message.id.in_(ids))
        assert [m.state for m in sent] == [MessageState.ACKNOWLEDGED] * 3
        assert len({m.transport_id for m in sent}) == 3


async def test_store_orders_for_a_batching_partner_go_round_the_whole_loop(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    """Purchase orders, 997s, 855s, 856s and 810s in files of several interchanges both ways: every order
    is acknowledged, shipped and invoiced once, as when each document travels alone."""
    partners = [profile("acme", SUPPLIER, interchanges_per_file=10), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(), FINANCE: Behaviour()}
    batching = running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours, hub_batch=10)
    async with batching as loop:
        placed = [customer_order(sandbox.store, (2,)) for _ in range(4)]
        await loop.settle()
        pos = await loop.purchase_orders()
        assert sorted(po.order_id for po in pos) == sorted(int(str(o["id"])) for o in placed)
        assert {po.state for po in pos} == {PurchaseOrderState.SHIPPED.value}
        shipments = await loop.shipments()
        assert sorted(s.purchase_order_id for s in shipments) == sorted(po.id for po in pos)  # one each
        for order in placed:
            assert sandbox.store.order(int(str(order["id"])))["status_id"] == OrderStatus.SHIPPED
        sent = await loop.messages(Message.id.in_([po.message_id for po in pos]))
        assert {m.state for m in sent} == {MessageState.ACKNOWLEDGED}
        assert len(await loop.invoices()) == 4  # to finance, once per order
