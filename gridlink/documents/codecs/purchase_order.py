"""PurchaseOrder <-> X12 850 and EDIFACT ORDERS."""

from __future__ import annotations

from typing import Any

from gridlink.documents.codecs.items import (
    edifact_line,
    edifact_line_fields,
    ftx_notes,
    ftx_notes_from,
    x12_baseline,
    x12_description,
    x12_ids,
    x12_notes,
    x12_notes_from,
)
from gridlink.documents.codecs.parties import edifact_parties, edifact_party, x12_parties, x12_party
from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.set_codec import SetCodec
from gridlink.documents.codecs.values import (
    ccyymmdd,
    number,
    optional_date,
    optional_int,
    parse_date,
    parse_number,
)
from gridlink.documents.purchase_order import OrderLine, PurchaseOrder, PurchaseOrderPurpose
from gridlink.edi.navigate import Loop

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
        doc["N9"] = [x12_notes(po.notes, profile)]
    doc["N1"] = [x12_party(p) for p in po.parties]
    doc["PO1"] = [_x12_line(line, profile) for line in po.lines]
    doc["CTT"] = {"CTT": [str(len(po.lines))]}
    return doc


def _x12_line(line: OrderLine, profile: CodecProfile) -> dict[str, Any]:
    price = number(line.unit_price) if line.unit_price is not None else None
    po1 = [str(line.line_number), number(line.quantity), profile.unit_out(line.unit), price, None]
    return {"PO1": [*po1, *x12_ids(line.item)], **x12_description(line.item)}


def _from_x12(root: Loop, profile: CodecProfile) -> PurchaseOrder:
    purposes = {code: purpose for purpose, code in X12_PURPOSE.items()}
    store_order = root.value("REF[CO]02")
    scac = root.value("TD503") if root.value("TD502") == "2" else ""
    return PurchaseOrder(
        number=root.value("BEG03"),
        purpose=purposes.get(root.value("BEG01"), PurchaseOrderPurpose.ORIGINAL),
        order_date=parse_date(root.value("BEG05"), "BEG05 purchase order date"),
        currency=root.value("CUR[BY]02") or "USD",
        store_order_id=optional_int(store_order),
        requested_ship_date=optional_date(root.value("DTM[010]02"), "DTM 010"),
        requested_delivery_date=optional_date(root.value("DTM[002]02"), "DTM 002"),
        carrier_scac=scac or None,
        notes=x12_notes_from(root),
        parties=x12_parties(root),
        lines=[_x12_line_from(loop, profile) for loop in root.loops("PO1")],
    )


def _x12_line_from(loop: Loop, profile: CodecProfile) -> OrderLine:
    fields, price = x12_baseline(loop, "PO1", profile)
    return OrderLine(**fields, unit_price=parse_number(price, "PO104 unit price") if price else None)


def _edifact(po: PurchaseOrder, profile: CodecProfile) -> dict[str, Any]:
    dates = [("137", po.order_date), ("2", po.requested_delivery_date), ("10", po.requested_ship_date)]
    doc: dict[str, Any] = {
        "BGM": ["220", po.number, EDIFACT_PURPOSE[po.purpose]],
        "DTM": [[[code, ccyymmdd(day), "102"]] for code, day in dates if day],
    }
    if po.notes:
        doc["FTX"] = ftx_notes(po.notes)
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
    group = edifact_line(line.line_number, line.item, ("21", line.quantity), line.unit, profile)
    if line.unit_price is not None:
        group["SG28"] = [{"PRI": [["AAA", number(line.unit_price)]]}]
    return group


def _from_edifact(root: Loop, profile: CodecProfile) -> PurchaseOrder:
    purposes = {code: purpose for purpose, code in EDIFACT_PURPOSE.items()}
    store_order = root.value("SG1[CO]/RFF01-2")
    return PurchaseOrder(
        number=root.value("BGM02"),
        purpose=purposes.get(root.value("BGM03"), PurchaseOrderPurpose.ORIGINAL),
        order_date=parse_date(root.value("DTM[137]01-2"), "DTM 137 order date"),
        currency=root.value("SG7/CUX01-2") or "USD",
        store_order_id=optional_int(store_order),
        requested_ship_date=optional_date(root.value("DTM[10]01-2"), "DTM 10"),
        requested_delivery_date=optional_date(root.value("DTM[2]01-2"), "DTM 2"),
        carrier_scac=root.value("SG9/TDT05-1") or None,
        notes=ftx_notes_from(root),
        parties=edifact_parties(root, "SG2", "SG5"),
        lines=[_edifact_line_from(group, profile) for group in root.loops("SG25")],
    )


def _edifact_line_from(group: Loop, profile: CodecProfile) -> OrderLine:
    price = group.value("SG28/PRI[AAA]01-2")
    return OrderLine(
        **edifact_line_fields(group, "21", "ordered quantity", profile),
        unit_price=parse_number(price, "PRI AAA price") if price else None,
    )


PURCHASE_ORDER: SetCodec[PurchaseOrder] = SetCodec(
    "purchase order", "850", "ORDERS", _x12, _edifact, _from_x12, _from_edifact
)
encode_purchase_order = PURCHASE_ORDER.encode
decode_purchase_order = PURCHASE_ORDER.decode
