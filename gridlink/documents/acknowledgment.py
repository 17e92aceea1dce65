"""A supplier's answer to a purchase order (855 / ORDRSP): accepted, partial, substitution, backorder."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from gridlink.documents.common import Document, Item, Quantity, Text, require_unique_line_numbers


class AckStatus(StrEnum):
    """The answer for the order as a whole (BAK02 / BGM 4343)."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_CHANGES = "accepted_with_changes"
    REJECTED = "rejected"


class LineAckStatus(StrEnum):
    """The answer for one line (ACK01 / LIN 1229)."""

    ACCEPTED = "accepted"
    BACKORDERED = "backordered"
    SUBSTITUTED = "substituted"
    QUANTITY_CHANGED = "quantity_changed"
    REJECTED = "rejected"


class AckLine(Document):
    """The supplier's answer for one line of the purchase order."""

    line_number: Annotated[int, Field(ge=1)]
    status: LineAckStatus
    quantity: Quantity
    item: Item | None = None
    substitute: Item | None = None
    expected_ship_date: date | None = None

    @model_validator(mode="after")
    def _check(self) -> AckLine:
        if (self.status is LineAckStatus.SUBSTITUTED) != (self.substitute is not None):
            raise ValueError("a substitute item is given exactly when the line is substituted")
        return self


class OrderAcknowledgment(Document):
    """An acknowledgment of purchase order ``po_number``."""

    po_number: Text
    status: AckStatus
    ack_date: date
    reference: str | None = None
    notes: list[Text] = Field(default_factory=list)
    lines: list[AckLine] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> OrderAcknowledgment:
        require_unique_line_numbers(self.lines)
        if self.status is AckStatus.ACCEPTED_WITH_CHANGES and all(
            line.status is LineAckStatus.ACCEPTED for line in self.lines
        ):
            raise ValueError("accepted with changes, but no line says what changed")
        return self
