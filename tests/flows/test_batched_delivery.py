"""Interchanges waiting for a partner that takes several per file go in one AS2 message, and each is still
delivered, acknowledged and expected as its own; a partner that takes one per file gets one per message;
a received file of several interchanges that comes again is known as a copy."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from gridlink.bigcommerce.models import OrderStatus
from gridlink.documents.codecs import encode_purchase_order
from gridlink.edi.writer import MemoryNumbers, Party, X12Writer
from gridlink.engine.admin import touch_due
from gridlink.flows.inbound import enqueue_receive
from gridlink.flows.outbound import delivery_key, send_document
from gridlink.flows.partner_documents import encoded, profile_by_key
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store import messages
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from gridlink.store.models.messages import Direction, Message, MessageState
from gridlink.store.models.orders import ExpectationKind, PurchaseOrderState
from gridlink.store.sequences import last_taken
from tests.bigcommerce.conftest import Sandbox, customer_order
from tests.edi import samples
from tests.engine.conftest import eventually
from tests.flows.loop import FINANCE, SUPPLIER, Loop, profile, running_loop
from tests.grid.test_sandbox_grid import ORDER
from tests.support.certs import Identity as Keys


async def send_three(loop: Loop, *, drafts_archived: bool = False) -> list[Message]:
    """Three purchase orders for acme, written in one transaction: all wait when delivery starts (with
    ``drafts_archived``, their drafts in the archive rather than on their rows, as earlier versions kept
    them)."""
    written = []
    async with loop.hub.db.transaction() as session:
        acme = await profile_by_key(session, "acme")
        for n in range(3):
            po = ORDER.model_copy(update={"number": f"PO-{n}"})
            body = encoded(encode_purchase_order, po, acme, "850")
            sent = await send_document(
                session, loop.hub.settings, loop.hub.blobs, acme, "850", body, reference=po.number
            )
            if drafts_archived and sent.draft is not None:
                await loop.hub.blobs.put(sent.draft)
                sent.draft = None
            written.append(sent)
    return written


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
        written = await send_three(loop)
        ids = [m.id for m in written]
        await loop.settle()
        sent = await loop.messages(Message.id.in_(ids))
        assert [m.state for m in sent] == [MessageState.ACKNOWLEDGED] * 3  # each settled by its own 997
        # Drafts waited on their messages; the archive has what went, never the drafts no partner saw.
        async with loop.hub.db.session() as session:
            kept = (await session.execute(select(Message.draft).where(Message.id.in_(ids)))).scalars()
            assert list(kept) == [None] * 3
        went = {m.blob_sha256 for m in sent}
        assert [await loop.hub.blobs.exists(m.blob_sha256) for m in written] == [
            m.blob_sha256 in went for m in written
        ]
        assert not went <= {m.blob_sha256 for m in written}  # some were renumbered as they went
        assert len({m.transport_id for m in sent}) == 1  # one AS2 message or SFTP file carried all three
        supplier = loop.grid.partners[SUPPLIER]
        # Numbered in order as they went, and each message keeps the very interchange the supplier got.
        assert [m.interchange_control for m in sent] == ["000000001", "000000002", "000000003"]
        assert supplier.received == [await loop.hub.blobs.get(m.blob_sha256) for m in sent]
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


async def test_a_failed_delivery_keeps_the_numbers_it_gave_and_sends_them_again(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    """Numbers given as a file goes are the messages' own: a retry sends the same interchanges, and the
    partner's sequences count each number once."""
    partners = [profile("acme", SUPPLIER, interchanges_per_file=10), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(acknowledgment=None), FINANCE: Behaviour()}
    batching = running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours, hub_batch=10)
    async with batching as loop:
        mailbox = loop.hub.links.mailbox
        reachable = mailbox.as2_url
        mailbox.as2_url = "http://127.0.0.1:9/as2"  # nothing listens there: the send fails
        try:
            ids = [m.id for m in await send_three(loop)]

            async def failed_once() -> bool:
                first = await loop.messages(Message.id == ids[0])
                return first[0].state == MessageState.RETRYING

            await eventually(failed_once)
            numbered = await loop.messages(Message.id.in_(ids))
            assert [m.interchange_control for m in numbered] == ["000000001", "000000002", "000000003"]
        finally:
            mailbox.as2_url = reachable
        await touch_due(loop.hub.db)  # skip the backoff
        await loop.settle()
        sent = await loop.messages(Message.id.in_(ids))
        assert [m.state for m in sent] == [MessageState.ACKNOWLEDGED] * 3
        assert [m.interchange_control for m in sent] == ["000000001", "000000002", "000000003"]
        assert [m.blob_sha256 for m in sent] == [m.blob_sha256 for m in numbered]
        supplier = loop.grid.partners[SUPPLIER]
        assert supplier.received == [await loop.hub.blobs.get(m.blob_sha256) for m in sent]
        async with loop.hub.db.session() as session:
            assert await last_taken(session, ["edi:acme:interchange"]) == {"edi:acme:interchange": 3}


