"""InventoryAdvice <-> X12 846 and EDIFACT INVRPT.

X12 carries, per item: the quantity available for sale (QTY 33), the quantity on order (QTY 02), the
date it becomes available (DTM 018) and the warehouse those quantities are at (N1 WH; each location is a
LIN of its own). EDIFACT carries the item and its actual stock: a book-keeping balance (INV 4503 1) with
QTY 145. Lead times and discontinuation have no
place in either set as the hub writes them, so encoding a level that has them is refused rather than
silently dropping them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gridlink.documents.codecs.items import (
    edifact_line,
    edifact_line_item,
    x12_ids,
    x12_item,
)
from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.set_codec import SetCodec
from gridlink.documents.codecs.values import (
    DecodeError,
    ccyymmdd,
    number,
    optional_date,
    parse_date,
    parse_number,
)
from gridlink.documents.inventory import InventoryAdvice, InventoryLevel
from gridlink.edi.navigate import Loop

AVAILABLE, ON_ORDER, AVAILABLE_ON = "33", "02", "018"
STOCK = "145"  # EDIFACT 6063: actual stock


def _refuse(level: InventoryLevel, standard: str, *fields: str) -> None:
    given = [name for name in fields if getattr(level, name) not in (None, False)]
    if given:
        raise ValueError(f"{standard} inventory advice cannot carry {', '.join(given)} ({level.item.sku})")


def _x12(advice: InventoryAdvice, profile: CodecProfile) -> dict[str, Any]:
    return {
        "BIA": ["00", "DD", advice.reference, ccyymmdd(advice.as_of)],
        "LIN": [_x12_level(n, level, profile) for n, level in enumerate(advice.levels, start=1)],
        "CTT": [str(len(advice.levels))],
    }


def _x12_level(line: int, level: InventoryLevel, profile: CodecProfile) -> dict[str, Any]:
    _refuse(level, "X12", "lead_time_days", "discontinued")
    unit = profile.unit_out("EA")
    quantities = [[AVAILABLE, number(level.available), unit]]
    if level.on_order is not None:
        quantities.append([ON_ORDER, number(level.on_order), unit])
    loop: dict[str, Any] = {"LIN": [str(line), *x12_ids(level.item)]}
    if level.item.description:  # a plain segment here, not the PID loop of an 850
        loop["PID"] = [["F", None, None, None, level.item.description[:80]]]
    if level.available_date is not None:
        loop["DTM"] = [[AVAILABLE_ON, ccyymmdd(level.available_date)]]
    loop["QTY"] = [{"QTY": q} for q in quantities]
    if level.location is not None:  # the warehouse these quantities are at
        loop["N1"] = [{"N1": ["WH", None, "92", level.location]}]
    return loop


def _from_x12(root: Loop, profile: CodecProfile) -> InventoryAdvice:
    return InventoryAdvice(
        reference=root.value("BIA03"),
        as_of=parse_date(root.value("BIA04"), "BIA04 report date"),
        levels=[_x12_level_from(loop) for loop in root.loops("LIN")],
    )


def _x12_level_from(loop: Loop) -> InventoryLevel:
    lin = loop.segments("LIN")[0]
    item = x12_item(lin, 2, loop.value("PID05"))
    if item is None:
        raise DecodeError(f"LIN {lin.get(1)!r} names no item")
    located = next((n1 for n1 in loop.loops("N1") if n1.value("N101") == "WH"), None)
    quantities = {seg.get(1): seg.get(2) for q in loop.loops("QTY") for seg in q.segments("QTY")}
    if AVAILABLE not in quantities:
        raise DecodeError(f"LIN {lin.get(1)!r} ({item.sku}) has no QTY 33 quantity available")
    on_order = quantities.get(ON_ORDER)
    return InventoryLevel(
        item=item,
        available=max(Decimal(0), parse_number(quantities[AVAILABLE], "QTY 33 quantity available")),
        on_order=parse_number(on_order, "QTY 02 quantity on order") if on_order else None,
        available_date=optional_date(loop.value(f"DTM[{AVAILABLE_ON}]02"), "DTM 018"),
        location=(located.value("N104") or None) if located else None,
    )


def _edifact(advice: InventoryAdvice, profile: CodecProfile) -> dict[str, Any]:
    lines = []
    for n, level in enumerate(advice.levels, start=1):
        _refuse(level, "EDIFACT", "location", "on_order", "available_date", "lead_time_days", "discontinued")
        group = edifact_line(n, level.item, (STOCK, level.available), "EA", profile)
        # A balance (4503 1, book-keeping) with its quantity, in the inventory group of the line.
        group["SG13"] = [{"INV": [None, None, None, "1"], "QTY": group.pop("QTY")[0]}]
        lines.append(group)
    return {
        "BGM": ["35", advice.reference, "9"],
        "DTM": [[["137", ccyymmdd(advice.as_of), "102"]]],
        "SG9": lines,
    }


def _from_edifact(root: Loop, profile: CodecProfile) -> InventoryAdvice:
    levels = []
    for group in root.loops("SG9"):
        item = edifact_line_item(group, group.value("IMD04-4") + group.value("IMD04-5"))
        if item is None:
            raise DecodeError(f"LIN {group.value('LIN01')!r} names no item")
        stock = group.value(f"SG13/QTY[{STOCK}]01-2")
        if not stock:
            raise DecodeError(f"LIN {group.value('LIN01')!r} ({item.sku}) has no QTY 145 stock")
        levels.append(
            InventoryLevel(item=item, available=max(Decimal(0), parse_number(stock, "QTY 145 stock")))
        )
    return InventoryAdvice(
        reference=root.value("BGM02"),
        as_of=parse_date(root.value("DTM[137]01-2"), "DTM 137 document date"),
        levels=levels,
    )


INVENTORY: SetCodec[InventoryAdvice] = SetCodec(
    "inventory advice", "846", "INVRPT", _x12, _edifact, _from_x12, _from_edifact
)
encode_inventory = INVENTORY.encode
decode_inventory = INVENTORY.decode
