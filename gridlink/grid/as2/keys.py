"""AS2 keys and certificates: loaded from PEM or PKCS#12, made on first start, watched for expiry."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


class KeyFileError(ValueError):
    """A key or certificate file that cannot be used; the message names the file and why."""


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Every certificate in a PEM or DER file."""
    data = _read(path)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise KeyFileError(f"{path}: not a certificate ({exc})") from None


def load_private_key(path: Path, password: bytes | None = None) -> rsa.RSAPrivateKey:
    """An RSA private key from a PEM file (PKCS#1 or PKCS#8, optionally encrypted)."""
    try:
        key = serialization.load_pem_private_key(_read(path), password)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a usable private key ({exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFileError(f"{path}: AS2 needs an RSA key")
    return key


def load_pkcs12(path: Path, password: bytes | None) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The key and certificate of a PKCS#12 bundle (modern AES-based ones; legacy RC2 needs OpenSSL's
    legacy provider, which the hub does not load: re-export such a file with AES)."""
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(_read(path), password)
    except ValueError as exc:
        raise KeyFileError(f"{path}: not a readable PKCS#12 bundle ({exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey) or cert is None:
        raise KeyFileError(f"{path}: the bundle must hold an RSA key and its certificate")
    return key, cert


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: {exc.strerror}") from None


_SIGN_AND_ENCIPHER = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=True,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def create_identity(
    common_name: str, key_path: Path, cert_path: Path, *, days: int = 730, key_size: int = 3072
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A new RSA-3072 key and a self-signed certificate, written to PEM files (the key readable by the
    owner only): what a fresh hub offers partners until a CA-signed pair is configured."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(_SIGN_AND_ENCIPHER, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def expires_within(cert: x509.Certificate, days: int, now: datetime | None = None) -> bool:
    """Whether the certificate expires (or has expired) within ``days``."""
    now = now or datetime.now(UTC)
    return cert.not_valid_after_utc <= now + timedelta(days=days)
