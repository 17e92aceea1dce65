"""The purchase order the hub sends a supplier for the lines of a store order it supplies (850 / ORDERS)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from gridlink.documents.common import (
    Amount,
    Currency,
    Document,
    Item,
    Party,
    PartyRole,
    Quantity,
    Text,
    party,
    require_unique_line_numbers,
)

PoNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-_.]{1,22}$")]


class PurchaseOrderPurpose(StrEnum):
    """Why the order is sent: new, a full replacement, or a cancellation (BEG01 / BGM 1225)."""

    ORIGINAL = "original"
    REPLACE = "replace"
    CANCEL = "cancel"


class OrderLine(Document):
    """One ordered item; ``line_number`` is how the supplier's answers refer back to it."""

    line_number: Annotated[int, Field(ge=1, le=999999)]
    item: Item
    quantity: Annotated[Quantity, Field(gt=0)]
    unit: Text = "EA"
    unit_price: Amount | None = None

    @property
    def extended_price(self) -> Amount | None:
        """Quantity times unit price, when the price is known."""
        return None if self.unit_price is None else self.quantity * self.unit_price


class PurchaseOrder(Document):
    """A purchase order to one supplier.

    ``number`` is derived from the store order and the supplier, so a retried send carries the same
    number and the supplier can recognise the repeat.
    """

    number: PoNumber
    purpose: PurchaseOrderPurpose = PurchaseOrderPurpose.ORIGINAL
    order_date: date
    currency: Currency = "USD"
    store_order_id: int | None = None
    parties: list[Party] = Field(default_factory=list)
    requested_ship_date: date | None = None
    requested_delivery_date: date | None = None
    carrier_scac: str | None = None
    notes: list[Text] = Field(default_factory=list)
    lines: Annotated[list[OrderLine], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> PurchaseOrder:
        require_unique_line_numbers(self.lines)
        if party(self.parties, PartyRole.SHIP_TO) is None:
            raise ValueError("a purchase order needs a ship_to party")
        return self

    def line(self, line_number: int) -> OrderLine | None:
        """The line with ``line_number``, if any."""
        return next((line for line in self.lines if line.line_number == line_number), None)
