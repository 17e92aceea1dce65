"""PurchaseOrder <-> X12 850 and EDIFACT ORDERS."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from gridlink.documents.codecs.parties import edifact_party, edifact_party_from, x12_party, x12_party_from
from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.values import (
    DecodeError,
    ccyymmdd,
    number,
    optional_date,
    parse_date,
    parse_number,
)
from gridlink.documents.common import Item
from gridlink.documents.purchase_order import OrderLine, PurchaseOrder, PurchaseOrderPurpose
from gridlink.edi.compose import Body, compose
from gridlink.edi.navigate import Loop, parse_set
from gridlink.edi.segment import Segment
from gridlink.edi.spec import load_set

X12_PURPOSE = {
    PurchaseOrderPurpose.ORIGINAL: "00",
    PurchaseOrderPurpose.REPLACE: "05",
    PurchaseOrderPurpose.CANCEL: "01",
}
EDIFACT_PURPOSE = {
    PurchaseOrderPurpose.ORIGINAL: "9",
    PurchaseOrderPurpose.REPLACE: "5",
    PurchaseOrderPurpose.CANCEL: "1",
}
# GTINs by length, as X12 product id qualifiers: U.P.C. (12), EAN (8, 13), GTIN-14.
_GTIN_QUALIFIER = {8: "EN", 12: "UP", 13: "EN", 14: "UK"}
_NOTE = 70  # EDIFACT free text comes in pieces of 70 characters, five to a segment


def encode_purchase_order(po: PurchaseOrder, profile: CodecProfile) -> tuple[str, Body]:
    """The set id and body segments of ``po`` for the partner's standard and version."""
    if profile.standard == "x12":
        return "850", compose(load_set("x12", profile.version, "850"), _x12(po, profile))
    return "ORDERS", compose(load_set("edifact", profile.version, "ORDERS"), _edifact(po, profile))


def decode_purchase_order(segments: Iterable[Segment], profile: CodecProfile) -> PurchaseOrder:
    """The purchase order in one set's segments (ST..SE or UNH..UNT); DecodeError says what is wrong."""
    try:
        if profile.standard == "x12":
            return _from_x12(parse_set(segments, load_set("x12", profile.version, "850")), profile)
        return _from_edifact(parse_set(segments, load_set("edifact", profile.version, "ORDERS")), profile)
    except ValidationError as exc:
        raise DecodeError(f"not a usable purchase order: {exc.errors()[0]['msg']}") from None


def _x12(po: PurchaseOrder, profile: CodecProfile) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "BEG": [X12_PURPOSE[po.purpose], "SA", po.number, None, ccyymmdd(po.order_date)],
        "CUR": ["BY", po.currency],
    }
    if po.store_order_id is not None:
        doc["REF"] = [["CO", str(po.store_order_id)]]
    dates = [
        (code, day)
        for code, day in (("010", po.requested_ship_date), ("002", po.requested_delivery_date))
        if day
    ]
    if dates:
        doc["DTM"] = [[code, ccyymmdd(day)] for code, day in dates]
    if po.carrier_scac:
        doc["TD5"] = [[None, "2", po.carrier_scac]]
    if po.notes:
        # Free text: MSG up to 004010, MTX from 005010 on.
        text = {"MSG": [[note[:264]] for note in po.notes]}
        if profile.version >= "005010":
            text = {"MTX": [["GEN", note[:4096]] for note in po.notes]}
        doc["N9"] = [{"N9": ["L1", "NOTES"], **text}]
    doc["N1"] = [x12_party(p) for p in po.parties]
    doc["PO1"] = [_x12_line(line, profile) for line in po.lines]
    doc["CTT"] = {"CTT": [str(len(po.lines))]}
    return doc


def _x12_line(line: OrderLine, profile: CodecProfile) -> dict[str, Any]:
    ids: list[str | None] = ["SK", line.item.sku]
    if line.item.partner_item:
        ids += ["VP", line.item.partner_item]
    if line.item.gtin:
        ids += [_GTIN_QUALIFIER[len(line.item.gtin)], line.item.gtin]
    price = number(line.unit_price) if line.unit_price is not None else None
    loop: dict[str, Any] = {
        "PO1": [str(line.line_number), number(line.quantity), profile.unit_out(line.unit), price, None, *ids]
    }
    if line.item.description:
        loop["PID"] = [{"PID": ["F", None, None, None, line.item.description[:80]]}]
    return loop


def _from_x12(root: Loop, profile: CodecProfile) -> PurchaseOrder:
    purposes = {code: purpose for purpose, code in X12_PURPOSE.items()}
    store_order = root.value("REF[CO]02")
    scac = root.value("TD503") if root.value("TD502") == "2" else ""
    return PurchaseOrder(
        number=root.value("BEG03"),
        purpose=purposes.get(root.value("BEG01"), PurchaseOrderPurpose.ORIGINAL),
        order_date=parse_date(root.value("BEG05"), "BEG05 purchase order date"),
        currency=root.value("CUR[BY]02") or "USD",
        store_order_id=int(store_order) if store_order.isdigit() else None,
        requested_ship_date=optional_date(root.value("DTM[010]02"), "DTM 010"),
        requested_delivery_date=optional_date(root.value("DTM[002]02"), "DTM 002"),
        carrier_scac=scac or None,
        notes=[str(v) for v in root.find_all("N9/MSG01") + root.find_all("N9/MTX02")],
        parties=[p for p in (x12_party_from(loop) for loop in root.loops("N1")) if p is not None],
        lines=[_x12_line_from(loop, profile) for loop in root.loops("PO1")],
    )


