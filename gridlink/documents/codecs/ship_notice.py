"""ShipNotice <-> X12 856 (shipment, order, pack and item levels) and EDIFACT DESADV."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gridlink.documents.codecs.items import edifact_line, edifact_line_fields, line_fields, x12_ids, x12_item
from gridlink.documents.codecs.parties import edifact_parties, edifact_party, x12_parties, x12_party
from gridlink.documents.codecs.profile import CodecProfile
from gridlink.documents.codecs.set_codec import SetCodec
from gridlink.documents.codecs.values import DecodeError, ccyymmdd, number, parse_date
from gridlink.documents.common import Party
from gridlink.documents.ship_notice import Package, ShipNotice, ShippedLine
from gridlink.edi.navigate import Loop


def _x12(notice: ShipNotice, profile: CodecProfile) -> dict[str, Any]:
    shipped = notice.shipped_at
    levels: list[Any] = []
    shipment: dict[str, Any] = {"HL": ["1", None, "S"]}
    if notice.carrier_scac or notice.carrier_name:
        td5: list[Any] = [
            None,
            "2" if notice.carrier_scac else None,
            notice.carrier_scac,
            None,
            notice.carrier_name,
        ]
        if notice.service_level:
            td5 += [None] * 6 + [notice.service_level]
        shipment["TD5"] = [td5]
    if shipped is not None:
        shipment["DTM"] = [["011", ccyymmdd(shipped.date()), shipped.strftime("%H%M")]]
    if notice.parties:
        shipment["N1"] = [x12_party(p) for p in notice.parties]
    levels += [shipment, {"HL": ["2", "1", "O"], "PRF": [notice.po_number]}]
    for package in notice.packages:
        pack_id = str(len(levels) + 1)
        marks = [["CP", package.tracking_number]] if package.tracking_number else []
        marks += [["GM", package.sscc]] if package.sscc else []
        levels.append({"HL": [pack_id, "2", "P"], **({"MAN": marks} if marks else {})})
        for line in package.lines:
            levels.append(
                {
                    "HL": [str(len(levels) + 1), pack_id, "I"],
                    "LIN": [None, *x12_ids(line.item)],
                    "SN1": [str(line.line_number), number(line.quantity), profile.unit_out(line.unit)],
                }
            )
    day = notice.notice_date
    return {
        "BSN": [
            "00",
            notice.shipment_id,
            ccyymmdd(day),
            (shipped or datetime(day.year, day.month, day.day)).strftime("%H%M"),
            "0001",
        ],
        "HL": levels,
        "CTT": [str(len(levels))],
    }


def _from_x12(root: Loop, profile: CodecProfile) -> ShipNotice:
    po_number = ""
    carrier: dict[str, str] = {}
    shipped_at: datetime | None = None
    parties: list[Party] = []
    packages: list[tuple[str | None, str | None, list[ShippedLine]]] = []
    for level in root.loops("HL"):
        code = level.value("HL03")
        if code == "S":
            carrier = {
                "scac": level.value("TD503"),
                "name": level.value("TD505"),
                "service": level.value("TD512"),
            }
            if level.value("DTM[011]02"):
                shipped_at = _moment(level.value("DTM[011]02"), level.value("DTM[011]03"), "DTM 011")
            parties = x12_parties(level)
        elif code == "O":
            po_number = level.value("PRF01")
        elif code == "P":
            packages.append((level.value("MAN[CP]02") or None, level.value("MAN[GM]02") or None, []))
        elif code == "I":
            if not packages:
                raise DecodeError("an item level (HL I) comes before any pack level (HL P)")
            packages[-1][2].append(_x12_line(level, profile))
    return ShipNotice(
        shipment_id=root.value("BSN02"),
        po_number=po_number,
        notice_date=parse_date(root.value("BSN03"), "BSN03 date"),
        shipped_at=shipped_at,
        carrier_scac=carrier.get("scac") or None,
        carrier_name=carrier.get("name") or None,
        service_level=carrier.get("service") or None,
        parties=parties,
        packages=[Package(tracking_number=t, sscc=s, lines=lines) for t, s, lines in packages],
    )


def _x12_line(level: Loop, profile: CodecProfile) -> ShippedLine:
    lin = level.segments("LIN")
    return ShippedLine(
        **line_fields(
            f"item level {level.value('HL01')!r}",
            level.value("SN101"),
            x12_item(lin[0], 2) if lin else None,
            (level.value("SN102"), "SN102 units shipped"),
            level.value("SN103"),
            profile,
        )
    )


def _edifact(notice: ShipNotice, profile: CodecProfile) -> dict[str, Any]:
    dates: list[Any] = [[["137", ccyymmdd(notice.notice_date), "102"]]]
    if notice.shipped_at is not None:
        dates.append([["11", notice.shipped_at.strftime("%Y%m%d%H%M"), "203"]])
    doc: dict[str, Any] = {
        "BGM": ["351", notice.shipment_id, "9"],
        "DTM": dates,
        "SG1": [{"RFF": [["ON", notice.po_number]]}],
    }
    if notice.parties:
        doc["SG2"] = [edifact_party(p, "SG4") for p in notice.parties]
    if notice.carrier_scac or notice.carrier_name:
        carrier = [notice.carrier_scac, None, "182" if notice.carrier_scac else None, notice.carrier_name]
        doc["SG6"] = [{"TDT": ["20", None, None, None, carrier]}]
    groups: list[Any] = [{"CPS": ["1"]}]
    for index, package in enumerate(notice.packages, start=2):
        marks: dict[str, Any] = {"PCI": ["33E"]}
        if package.tracking_number:
            marks["RFF"] = [["CN", package.tracking_number]]
        if package.sscc:
            marks["GIN"] = [["BJ", [package.sscc]]]
        groups.append(
            {
                "CPS": [str(index), "1"],
                "SG11": [{"PAC": ["1"], "SG13": [marks]}],
                "SG15": [_edifact_line(line, profile) for line in package.lines],
            }
        )
    doc["SG10"] = groups
    return doc


def _edifact_line(line: ShippedLine, profile: CodecProfile) -> dict[str, Any]:
    return edifact_line(line.line_number, line.item, ("12", line.quantity), line.unit, profile)


def _from_edifact(root: Loop, profile: CodecProfile) -> ShipNotice:
    packages = []
    for group in root.loops("SG10"):
        lines = [_edifact_line_from(line, profile) for line in group.loops("SG15")]
        if not lines:
            continue  # the shipment level, or an empty package: nothing the store can ship
        packages.append(
            Package(
                tracking_number=group.value("SG11/SG13/RFF[CN]01-2") or None,
                sscc=group.value("SG11/SG13/GIN[BJ]02-1") or None,
                lines=lines,
            )
        )
    shipped = root.value("DTM[11]01-2")
    return ShipNotice(
        shipment_id=root.value("BGM02"),
        po_number=root.value("SG1[ON]/RFF01-2"),
        notice_date=parse_date(root.value("DTM[137]01-2"), "DTM 137 message date"),
        shipped_at=_moment(shipped[:8], shipped[8:], "DTM 11") if shipped else None,
        carrier_scac=root.value("SG6/TDT05-1") or None,
        carrier_name=root.value("SG6/TDT05-4") or None,
        parties=edifact_parties(root, "SG2", "SG4"),
        packages=packages,
    )


def _edifact_line_from(group: Loop, profile: CodecProfile) -> ShippedLine:
    return ShippedLine(**edifact_line_fields(group, "12", "despatched quantity", profile))


def _moment(day: str, time: str, what: str) -> datetime:
    when: date = parse_date(day, what)
    if len(time) < 4 or not time[:4].isdigit():
        raise DecodeError(f"{what}: {time!r} is not a time")
    return datetime(when.year, when.month, when.day, int(time[:2]), int(time[2:4]))


SHIP_NOTICE: SetCodec[ShipNotice] = SetCodec(
    "ship notice", "856", "DESADV", _x12, _edifact, _from_x12, _from_edifact
)
encode_ship_notice = SHIP_NOTICE.encode
decode_ship_notice = SHIP_NOTICE.decode
