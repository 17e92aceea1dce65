"""A ship notice (856 / DESADV): what left the warehouse, in which packages, with which carrier."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, model_validator

from gridlink.documents.common import Document, Item, Party, Quantity, Text


class ShippedLine(Document):
    """Quantity shipped of one purchase-order line."""

    line_number: Annotated[int, Field(ge=1)]
    item: Item
    quantity: Annotated[Quantity, Field(gt=0)]
    unit: Text = "EA"


class Package(Document):
    """One carton or pallet: its tracking number (or SSCC) and what it holds."""

    tracking_number: str | None = None
    sscc: Annotated[str, Field(pattern=r"^\d{18}$")] | None = None
    lines: Annotated[list[ShippedLine], Field(min_length=1)]


class ShipNotice(Document):
    """The shipment ``shipment_id`` against purchase order ``po_number``."""

    shipment_id: Text
    po_number: Text
    notice_date: date
    shipped_at: datetime | None = None
    carrier_scac: str | None = None
    carrier_name: str | None = None
    service_level: str | None = None
    parties: list[Party] = Field(default_factory=list)
    packages: Annotated[list[Package], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> ShipNotice:
        if not any(package.tracking_number for package in self.packages):
            raise ValueError("a ship notice needs at least one tracking number")
        return self

    def quantities(self) -> dict[int, Quantity]:
        """Quantity shipped per purchase-order line, summed over packages."""
        totals: dict[int, Quantity] = {}
        for package in self.packages:
            for line in package.lines:
                totals[line.line_number] = totals.get(line.line_number, 0) + line.quantity
        return totals

    def tracking_numbers(self) -> list[str]:
        """Every tracking number in package order, without repeats."""
        return list(dict.fromkeys(p.tracking_number for p in self.packages if p.tracking_number))
