"""SFTP servers for tests on loopback: asyncssh's in-process, and Debian's OpenSSH on a high port."""

from __future__ import annotations

import asyncio
import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

SSHD = "/usr/sbin/sshd"


@dataclass
class Server:
    """A running SFTP server: where, whose files (the mailbox root on disk) and how to log in."""

    port: int
    root: Path  # folders inbound/, outbound/, archive/ live here
    username: str
    host_key: str  # "ssh-ed25519 AAAA..."
    client_key: str  # private key (OpenSSH format) the server accepts
    password: str | None
    prefix: str  # how the server names the root in SFTP paths ("" or an absolute path)

    def path(self, folder: str) -> str:
        """The SFTP path of a folder under the root."""
        return f"{self.prefix}/{folder}" if self.prefix else folder


def _keys(directory: Path) -> tuple[asyncssh.SSHKey, asyncssh.SSHKey]:
    host, client = asyncssh.generate_private_key("ssh-ed25519"), asyncssh.generate_private_key("ssh-ed25519")
    host.write_private_key(str(directory / "host_ed25519"))
    os.chmod(directory / "host_ed25519", 0o600)
    (directory / "authorized_keys").write_bytes(client.export_public_key())
    os.chmod(directory / "authorized_keys", 0o600)
    return host, client


def _folders(root: Path) -> None:
    for folder in ("inbound", "outbound", "archive"):
        (root / folder).mkdir(parents=True, exist_ok=True)


@asynccontextmanager
async def asyncssh_server(tmp_path: Path) -> AsyncIterator[Server]:
    """asyncssh's SFTP server in this event loop, rooted at a temporary directory, key or password login."""
    root = tmp_path / "asyncssh-root"
    _folders(root)
    host, client = _keys(tmp_path)
    password = "s3cret-mailbox"

    class Auth(asyncssh.SSHServer):
        def begin_auth(self, username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, given: str) -> bool:
            return username == "hub" and given == password

    acceptor = await asyncssh.create_server(
        Auth,
        "127.0.0.1",
        0,
        server_host_keys=[host],
        authorized_client_keys=asyncssh.import_authorized_keys(client.export_public_key().decode()),
        sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()),
    )
    port = acceptor.sockets[0].getsockname()[1]
    try:
        yield Server(
            port,
            root,
            "hub",
            host.export_public_key().decode().strip(),
            client.export_private_key().decode(),
            password,
            prefix="",
        )
    finally:
        acceptor.close()
        await acceptor.wait_closed()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def openssh_server(tmp_path: Path) -> Iterator[Server]:
    """Debian's sshd on a free loopback port, run as this user with internal-sftp, key login only."""
    if not Path(SSHD).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("openssh-server is not installed (scripts/test installs it)")
        pytest.skip("openssh-server is not installed")
    base = tmp_path / "openssh"
    base.mkdir()
    root = base / "root"
    _folders(root)
    host, client = _keys(base)
    user = getpass.getuser()
    port = _free_port()
    config = base / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {base / 'host_ed25519'}\n"
        f"PidFile {base / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {base / 'authorized_keys'}\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        f"AllowUsers {user}\nPermitRootLogin prohibit-password\nAllowTcpForwarding no\nX11Forwarding no\n"
        "PermitTTY no\nForceCommand internal-sftp\nSubsystem sftp internal-sftp\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
    log = (base / "sshd.log").open("wb")
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"sshd exited: {(base / 'sshd.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"sshd did not listen: {(base / 'sshd.log').read_text()}") from None
                time.sleep(0.05)
        yield Server(
            port,
            root,
            user,
            host.export_public_key().decode().strip(),
            client.export_private_key().decode(),
            None,
            prefix=str(root),
        )
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


@asynccontextmanager
async def sftp_server(kind: str, tmp_path: Path) -> AsyncIterator[Server]:
    """Either server by name: "asyncssh" or "openssh"."""
    if kind == "asyncssh":
        async with asyncssh_server(tmp_path) as server:
            yield server
        return
    with openssh_server(tmp_path) as server:
        await asyncio.sleep(0)
        yield server
