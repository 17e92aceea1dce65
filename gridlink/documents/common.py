"""Parts every canonical document shares: parties, addresses, items, quantities."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=4)]
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Document(BaseModel):
    """Base of canonical documents: immutable, and unknown fields are an error rather than lost."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PartyRole(StrEnum):
    """The part a party plays in a document (N1/NAD qualifiers map onto these)."""

    BUYER = "buyer"
    SELLER = "seller"
    SHIP_TO = "ship_to"
    SHIP_FROM = "ship_from"
    BILL_TO = "bill_to"
    REMIT_TO = "remit_to"


class Address(Document):
    """A postal address; country is ISO 3166-1 alpha-2."""

    lines: list[Text] = Field(default_factory=list, max_length=3)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None


class Party(Document):
    """A named party with an optional coded identifier (DUNS, GLN, or one agreed with the partner)."""

    role: PartyRole
    name: Text
    id_qualifier: str | None = None
    id: str | None = None
    address: Address | None = None
    email: str | None = None
    phone: str | None = None


class Item(Document):
    """One product as each side knows it: our SKU, the partner's item number, and the GTIN if known."""

    sku: Text
    partner_item: str | None = None
    gtin: Annotated[str, StringConstraints(pattern=r"^\d{8}$|^\d{12,14}$")] | None = None
    description: str | None = None


class Numbered(Protocol):
    """A line that carries a line number."""

    @property
    def line_number(self) -> int: ...


def require_unique_line_numbers(lines: Iterable[Numbered]) -> None:
    """Raise ValueError when two lines share a number: acknowledgments and ship notices refer to them."""
    seen: set[int] = set()
    for line in lines:
        if line.line_number in seen:
            raise ValueError(f"line number {line.line_number} is used twice")
        seen.add(line.line_number)


def party(parties: Iterable[Party], role: PartyRole) -> Party | None:
    """The first party in ``parties`` with ``role``."""
    return next((p for p in parties if p.role is role), None)
