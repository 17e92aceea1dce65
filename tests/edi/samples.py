"""Valid sample documents for every specified set, written with gridlink's own writer."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

from gridlink.edi.segment import Values
from gridlink.edi.writer import EdifactWriter, MemoryNumbers, Party, X12Writer

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
Body = list[tuple[str, Values]]


def x12_850(lines: int = 2) -> Body:
    body: Body = [
        ("BEG", ["00", "SA", "PO-1001", None, "20261125"]),
        ("CUR", ["BY", "USD"]),
        ("REF", ["IA", "VEND42"]),
        ("PER", ["BD", "Buyer Desk", "TE", "5551234567"]),
        ("DTM", ["002", "20261201"]),
        ("N1", ["ST", "Demo Retail DC", "92", "DC01"]),
        ("N3", ["100 Main Street"]),
        ("N4", ["Austin", "TX", "78701", "US"]),
    ]
    for n in range(1, lines + 1):
        body += [
            ("PO1", [str(n), "2", "EA", "19.99", None, "VP", f"SKU-{n}", "UP", "012345678905"]),
            ("PID", ["F", None, None, None, f"Widget {n}"]),
        ]
    body += [("CTT", [str(lines)])]
    return body


def x12_855() -> Body:
    return [
        ("BAK", ["00", "AC", "PO-1001", "20261125"]),
        ("REF", ["VN", "SO-77"]),
        ("PO1", ["1", "2", "EA", "19.99", None, "VP", "SKU-1"]),
        ("ACK", ["IA", "2", "EA", "068", "20261128"]),
        ("PO1", ["2", "3", "EA", "5.00", None, "VP", "SKU-2"]),
        ("ACK", ["IB", "3", "EA"]),
        ("CTT", ["2"]),
    ]


def x12_856() -> Body:
    return [
        ("BSN", ["00", "ASN-501", "20261126", "1015", "0001"]),
        ("DTM", ["011", "20261126"]),
        ("HL", ["1", None, "S"]),
        ("TD1", ["CTN25", "2"]),
        ("TD5", [None, "2", "UPSN"]),
        ("REF", ["BM", "1Z999AA10123456784"]),
        ("N1", ["ST", "Demo Retail DC", "92", "DC01"]),
        ("HL", ["2", "1", "O"]),
        ("PRF", ["PO-1001"]),
        ("HL", ["3", "2", "I"]),
        ("LIN", [None, "VP", "SKU-1"]),
        ("SN1", [None, "2", "EA"]),
        ("CTT", ["3"]),
    ]


def x12_810() -> Body:
    return [
        ("BIG", ["20261127", "INV-9001", "20261125", "PO-1001"]),
        ("N1", ["BT", "Demo Retail", "92", "HQ"]),
        ("ITD", ["01", "3", None, None, None, None, "30"]),
        ("DTM", ["011", "20261126"]),
        ("IT1", ["1", "2", "EA", "19.99", None, "VP", "SKU-1"]),
        ("PID", ["F", None, None, None, "Widget 1"]),
        ("TDS", ["3998"]),
        ("CAD", ["M", None, None, "UPSN", "UPS Ground"]),
        ("CTT", ["1"]),
    ]


def x12_846(lines: int = 2) -> Body:
    body: Body = [
        ("BIA", ["00", "DD", "INV-20261125", "20261125"]),
        ("N1", ["SU", "Acme Supply", "92", "ACME"]),
    ]
    for n in range(1, lines + 1):
        body += [("LIN", [None, "VP", f"SKU-{n}"]), ("QTY", ["33", str(10 * n), "EA"])]
    body += [("CTT", [str(lines)])]
    return body


def x12_997() -> Body:
    return [("AK1", ["PO", "1"]), ("AK2", ["850", "0001"]), ("AK5", ["A"]), ("AK9", ["A", "1", "1", "1"])]


def x12_999() -> Body:
    return [
        ("AK1", ["PO", "1", "005010"]),
        ("AK2", ["850", "0001"]),
        ("IK5", ["A"]),
        ("AK9", ["A", "1", "1", "1"]),
    ]


def x12_940() -> Body:
    return [
        ("W05", ["N", "SO-5001", "PO-1001"]),
        ("N1", ["ST", "Jane Doe", "92", "CUST-77"]),
        ("N3", ["12 Elm Street"]),
        ("N4", ["Denver", "CO", "80202", "US"]),
        ("N1", ["SF", "Demo Retail DC", "92", "DC01"]),
        ("N9", ["IA", "VEND42"]),
        ("G62", ["10", "20261126"]),
        ("NTE", ["WHI", "Leave at the front desk"]),
        ("W66", ["PP", "U", None, None, None, None, None, None, None, "UPSN"]),
        ("LX", ["1"]),
        ("W01", ["2", "EA", None, "VN", "SKU-1"]),
        ("G69", ["Widget 1"]),
        ("LX", ["2"]),
        ("W01", ["1", "EA", None, "VN", "SKU-2"]),
        ("G69", ["Widget 2"]),
        ("W76", ["3", "4.5", "LB"]),
    ]


def x12_945() -> Body:
    return [
        ("W06", ["F", "SO-5001", "20261127", "SHIP-9001", None, "PO-1001"]),
        ("N1", ["ST", "Jane Doe", "92", "CUST-77"]),
        ("N9", ["BM", "BOL-42"]),
        ("G62", ["11", "20261127"]),
        ("W27", ["U", "UPSN", "UPS Ground", "PP"]),
        ("LX", ["1"]),
        ("MAN", ["CP", "1Z999AA10123456784"]),
        ("W12", ["CC", "2", "2", "0", "EA", None, "VN", "SKU-1"]),
        ("LX", ["2"]),
        ("MAN", ["CP", "1Z999AA10123456785"]),
        ("W12", ["CP", "1", "0", "1", "EA", None, "VN", "SKU-2"]),
        ("W03", ["2", "3.1", "LB"]),
    ]


def x12_860() -> Body:
    return [
        ("BCH", ["04", "SA", "PO-1001", None, "1", "20261125"]),
        ("DTM", ["002", "20261203"]),
        ("POC", ["1", "QD", "3", "1", "EA", "19.99", None, "VP", "SKU-1"]),
        ("POC", ["2", "DI", "0", "0", "EA", "19.99", None, "VP", "SKU-2"]),
        ("CTT", ["2"]),
    ]


def x12_865() -> Body:
    return [
        ("BCA", ["04", "AC", "PO-1001", None, "1", "20261125"]),
        ("POC", ["1", "QD", "3", "1", "EA", "19.99", None, "VP", "SKU-1"]),
        ("ACK", ["IA", "3", "EA", "068", "20261203"]),
        ("CTT", ["1"]),
    ]


def x12_180() -> Body:
    return [
        ("BGN", ["00", "RMA-3001", "20261126"]),
        ("RDR", ["RA", "DA", None, "Box crushed in transit", "N"]),
        ("PRF", ["PO-1001"]),
        ("N1", ["ST", "Demo Retail Returns", "92", "RET01"]),
        ("BLI", ["VP", "SKU-1", "1", "EA"]),
        ("RDR", ["RA", "DA"]),
        ("BLI", ["VP", "SKU-2", "2", "EA"]),
        ("RDR", ["CR", "WG"]),
    ]


X12_SETS: dict[str, tuple[str, Callable[[], Body]]] = {
    "850": ("PO", x12_850),
    "855": ("PR", x12_855),
    "856": ("SH", x12_856),
    "810": ("IN", x12_810),
    "846": ("IB", x12_846),
    "997": ("FA", x12_997),
    "940": ("OW", x12_940),
    "945": ("SW", x12_945),
    "860": ("PC", x12_860),
    "865": ("CA", x12_865),
    "180": ("AN", x12_180),
}


def x12_writer(out: io.BytesIO, version: str, numbers: MemoryNumbers | None = None) -> X12Writer:
    """A writer from the demo retailer to the demo supplier, in 004010 or 005010 envelopes."""
    return X12Writer(
        out,
        sender=Party("ZZ", "DEMORETAILER"),
        receiver=Party("ZZ", "ACMESUPPLY"),
        numbers=numbers or MemoryNumbers(),
        version="00501" if version == "005010" else "00401",
        now=NOW,
    )


def x12(
    set_id: str, version: str, body: Body, functional_id: str, numbers: MemoryNumbers | None = None
) -> bytes:
    """One interchange holding one set."""
    out = io.BytesIO()
    writer = x12_writer(out, version, numbers)
    writer.begin_group(functional_id, version)
    writer.write_set(
        set_id,
        body,
        "005010" if version == "005010" and set_id != "999" else "005010X231A1" if set_id == "999" else None,
    )
    writer.close()
    return out.getvalue()


def orders(lines: int = 2) -> Body:
    body: Body = [
        ("BGM", ["220", "PO-1001", "9"]),
        ("DTM", [["137", "20261125", "102"]]),
        ("NAD", ["BY", ["5412345000013", None, "9"]]),
        ("NAD", ["SU", ["4012345000009", None, "9"]]),
        ("CUX", [["2", "EUR", "9"]]),
    ]
    for n in range(1, lines + 1):
        body += [
            ("LIN", [str(n), None, [f"400000000{n:04d}", "SRV"]]),
            ("PIA", ["1", [f"SKU-{n}", "SA"]]),
            ("IMD", ["F", None, None, [None, None, None, f"Widget {n}"]]),
            ("QTY", [["21", "2"]]),
            ("PRI", [["AAA", "19.99"]]),
        ]
    body += [("UNS", ["S"]), ("CNT", [["2", str(lines)]])]
    return body


def ordrsp() -> Body:
    return [
        ("BGM", ["231", "RSP-1001", "29"]),
        ("DTM", [["137", "20261125", "102"]]),
        ("RFF", [["ON", "PO-1001"]]),
        ("LIN", ["1", "5", ["4000000000001", "SRV"]]),
        ("QTY", [["21", "2"]]),
        ("UNS", ["S"]),
    ]


def desadv() -> Body:
    return [
        ("BGM", ["351", "ASN-501", "9"]),
        ("DTM", [["137", "20261126", "102"]]),
        ("RFF", [["ON", "PO-1001"]]),
        ("NAD", ["DP", ["5412345000013", None, "9"]]),
        ("TDT", ["20", None, None, None, ["UPSN", None, None, "UPS"]]),
        ("CPS", ["1"]),
        ("PAC", ["1", None, "CT"]),
        ("LIN", ["1", None, ["4000000000001", "SRV"]]),
        ("QTY", [["12", "2"]]),
    ]


def invoic() -> Body:
    return [
        ("BGM", ["380", "INV-9001", "9"]),
        ("DTM", [["137", "20261127", "102"]]),
        ("RFF", [["ON", "PO-1001"]]),
        ("NAD", ["BY", ["5412345000013", None, "9"]]),
        ("LIN", ["1", None, ["4000000000001", "SRV"]]),
        ("QTY", [["47", "2"]]),
        ("MOA", [["203", "39.98"]]),
        ("PRI", [["AAA", "19.99"]]),
        ("UNS", ["S"]),
        ("MOA", [["86", "39.98"]]),
    ]


def invrpt(lines: int = 2) -> Body:
    body: Body = [("BGM", ["35", "INV-20261125", "9"]), ("DTM", [["137", "20261125", "102"]])]
    for n in range(1, lines + 1):
        body += [
            ("LIN", [str(n), None, [f"400000000{n:04d}", "SRV"]]),
            ("INV", ["2"]),
            ("QTY", [["145", str(10 * n)]]),
        ]
    return body


def contrl() -> Body:
    return [("UCI", ["1", ["ACMESUPPLY", "ZZ"], ["DEMORETAILER", "ZZ"], "7"])]


def aperak() -> Body:
    return [
        ("BGM", ["305", "APK-0001", "9"]),
        ("DTM", [["137", "20261125", "102"]]),
        ("RFF", [["ON", "PO-1001"]]),
        ("NAD", ["MS", ["4012345000009", None, "9"]]),
        ("ERC", [["12"]]),
        ("FTX", ["AAO", None, None, ["Unknown article 4000000000002"]]),
    ]


def retann() -> Body:
    return [
        ("BGM", ["7", "RET-0001", "9"]),
        ("DTM", [["137", "20261126", "102"]]),
        ("RFF", [["IV", "INV-2001"]]),
        ("NAD", ["BY", ["5412345000013", None, "9"]]),
        ("NAD", ["SU", ["4012345000009", None, "9"]]),
        ("LIN", ["1", None, ["4000000000001", "SRV"]]),
        ("QTY", [["61", "1"]]),
        ("LIN", ["2", None, ["4000000000002", "SRV"]]),
        ("QTY", [["61", "2"]]),
        ("UNS", ["S"]),
    ]


EDIFACT_SETS: dict[str, Callable[[], Body]] = {
    "ORDERS": orders,
    "ORDRSP": ordrsp,
    "DESADV": desadv,
    "INVOIC": invoic,
    "INVRPT": invrpt,
    "CONTRL": contrl,
    "APERAK": aperak,
}
# Messages of the D.01B directory only.
EDIFACT_D01B_SETS: dict[str, Callable[[], Body]] = {"RETANN": retann}


def edifact_writer(out: io.BytesIO, numbers: MemoryNumbers | None = None) -> EdifactWriter:
    """A writer from the demo retailer to the demo supplier."""
    return EdifactWriter(
        out,
        sender=Party("ZZ", "DEMORETAILER"),
        receiver=Party("ZZ", "ACMESUPPLY"),
        numbers=numbers or MemoryNumbers(),
        now=NOW,
    )


def edifact(message: str, directory: str, body: Body, numbers: MemoryNumbers | None = None) -> bytes:
    """One interchange holding one message."""
    out = io.BytesIO()
    writer = edifact_writer(out, numbers)
    version, release = ("D", "3") if message == "CONTRL" else (directory[0], directory[1:])
    writer.write_message(message, version, release, body)
    writer.close()
    return out.getvalue()
