"""Self-signed RSA identities for AS2 tests, as objects and as PEM files other tools can read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from gridlink.grid.as2.keys import create_identity


@dataclass
class Identity:
    """A private key, its self-signed certificate, and both as PEM files."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    key_pem: Path
    cert_pem: Path


def identity(name: str, directory: Path, *, days: int = 365) -> Identity:
    """A fresh RSA-2048 key (quick to make) and a certificate for ``name``, made as the hub makes its own."""
    key_pem, cert_pem = directory / f"{name}.key.pem", directory / f"{name}.cert.pem"
    key, cert = create_identity(name, key_pem, cert_pem, days=days, key_size=2048)
    return Identity(key, cert, key_pem, cert_pem)