def _x12_line_from(loop: Loop, profile: CodecProfile) -> OrderLine:
    seg = loop.segments("PO1")[0]
    ids = {seg.get(i): seg.get(i + 1) for i in range(6, len(seg.elements) + 1, 2) if seg.get(i)}
    sku = ids.get("SK") or ids.get("BP") or ids.get("VP") or ids.get("IN")
    if not sku:
        raise DecodeError(f"PO1 line {seg.get(1)!r} names no item (SK, BP, VP or IN)")
    gtin = next((ids[q] for q in ("UK", "EN", "UP") if q in ids), None)
    price = seg.get(4)
    return OrderLine(
        line_number=int(seg.get(1)) if seg.get(1).isdigit() else 0,
        item=Item(
            sku=sku,
            partner_item=ids.get("VP"),
            gtin=gtin,
            description=loop.value("PID/PID05") or None,
        ),
        quantity=parse_number(seg.get(2), "PO102 quantity"),
        unit=profile.unit_in(seg.get(3) or "EA"),
        unit_price=parse_number(price, "PO104 unit price") if price else None,
    )


def _edifact(po: PurchaseOrder, profile: CodecProfile) -> dict[str, Any]:
    dates = [("137", po.order_date), ("2", po.requested_delivery_date), ("10", po.requested_ship_date)]
    doc: dict[str, Any] = {
        "BGM": ["220", po.number, EDIFACT_PURPOSE[po.purpose]],
        "DTM": [[[code, ccyymmdd(day), "102"]] for code, day in dates if day],
    }
    if po.notes:
        doc["FTX"] = [["AAI", None, None, chunk] for note in po.notes for chunk in _pieces(note)]
    if po.store_order_id is not None:
        doc["SG1"] = [{"RFF": [["CO", str(po.store_order_id)]]}]
    doc["SG2"] = [edifact_party(p, "SG5") for p in po.parties]
    doc["SG7"] = [{"CUX": [["2", po.currency, "9"]]}]
    if po.carrier_scac:
        doc["SG9"] = [{"TDT": ["20", None, None, None, [po.carrier_scac, None, "182"]]}]
    doc["SG25"] = [_edifact_line(line, profile) for line in po.lines]
    doc["UNS"] = ["S"]
    doc["CNT"] = [[["2", str(len(po.lines))]]]
    return doc


def _edifact_line(line: OrderLine, profile: CodecProfile) -> dict[str, Any]:
    item = line.item
    ids: list[Any] = [[item.sku, "IN"]] + ([[item.partner_item, "SA"]] if item.partner_item else [])
    group: dict[str, Any] = {
        "LIN": [str(line.line_number), None, [item.gtin, "SRV"] if item.gtin else None],
        "PIA": [["1", *ids]],
        "QTY": [[["21", number(line.quantity), profile.unit_out(line.unit)]]],
    }
    if item.description:
        text = item.description[:70]
        group["IMD"] = [["F", None, None, [None, None, None, text[:35], text[35:] or None]]]
    if line.unit_price is not None:
        group["SG28"] = [{"PRI": [["AAA", number(line.unit_price)]]}]
    return group


def _from_edifact(root: Loop, profile: CodecProfile) -> PurchaseOrder:
    purposes = {code: purpose for purpose, code in EDIFACT_PURPOSE.items()}
    store_order = root.value("SG1[CO]/RFF01-2")
    notes = ["".join(seg.components(4)) for seg in root.segments("FTX") if seg.get(1) == "AAI" and seg.raw(4)]
    return PurchaseOrder(
        number=root.value("BGM02"),
        purpose=purposes.get(root.value("BGM03"), PurchaseOrderPurpose.ORIGINAL),
        order_date=parse_date(root.value("DTM[137]01-2"), "DTM 137 order date"),
        currency=root.value("SG7/CUX01-2") or "USD",
        store_order_id=int(store_order) if store_order.isdigit() else None,
        requested_ship_date=optional_date(root.value("DTM[10]01-2"), "DTM 10"),
        requested_delivery_date=optional_date(root.value("DTM[2]01-2"), "DTM 2"),
        carrier_scac=root.value("SG9/TDT05-1") or None,
        notes=notes,
        parties=[p for p in (edifact_party_from(g, "SG5") for g in root.loops("SG2")) if p is not None],
        lines=[_edifact_line_from(group, profile) for group in root.loops("SG25")],
    )


def _edifact_line_from(group: Loop, profile: CodecProfile) -> OrderLine:
    ids: dict[str, str] = {}
    for seg in group.segments("PIA"):
        for position in range(2, len(seg.elements) + 1):
            value, kind = seg.get(position, 1), seg.get(position, 2)
            if value:
                ids.setdefault(kind, value)
    gtin = group.value("LIN03-1") if group.value("LIN03-2") == "SRV" else ""
    sku = ids.get("IN") or ids.get("SA") or gtin
    if not sku:
        raise DecodeError(f"LIN line {group.value('LIN01')!r} names no item (LIN, or PIA IN or SA)")
    description = group.value("IMD04-4") + group.value("IMD04-5")
    line = group.value("LIN01")
    price = group.value("SG28/PRI[AAA]01-2")
    return OrderLine(
        line_number=int(line) if line.isdigit() else 0,
        item=Item(sku=sku, partner_item=ids.get("SA"), gtin=gtin or None, description=description or None),
        quantity=parse_number(group.value("QTY[21]01-2"), "QTY 21 ordered quantity"),
        unit=profile.unit_in(group.value("QTY[21]01-3") or "EA"),
        unit_price=parse_number(price, "PRI AAA price") if price else None,
    )


def _pieces(note: str) -> list[list[str]]:
    """A note as FTX C108 values: five pieces of 70 characters to a segment."""
    pieces = [note[i : i + _NOTE] for i in range(0, len(note), _NOTE)]
    return [pieces[i : i + 5] for i in range(0, len(pieces), 5)]
