"""An SFTP mailbox (a Trading Grid mailbox, or a partner's server): put files safely, collect them safely.

Uploads go to a temporary name and are renamed into place, so the other side never picks up half a
file. Collection downloads a file, checks its size and SHA-256, hands it to the caller to store
durably, and only then removes (or archives) it on the server: a crash in between leaves the file
there, and the caller's deduplication by name and hash makes the second collection a no-op.
The server's host key is pinned; keys or passwords authenticate the hub.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncssh

TEMPORARY_PREFIX = ".gridlink-"
TEMPORARY_SUFFIX = ".part"


class MailboxError(Exception):
    """The mailbox could not be reached or did not do what was asked; the message says which and why."""


class AlreadyThere(MailboxError):
    """A file of that name is already in the outbound folder (an earlier upload of the same file)."""


@dataclass(frozen=True)
class Mailbox:
    """Where and how to reach an SFTP mailbox."""

    host: str
    port: int
    username: str
    host_key: str  # the server's public key as in known_hosts: "ssh-ed25519 AAAA..."
    password: str | None = None
    client_key: str | None = None  # a private key in OpenSSH or PEM form
    inbound: str = "inbound"  # where the hub collects from
    outbound: str = "outbound"  # where the hub puts files
    archive: str | None = None  # collected files are moved here; None: deleted
    timeout: float = 30.0


@dataclass(frozen=True)
class Collected:
    """A file taken from the mailbox: its name, bytes and SHA-256."""

    name: str
    data: bytes
    sha256: str


@asynccontextmanager
async def connected(mailbox: Mailbox) -> AsyncIterator[asyncssh.SFTPClient]:
    """An SFTP session to the mailbox, refusing any server whose host key is not the pinned one."""
    try:
        pinned = asyncssh.import_public_key(mailbox.host_key)
    except (ValueError, asyncssh.KeyImportError) as exc:
        raise MailboxError(f"the pinned host key of {mailbox.host} is not a public key: {exc}") from exc
    keys = [asyncssh.import_private_key(mailbox.client_key)] if mailbox.client_key else []
    try:
        async with (
            asyncssh.connect(
                mailbox.host,
                mailbox.port,
                username=mailbox.username,
                password=mailbox.password,
                client_keys=keys or None,
                known_hosts=([pinned], [], []),
                agent_path=None,
                connect_timeout=mailbox.timeout,
            ) as connection,
            connection.start_sftp_client() as sftp,
        ):
            yield sftp
    except (OSError, asyncssh.Error) as exc:
        raise MailboxError(f"sftp://{mailbox.username}@{mailbox.host}:{mailbox.port}: {exc}") from exc


async def put(mailbox: Mailbox, name: str, data: bytes) -> str:
    """Upload ``data`` as ``name`` in the outbound folder: written under a temporary name, then renamed."""
    _check_name(name)
    final = posixpath.join(mailbox.outbound, name)
    temporary = posixpath.join(mailbox.outbound, f"{TEMPORARY_PREFIX}{name}{TEMPORARY_SUFFIX}")
    async with connected(mailbox) as sftp:
        try:
            async with sftp.open(temporary, "wb") as fh:
                await fh.write(data)
            if await sftp.exists(final):
                await sftp.remove(temporary)
                raise AlreadyThere(f"{final} already exists on the server; it is not overwritten")
            await sftp.rename(temporary, final)
        except asyncssh.SFTPError as exc:
            raise MailboxError(f"uploading {final}: {exc.reason}") from exc
    return final


async def collect(
    mailbox: Mailbox,
    store: Callable[[Collected], Awaitable[None]],
    *,
    limit: int = 100,
) -> list[Collected]:
    """Collect up to ``limit`` files from the inbound folder, oldest first. ``store`` must keep each file
    durably (and may find it already kept); only after it returns is the file removed or archived."""
    taken: list[Collected] = []
    async with connected(mailbox) as sftp:
        try:
            listing = await sftp.readdir(mailbox.inbound)
        except asyncssh.SFTPError as exc:
            raise MailboxError(f"listing {mailbox.inbound}: {exc.reason}") from exc
        entries = sorted(
            (
                (entry.attrs.mtime or 0, _text(entry.filename), entry.attrs.size)
                for entry in listing
                if entry.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR
            ),
        )
        for _mtime, name, size in entries:
            if name.startswith("."):  # temporary names of uploads in progress
                continue
            if len(taken) >= limit:
                break
            path = posixpath.join(mailbox.inbound, name)
            try:
                async with sftp.open(path, "rb") as fh:
                    data = await fh.read()
            except asyncssh.SFTPError as exc:
                raise MailboxError(f"downloading {path}: {exc.reason}") from exc
            if not isinstance(data, bytes) or (size is not None and len(data) != size):
                # Still being written by the other side, or truncated in transit: leave it for next time.
                continue
            file = Collected(name, data, hashlib.sha256(data).hexdigest())
            await store(file)
            await _remove(sftp, mailbox, path, name)
            taken.append(file)
    return taken


async def _remove(sftp: asyncssh.SFTPClient, mailbox: Mailbox, path: str, name: str) -> None:
    try:
        if mailbox.archive is None:
            await sftp.remove(path)
        else:
            await sftp.rename(path, posixpath.join(mailbox.archive, name))
    except asyncssh.SFTPError as exc:
        raise MailboxError(f"removing {path} after storing it: {exc.reason}") from exc


def _text(name: str | bytes) -> str:
    return name if isinstance(name, str) else name.decode("utf-8", "surrogateescape")


def _check_name(name: str) -> None:
    if not name or "/" in name or name.startswith(".") or name in ("..",):
        raise ValueError(f"{name!r} is not a plain file name")
