"""AS2 messages and MDNs built by one station and opened by the other, for every protection combination;
and at the MIME level against Debian's `openssl cms` (S/MIME in and out)."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from gridlink.grid.as2 import mime
from gridlink.grid.as2.mdn import build_mdn, read_mdn, same_mic
from gridlink.grid.as2.message import (
    AS2Failure,
    Counterpart,
    Identity,
    MdnRequest,
    Outbound,
    Security,
    build,
    open_message,
)
from tests.support.certs import Identity as Keys
from tests.support.certs import identity

PAYLOAD = b"ISA*00*          *00*          *ZZ*HUB*ZZ*SUPPLIER~\nGS*PO*HUB*SUPPLIER~\nST*850*0001~\r\n" * 30


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Keys]:
    base = tmp_path_factory.mktemp("as2")
    return {name: identity(name, base) for name in ("hub", "supplier", "stranger")}


def station(keys: dict[str, Keys], name: str) -> Identity:
    return Identity(name.upper(), keys[name].key, keys[name].cert)


def counterpart(keys: dict[str, Keys], name: str, **policy: bool) -> Counterpart:
    return Counterpart(name.upper(), certs=(keys[name].cert,), encrypt_cert=keys[name].cert, **policy)


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


SYNC_SIGNED = MdnRequest()


def send(
    keys: dict[str, Keys], security: Security, mdn: MdnRequest | None = SYNC_SIGNED, payload: bytes = PAYLOAD
) -> Outbound:
    return build(
        payload,
        me=station(keys, "hub"),
        partner=counterpart(keys, "supplier"),
        security=security,
        mdn=mdn,
        filename="po-1001.edi",
    )


def receive(keys: dict[str, Keys], sent: Outbound, body: bytes | None = None, **policy: bool) -> object:
    hub = counterpart(keys, "hub", **policy)
    return open_message(
        lower(sent.headers),
        sent.body if body is None else body,
        station(keys, "supplier"),
        lambda as2_id: hub if as2_id == "HUB" else None,
    )


COMBINATIONS = list(itertools.product(["sha256", None], ["aes256_cbc", None], ["before", "after", None]))


@pytest.mark.parametrize(("sign", "encrypt", "compress"), COMBINATIONS)
def test_every_protection_combination_round_trips_with_a_matching_mic(
    keys: dict[str, Keys], sign: str | None, encrypt: str | None, compress: str | None
) -> None:
    sent = send(keys, Security(sign=sign, encrypt=encrypt, compress=compress))  # type: ignore[arg-type]
    got = receive(keys, sent, require_signed=False, require_encrypted=False)
    assert got.payload == PAYLOAD  # type: ignore[attr-defined]
    assert got.filename == "po-1001.edi"  # type: ignore[attr-defined]
    assert (got.signed, got.encrypted, got.compressed) == (bool(sign), bool(encrypt), bool(compress))  # type: ignore[attr-defined]
    assert got.mic == sent.mic  # type: ignore[attr-defined]


@pytest.mark.parametrize("signed_receipt", [True, False])
def test_the_receipt_names_the_message_and_returns_its_mic(
    keys: dict[str, Keys], signed_receipt: bool
) -> None:
    # A MIC digest is only asked for with a signed receipt; otherwise the receiver defaults to SHA-256.
    request = MdnRequest(signed=signed_receipt, digests=("sha384",) if signed_receipt else ("sha256",))
    sent = send(keys, Security(sign="sha384", compress="before"), request)
    got = receive(keys, sent)
    assert got.mdn == request  # type: ignore[attr-defined]
    receipt = build_mdn(
        me=station(keys, "supplier"),
        original_message_id=sent.message_id,
        sender_as2_id="HUB",
        request=request,
        mic=got.mic,  # type: ignore[attr-defined]
    )
    read = read_mdn(lower(receipt.headers), receipt.body, counterpart(keys, "supplier"))
    assert read.ok and read.signed == signed_receipt
    assert read.original_message_id == sent.message_id
    assert same_mic(sent.mic, read.mic)


def test_an_error_receipt_carries_the_disposition(keys: dict[str, Keys]) -> None:
    failure = AS2Failure("decryption-failed", "not encrypted for us")
    receipt = build_mdn(
        me=station(keys, "supplier"),
        original_message_id="<m1@hub>",
        sender_as2_id="HUB",
        request=MdnRequest(),
        mic=None,
        failure=failure,
    )
    read = read_mdn(lower(receipt.headers), receipt.body, counterpart(keys, "supplier"))
    assert not read.ok
    assert read.error == "decryption-failed"
    assert read.mic is None


def expect(disposition: str, keys: dict[str, Keys], sent: Outbound, body: bytes | None = None) -> None:
    with pytest.raises(AS2Failure) as failed:
        receive(keys, sent, body)
    assert failed.value.disposition == disposition, str(failed.value)


def test_a_tampered_signed_message_fails_the_integrity_check(keys: dict[str, Keys]) -> None:
    sent = send(keys, Security(sign="sha256", encrypt=None))
    tampered = sent.body.replace(b"ST*850*0001", b"ST*850*0002", 1)
    hub = counterpart(keys, "hub", require_encrypted=False)
    with pytest.raises(AS2Failure) as failed:
        open_message(lower(sent.headers), tampered, station(keys, "supplier"), lambda _: hub)
    assert failed.value.disposition == "integrity-check-failed"


def test_a_message_signed_by_someone_else_fails_authentication(keys: dict[str, Keys]) -> None:
    forged = build(
        PAYLOAD,
        me=Identity("HUB", keys["stranger"].key, keys["stranger"].cert),
        partner=counterpart(keys, "supplier"),
        security=Security(),
        mdn=MdnRequest(),
    )
    expect("authentication-failed", keys, forged)


def test_a_message_encrypted_for_another_key_fails_decryption(keys: dict[str, Keys]) -> None:
    wrong = build(
        PAYLOAD,
        me=station(keys, "hub"),
        partner=Counterpart("SUPPLIER", encrypt_cert=keys["stranger"].cert),
        security=Security(),
        mdn=MdnRequest(),
    )
    expect("decryption-failed", keys, wrong)


def test_garbage_where_ciphertext_should_be_fails_decryption(keys: dict[str, Keys]) -> None:
    expect("decryption-failed", keys, send(keys, Security()), body=b"\x30\x80 definitely not CMS")


def test_an_unknown_sender_or_recipient_fails_authentication(keys: dict[str, Keys]) -> None:
    sent = send(keys, Security())
    with pytest.raises(AS2Failure, match="not a known trading partner") as failed:
        open_message(lower(sent.headers), sent.body, station(keys, "supplier"), lambda _: None)
    assert failed.value.disposition == "authentication-failed"
    with pytest.raises(AS2Failure, match="addressed to 'SUPPLIER'"):
        open_message(lower(sent.headers), sent.body, station(keys, "stranger"), lambda _: None)


def test_an_unprotected_message_from_a_partner_who_must_protect_is_refused(keys: dict[str, Keys]) -> None:
    expect("insufficient-message-security", keys, send(keys, Security(sign=None, encrypt=None)))


def test_openssl_verifies_our_multipart_signed_entity(keys: dict[str, Keys], tmp_path: Path) -> None:
    # OpenSSL's S/MIME reader rebuilds every line of a part with CRLF (and with -binary keeps a stray CR
    # before the boundary), so it can only check canonical text read in text mode; the CMS tests cover
    # binary content with bare LFs.
    canonical = PAYLOAD.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    sent = send(keys, Security(sign="sha256", encrypt=None), payload=canonical)
    smime = f"MIME-Version: 1.0\r\nContent-Type: {sent.headers['Content-Type']}\r\n\r\n".encode() + sent.body
    (tmp_path / "msg.eml").write_bytes(smime)
    verified = openssl_cms(
        "-verify",
        "-in",
        tmp_path / "msg.eml",
        "-CAfile",
        keys["hub"].cert_pem,
        "-purpose",
        "any",
        data=b"",
    )
    assert mime.parse(verified).body == canonical  # openssl hands back the signed entity, payload intact


def openssl_cms(*args: str | Path, data: bytes) -> bytes:
    run = subprocess.run(["openssl", "cms", *map(str, args)], input=data, capture_output=True, check=False)
    assert run.returncode == 0, run.stderr.decode()
    return run.stdout


def test_we_open_what_openssl_signs_and_encrypts(keys: dict[str, Keys]) -> None:
    document = mime.entity("application/EDI-X12", PAYLOAD).raw
    hub, supplier = keys["hub"], keys["supplier"]
    signed = openssl_cms(
        "-sign",
        "-binary",
        "-crlfeol",
        "-md",
        "sha256",
        "-signer",
        hub.cert_pem,
        "-inkey",
        hub.key_pem,
        data=document,
    )  # an S/MIME multipart/signed entity, CRLF line ends, the document unchanged inside
    sealed = openssl_cms("-encrypt", "-binary", "-aes192", "-outform", "DER", supplier.cert_pem, data=signed)
    headers = {
        "as2-from": "HUB",
        "as2-to": "SUPPLIER",
        "message-id": "<openssl-1@hub>",
        "content-type": "application/pkcs7-mime; smime-type=enveloped-data",
    }
    hub = counterpart(keys, "hub")
    got = open_message(headers, sealed, station(keys, "supplier"), lambda _: hub)
    assert (got.payload, got.signed, got.encrypted) == (PAYLOAD, True, True)


def test_a_payload_that_cannot_be_decoded_is_an_unexpected_processing_error(keys: dict[str, Keys]) -> None:
    headers = {
        "as2-from": "HUB",
        "as2-to": "SUPPLIER",
        "message-id": "<bad-base64@hub>",
        "content-type": "application/EDI-X12",
        "content-transfer-encoding": "base64",
        "disposition-notification-to": "hub@example.com",
    }
    hub = counterpart(keys, "hub", require_signed=False, require_encrypted=False)
    with pytest.raises(AS2Failure) as failed:
        open_message(headers, b"this is !!! not base64", station(keys, "supplier"), lambda _: hub)
    assert failed.value.disposition == "unexpected-processing-error"
    assert (
        failed.value.received is not None and failed.value.received.mdn is not None
    )  # it still gets its MDN
