"""AS2 messages (RFC 4130): build one for a partner, and open one from a partner.

Outbound layers, innermost first: the payload entity, compression if asked for before signing, a
multipart/signed with a detached CMS signature, compression if asked for after signing, CMS encryption.
The outermost entity's Content-Type goes in the HTTP headers and its body is the HTTP body. Opening
unwraps in reverse and works out the MIC the MDN must return (section 7.3.1).
"""

from __future__ import annotations

import base64
import email.utils
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa

from gridlink.grid.as2 import cms, mime

AS2_VERSION = "1.2"  # 1.1 adds compression; 1.2 adds the EDIINT features header
MICALG = {"sha1": "sha1", "sha256": "sha-256", "sha384": "sha-384", "sha512": "sha-512"}
_DIGEST_OF = {**{v: k for k, v in MICALG.items()}, **{k: k for k in MICALG}, "sha-1": "sha1", "md5": "md5"}

Disposition = Literal[
    "authentication-failed",
    "decompression-failed",
    "decryption-failed",
    "insufficient-message-security",
    "integrity-check-failed",
    "unexpected-processing-error",
]


class AS2Failure(Exception):
    """A received message the hub cannot accept; ``disposition`` is the MDN's error modifier."""

    def __init__(self, disposition: Disposition, message: str) -> None:
        super().__init__(message)
        self.disposition = disposition
        self.received: Inbound | None = None  # what was learnt of the message before it failed


@dataclass(frozen=True)
class Identity:
    """An AS2 station: its AS2 id, and its private key and certificate (for signing and decrypting)."""

    as2_id: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate


@dataclass(frozen=True)
class Counterpart:
    """What the hub knows of a partner's AS2 station and what it demands of its messages."""

    as2_id: str
    certs: tuple[x509.Certificate, ...] = ()  # trusted for its signatures (several during a rollover)
    encrypt_cert: x509.Certificate | None = None
    require_signed: bool = True
    require_encrypted: bool = True


@dataclass(frozen=True)
class Security:
    """What the sender applies: a signature digest, a cipher, compression before or after signing."""

    sign: str | None = "sha256"
    encrypt: str | None = "aes256_cbc"
    key_transport: str = "rsaes_pkcs1v15"
    compress: Literal["before", "after"] | None = None


@dataclass(frozen=True)
class MdnRequest:
    """The receipt the sender asks for: synchronous or to an URL, signed or not, with which MIC digest."""

    mode: Literal["sync", "async"] = "sync"
    signed: bool = True
    digests: tuple[str, ...] = ("sha256",)
    url: str | None = None

    def headers(self, address: str) -> dict[str, str]:
        """The Disposition-Notification headers that ask for this receipt."""
        headers = {"Disposition-Notification-To": address}
        if self.signed:
            micalg = ", ".join(MICALG[d] for d in self.digests)
            headers["Disposition-Notification-Options"] = (
                f"signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, {micalg}"
            )
        if self.mode == "async" and self.url:
            headers["Receipt-Delivery-Option"] = self.url
        return headers

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> MdnRequest | None:
        """What a received message asks for, or None when it wants no MDN."""
        if not headers.get("disposition-notification-to"):
            return None
        options = (headers.get("disposition-notification-options") or "").lower()
        signed = "pkcs7-signature" in options
        digests: list[str] = []
        for clause in options.split(";"):
            name, _, values = clause.partition("=")
            if name.strip() == "signed-receipt-micalg":
                for value in values.split(",")[1:]:
                    digest = _DIGEST_OF.get(value.strip())
                    if digest in cms.DIGESTS and digest not in digests:
                        digests.append(digest)
        url = headers.get("receipt-delivery-option")
        return cls(
            mode="async" if url else "sync", signed=signed, digests=tuple(digests) or ("sha256",), url=url
        )


@dataclass(frozen=True)
class Outbound:
    """A message ready to POST, and the MIC its MDN must return."""

    message_id: str
    headers: dict[str, str]
    body: bytes
    mic: str


@dataclass
class Inbound:
    """A received message, opened: the payload and how it was protected."""

    message_id: str
    as2_from: str
    as2_to: str
    payload: bytes = b""
    content_type: str = ""
    filename: str | None = None
    signed: bool = False
    encrypted: bool = False
    compressed: bool = False
    mic: str | None = None
    mdn: MdnRequest | None = None
    details: dict[str, str] = field(default_factory=dict)


