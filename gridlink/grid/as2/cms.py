"""CMS (RFC 5652) as AS2 uses it: detached signatures, enveloped (encrypted) data, compressed data.

The structures are built and read with asn1crypto and the algorithms come from `cryptography`, which
alone cannot verify CMS signatures, decrypt AES-192 or 3DES, or handle CompressedData (RFC 3274).
Keys are RSA, as in every AS2 deployment the hub meets; signatures are RSASSA-PKCS1-v1_5, key transport
RSAES-PKCS1-v1_5 or RSAES-OAEP.
"""

from __future__ import annotations

import os
import zlib
from datetime import UTC, datetime
from typing import Any

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.padding import PKCS7

# Digest names as AS2 headers and asn1crypto spell them; SHA-1 is accepted inbound only.
DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
OUTBOUND_DIGESTS = ("sha256", "sha384", "sha512")

# Content ciphers: asn1crypto's name -> (cipher, key bytes). 3DES is accepted inbound only.
CIPHERS: dict[str, tuple[Any, int]] = {
    "aes128_cbc": (algorithms.AES, 16),
    "aes192_cbc": (algorithms.AES, 24),
    "aes256_cbc": (algorithms.AES, 32),
    "tripledes_3key": (TripleDES, 24),
}
OUTBOUND_CIPHERS = ("aes128_cbc", "aes192_cbc", "aes256_cbc")
KEY_TRANSPORTS = ("rsaes_pkcs1v15", "rsaes_oaep")


class CmsError(Exception):
    """A CMS structure that cannot be used; subclasses name the AS2 disposition it leads to."""


class DecryptionFailed(CmsError):
    """Not encrypted for us, or not decryptable (AS2: decryption-failed)."""


class AuthenticationFailed(CmsError):
    """The signature is not by a trusted certificate or does not verify (AS2: authentication-failed)."""


class IntegrityFailed(CmsError):
    """The signed digest does not match the content (AS2: integrity-check-failed)."""


def content_type(der: bytes) -> str:
    """The ContentInfo's type: "signed_data", "enveloped_data", "compressed_data", "data"…"""
    try:
        info = cms.ContentInfo.load(der)
        return str(info["content_type"].native)
    except (ValueError, TypeError) as exc:
        raise CmsError(f"not a CMS structure: {exc}") from exc


def _cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _issuer_and_serial(certificate: x509.Certificate) -> cms.IssuerAndSerialNumber:
    cert = _cert(certificate)
    return cms.IssuerAndSerialNumber({"issuer": cert.issuer, "serial_number": cert.serial_number})


def _digest(name: str, data: bytes) -> bytes:
    h = hashes.Hash(DIGESTS[name]())
    h.update(data)
    return h.finalize()


# -- signatures ------------------------------------------------------------------------------------


def sign(data: bytes, key: rsa.RSAPrivateKey, certificate: x509.Certificate, digest: str = "sha256") -> bytes:
    """A detached SignedData over ``data`` (not inside it), carrying the signer's certificate."""
    if digest not in OUTBOUND_DIGESTS:
        raise ValueError(f"digest {digest!r} is not one the hub signs with: {', '.join(OUTBOUND_DIGESTS)}")
    attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": datetime.now(UTC)})]}),
            cms.CMSAttribute({"type": "message_digest", "values": [_digest(digest, data)]}),
        ]
    )
    # The signature covers the DER of the attributes as a SET (RFC 5652 5.4), not their [0] encoding.
    signature = key.sign(attrs.dump(), padding.PKCS1v15(), DIGESTS[digest]())
    digest_algorithm = algos.DigestAlgorithm({"algorithm": digest})
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": _issuer_and_serial(certificate)}),
            "digest_algorithm": digest_algorithm,
            "signed_attrs": attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
            "signature": signature,
        }
    )
    signed = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [digest_algorithm],
            "encap_content_info": {"content_type": "data"},
            "certificates": [cms.CertificateChoices({"certificate": _cert(certificate)})],
            "signer_infos": [signer],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())