async def test_drafts_an_earlier_version_archived_are_numbered_and_sent(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    partners = [profile("acme", SUPPLIER, interchanges_per_file=10), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(acknowledgment=None), FINANCE: Behaviour()}
    batching = running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours, hub_batch=10)
    async with batching as loop:
        ids = [m.id for m in await send_three(loop, drafts_archived=True)]
        await loop.settle()
        sent = await loop.messages(Message.id.in_(ids))
        assert [m.state for m in sent] == [MessageState.ACKNOWLEDGED] * 3
        assert [m.interchange_control for m in sent] == ["000000001", "000000002", "000000003"]
        supplier = loop.grid.partners[SUPPLIER]
        assert supplier.received == [await loop.hub.blobs.get(m.blob_sha256) for m in sent]


async def test_a_partner_taking_one_interchange_per_file_gets_one_message_each(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    partners = [profile("acme", SUPPLIER), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(acknowledgment=None), FINANCE: Behaviour()}
    async with running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours) as loop:
        ids = [m.id for m in await send_three(loop)]
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


def inventory_file(interchanges: int) -> bytes:
    """A file of several interchanges from the supplier, each with one 846 (kept: no flow applies it)."""
    numbers = MemoryNumbers()
    out = io.BytesIO()
    for _ in range(interchanges):
        writer = X12Writer(
            out, sender=Party("ZZ", "ACMESUPPLY"), receiver=Party("ZZ", "GRIDLINK"), numbers=numbers
        )
        writer.begin_group("IB")
        writer.write_set("846", samples.x12_846())
        writer.close()
    return out.getvalue()


async def test_a_file_of_several_interchanges_received_again_is_known_as_a_copy(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    partners = [profile("acme", SUPPLIER), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(), FINANCE: Behaviour()}
    async with running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours) as loop:
        data = inventory_file(3)
        digest = await loop.hub.blobs.put(data)
        files = []
        for _ in range(2):
            async with loop.hub.db.transaction() as session:
                received = await messages.record(
                    session, direction=Direction.INBOUND, blob_sha256=digest, size=len(data), transport="as2"
                )
                await enqueue_receive(session, received)
            files.append(received.id)
            await loop.settle()
        first, second = await loop.messages(Message.id.in_(files))
        assert first.interchange_control == second.interchange_control == "000000001"  # named by the first
        kept = await loop.messages(Message.document_type == "846", Message.set_control.is_not(None))
        assert (
            sorted(m.details["parent"] for m in kept) == [first.id] * 3
        )  # the copy's sets are not kept again
        async with loop.hub.db.session() as session:
            notes = [e.note or "" for e in await messages.history(session, second.id)]
        assert f"a copy of message {first.id}: its documents are not applied again" in notes
        acks = await loop.messages(
            Message.direction == Direction.OUTBOUND.value, Message.document_type == "997"
        )
        assert len(acks) == 6  # each interchange of both files acknowledged