def new_message_id(as2_id: str) -> str:
    """A globally unique Message-ID in angle brackets."""
    return f"<{uuid.uuid4().hex}@{socket.gethostname()}.{as2_id.replace(' ', '_')}>"


def mic_of(data: bytes, digest: str) -> str:
    """The MIC as an MDN carries it: base64 digest, a comma, the algorithm."""
    h = hashes.Hash(cms.DIGESTS[digest]())
    h.update(data)
    return f"{base64.b64encode(h.finalize()).decode()}, {MICALG[digest]}"


def compressed_entity(inner: bytes) -> mime.Entity:
    """application/pkcs7-mime compressed-data holding ``inner``."""
    return mime.entity(
        'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"',
        cms.compress(inner),
        content_disposition='attachment; filename="smime.p7z"',
    )


def signed_entity(inner: bytes, me: Identity, digest: str) -> mime.Entity:
    """multipart/signed of ``inner`` and its detached signature by ``me``."""
    signature = mime.entity(
        'application/pkcs7-signature; name="smime.p7s"',
        cms.sign(inner, me.key, me.cert, digest),
        base64_body=True,  # what S/MIME readers (OpenSSL, most AS2 products) expect of this part
        content_disposition='attachment; filename="smime.p7s"',
    )
    content_type = f'multipart/signed; protocol="application/pkcs7-signature"; micalg={MICALG[digest]}'
    return mime.multipart(content_type, [inner, signature.raw], mime.new_boundary())


def build(
    payload: bytes,
    *,
    me: Identity,
    partner: Counterpart,
    security: Security,
    mdn: MdnRequest | None,
    content_type: str = "application/EDI-X12",
    filename: str | None = None,
    subject: str = "EDI",
) -> Outbound:
    """The HTTP headers and body of an AS2 message carrying ``payload`` to ``partner``."""
    document = (
        mime.entity(content_type, payload, content_disposition=f'attachment; filename="{filename}"')
        if filename
        else mime.entity(content_type, payload)
    )
    current = document
    mic: str | None = None
    if security.compress == "before":
        current = compressed_entity(current.raw)
    if security.sign:
        mic = mic_of(current.raw, security.sign)
        current = signed_entity(current.raw, me, security.sign)
    if security.compress == "after":
        current = compressed_entity(current.raw)
    if security.encrypt:
        if partner.encrypt_cert is None:
            raise ValueError(f"no encryption certificate for partner {partner.as2_id}")
        current = mime.entity(
            'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
            cms.encrypt(current.raw, partner.encrypt_cert, security.encrypt, security.key_transport),
            content_disposition='attachment; filename="smime.p7m"',
        )
    if mic is None:  # unsigned: over the entity when protected in any way, else over the bare content
        digest = mdn.digests[0] if mdn else "sha256"
        protected = security.encrypt or security.compress
        mic = mic_of(document.raw if protected else payload, digest)
    message_id = new_message_id(me.as2_id)
    headers = {
        "AS2-Version": AS2_VERSION,
        "AS2-From": quoted(me.as2_id),
        "AS2-To": quoted(partner.as2_id),
        "Message-ID": message_id,
        "Subject": subject,
        "Date": email.utils.formatdate(usegmt=True),
        "MIME-Version": "1.0",
        "Content-Type": current.header("content-type") or content_type,
        "EDIINT-Features": "multiple-attachments, CEM",
    }
    disposition = current.header("content-disposition")
    if disposition:  # an unprotected payload's filename travels as an HTTP header
        headers["Content-Disposition"] = disposition
    if mdn is not None:
        headers.update(mdn.headers(mdn.url or me.as2_id))
    return Outbound(message_id, headers, current.body, mic)


def quoted(as2_id: str) -> str:
    """An AS2 name as a header carries it."""
    # RFC 4130: an AS2 name with spaces or specials travels as a quoted string.
    return f'"{as2_id}"' if any(c in as2_id for c in ' "\\()<>@,;:/[]?=') else as2_id


