"""Files collected from SFTP mailboxes become inbound messages, once each."""

from __future__ import annotations

from gridlink.grid.sftp import Collected
from gridlink.store import messages
from gridlink.store.blobs import BlobStore
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, MessageState


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
        await messages.record(
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
    return True
