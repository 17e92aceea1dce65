"""Routing rules: which partner supplies which order lines, and the purchase-order number for each."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

PartnerKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


@dataclass(frozen=True)
class LineFacts:
    """What routing may look at on one order line (taken from the order and its product)."""

    line_id: int
    sku: str
    brand: str | None = None
    categories: frozenset[str] = frozenset()
    custom_fields: Mapping[str, str] = field(default_factory=dict)
    location: str | None = None


class Match(BaseModel):
    """The conditions of a rule; all that are given must hold. SKUs accept shell-style ``*`` wildcards."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skus: list[str] = Field(default_factory=list)
    brands: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    custom_field: dict[str, str] = Field(default_factory=dict)
    locations: list[str] = Field(default_factory=list)

    def matches(self, line: LineFacts) -> bool:
        """True when ``line`` meets every condition given."""
        if self.skus and not any(_sku_pattern(p).fullmatch(line.sku) for p in self.skus):
            return False
        if self.brands and (line.brand is None or line.brand.casefold() not in _folded(self.brands)):
            return False
        if self.categories and not line.categories & set(self.categories):
            return False
        if any(line.custom_fields.get(name) != value for name, value in self.custom_field.items()):
            return False
        return not (self.locations and line.location not in self.locations)


class Rule(BaseModel):
    """Lines that match go to ``partner``; rules are tried in order and the first match wins."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner: PartnerKey
    match: Match

    @model_validator(mode="after")
    def _has_a_condition(self) -> Rule:
        if self.match == Match():
            raise ValueError(f"a rule for {self.partner} matches everything: use `default` instead")
        return self


class RoutingTable(BaseModel):
    """Ordered rules and a default partner; a line no rule matches goes to the default, if there is one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[Rule] = Field(default_factory=list)
    default: PartnerKey | None = None

    def partner_for(self, line: LineFacts) -> str | None:
        """The partner that supplies ``line``, or None when nothing routes it."""
        for rule in self.rules:
            if rule.match.matches(line):
                return rule.partner
        return self.default

    def partners(self) -> set[str]:
        """Every partner the table can route to."""
        return {rule.partner for rule in self.rules} | ({self.default} if self.default else set())


@dataclass(frozen=True)
class Split:
    """An order's lines grouped by supplier (drop-ship: one purchase order each), and what nothing routes."""

    by_partner: dict[str, list[LineFacts]]
    unrouted: list[LineFacts]


def split(table: RoutingTable, lines: Iterable[LineFacts]) -> Split:
    """Group ``lines`` by the partner that supplies each, keeping the order's line order."""
    by_partner: dict[str, list[LineFacts]] = {}
    unrouted: list[LineFacts] = []
    for line in lines:
        partner = table.partner_for(line)
        if partner is None:
            unrouted.append(line)
        else:
            by_partner.setdefault(partner, []).append(line)
    return Split(by_partner=by_partner, unrouted=unrouted)


def po_number(order_id: int, partner: str, partner_code: str | None = None) -> str:
    """The purchase-order number for ``partner``'s share of store order ``order_id``.

    Derived, never allocated: a retried send carries the same number, so the supplier (and the hub) can
    recognise the repeat. ``partner_code`` is a short code the partner asked for; the key is the fallback.
    """
    # BEG03 allows 22 characters: up to 10 digits of order id, a dash and 11 of the partner's code.
    suffix = re.sub(r"[^A-Z0-9]", "", (partner_code or partner).upper())[:11] or "P"
    return f"{order_id}-{suffix}"


def load_table(data: Mapping[str, Any]) -> RoutingTable:
    """A routing table from parsed configuration (raises pydantic.ValidationError naming the bad field)."""
    return RoutingTable.model_validate(data)


@functools.lru_cache(maxsize=1024)
def _sku_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.IGNORECASE)


def _folded(values: Iterable[str]) -> set[str]:
    return {value.casefold() for value in values}
