"""Items and free-text notes as X12 and EDIFACT carry them, shared by every codec."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypedDict

from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.values import DecodeError, parse_number
from gridlink.documents.codecs.values import number as _number
from gridlink.documents.common import Item
from gridlink.edi.navigate import Loop
from gridlink.edi.segment import Segment

# GTINs by length, as X12 product id qualifiers: U.P.C. (12), EAN (8, 13), GTIN-14.
_GTIN_QUALIFIER = {8: "EN", 12: "UP", 13: "EN", 14: "UK"}
_NOTE = 70  # EDIFACT free text comes in pieces of 70 characters, five to a segment


def x12_ids(item: Item) -> list[str | None]:
    """Product id pairs: our SKU (SK), the partner's item (VP), the GTIN."""
    ids: list[str | None] = ["SK", item.sku]
    if item.partner_item:
        ids += ["VP", item.partner_item]
    if item.gtin:
        ids += [_GTIN_QUALIFIER[len(item.gtin)], item.gtin]
    return ids


def x12_item(seg: Segment, first: int, description: str = "") -> Item | None:
    """The item named by the id pairs of `seg` from position `first` on; None when none names it."""
    return x12_item_of(x12_id_pairs(seg, range(first, len(seg.elements) + 1, 2)), description)


def x12_id_pairs(seg: Segment, positions: Iterable[int]) -> dict[str, str]:
    """Product id qualifier -> id, from the pairs starting at `positions`."""
    return {seg.get(i): seg.get(i + 1) for i in positions if seg.get(i)}


def x12_item_of(ids: dict[str, str], description: str = "") -> Item | None:
    """The item product id pairs name: our SKU, the partner's number, the GTIN; None without a SKU."""
    sku = ids.get("SK") or ids.get("BP") or ids.get("VP") or ids.get("IN")
    if not sku:
        return None
    gtin = next((ids[q] for q in ("UK", "EN", "UP") if q in ids), None)
    return Item(sku=sku, partner_item=ids.get("VP"), gtin=gtin, description=description or None)


def edifact_ids(item: Item) -> list[list[str]]:
    """PIA item numbers: ours as the buyer's (IN), the partner's as the supplier's (SA)."""
    return [[item.sku, "IN"]] + ([[item.partner_item, "SA"]] if item.partner_item else [])


def edifact_line(
    line_number: int, item: Item, quantity: tuple[str, Decimal], unit: str, profile: CodecProfile
) -> dict[str, Any]:
    """The start of a LIN group: LIN with the GTIN, PIA with item numbers, IMD, QTY (qualifier, value)."""
    group: dict[str, Any] = {
        "LIN": [str(line_number), None, [item.gtin, "SRV"] if item.gtin else None],
        "PIA": [["1", *edifact_ids(item)]],
        "QTY": [[[quantity[0], _number(quantity[1]), profile.unit_out(unit)]]],
    }
    if item.description:
        text = item.description[:70]
        group["IMD"] = [["F", None, None, [None, None, None, text[:35], text[35:] or None]]]
    return group


def x12_description(item: Item) -> dict[str, Any]:
    """The PID loop describing `item`, when it has a description."""
    return {"PID": [{"PID": ["F", None, None, None, item.description[:80]]}]} if item.description else {}


def edifact_item(group: Loop, function: str, gtin: str = "", description: str = "") -> Item | None:
    """The item in the PIA segments of `group` with product id function `function` (4347)."""
    ids: dict[str, str] = {}
    for seg in group.segments("PIA"):
        if seg.get(1) != function:
            continue
        for position in range(2, len(seg.elements) + 1):
            if seg.get(position, 1):
                ids.setdefault(seg.get(position, 2), seg.get(position, 1))
    sku = ids.get("IN") or ids.get("SA") or gtin
    if not sku:
        return None
    return Item(sku=sku, partner_item=ids.get("SA"), gtin=gtin or None, description=description or None)


def x12_notes(notes: list[str], profile: CodecProfile) -> dict[str, Any]:
    """An N9 loop iteration carrying notes: MSG up to 004010, MTX from 005010 on."""
    if profile.version >= "005010":
        return {"N9": ["L1", "NOTES"], "MTX": [["GEN", note[:4096]] for note in notes]}
    return {"N9": ["L1", "NOTES"], "MSG": [[note[:264]] for note in notes]}


def x12_notes_from(root: Loop) -> list[str]:
    """The notes of the set's N9 loops."""
    return [str(v) for v in root.find_all("N9/MSG01") + root.find_all("N9/MTX02")]


def ftx_notes(notes: list[str]) -> list[list[Any]]:
    """FTX segments (general information, AAI) carrying notes, five pieces of 70 characters each."""
    out: list[list[Any]] = []
    for note in notes:
        pieces = [note[i : i + _NOTE] for i in range(0, len(note), _NOTE)]
        out += [["AAI", None, None, pieces[i : i + 5]] for i in range(0, len(pieces), 5)]
    return out


def ftx_notes_from(root: Loop) -> list[str]:
    """The notes of the message's FTX AAI segments."""
    return ["".join(seg.components(4)) for seg in root.segments("FTX") if seg.get(1) == "AAI" and seg.raw(4)]


def edifact_line_item(group: Loop, description: str = "") -> Item | None:
    """The item of a LIN group: the GTIN in LIN, our and the partner's numbers in PIA (function 1)."""
    gtin = group.value("LIN03-1") if group.value("LIN03-2") == "SRV" else ""
    return edifact_item(group, "1", gtin, description)


class LineFields(TypedDict):
    """What every document line carries."""

    line_number: int
    item: Item
    quantity: Decimal
    unit: str


def line_fields(
    where: str, number: str, item: Item | None, quantity: tuple[str, str], unit: str, profile: CodecProfile
) -> LineFields:
    """A line's number, item, quantity (value, what it is) and unit; DecodeError when no item is named."""
    if item is None:
        raise DecodeError(f"{where} names no item")
    return {
        "line_number": int(number) if number.isdigit() else 0,
        "item": item,
        "quantity": parse_number(*quantity),
        "unit": profile.unit_in(unit or "EA"),
    }


def x12_baseline(loop: Loop, tag: str, profile: CodecProfile) -> tuple[LineFields, str]:
    """A PO1 or IT1 loop (the same baseline item layout): its line fields, and its unit price text."""
    seg = loop.segments(tag)[0]
    fields = line_fields(
        f"{tag} line {seg.get(1)!r}",
        seg.get(1),
        x12_item(seg, 6, loop.value("PID/PID05")),
        (seg.get(2), f"{tag}02 quantity"),
        seg.get(3),
        profile,
    )
    return fields, seg.get(4)


def edifact_line_fields(
    group: Loop, qualifier: str, what: str, profile: CodecProfile, where: str = ""
) -> LineFields:
    """A LIN group's line fields, its quantity taken from the QTY with `qualifier` (`what` it is), in
    the group itself or under the path `where` ("SG12/")."""
    return line_fields(
        f"LIN line {group.value('LIN01')!r}",
        group.value("LIN01"),
        edifact_line_item(group, group.value("IMD04-4") + group.value("IMD04-5")),
        (group.value(f"{where}QTY[{qualifier}]01-2"), f"QTY {qualifier} {what}"),
        group.value(f"{where}QTY[{qualifier}]01-3"),
        profile,
    )
