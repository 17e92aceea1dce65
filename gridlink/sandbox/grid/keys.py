"""The sandbox network's own AS2 key pair, made once in a directory and reused."""

from __future__ import annotations

from pathlib import Path

from gridlink.grid.as2.keys import create_identity, load_certificates, load_private_key
from gridlink.grid.as2.message import Identity

GRID_AS2_ID = "TRADINGGRID"


def grid_identity(directory: Path) -> Identity:
    """The network's AS2 station: its key and self-signed certificate under ``directory``."""
    key_path, cert_path = directory / "grid.key.pem", directory / "grid.cert.pem"
    if not key_path.exists():
        create_identity(GRID_AS2_ID, key_path, cert_path)
    return Identity(GRID_AS2_ID, load_private_key(key_path), load_certificates(cert_path)[0])