def unquote(value: str) -> str:
    """An AS2-From/To value without its quotes."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"')
    return value


def open_message(
    headers: Mapping[str, str],
    body: bytes,
    me: Identity,
    partner_of: Callable[[str], Counterpart | None],
) -> Inbound:
    """Unwrap a received message (headers looked up case-insensitively by lower-case name).

    Raises AS2Failure with the disposition its MDN must report."""
    received = Inbound(
        message_id=(headers.get("message-id") or "").strip(),
        as2_from=unquote(headers.get("as2-from") or ""),
        as2_to=unquote(headers.get("as2-to") or ""),
        mdn=MdnRequest.from_headers(headers),
    )
    try:
        if received.as2_to != me.as2_id:
            raise AS2Failure("authentication-failed", f"addressed to {received.as2_to!r}, not {me.as2_id!r}")
        partner = partner_of(received.as2_from)
        if partner is None:
            raise AS2Failure("authentication-failed", f"{received.as2_from!r} is not a known trading partner")
        _unwrap(received, mime.Entity(entity_headers(headers), body), me, partner)
        if partner.require_encrypted and not received.encrypted:
            raise AS2Failure("insufficient-message-security", "the partner's messages must be encrypted")
        if partner.require_signed and not received.signed:
            raise AS2Failure("insufficient-message-security", "the partner's messages must be signed")
    except AS2Failure as failure:
        failure.received = received
        raise
    return received


def entity_headers(headers: Mapping[str, str]) -> bytes:
    """The HTTP headers that belong to the outermost MIME entity."""
    names = ("content-type", "content-transfer-encoding", "content-disposition")
    lines = [f"{name}: {headers[name]}" for name in names if headers.get(name)]
    return "\r\n".join(lines).encode("latin-1")


def _unwrap(received: Inbound, current: mime.Entity, me: Identity, partner: Counterpart) -> None:
    for _ in range(8):  # protection layers nest a handful deep at most; more is an attack
        kind = current.content_type
        smime = (current.param("smime-type") or "").lower()
        if kind in ("application/pkcs7-mime", "application/x-pkcs7-mime") and smime in ("", "enveloped-data"):
            try:
                inner, _cipher = cms.decrypt(current.decoded_body(), me.key, me.cert)
            except (cms.CmsError, mime.MimeError) as exc:
                raise AS2Failure("decryption-failed", str(exc)) from exc
            received.encrypted = True
            current = parse_entity(inner, "decryption-failed")
        elif kind in ("application/pkcs7-mime", "application/x-pkcs7-mime") and smime == "compressed-data":
            try:
                inner = cms.decompress(current.decoded_body())
            except (cms.CmsError, mime.MimeError) as exc:
                raise AS2Failure("decompression-failed", str(exc)) from exc
            received.compressed = True
            current = parse_entity(inner, "decompression-failed")
        elif kind == "multipart/signed":
            signed_part, digest = verify_signed(current, partner)
            received.signed = True
            received.mic = received.mic or mic_of(signed_part, digest)
            current = parse_entity(signed_part, "integrity-check-failed")
        else:
            _take_payload(received, current)
            return
    raise AS2Failure("unexpected-processing-error", "too many nested protection layers")


def parse_entity(raw: bytes, disposition: Disposition) -> mime.Entity:
    """An unwrapped layer as an entity; unreadable bytes fail with ``disposition``."""
    try:
        return mime.parse(raw)
    except mime.MimeError as exc:
        raise AS2Failure(disposition, str(exc)) from exc


def verify_signed(container: mime.Entity, partner: Counterpart) -> tuple[bytes, str]:
    """The signed part of a multipart/signed, once its signature by ``partner`` verified, and the digest."""
    try:
        parts = mime.split_multipart(container)
        if len(parts) != 2:
            raise mime.MimeError(f"multipart/signed with {len(parts)} parts")
        signature = mime.parse(parts[1]).decoded_body()
    except mime.MimeError as exc:
        raise AS2Failure("integrity-check-failed", str(exc)) from exc
    try:
        digest = cms.verify(signature, parts[0], list(partner.certs))
    except cms.IntegrityFailed as exc:
        raise AS2Failure("integrity-check-failed", str(exc)) from exc
    except cms.CmsError as exc:
        raise AS2Failure("authentication-failed", str(exc)) from exc
    return parts[0], digest


def _take_payload(received: Inbound, document: mime.Entity) -> None:
    try:
        received.payload = document.decoded_body()
    except mime.MimeError as exc:
        raise AS2Failure("unexpected-processing-error", str(exc)) from exc
    received.content_type = document.content_type
    received.filename = document.param("filename", "content-disposition")
    if received.mic is None:  # unsigned (section 7.3.1)
        digest = received.mdn.digests[0] if received.mdn else "sha256"
        protected = received.encrypted or received.compressed
        received.mic = mic_of(document.raw if protected else received.payload, digest)
