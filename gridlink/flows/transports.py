"""Getting an interchange to a partner: its own AS2 endpoint, its SFTP mailbox, or the hub's Trading Grid
mailbox (AS2) for partners reached through the network."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from gridlink.config import MailboxSettings
from gridlink.connection_slots import ConnectionSlots
from gridlink.grid.as2.keys import load_certificates
from gridlink.grid.as2.message import Counterpart, Identity, MdnRequest, Security, build
from gridlink.grid.as2.transport import DeliveryFailed, post_message
from gridlink.grid.sftp import AlreadyThere, Mailbox, put
from gridlink.partners.directory import as2_counterpart
from gridlink.partners.profiles import AS2Link, PartnerProfile, SFTPLink

CONTENT_TYPES = {"x12": "application/EDI-X12", "edifact": "application/EDIFACT"}


@dataclass(frozen=True)
class Delivered:
    """How a transport confirmed an interchange: its own id for it, and what it said."""

    transport_id: str
    note: str


def transport_name(profile: PartnerProfile) -> str:
    """as2, sftp, or mailbox (the hub's Trading Grid mailbox)."""
    return profile.transport.type if profile.transport is not None else "mailbox"


def sftp_mailbox(link: SFTPLink) -> Mailbox:
    """The SFTP mailbox a partner's link describes (its key file and password read now)."""
    key = link.key_file.read_text() if link.key_file is not None else None
    password = os.environ.get(link.password_env) if link.password_env else None
    return Mailbox(
        host=link.host,
        port=link.port,
        username=link.username,
        host_key=link.host_key,
        password=password,
        client_key=key,
        inbound=link.inbound,
        outbound=link.outbound,
        archive=link.archive,
    )


class PartnerLinks:
    """Sends interchanges over each partner's link; one per process, sharing its HTTP connections."""

    def __init__(self, mailbox: MailboxSettings, identity: Callable[[], Identity]) -> None:
        self.mailbox = mailbox
        self._identity = identity
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(120, connect=15), transport=ConnectionSlots())

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def send(self, profile: PartnerProfile, data: bytes, *, standard: str, name: str) -> Delivered:
        """Deliver ``data``; DeliveryFailed (or MailboxError) when it did not get there."""
        link = profile.transport
        if isinstance(link, SFTPLink):
            try:
                path = await put(sftp_mailbox(link), name, data)
            except AlreadyThere:  # an earlier attempt put this very file there and died before recording it
                return Delivered(name, "already in the partner's SFTP outbound folder")
            return Delivered(name, f"written to {path} over SFTP")
        if isinstance(link, AS2Link):
            counterpart = as2_counterpart(profile)
            assert counterpart is not None
            if link.mdn == "async":  # receipts posted back later are not matched to sent messages yet
                raise DeliveryFailed(f"{profile.key}: asynchronous receipts are not supported, use mdn: sync")
            security = Security(
                sign=link.sign, encrypt=link.encrypt, key_transport=link.key_transport, compress=link.compress
            )
            mdn = MdnRequest() if link.mdn == "sync" else None
            return await self._as2(link.url, counterpart, data, standard, name, security, mdn)
        if not self.mailbox.as2_url or self.mailbox.certificate is None:
            raise DeliveryFailed(
                f"{profile.key} has no transport and no Trading Grid mailbox is configured (mailbox.as2_url)"
            )
        cert = load_certificates(self.mailbox.certificate)[0]
        grid = Counterpart(self.mailbox.as2_id, certs=(cert,), encrypt_cert=cert)
        return await self._as2(self.mailbox.as2_url, grid, data, standard, name, Security(), MdnRequest())

    async def _as2(
        self,
        url: str,
        counterpart: Counterpart,
        data: bytes,
        standard: str,
        name: str,
        security: Security,
        mdn: MdnRequest | None,
    ) -> Delivered:
        outbound = build(
            data,
            me=self._identity(),
            partner=counterpart,
            security=security,
            mdn=mdn,
            content_type=CONTENT_TYPES[standard],
            filename=name,
        )
        receipt = await post_message(self._http, url, outbound, counterpart)
        if receipt is None:
            return Delivered(outbound.message_id, f"posted to {url}; no synchronous receipt was asked for")
        if not receipt.ok:
            raise DeliveryFailed(f"{counterpart.as2_id} refused it: {receipt.disposition}")
        if outbound.mic and receipt.mic and receipt.mic.replace(" ", "") != outbound.mic.replace(" ", ""):
            raise DeliveryFailed(f"{counterpart.as2_id}'s receipt has the wrong MIC: {receipt.mic}")
        return Delivered(outbound.message_id, f"AS2 receipt from {counterpart.as2_id}: {receipt.disposition}")
