"""ReturnAuthorization <-> X12 180 and EDIFACT RETANN.

X12: BGN with the RMA number, PRF with the purchase order, N9 CO with the store order, N1 parties, and a
BLI loop per line with its line number (N9 LI), description (PID) and reason (RDR: disposition RA,
"return with authorization number", and the return request reason code).
EDIFACT: BGM with the RMA number (named, not coded), RFF ON and CO, NAD parties, a LIN group per line
with its return quantity (QTY 61). The line group of RETANN as the hub specifies it has no place for a
reason, so reasons and notes travel as free text (FTX AAI, "line N: reason: note") and are read back.
"""

from __future__ import annotations

import re
from typing import Any

from gridlink.documents.codecs.items import (
    edifact_line,
    edifact_line_fields,
    x12_id_pairs,
    x12_ids,
    x12_item_of,
)
from gridlink.documents.codecs.parties import edifact_parties, edifact_party, x12_parties, x12_party
from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.set_codec import SetCodec
from gridlink.documents.codecs.values import (
    DecodeError,
    ccyymmdd,
    number,
    optional_int,
    parse_date,
    parse_number,
)
from gridlink.documents.return_authorization import ReturnAuthorization, ReturnLine, ReturnReason
from gridlink.edi.navigate import Loop

# Return request reason codes (X12 element 1293); ZZ, mutually defined, for anything else.
X12_REASONS = {
    ReturnReason.DAMAGED: "DA",
    ReturnReason.DEFECTIVE: "DM",
    ReturnReason.WRONG_ITEM: "WG",
    ReturnReason.NOT_AS_DESCRIBED: "NA",
    ReturnReason.NO_LONGER_NEEDED: "CO",
    ReturnReason.OTHER: "ZZ",
}
RETURN_QUANTITY = "61"  # EDIFACT 6063
_REASONS = {reason.value: reason for reason in ReturnReason}
_REASON_TEXT = re.compile(r"^line (\d+): ([a-z_]+)(?:: (.*))?$", re.DOTALL)


def _x12(rma: ReturnAuthorization, profile: CodecProfile) -> dict[str, Any]:
    doc: dict[str, Any] = {"BGN": ["00", rma.rma_number, ccyymmdd(rma.authorized_on)]}
    if rma.po_number:
        doc["PRF"] = [rma.po_number]
    if rma.store_order_id is not None:
        doc["N9"] = [["CO", str(rma.store_order_id)]]
    if rma.parties:
        doc["N1"] = [x12_party(p) for p in rma.parties]
    doc["BLI"] = [_x12_line(line, profile) for line in rma.lines]
    return doc


def _x12_line(line: ReturnLine, profile: CodecProfile) -> dict[str, Any]:
    ids = x12_ids(line.item)  # SK, our SKU, then the partner's item and the GTIN as further pairs
    loop: dict[str, Any] = {
        "BLI": [*ids[:2], number(line.quantity), profile.unit_out(line.unit), None, None, None, *ids[2:]],
        "N9": [["LI", str(line.line_number)]],
        "RDR": ["RA", X12_REASONS[line.reason], None, (line.note or "")[:80] or None],
    }
    if line.item.description:
        loop["PID"] = [["F", None, None, None, line.item.description[:80]]]
    return loop


def _from_x12(root: Loop, profile: CodecProfile) -> ReturnAuthorization:
    reasons = {code: reason for reason, code in X12_REASONS.items()}
    lines: list[ReturnLine] = []
    for loop in root.loops("BLI"):
        bli = loop.segments("BLI")[0]
        item = x12_item_of(x12_id_pairs(bli, (1, 8, 10, 12)), loop.value("PID05"))
        if item is None:
            raise DecodeError("a BLI line names no item")
        number_text = loop.value("N9[LI]02")
        lines.append(
            ReturnLine(
                line_number=int(number_text) if number_text.isdigit() else len(lines) + 1,
                item=item,
                quantity=parse_number(bli.get(3), "BLI03 quantity"),
                unit=profile.unit_in(bli.get(4) or "EA"),
                reason=reasons.get(loop.value("RDR02"), ReturnReason.OTHER),
                note=loop.value("RDR04") or None,
            )
        )
    return ReturnAuthorization(
        rma_number=root.value("BGN02"),
        authorized_on=parse_date(root.value("BGN03"), "BGN03 date"),
        po_number=root.value("PRF01") or None,
        store_order_id=optional_int(root.value("N9[CO]02")),
        parties=x12_parties(root),
        lines=lines,
    )


def _edifact(rma: ReturnAuthorization, profile: CodecProfile) -> dict[str, Any]:
    references = [["ON", rma.po_number]] if rma.po_number else []
    if rma.store_order_id is not None:
        references.append(["CO", str(rma.store_order_id)])
    doc: dict[str, Any] = {
        "BGM": [[None, None, None, "RETURN AUTHORIZATION"], rma.rma_number, "9"],
        "DTM": [[["137", ccyymmdd(rma.authorized_on), "102"]]],
        "FTX": [["AAI", None, None, _pieces(_reason_text(line))] for line in rma.lines],
    }
    if references:
        doc["SG2"] = [{"RFF": [ref]} for ref in references]
    if rma.parties:
        doc["SG3"] = [edifact_party(p, "SG5") for p in rma.parties]
    doc["SG11"] = [_edifact_line(line, profile) for line in rma.lines]
    doc["UNS"] = ["S"]
    return doc


def _edifact_line(line: ReturnLine, profile: CodecProfile) -> dict[str, Any]:
    group = edifact_line(line.line_number, line.item, (RETURN_QUANTITY, line.quantity), line.unit, profile)
    quantity = group.pop("QTY")  # in RETANN the quantity has a group of its own
    group["SG12"] = [{"QTY": quantity[0]}]
    return group


def _reason_text(line: ReturnLine) -> str:
    return f"line {line.line_number}: {line.reason.value}" + (f": {line.note}" if line.note else "")


def _pieces(text: str) -> list[str]:
    return [text[i : i + 70] for i in range(0, min(len(text), 350), 70)]


def _from_edifact(root: Loop, profile: CodecProfile) -> ReturnAuthorization:
    reasons: dict[int, tuple[ReturnReason, str | None]] = {}
    for seg in root.segments("FTX"):
        found = _REASON_TEXT.match("".join(seg.components(4))) if seg.get(1) == "AAI" else None
        if found:
            reason = (
                ReturnReason(found[2])
                if found[2] in ReturnReason.__members__.values()
                else ReturnReason.OTHER
            )
            reasons[int(found[1])] = (reason, found[3])
    lines = []
    for group in root.loops("SG11"):
        fields = edifact_line_fields(group, RETURN_QUANTITY, "return quantity", profile, "SG12/")
        reason, note = reasons.get(fields["line_number"], (ReturnReason.OTHER, None))
        lines.append(ReturnLine(**fields, reason=reason, note=note))
    return ReturnAuthorization(
        rma_number=root.value("BGM02"),
        authorized_on=parse_date(root.value("DTM[137]01-2"), "DTM 137 date"),
        po_number=root.value("SG2[ON]/RFF01-2") or None,
        store_order_id=optional_int(root.value("SG2[CO]/RFF01-2")),
        parties=edifact_parties(root, "SG3", "SG5"),
        lines=lines,
    )


RETURN_AUTHORIZATION: SetCodec[ReturnAuthorization] = SetCodec(
    "return authorization", "180", "RETANN", _x12, _edifact, _from_x12, _from_edifact
)
encode_return_authorization = RETURN_AUTHORIZATION.encode
decode_return_authorization = RETURN_AUTHORIZATION.decode
