"""OrderAcknowledgment <-> X12 855 and EDIFACT ORDRSP."""

from __future__ import annotations

from typing import Any

from gridlink.documents.acknowledgment import AckLine, AckStatus, LineAckStatus, OrderAcknowledgment
from gridlink.documents.codecs.items import (
    edifact_ids,
    edifact_item,
    ftx_notes,
    ftx_notes_from,
    x12_ids,
    x12_item,
    x12_notes,
    x12_notes_from,
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
from gridlink.edi.navigate import Loop
from gridlink.edi.segment import Segment

X12_STATUS = {AckStatus.ACCEPTED: "AD", AckStatus.ACCEPTED_WITH_CHANGES: "AC", AckStatus.REJECTED: "RJ"}
X12_LINE = {
    LineAckStatus.ACCEPTED: "IA",
    LineAckStatus.BACKORDERED: "IB",
    LineAckStatus.SUBSTITUTED: "IS",
    LineAckStatus.QUANTITY_CHANGED: "IQ",
    LineAckStatus.REJECTED: "IR",
}
EDIFACT_STATUS = {AckStatus.ACCEPTED: "29", AckStatus.ACCEPTED_WITH_CHANGES: "4", AckStatus.REJECTED: "27"}
# EDIFACT lines: 1229 says accepted (5), changed (3) or not accepted (7); what changed shows in the
# quantity qualifier (83 backorder) or a PIA "substituted by" (3).
_ACCEPTED, _CHANGED, _REJECTED = "5", "3", "7"


def _x12(ack: OrderAcknowledgment, profile: CodecProfile) -> dict[str, Any]:
    day = ccyymmdd(ack.ack_date)
    doc: dict[str, Any] = {
        "BAK": ["00", X12_STATUS[ack.status], ack.po_number, day, None, None, None, ack.reference, day]
    }
    if ack.notes:
        doc["N9"] = [x12_notes(ack.notes, profile)]
    doc["PO1"] = [_x12_line(line, profile) for line in ack.lines]
    doc["CTT"] = {"CTT": [str(len(ack.lines))]}
    return doc


def _x12_line(line: AckLine, profile: CodecProfile) -> dict[str, Any]:
    unit = profile.unit_out("EA")
    po1: list[Any] = [str(line.line_number)]
    if line.item is not None:
        po1 += [None, None, None, None, *x12_ids(line.item)]
    shipped = [None, None] if line.expected_ship_date is None else ["068", ccyymmdd(line.expected_ship_date)]
    substitute = x12_ids(line.substitute) if line.substitute is not None else []
    return {
        "PO1": po1,
        "ACK": [{"ACK": [X12_LINE[line.status], number(line.quantity), unit, *shipped, None, *substitute]}],
    }


def _from_x12(root: Loop, profile: CodecProfile) -> OrderAcknowledgment:
    statuses = {code: status for status, code in X12_STATUS.items()}
    status = statuses.get(root.value("BAK02"))
    if status is None:
        raise DecodeError(f"BAK02 {root.value('BAK02')!r} is not an acknowledgment type the hub knows")
    day = root.value("BAK09") or root.value("BAK04")
    return OrderAcknowledgment(
        po_number=root.value("BAK03"),
        status=status,
        ack_date=parse_date(day, "BAK09 acknowledgment date"),
        reference=root.value("BAK08") or None,
        notes=x12_notes_from(root),
        lines=[_x12_line_from(loop) for loop in root.loops("PO1")],
    )


def _x12_line_from(loop: Loop) -> AckLine:
    po1 = loop.segments("PO1")[0]
    acks = loop.find_all("ACK/ACK")
    if not acks or not isinstance(acks[0], Segment):
        raise DecodeError(f"PO1 line {po1.get(1)!r} has no ACK segment saying what became of it")
    ack = acks[0]
    statuses = {code: status for status, code in X12_LINE.items()}
    status = statuses.get(ack.get(1))
    if status is None:
        raise DecodeError(f"ACK01 {ack.get(1)!r} on line {po1.get(1)!r} is not a status the hub knows")
    return AckLine(
        line_number=int(po1.get(1)) if po1.get(1).isdigit() else 0,
        status=status,
        quantity=parse_number(ack.get(2) or "0", "ACK02 quantity"),
        item=x12_item(po1, 6),
        substitute=x12_item(ack, 7) if status is LineAckStatus.SUBSTITUTED else None,
        expected_ship_date=optional_date(ack.get(5), "ACK05 date"),
    )


def _edifact(ack: OrderAcknowledgment, profile: CodecProfile) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "BGM": ["231", ack.reference or ack.po_number, EDIFACT_STATUS[ack.status]],
        "DTM": [[["137", ccyymmdd(ack.ack_date), "102"]]],
    }
    if ack.notes:
        doc["FTX"] = ftx_notes(ack.notes)
    doc["SG1"] = [{"RFF": [["ON", ack.po_number]]}]
    doc["SG26"] = [_edifact_line(line, profile) for line in ack.lines]
    doc["UNS"] = ["S"]
    doc["CNT"] = [[["2", str(len(ack.lines))]]]
    return doc


