"""Self-signed RSA identities for AS2 tests, as objects and as PEM files other tools can read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass
class Identity:
    """A private key, its self-signed certificate, and both as PEM files."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    key_pem: Path
    cert_pem: Path


def identity(name: str, directory: Path, *, days: int = 365) -> Identity:
    """A fresh RSA-2048 key and a certificate for ``name`` valid from yesterday for ``days`` days."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_pem, cert_pem = directory / f"{name}.key.pem", directory / f"{name}.cert.pem"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Identity(key, cert, key_pem, cert_pem)
