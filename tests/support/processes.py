"""Starting real ``gridlink`` processes from tests, with their output kept for failure reports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from gridlink.config import Settings

REPO = Path(__file__).resolve().parents[2]


def gridlink_env(**settings: str) -> dict[str, str]:
    """The environment for a child ``gridlink`` process: this one's, plus GRIDLINK_* settings."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("GRIDLINK_LOG_LEVEL", "warning")
    for name, value in settings.items():
        env[f"GRIDLINK_{name.upper()}"] = value
    return env


def start_gridlink(args: list[str], log: Path, **settings: str) -> subprocess.Popen[bytes]:
    """Start ``gridlink ARGS`` in its own process group, logging to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gridlink.cli", *args],
            cwd=REPO,
            env=gridlink_env(**settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def run_gridlink(
    args: list[str], *, timeout: float = 60, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run ``gridlink ARGS`` to completion and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "gridlink.cli", *args],
        cwd=REPO,
        env=gridlink_env(**settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    """Send ``sig`` and wait for the process to exit; kill it if it does not."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def settings_for_child(settings: Settings, **more: str) -> dict[str, str]:
    """``settings`` as the values (for ``start_gridlink``) that give a child process the same hub: the
    database, data directory, stores (secrets included), AS2 keys, mailbox, EDI identity and order rules."""
    stores = [
        store.model_dump(mode="json")
        | {"token": store.token.get_secret_value(), "client_secret": store.client_secret.get_secret_value()}
        for store in settings.stores
    ]
    return {
        "database_url": settings.database_url,
        "data_dir": str(settings.data_dir),
        "public_url": settings.public_url,
        "stores": json.dumps(stores),
        "as2": settings.as2.model_dump_json(),
        "mailbox": settings.mailbox.model_dump_json(),
        "edi": settings.edi.model_dump_json(),
        "orders": settings.orders.model_dump_json(),
        "log_level": "warning",
        **more,
    }
