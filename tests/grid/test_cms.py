"""CMS signing, encryption and compression, checked against Debian's `openssl cms` both ways."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gridlink.grid.as2 import cms
from tests.support.certs import Identity, identity

ISA = (
    b"ISA*00*          *00*          *ZZ*HUB            *ZZ*SUPPLIER       "
    + b"*261201*1200*U*00401*000000001*0*P*>~"
)
EDI = (ISA + b"\n") * 40


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Identity:
    return identity("hub", tmp_path_factory.mktemp("hub"))


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> Identity:
    return identity("partner", tmp_path_factory.mktemp("partner"))


def openssl(*args: str | Path, data: bytes = b"") -> bytes:
    run = subprocess.run(["openssl", "cms", *map(str, args)], input=data, capture_output=True, check=False)
    assert run.returncode == 0, run.stderr.decode()
    return run.stdout


@pytest.mark.parametrize("digest", ["sha256", "sha384", "sha512"])
def test_openssl_verifies_our_detached_signature(hub: Identity, tmp_path: Path, digest: str) -> None:
    signature = cms.sign(EDI, hub.key, hub.cert, digest)
    (tmp_path / "sig.der").write_bytes(signature)
    (tmp_path / "data").write_bytes(EDI)
    openssl(
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        tmp_path / "sig.der",
        "-content",
        tmp_path / "data",
        "-CAfile",
        hub.cert_pem,
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    )


@pytest.mark.parametrize("digest", ["sha1", "sha256", "sha512"])
def test_we_verify_what_openssl_signs(partner: Identity, tmp_path: Path, digest: str) -> None:
    signature = openssl(
        "-sign",
        "-binary",
        "-md",
        digest,
        "-outform",
        "DER",
        "-signer",
        partner.cert_pem,
        "-inkey",
        partner.key_pem,
        data=EDI,
    )
    assert cms.verify(signature, EDI, [partner.cert]) == digest


def test_a_signature_by_an_untrusted_key_or_over_other_bytes_is_refused(
    hub: Identity, partner: Identity
) -> None:
    signature = cms.sign(EDI, hub.key, hub.cert)
    with pytest.raises(cms.AuthenticationFailed, match="not trusted"):
        cms.verify(signature, EDI, [partner.cert])
    with pytest.raises(cms.IntegrityFailed):
        cms.verify(signature, EDI.replace(b"SUPPLIER", b"SUPPLIEX"), [hub.cert])
    with pytest.raises(cms.AuthenticationFailed, match="unreadable"):
        cms.verify(b"\x30\x03garbage", EDI, [hub.cert])


@pytest.mark.parametrize("cipher", ["aes128_cbc", "aes192_cbc", "aes256_cbc"])
@pytest.mark.parametrize("transport", ["rsaes_pkcs1v15", "rsaes_oaep"])
def test_openssl_decrypts_what_we_encrypt(
    partner: Identity, tmp_path: Path, cipher: str, transport: str
) -> None:
    sealed = cms.encrypt(EDI, partner.cert, cipher, transport)
    assert (
        openssl(
            "-decrypt",
            "-binary",
            "-inform",
            "DER",
            "-inkey",
            partner.key_pem,
            "-recip",
            partner.cert_pem,
            data=sealed,
        )
        == EDI
    )


@pytest.mark.parametrize(
    ("flag", "cipher"),
    [
        ("-aes128", "aes128_cbc"),
        ("-aes192", "aes192_cbc"),
        ("-aes256", "aes256_cbc"),
        ("-des3", "tripledes_3key"),
    ],
)
def test_we_decrypt_what_openssl_encrypts(hub: Identity, flag: str, cipher: str) -> None:
    sealed = openssl("-encrypt", "-binary", flag, "-outform", "DER", hub.cert_pem, data=EDI)
    assert cms.decrypt(sealed, hub.key, hub.cert) == (EDI, cipher)


def test_what_is_not_for_us_does_not_decrypt(hub: Identity, partner: Identity) -> None:
    with pytest.raises(cms.DecryptionFailed, match="not encrypted for"):
        cms.decrypt(cms.encrypt(EDI, partner.cert), hub.key, hub.cert)
    with pytest.raises(cms.DecryptionFailed):
        cms.decrypt(b"not cms at all", hub.key, hub.cert)


def test_compression_round_trips_and_shrinks_edi(hub: Identity) -> None:
    packed = cms.compress(EDI)
    assert cms.content_type(packed) == "compressed_data"
    assert len(packed) < len(EDI) / 5
    assert cms.decompress(packed) == EDI
    with pytest.raises(cms.CmsError, match="not CMS CompressedData"):
        cms.decompress(cms.sign(EDI, hub.key, hub.cert))


def test_we_decrypt_openssls_oaep_key_transport(hub: Identity) -> None:
    sealed = openssl(
        "-encrypt",
        "-binary",
        "-aes256",
        "-outform",
        "DER",
        "-recip",
        hub.cert_pem,
        "-keyopt",
        "rsa_padding_mode:oaep",
        data=EDI,
    )
    assert cms.decrypt(sealed, hub.key, hub.cert) == (EDI, "aes256_cbc")
