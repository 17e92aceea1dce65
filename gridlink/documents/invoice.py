"""An invoice (810 / INVOIC) for what was shipped, numbered from a gap-free sequence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from gridlink.documents.common import (
    Amount,
    Currency,
    Document,
    Item,
    Party,
    Quantity,
    Text,
    require_unique_line_numbers,
)


class InvoiceLine(Document):
    """One invoiced line, referring to the purchase-order line it bills."""

    line_number: Annotated[int, Field(ge=1)]
    item: Item
    quantity: Annotated[Quantity, Field(gt=0)]
    unit: Text = "EA"
    unit_price: Amount

    @property
    def amount(self) -> Decimal:
        """Quantity times unit price."""
        return self.quantity * self.unit_price


class Charge(Document):
    """An allowance or charge outside the lines: freight, tax, a discount (negative)."""

    code: Text
    description: str = ""
    amount: Amount


class Invoice(Document):
    """Invoice ``number`` billing ``po_number``; the total is always the lines plus the charges."""

    number: Text
    invoice_date: date
    po_number: Text
    currency: Currency = "USD"
    store_order_id: int | None = None
    parties: list[Party] = Field(default_factory=list)
    terms_net_days: Annotated[int, Field(ge=0)] | None = None
    lines: Annotated[list[InvoiceLine], Field(min_length=1)]
    charges: list[Charge] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Invoice:
        require_unique_line_numbers(self.lines)
        if self.total < 0:
            raise ValueError("an invoice total cannot be negative")
        return self

    @property
    def total(self) -> Decimal:
        """Sum of line amounts and charges (TDS01 / MOA 86)."""
        return sum((line.amount for line in self.lines), Decimal(0)) + sum(
            (charge.amount for charge in self.charges), Decimal(0)
        )
