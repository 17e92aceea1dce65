"""The command line: help texts, database upgrade and the job commands, as an operator runs them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridlink.store import messages
from gridlink.store.db import Database
from gridlink.store.migrate import current_revision, head_revision, upgrade
from gridlink.store.models.messages import Direction, MessageState
from tests.engine.jobs_for_tests import Effect, discard, effect
from tests.support.certs import identity
from tests.support.processes import run_gridlink

COMMANDS = [
    [],
    ["run"],
    ["web"],
    ["worker"],
    ["db"],
    ["db", "upgrade"],
    ["config", "show"],
    ["jobs", "list"],
    ["jobs", "show"],
    ["jobs", "retry"],
    ["jobs", "cancel"],
    ["messages", "list"],
    ["messages", "show"],
    ["partners"],
    ["sandbox", "grid"],
    ["partners", "check"],
    ["partners", "load"],
    ["partners", "list"],
    ["partners", "schema"],
    ["edi", "show"],
    ["edi", "validate"],
    ["edi", "ack"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "gridlink")
def test_every_command_explains_itself(command: list[str]) -> None:
    result = run_gridlink([*command, "--help"])
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    summary = [line for line in result.stdout.splitlines() if line.strip() and "Usage" not in line]
    assert summary, "no description"


def test_db_upgrade_and_job_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgraded = run_gridlink(["db", "upgrade"], database_url=url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert current_revision(url) == head_revision()

    async def seed() -> tuple[int, int]:
        db = Database(url)
        try:
            async with db.transaction() as session:
                waiting = await effect.enqueue(session, Effect(key="waiting-job", seq=7))
                dead = await discard.enqueue(session, Effect(key="dead-job"))
            assert waiting is not None and dead is not None
            return waiting, dead
        finally:
            await db.dispose()

    waiting, dead = asyncio.run(seed())
    listed = run_gridlink(["jobs", "list"], database_url=url)
    assert listed.returncode == 0, listed.stderr
    assert "test.effect" in listed.stdout and "test.discard" in listed.stdout

    shown = run_gridlink(["jobs", "show", str(waiting)], database_url=url)
    assert shown.returncode == 0, shown.stderr
    assert "waiting-job" in shown.stdout and "available" in shown.stdout

    cancelled = run_gridlink(["jobs", "cancel", str(waiting)], database_url=url)
    assert cancelled.returncode == 0 and "cancelled" in cancelled.stdout
    again = run_gridlink(["jobs", "cancel", str(waiting)], database_url=url)
    assert again.returncode == 1
    assert "only waiting or running jobs can be cancelled" in again.stderr

    retried = run_gridlink(["jobs", "retry", str(waiting)], database_url=url)
    assert retried.returncode == 0 and "queued to run now" in retried.stdout
    only_available = run_gridlink(["jobs", "list", "--state", "available"], database_url=url)
    assert "waiting-job" not in only_available.stdout  # list shows kinds, not payloads
    assert str(waiting) in only_available.stdout and str(dead) in only_available.stdout

    missing = run_gridlink(["jobs", "show", "999999"], database_url=url)
    assert missing.returncode == 1 and "no job 999999" in missing.stderr
    bad_state = run_gridlink(["jobs", "list", "--state", "exploded"], database_url=url)
    assert bad_state.returncode == 2 and "unknown state" in bad_state.stderr


def test_web_refuses_to_start_on_an_unmigrated_database(tmp_path: Path) -> None:
    result = run_gridlink(["web"], database_url=f"sqlite:///{tmp_path / 'empty.db'}", port="0")
    assert result.returncode == 1
    assert "gridlink db upgrade" in result.stderr


def test_web_refuses_to_start_with_an_unusable_as2_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    hub = identity("GRIDLINK", tmp_path)
    key = hub.key_pem
    key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    settings = {"as2__key_file": str(key), "as2__cert_file": str(hub.cert_pem), "data_dir": str(tmp_path)}
    result = run_gridlink(["web"], database_url=url, port="0", **settings)
    assert result.returncode == 1
    assert "AS2 key" in result.stderr and str(key) in result.stderr


def test_message_commands_list_filter_and_show_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)

    async def seed() -> int:
        db = Database(url)
        try:
            async with db.transaction() as session:
                await messages.record(
                    session, direction=Direction.OUTBOUND, blob_sha256="a" * 64, size=10, document_type="850"
                )
                asn = await messages.record(
                    session, direction=Direction.INBOUND, blob_sha256="b" * 64, size=20, document_type="856"
                )
                await messages.transition(
                    session, asn, MessageState.REJECTED, error="HL missing", note="997 sent"
                )
                return asn.id
        finally:
            await db.dispose()

    asn_id = asyncio.run(seed())
    listed = run_gridlink(["messages", "list", "--state", "rejected"], database_url=url)
    assert listed.returncode == 0, listed.stderr
    assert "856" in listed.stdout and "850" not in listed.stdout
    shown = run_gridlink(["messages", "show", str(asn_id)], database_url=url)
    assert shown.returncode == 0, shown.stderr
    assert "HL missing" in shown.stdout and "received -> rejected  997 sent" in shown.stdout
    missing = run_gridlink(["messages", "show", "4242"], database_url=url)
    assert missing.returncode == 1 and "no message 4242" in missing.stderr
    wrong = run_gridlink(["messages", "list", "--direction", "sideways"], database_url=url)
    assert wrong.returncode == 2 and "unknown direction" in wrong.stderr