def verify(signature_der: bytes, data: bytes, trusted: list[x509.Certificate]) -> str:
    """Check a detached signature over ``data`` by one of ``trusted``; returns the digest name it used."""
    try:
        info = cms.ContentInfo.load(signature_der)
        if info["content_type"].native != "signed_data":
            raise CmsError("the signature part is not CMS SignedData")
        signed = info["content"]
        signer = signed["signer_infos"][0]
        digest = str(signer["digest_algorithm"]["algorithm"].native)
        sid = signer["sid"].chosen
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise AuthenticationFailed(f"unreadable signature: {exc}") from exc
    if digest not in DIGESTS:
        raise AuthenticationFailed(f"unsupported signature digest {digest}")
    certificate = _signer_certificate(sid, trusted)
    attrs = signer["signed_attrs"]
    if not attrs:
        raise AuthenticationFailed("the signature has no signed attributes")
    values = {attr["type"].native: attr["values"][0].native for attr in attrs}
    to_verify = b"\x31" + attrs.dump()[1:]  # back from the implicit [0] tag to the SET it was signed as
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise AuthenticationFailed("the partner's certificate does not hold an RSA key")
    algorithm = str(signer["signature_algorithm"]["algorithm"].native)
    scheme: padding.AsymmetricPadding = padding.PKCS1v15()
    if algorithm == "rsassa_pss":
        scheme = padding.PSS(mgf=padding.MGF1(DIGESTS[digest]()), salt_length=padding.PSS.AUTO)
    try:
        public_key.verify(signer["signature"].native, to_verify, scheme, DIGESTS[digest]())
    except InvalidSignature as exc:
        raise AuthenticationFailed("the signature does not verify with the partner's certificate") from exc
    if values.get("message_digest") != _digest(digest, data):
        raise IntegrityFailed("the content does not match the signed digest")
    return digest


def _signer_certificate(sid: Any, trusted: list[x509.Certificate]) -> x509.Certificate:
    for certificate in trusted:
        cert = _cert(certificate)
        if isinstance(sid, cms.IssuerAndSerialNumber):
            if sid["issuer"] == cert.issuer and sid["serial_number"].native == cert.serial_number:
                return certificate
        elif sid.native == cert.key_identifier:
            return certificate
    raise AuthenticationFailed("signed by a certificate this partner is not trusted with")


# -- encryption ------------------------------------------------------------------------------------


def encrypt(
    data: bytes,
    recipient: x509.Certificate,
    cipher: str = "aes256_cbc",
    key_transport: str = "rsaes_pkcs1v15",
) -> bytes:
    """EnvelopedData holding ``data`` for the owner of ``recipient``."""
    if cipher not in OUTBOUND_CIPHERS:
        raise ValueError(f"cipher {cipher!r} is not one the hub encrypts with: {', '.join(OUTBOUND_CIPHERS)}")
    if key_transport not in KEY_TRANSPORTS:
        raise ValueError(f"key transport {key_transport!r} is not one of {', '.join(KEY_TRANSPORTS)}")
    algorithm, size = CIPHERS[cipher]
    content_key, iv = os.urandom(size), os.urandom(16)
    padder = PKCS7(128).padder()
    encryptor = Cipher(algorithm(content_key), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
    public_key = recipient.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ValueError("the partner's encryption certificate does not hold an RSA key")
    wrapped = public_key.encrypt(content_key, _key_padding(_key_algorithm(key_transport)))
    enveloped = cms.EnvelopedData(
        {
            "version": "v0",
            "recipient_infos": [
                cms.RecipientInfo(
                    {
                        "ktri": cms.KeyTransRecipientInfo(
                            {
                                "version": "v0",
                                "rid": cms.RecipientIdentifier(
                                    {"issuer_and_serial_number": _issuer_and_serial(recipient)}
                                ),
                                "key_encryption_algorithm": _key_algorithm(key_transport),
                                "encrypted_key": wrapped,
                            }
                        )
                    }
                )
            ],
            "encrypted_content_info": {
                "content_type": "data",
                "content_encryption_algorithm": {"algorithm": cipher, "parameters": core.OctetString(iv)},
                "encrypted_content": sealed,
            },
        }
    )
    return bytes(cms.ContentInfo({"content_type": "enveloped_data", "content": enveloped}).dump())


def _key_algorithm(key_transport: str) -> cms.KeyEncryptionAlgorithm:
    if key_transport == "rsaes_oaep":
        # RFC 4055's default parameters (SHA-1, MGF1 with SHA-1), written out: OpenSSL wants them present.
        params = algos.RSAESOAEPParams(
            {
                "hash_algorithm": {"algorithm": "sha1"},
                "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha1"}},
            }
        )
        return cms.KeyEncryptionAlgorithm({"algorithm": key_transport, "parameters": params})
    return cms.KeyEncryptionAlgorithm({"algorithm": key_transport})