def _edifact_line(line: AckLine, profile: CodecProfile) -> dict[str, Any]:
    action = {LineAckStatus.ACCEPTED: _ACCEPTED, LineAckStatus.REJECTED: _REJECTED}.get(line.status, _CHANGED)
    item = line.item
    group: dict[str, Any] = {
        "LIN": [str(line.line_number), action, [item.gtin, "SRV"] if item and item.gtin else None]
    }
    pias = []
    if item is not None:
        pias.append(["5", *edifact_ids(item)])
    if line.substitute is not None:
        pias.append(["3", *edifact_ids(line.substitute)])
    if pias:
        group["PIA"] = pias
    qualifier = "83" if line.status is LineAckStatus.BACKORDERED else "113"
    group["QTY"] = [[[qualifier, number(line.quantity), profile.unit_out("EA")]]]
    if line.expected_ship_date is not None:
        group["DTM"] = [[["10", ccyymmdd(line.expected_ship_date), "102"]]]
    return group


def _from_edifact(root: Loop, profile: CodecProfile) -> OrderAcknowledgment:
    statuses = {code: status for status, code in EDIFACT_STATUS.items()}
    status = statuses.get(root.value("BGM03"))
    if status is None:
        raise DecodeError(f"BGM 1225 {root.value('BGM03')!r} is not a response the hub knows")
    po_number = root.value("SG1[ON]/RFF01-2")
    if not po_number:
        raise DecodeError("no RFF ON names the purchase order this responds to")
    reference = root.value("BGM02")
    return OrderAcknowledgment(
        po_number=po_number,
        status=status,
        ack_date=parse_date(root.value("DTM[137]01-2"), "DTM 137 message date"),
        reference=reference if reference != po_number else None,
        notes=ftx_notes_from(root),
        lines=[_edifact_line_from(group) for group in root.loops("SG26")],
    )


def _edifact_line_from(group: Loop) -> AckLine:
    action = group.value("LIN02")
    substitute = edifact_item(group, "3")
    if action == _ACCEPTED:
        status = LineAckStatus.ACCEPTED
    elif action == _REJECTED:
        status = LineAckStatus.REJECTED
    elif group.value("QTY[83]01-2"):
        status = LineAckStatus.BACKORDERED
    elif substitute is not None:
        status = LineAckStatus.SUBSTITUTED
    else:
        status = LineAckStatus.QUANTITY_CHANGED
    quantity = group.value("QTY[83]01-2") or group.value("QTY[113]01-2") or "0"
    gtin = group.value("LIN03-1") if group.value("LIN03-2") == "SRV" else ""
    line = group.value("LIN01")
    return AckLine(
        line_number=int(line) if line.isdigit() else 0,
        status=status,
        quantity=parse_number(quantity, "QTY quantity"),
        item=edifact_item(group, "5", gtin),
        substitute=substitute if status is LineAckStatus.SUBSTITUTED else None,
        expected_ship_date=optional_date(group.value("DTM[10]01-2"), "DTM 10 shipment date"),
    )


ACKNOWLEDGMENT: SetCodec[OrderAcknowledgment] = SetCodec(
    "order acknowledgment", "855", "ORDRSP", _x12, _edifact, _from_x12, _from_edifact
)
encode_acknowledgment = ACKNOWLEDGMENT.encode
decode_acknowledgment = ACKNOWLEDGMENT.decode
