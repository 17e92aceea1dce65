"""Partner profiles: the typed form of the partners file and of what the database keeps.

The published JSON schema (partners.schema.json beside this file, `gridlink partners schema`) is
generated from these models; a test keeps the two identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gridlink.edi.navigate import PathError, parse_path

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$", description="a short stable name: acme")]


class _Strict(BaseModel):
    # Frozen: a parsed profile is shared by everything that reads it in a process.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Identity(_Strict):
    """The partner's addresses: X12 ISA qualifier and id, GS id, EDIFACT UNB id."""

    x12_qualifier: str = Field(pattern=r"^[0-9A-Z]{2}$", description="ISA05/07: ZZ, 01, 12 ...")
    x12_id: str = Field(min_length=1, max_length=15, description="ISA06/08")
    gs_id: str | None = Field(
        default=None, min_length=2, max_length=15, description="GS02/03; default x12_id"
    )
    edifact_id: str | None = Field(
        default=None, min_length=1, max_length=35, description="UNB sender/recipient"
    )
    edifact_qualifier: str | None = Field(
        default=None, min_length=1, max_length=4, description="UNB code qualifier"
    )

    @property
    def address(self) -> str:
        """The Trading Grid address, qualifier:id."""
        return f"{self.x12_qualifier}:{self.x12_id}"


class AS2Link(_Strict):
    """A direct AS2 connection to the partner."""

    type: Literal["as2"]
    url: str = Field(pattern=r"^https?://", description="the partner's AS2 endpoint")
    as2_id: str = Field(min_length=1, max_length=128)
    certificate: Path = Field(
        description="PEM or DER certificate: verifies their signatures, encrypts to them"
    )
    sign: Literal["sha256", "sha384", "sha512"] | None = "sha256"
    encrypt: Literal["aes128_cbc", "aes192_cbc", "aes256_cbc"] | None = "aes256_cbc"
    key_transport: Literal["rsaes_pkcs1v15", "rsaes_oaep"] = "rsaes_pkcs1v15"
    compress: Literal["before", "after"] | None = None
    mdn: Literal["sync", "async"] | None = "sync"
    require_signed: bool = True
    require_encrypted: bool = True


class SFTPLink(_Strict):
    """An SFTP mailbox the partner (or its network) runs."""

    type: Literal["sftp"]
    host: str = Field(min_length=1)
    port: int = Field(default=22, ge=1, le=65535)
    username: str = Field(min_length=1)
    host_key: str = Field(pattern=r"^(ssh-|ecdsa-)", description="the server's public key, pinned")
    key_file: Path | None = Field(default=None, description="the hub's private key for this server")
    password_env: str | None = Field(
        default=None, description="the environment variable holding the password"
    )
    inbound: str = "inbound"
    outbound: str = "outbound"
    archive: str | None = None


class DocumentSetting(_Strict):
    """Which standard and version a document type travels in, and what the partner's guide requires."""

    standard: Literal["x12", "edifact"]
    version: Literal["004010", "005010", "D96A", "D01B"]
    require: list[str] = Field(
        default_factory=list,
        description=(
            "segments the partner requires that the standard leaves optional, as paths into the set: "
            "REF[IA] (a REF with qualifier IA), N1[ST]/N104, PO1/PID, RFF[ON]; a document without one "
            "is held with the reason instead of being sent"
        ),
    )

    @field_validator("require")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        for path in paths:
            try:
                parse_path(path)
            except PathError as exc:
                raise ValueError(str(exc)) from None
        return paths


class Separators(_Strict):
    """X12 delimiters this partner wants."""

    element: str = Field(default="*", min_length=1, max_length=1)
    segment: str = Field(default="~", min_length=1, max_length=1)
    component: str = Field(default=">", min_length=1, max_length=1)
    repetition: str = Field(default="^", min_length=1, max_length=1)


class Acknowledgments(_Strict):
    """What the hub expects back, and how soon."""

    functional: bool = Field(default=True, description="a 997/999/CONTRL for every interchange")
    functional_within_hours: float = Field(default=24, gt=0)
    po_ack_within_hours: float = Field(default=48, gt=0, description="855/ORDRSP after a purchase order")
    ship_notice_within_hours: float = Field(
        default=120, gt=0, description="856/DESADV after a purchase order, unless it asks for a ship date"
    )


class CrossReferences(_Strict):
    """How the partner names what the hub names otherwise."""

    items: dict[str, str] = Field(default_factory=dict, description="our SKU -> the partner's item number")
    units: dict[str, str] = Field(default_factory=dict, description="our unit -> the partner's: EA -> PCE")
    carriers: dict[str, str] = Field(
        default_factory=dict, description="SCAC -> the carrier as the store names it: UPSN -> ups"
    )


class PartnerProfile(_Strict):
    """One trading partner."""

    key: Key
    name: str = Field(min_length=1, max_length=200)
    roles: list[Literal["supplier", "3pl", "distributor", "returns", "customer"]] = Field(
        default_factory=list
    )
    identity: Identity
    transport: Annotated[AS2Link | SFTPLink, Field(discriminator="type")] | None = Field(
        default=None, description="none: through the hub's Trading Grid mailbox"
    )
    documents: dict[str, DocumentSetting] = Field(
        default_factory=dict, description="by document type: 850, 855, ORDERS, ..."
    )
    interchanges_per_file: int = Field(
        default=1,
        ge=1,
        le=500,
        description=(
            "when several interchanges wait for this partner, up to this many go in one file (one AS2 "
            "message or SFTP file) and deliveries to it go one at a time, in order; 1 sends each alone. "
            "Trading Grid and most networks split such files; some partners' own endpoints take one each"
        ),
    )
    separators: Separators = Field(default_factory=Separators)
    acknowledgments: Acknowledgments = Field(default_factory=Acknowledgments)
    cross_references: CrossReferences = Field(default_factory=CrossReferences)


class PartnersFile(_Strict):
    """The partners file."""

    partners: list[PartnerProfile]