def _key_padding(algorithm: cms.KeyEncryptionAlgorithm) -> padding.AsymmetricPadding:
    if algorithm["algorithm"].native != "rsaes_oaep":
        return padding.PKCS1v15()
    params = algorithm["parameters"]
    digest = DIGESTS[str(params["hash_algorithm"]["algorithm"].native)]
    mask = DIGESTS[str(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)]
    return padding.OAEP(mgf=padding.MGF1(mask()), algorithm=digest(), label=None)


def decrypt(der: bytes, key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> tuple[bytes, str]:
    """The content of EnvelopedData addressed to ``certificate``, and the cipher it was sealed with."""
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "enveloped_data":
            raise DecryptionFailed("the message is not CMS EnvelopedData")
        enveloped = info["content"]
        mine = _issuer_and_serial(certificate)
        recipient = next(
            (
                ri.chosen
                for ri in enveloped["recipient_infos"]
                if ri.name == "ktri"
                and isinstance(ri.chosen["rid"].chosen, cms.IssuerAndSerialNumber)
                and ri.chosen["rid"].chosen.dump() == mine.dump()
            ),
            None,
        )
        if recipient is None:
            raise DecryptionFailed("not encrypted for the hub's certificate")
        key_algorithm = recipient["key_encryption_algorithm"]
        transport = str(key_algorithm["algorithm"].native)
        content_info = enveloped["encrypted_content_info"]
        cipher = str(content_info["content_encryption_algorithm"]["algorithm"].native)
        iv = content_info["content_encryption_algorithm"]["parameters"].native
        sealed = content_info["encrypted_content"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise DecryptionFailed(f"unreadable EnvelopedData: {exc}") from exc
    if cipher not in CIPHERS or transport not in KEY_TRANSPORTS:
        raise DecryptionFailed(f"unsupported encryption {cipher} with {transport}")
    algorithm, size = CIPHERS[cipher]
    try:
        content_key = key.decrypt(recipient["encrypted_key"].native, _key_padding(key_algorithm))
        if len(content_key) != size:
            raise ValueError("content key of the wrong length")
        decryptor = Cipher(algorithm(content_key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(sealed) + decryptor.finalize()
        unpadder = PKCS7(algorithm.block_size).unpadder()
        return unpadder.update(padded) + unpadder.finalize(), cipher
    except (ValueError, KeyError) as exc:
        raise DecryptionFailed("the content key or the content does not decrypt with the hub's key") from exc


# -- compression (RFC 3274) ------------------------------------------------------------------------


def compress(data: bytes) -> bytes:
    """CompressedData (zlib) holding ``data``."""
    compressed = cms.CompressedData(
        {
            "version": "v0",
            "compression_algorithm": {"algorithm": "zlib"},
            "encap_content_info": {"content_type": "data", "content": zlib.compress(data)},
        }
    )
    return bytes(cms.ContentInfo({"content_type": "compressed_data", "content": compressed}).dump())


def decompress(der: bytes) -> bytes:
    """The content of CompressedData."""
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "compressed_data":
            raise CmsError("not CMS CompressedData")
        compressed = info["content"]
        if compressed["compression_algorithm"]["algorithm"].native != "zlib":
            raise CmsError("compressed with something other than zlib")
        return zlib.decompress(compressed["encap_content_info"]["content"].native)
    except (ValueError, TypeError, KeyError, zlib.error) as exc:
        raise CmsError(f"unreadable CompressedData: {exc}") from exc
