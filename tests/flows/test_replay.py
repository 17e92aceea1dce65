"""Replaying a message after a fix: an interchange from a partner the hub did not know yet is rejected,
the partner is added, `gridlink messages replay` processes it again, and it is acknowledged."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from gridlink.partners.directory import FILE, save_profiles
from gridlink.sandbox.grid.simulated import Behaviour
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, Message, MessageState
from tests.bigcommerce.conftest import Sandbox
from tests.flows.loop import FINANCE, SUPPLIER, profile, running_loop
from tests.support.certs import Identity as Keys
from tests.support.processes import run_gridlink

NEWCOMER = "ZZ:NEWCOMER"


async def replay_cli(message_id: str, database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`gridlink messages replay ID` in its own process (off the event loop: the hub keeps running)."""
    args = ["messages", "replay", message_id]
    return await asyncio.to_thread(run_gridlink, args, database_url=database_url, data_dir=str(data_dir))


async def test_a_rejected_interchange_is_replayed_after_its_partner_is_added(
    db: Database, sandbox: Sandbox, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> None:
    partners = [profile("acme", SUPPLIER), profile("finance", FINANCE)]
    behaviours = {SUPPLIER: Behaviour(), FINANCE: Behaviour(), NEWCOMER: Behaviour(stock={"SKU-1": 12})}
    async with running_loop(sandbox, database_url, tmp_path, keys, partners, behaviours) as loop:
        await loop.grid.partners[NEWCOMER].send_inventory()
        await loop.settle()
        (rejected,) = await loop.messages(Message.direction == Direction.INBOUND.value)
        assert rejected.state == MessageState.REJECTED
        assert "unknown sender ZZ:NEWCOMER" in (rejected.error or "")

        refused = run_gridlink(
            ["messages", "replay", "999999"], database_url=database_url, data_dir=str(tmp_path)
        )
        assert refused.returncode == 1 and "no message 999999" in refused.stderr + refused.stdout

        await save_profiles(loop.hub.db, [profile("newcomer", NEWCOMER)], FILE)
        done = await replay_cli(str(rejected.id), database_url, tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"message {rejected.id} will be validated, acknowledged and applied again" in done.stdout
        await loop.settle()

        (replayed,) = await loop.messages(Message.id == rejected.id)
        assert (replayed.state, replayed.partner) == (MessageState.ACKNOWLEDGED, "newcomer")
        (ack,) = await loop.messages(
            Message.direction == Direction.OUTBOUND.value, Message.partner == "newcomer"
        )
        assert (ack.document_type, ack.state) == ("997", MessageState.DELIVERED)
        (inventory,) = await loop.messages(
            Message.direction == Direction.INBOUND.value, Message.set_control.is_not(None)
        )
        assert inventory.document_type == "846"  # kept: no flow applies inventory notices yet

        again = run_gridlink(
            ["messages", "replay", str(rejected.id)], database_url=database_url, data_dir=str(tmp_path)
        )
        assert again.returncode == 1 and "only failed or stalled ones replay" in again.stderr + again.stdout
