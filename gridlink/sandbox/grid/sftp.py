"""The sandbox network's SFTP door: the hub's mailbox as folders on an SFTP server.

The hub logs in with its key, puts files in `outbound/` (under a temporary name, renamed when complete:
the rename is what hands a file to the network) and collects what the network left in `inbound/`.
"""

from __future__ import annotations

import asyncio
import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncssh

Route = Callable[[bytes], None]


def _mailbox_sftp(root: Path, route: Route) -> Callable[[Any], asyncssh.SFTPServer]:
    class MailboxSFTP(asyncssh.SFTPServer):
        """Chrooted to the mailbox; a file renamed into outbound/ goes to the network."""

        def __init__(self, chan: Any) -> None:
            super().__init__(chan, chroot=str(root).encode())

        def rename(self, oldpath: bytes, newpath: bytes) -> None:
            super().rename(oldpath, newpath)
            self._taken(newpath)

        def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
            super().posix_rename(oldpath, newpath)
            self._taken(newpath)

        def _taken(self, newpath: bytes) -> None:
            folder, name = posixpath.split(newpath.decode("utf-8", "surrogateescape"))
            if folder.strip("/") == "outbound" and not name.startswith("."):
                path = root / "outbound" / name
                data = path.read_bytes()
                path.unlink()
                route(data)

    return MailboxSFTP


class MailboxServer:
    """An SFTP server on loopback for one member's mailbox, authenticated by that member's public key."""

    def __init__(self, root: Path, route: Route, authorized_key: str) -> None:
        self.root = root
        for folder in ("inbound", "outbound"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self._route = route
        self._authorized = authorized_key
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self._server: asyncssh.SSHAcceptor | None = None
        self.port = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen (port 0 picks a free one)."""
        self._server = await asyncssh.create_server(
            asyncssh.SSHServer,
            host,
            port,
            server_host_keys=[self.host_key],
            authorized_client_keys=asyncssh.import_authorized_keys(self._authorized),
            sftp_factory=_mailbox_sftp(self.root, self._route),
        )
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def public_host_key(self) -> str:
        """What the hub pins."""
        return self.host_key.export_public_key().decode().strip()

    async def deliver(self, data: bytes, name: str) -> None:
        """Leave a file for the member in inbound/, whole (written under a temporary name, then renamed)."""

        def write() -> None:
            temporary = self.root / "inbound" / f".{name}.part"
            temporary.write_bytes(data)
            os.replace(temporary, self.root / "inbound" / name)

        await asyncio.to_thread(write)

    async def aclose(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
