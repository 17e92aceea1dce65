"""A purchase order a supplier's guide would refuse is held, not sent: the job says what is missing, and
once the partner's profile or the data is fixed, retrying the job sends it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gridlink.engine.admin import retry_job
from gridlink.partners.directory import FILE, save_profiles
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from gridlink.store.models.messages import Message, MessageState
from tests.bigcommerce.conftest import Sandbox, customer_order
from tests.flows.loop import FINANCE, SUPPLIER, profile, running_loop
from tests.support.certs import Identity as Keys

X12 = {"standard": "x12", "version": "004010"}


async def test_a_purchase_order_missing_what_the_partner_requires_is_held_until_retried(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    strict = profile("acme", SUPPLIER, documents={"850": {**X12, "require": ["REF[ZZ]"]}})
    partners = [strict, profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(), FINANCE: Behaviour()}
    async with running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours) as loop:
        customer_order(sandbox.store, (1,))
        await loop.settle()
        assert await loop.purchase_orders() == []
        assert await loop.messages(Message.document_type == "850") == []  # nothing went out
        async with loop.hub.db.session() as session:
            # The store event's job, which places the order it read.
            failed = list((await session.execute(select(Job).where(Job.state == "dead"))).scalars())
        assert {j.kind for j in failed} == {"bigcommerce.event"}
        for job in failed:
            assert job.attempt == 1  # retrying could not have helped
            assert job.last_error is not None
            assert "not sent to acme: the partner requires REF[ZZ] in its 850" in job.last_error

        relaxed = profile("acme", SUPPLIER, documents={"850": X12})
        await save_profiles(loop.hub.db, [relaxed, profile("finance", FINANCE)], FILE)
        await retry_job(loop.hub.db, job.id)
        await loop.settle()
        (po,) = await loop.purchase_orders()
        (sent,) = await loop.messages(Message.id == po.message_id)
        assert (sent.document_type, sent.state) == ("850", MessageState.ACKNOWLEDGED)
