"""`gridlink sandbox grid` serves the network alone: AS2 mailbox, demo partners and the public APIs."""

from __future__ import annotations

import re
import time
from pathlib import Path

import asyncssh
import httpx

from tests.support.certs import identity
from tests.support.processes import start_gridlink, stop


def test_the_grid_command_serves_its_mailbox_partners_and_apis(tmp_path: Path) -> None:
    hub = identity("GRIDLINK", tmp_path)
    ssh_key = tmp_path / "hub_ed25519.pub"
    ssh_key.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_public_key())
    log = tmp_path / "grid.log"
    process = start_gridlink(
        [
            "sandbox",
            "grid",
            "--hub-url",
            "http://127.0.0.1:9/as2",
            "--hub-cert",
            str(hub.cert_pem),
            "--port",
            "0",
            "--keys",
            str(tmp_path / "keys"),
            "--hub-ssh-key",
            str(ssh_key),
        ],
        log,
    )
    try:
        deadline = time.monotonic() + 60
        while "over SFTP" not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
        found = re.search(r"on (http://\S+):", log.read_text())
        assert found, log.read_text()
        url = found.group(1)
        output = log.read_text()
        assert "ZZ:ACMESUPPLY" in output and "ZZ:RETURNSCTR" in output
        sftp = re.search(r"over SFTP: sftp://127\.0\.0\.1:(\d+)", output)
        assert sftp and int(sftp.group(1)) > 0, output
        assert (tmp_path / "keys" / "grid.cert.pem").exists()
        token = httpx.post(
            url + "/v1/oauth2/tokens",
            params={"grant_type": "client_credentials"},
            auth=("sandbox-client", "sandbox-secret"),
        ).json()["access_token"]
        search = httpx.post(
            url + "/visibility_transaction_search",
            headers={"Authorization": f"Bearer {token}"},
            json={"query": "{ getTransactions { total } }"},
        )
        assert search.json() == {"data": {"getTransactions": {"total": 0}}}
        refused = httpx.post(url + "/as2", content=b"hello")
        assert refused.status_code == 200  # an MDN-less, unreadable post: nothing routed
    finally:
        assert stop(process) == 0, log.read_text()
