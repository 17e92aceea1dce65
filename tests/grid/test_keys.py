"""AS2 keys and certificates: PEM and PKCS#12 (ours and OpenSSL's), a first-start pair, expiry."""

from __future__ import annotations

import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from gridlink.grid.as2.keys import (
    KeyFileError,
    create_identity,
    expires_within,
    load_certificates,
    load_pkcs12,
    load_private_key,
)
from tests.support.certs import identity


def test_a_first_start_pair_is_written_with_a_private_key_only_the_owner_reads(tmp_path: Path) -> None:
    key, cert = create_identity("GRIDLINK", tmp_path / "as2" / "k.pem", tmp_path / "as2" / "c.pem")
    assert stat.S_IMODE((tmp_path / "as2" / "k.pem").stat().st_mode) == 0o600
    assert (
        load_private_key(tmp_path / "as2" / "k.pem").public_key().public_numbers()
        == key.public_key().public_numbers()
    )
    assert load_certificates(tmp_path / "as2" / "c.pem") == [cert]
    assert not expires_within(cert, 30)
    assert expires_within(cert, 30, now=datetime.now(UTC) + timedelta(days=720))


def test_pkcs12_bundles_from_cryptography_and_from_openssl_load(tmp_path: Path) -> None:
    ours = identity("partner", tmp_path)
    bundle = pkcs12.serialize_key_and_certificates(
        b"partner", ours.key, ours.cert, None, serialization.BestAvailableEncryption(b"pw")
    )
    (tmp_path / "ours.p12").write_bytes(bundle)
    assert load_pkcs12(tmp_path / "ours.p12", b"pw")[1] == ours.cert
    subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-export",
            "-inkey",
            ours.key_pem,
            "-in",
            ours.cert_pem,
            "-out",
            tmp_path / "openssl.p12",
            "-passout",
            "pass:secret",
        ],
        check=True,
        capture_output=True,
    )
    key, cert = load_pkcs12(tmp_path / "openssl.p12", b"secret")
    assert cert == ours.cert and key.key_size == 2048


def test_unusable_files_are_named_in_the_error(tmp_path: Path) -> None:
    (tmp_path / "junk.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    with pytest.raises(KeyFileError, match=r"junk\.pem"):
        load_certificates(tmp_path / "junk.pem")
    with pytest.raises(KeyFileError, match=r"missing\.pem"):
        load_private_key(tmp_path / "missing.pem")
    ours = identity("p", tmp_path)
    (tmp_path / "b.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"p", ours.key, ours.cert, None, serialization.BestAvailableEncryption(b"a")
        )
    )
    with pytest.raises(KeyFileError, match=r"b\.p12"):
        load_pkcs12(tmp_path / "b.p12", b"wrong")
