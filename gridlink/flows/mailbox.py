"""Files collected from partners' SFTP mailboxes become inbound messages, once each."""

from __future__ import annotations

from datetime import timedelta

from gridlink.engine import JobContext, NoPayload, define_periodic
from gridlink.flows.inbound import enqueue_receive
from gridlink.flows.transports import sftp_mailbox
from gridlink.grid.sftp import Collected, MailboxError, collect
from gridlink.logs import get_logger
from gridlink.partners.directory import load_profiles
from gridlink.partners.profiles import SFTPLink
from gridlink.store import messages
from gridlink.store.blobs import BlobStore
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, MessageState

log = get_logger(__name__)


async def keep_collected(db: Database, blobs: BlobStore, partner: str, file: Collected) -> bool:
    """Store a collected file durably as an inbound message; False when the same name and content had
    already been kept (a collection that crashed before removing the file from the server)."""
    transport_id = f"{file.name}:{file.sha256}"
    digest = await blobs.put(file.data)
    async with db.transaction() as session:
        if await messages.by_transport_id(
            session, partner=partner, direction=Direction.INBOUND, transport_id=transport_id
        ):
            return False
        recorded = await messages.record(
            session,
            direction=Direction.INBOUND,
            blob_sha256=digest,
            size=len(file.data),
            state=MessageState.RECEIVED,
            note=f"collected {file.name} over SFTP",
            partner=partner,
            transport="sftp",
            transport_id=transport_id,
            details={"sftp": {"name": file.name}},
        )
        await enqueue_receive(session, recorded)
    return True


@define_periodic("partners.collect_sftp", every=timedelta(seconds=5))
async def collect_sftp(ctx: JobContext, _: NoPayload) -> None:
    """Collect what every SFTP partner's mailbox holds for the hub."""
    blobs = ctx.resource(BlobStore)
    failed = []
    for profile in await load_profiles(ctx.db):
        link = profile.transport
        if not isinstance(link, SFTPLink):
            continue
        key = profile.key

        async def store(file: Collected, key: str = key) -> None:
            await keep_collected(ctx.db, blobs, key, file)

        try:
            await collect(sftp_mailbox(link), store)
        except MailboxError as exc:  # one unreachable mailbox must not keep the others uncollected
            log.warning("SFTP collection failed", partner=key, error=str(exc))
            failed.append(key)
    if failed:
        raise RuntimeError(f"SFTP mailboxes not collected: {', '.join(failed)}")
