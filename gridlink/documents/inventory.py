"""An inventory or availability notice from a partner (846 / INVRPT)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from gridlink.documents.common import Document, Item, Quantity, Text


class InventoryLevel(Document):
    """What the partner can supply of one item, possibly per location."""

    item: Item
    available: Quantity
    location: str | None = None
    on_order: Quantity | None = None
    available_date: date | None = None
    lead_time_days: Annotated[int, Field(ge=0)] | None = None
    discontinued: bool = False


class InventoryAdvice(Document):
    """A snapshot of availability as of ``as_of``; a later snapshot supersedes an earlier one."""

    reference: Text
    as_of: date
    levels: Annotated[list[InventoryLevel], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> InventoryAdvice:
        seen: set[tuple[str, str | None]] = set()
        for level in self.levels:
            key = (level.item.sku, level.location)
            if key in seen:
                raise ValueError(f"{level.item.sku} at {level.location or 'any location'} is listed twice")
            seen.add(key)
        return self
