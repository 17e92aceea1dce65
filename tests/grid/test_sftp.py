"""The SFTP mailbox against asyncssh's server and Debian's OpenSSH: safe uploads, safe collection,
pinned host keys, and a crash between storing and removing that loses and duplicates nothing."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest
from sqlalchemy import select

from gridlink.config import MailboxSettings
from gridlink.flows.mailbox import keep_collected
from gridlink.flows.transports import PartnerLinks
from gridlink.grid.sftp import Collected, Mailbox, MailboxError, collect, put
from gridlink.partners.profiles import SFTPLink
from gridlink.store.blobs import LocalBlobStore
from gridlink.store.db import Database
from gridlink.store.models.messages import Message
from tests.flows.loop import profile
from tests.support.sftp_servers import Server, sftp_server

SERVERS = ["asyncssh", "openssh"]


@pytest.fixture(params=SERVERS)
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Server]:
    async with sftp_server(request.param, tmp_path) as running:
        yield running


def mailbox(server: Server, **changes: object) -> Mailbox:
    options: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "username": server.username,
        "host_key": server.host_key,
        "client_key": server.client_key,
        "inbound": server.path("inbound"),
        "outbound": server.path("outbound"),
        **changes,
    }
    return Mailbox(**options)  # type: ignore[arg-type]


async def test_an_upload_appears_whole_under_its_name_and_is_never_overwritten(server: Server) -> None:
    box = mailbox(server)
    await put(box, "po-1001.edi", b"ISA*00~" * 1000)
    assert sorted(os.listdir(server.root / "outbound")) == ["po-1001.edi"]  # no temporary name left
    assert (server.root / "outbound" / "po-1001.edi").read_bytes() == b"ISA*00~" * 1000
    with pytest.raises(MailboxError, match="already exists"):
        await put(box, "po-1001.edi", b"something else")
    assert (server.root / "outbound" / "po-1001.edi").read_bytes() == b"ISA*00~" * 1000


async def test_a_delivery_retried_after_its_file_got_there_counts_as_delivered_once(
    server: Server, tmp_path: Path
) -> None:
    key_file = tmp_path / "client.key"
    key_file.write_text(server.client_key)
    link = SFTPLink(
        type="sftp",
        host="127.0.0.1",
        port=server.port,
        username=server.username,
        host_key=server.host_key,
        key_file=key_file,
        inbound=server.path("inbound"),
        outbound=server.path("outbound"),
    )
    partner = profile("acme", "ZZ:ACME").model_copy(update={"transport": link})
    links = PartnerLinks(MailboxSettings(), lambda: pytest.fail("SFTP needs no AS2 identity"))
    name, data = "850-000000001-7-0123456789ab.edi", b"ISA*00~" * 10
    try:
        first = await links.send(partner, data, standard="x12", name=name)
        # The worker died before recording the delivery: its retry sends the same file under the same name.
        again = await links.send(partner, data, standard="x12", name=name)
    finally:
        await links.aclose()
    assert first.note.startswith("written to") and first.transport_id == name
    assert (again.transport_id, again.note) == (name, "already in the partner's SFTP outbound folder")
    assert os.listdir(server.root / "outbound") == [name]
    assert (server.root / "outbound" / name).read_bytes() == data


async def test_collection_takes_files_oldest_first_skips_uploads_in_progress_and_removes(
    server: Server,
) -> None:
    inbound = server.root / "inbound"
    for n, name in enumerate(["b-855.edi", "a-856.edi"]):
        (inbound / name).write_bytes(f"ST*{n}~".encode())
        os.utime(inbound / name, (1_700_000_000 + n, 1_700_000_000 + n))
    (inbound / ".partner-upload.part").write_bytes(b"half a fi")
    kept: list[Collected] = []

    async def store(file: Collected) -> None:
        kept.append(file)

    taken = await collect(mailbox(server), store)
    assert [f.name for f in taken] == [f.name for f in kept] == ["b-855.edi", "a-856.edi"]
    assert kept[0].data == b"ST*0~"
    assert sorted(os.listdir(inbound)) == [".partner-upload.part"]


async def test_collected_files_can_be_archived_instead_of_deleted(server: Server) -> None:
    (server.root / "inbound" / "846.edi").write_bytes(b"ST*846~")

    async def store(file: Collected) -> None:
        return None

    await collect(mailbox(server, archive=server.path("archive")), store)
    assert os.listdir(server.root / "archive") == ["846.edi"] and os.listdir(server.root / "inbound") == []


async def test_a_server_whose_host_key_is_not_the_pinned_one_is_refused(server: Server) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    (server.root / "inbound" / "x.edi").write_bytes(b"x")
    with pytest.raises(MailboxError):
        await put(mailbox(server, host_key=other), "y.edi", b"y")
    assert os.listdir(server.root / "outbound") == []


async def test_password_login(tmp_path: Path) -> None:
    async with sftp_server("asyncssh", tmp_path) as server:
        assert server.password is not None
        await put(mailbox(server, client_key=None, password=server.password), "p.edi", b"p")
        with pytest.raises(MailboxError):
            await put(mailbox(server, client_key=None, password="wrong"), "q.edi", b"q")
    assert sorted(os.listdir(server.root / "outbound")) == ["p.edi"]


async def test_a_crash_between_storing_and_removing_loses_and_duplicates_nothing(
    server: Server, db: Database, tmp_path: Path
) -> None:
    blobs = LocalBlobStore(tmp_path / "blobs")
    (server.root / "inbound" / "856-7.edi").write_bytes(b"ST*856*0007~")
    box = mailbox(server)

    async def store_then_crash(file: Collected) -> None:
        await keep_collected(db, blobs, "acme", file)
        raise asyncio.CancelledError  # the worker dies after the file is stored, before the server delete

    with pytest.raises(asyncio.CancelledError):
        await collect(box, store_then_crash)
    assert os.listdir(server.root / "inbound") == ["856-7.edi"]  # still there: nothing lost

    async def store(file: Collected) -> None:
        await keep_collected(db, blobs, "acme", file)

    assert [f.name for f in await collect(box, store)] == ["856-7.edi"]
    assert os.listdir(server.root / "inbound") == []
    async with db.session() as session:
        rows = list((await session.execute(select(Message))).scalars())
    assert [(m.partner, m.transport, m.size) for m in rows] == [("acme", "sftp", 12)]  # once
    assert await blobs.get(rows[0].blob_sha256) == b"ST*856*0007~"
