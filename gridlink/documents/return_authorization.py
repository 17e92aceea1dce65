"""A return authorization (180 / RETANN) sent to a supplier, warehouse or 3PL."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from gridlink.documents.common import Document, Item, Party, Quantity, Text, require_unique_line_numbers


class ReturnReason(StrEnum):
    """Why an item comes back."""

    DAMAGED = "damaged"
    DEFECTIVE = "defective"
    WRONG_ITEM = "wrong_item"
    NOT_AS_DESCRIBED = "not_as_described"
    NO_LONGER_NEEDED = "no_longer_needed"
    OTHER = "other"


class ReturnLine(Document):
    """One returned item."""

    line_number: Annotated[int, Field(ge=1)]
    item: Item
    quantity: Annotated[Quantity, Field(gt=0)]
    unit: Text = "EA"
    reason: ReturnReason
    note: str | None = None


class ReturnAuthorization(Document):
    """Return ``rma_number`` for store order ``store_order_id``."""

    rma_number: Text
    authorized_on: date
    store_order_id: int | None = None
    po_number: str | None = None
    parties: list[Party] = Field(default_factory=list)
    lines: Annotated[list[ReturnLine], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> ReturnAuthorization:
        require_unique_line_numbers(self.lines)
        return self
