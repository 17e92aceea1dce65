"""Invoice <-> X12 810 and EDIFACT INVOIC, with charges and allowances and a checked total."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gridlink.documents.codecs.items import (
    edifact_line,
    edifact_line_fields,
    x12_baseline,
    x12_description,
    x12_ids,
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
from gridlink.documents.invoice import Charge, Invoice, InvoiceLine
from gridlink.edi.navigate import Loop

# Charge codes the hub names, as X12 SAC02 (1300) and EDIFACT ALC C214 (7161) codes. Others travel as
# "mutually defined" with their name in the description.
X12_CHARGES = {"freight": "D240", "tax": "H850", "discount": "C310"}
EDIFACT_CHARGES = {"freight": "FC", "tax": "TX", "discount": "DI"}
_CENTS = Decimal("0.01")


def _cents(amount: Decimal) -> str:
    """An amount as X12 N2: whole cents, the decimal point implied."""
    return str(int((amount / _CENTS).to_integral_value()))


def _x12(invoice: Invoice, profile: CodecProfile) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "BIG": [ccyymmdd(invoice.invoice_date), invoice.number, None, invoice.po_number],
        "CUR": ["SE", invoice.currency],
    }
    if invoice.store_order_id is not None:
        doc["REF"] = [["CO", str(invoice.store_order_id)]]
    if invoice.parties:
        doc["N1"] = [x12_party(p) for p in invoice.parties]
    if invoice.terms_net_days is not None:
        doc["ITD"] = [["01", "3", None, None, None, None, str(invoice.terms_net_days)]]
    doc["IT1"] = [_x12_line(line, profile) for line in invoice.lines]
    doc["TDS"] = [_cents(invoice.total)]
    if invoice.charges:
        doc["SAC"] = [{"SAC": _x12_charge(charge)} for charge in invoice.charges]
    doc["CTT"] = [str(len(invoice.lines))]
    return doc


def _x12_line(line: InvoiceLine, profile: CodecProfile) -> dict[str, Any]:
    it1 = [
        str(line.line_number),
        number(line.quantity),
        profile.unit_out(line.unit),
        number(line.unit_price),
        None,
    ]
    return {"IT1": [*it1, *x12_ids(line.item)], **x12_description(line.item)}


def _x12_charge(charge: Charge) -> list[Any]:
    code = X12_CHARGES.get(charge.code, "ZZZZ")
    description = charge.description or (charge.code if code == "ZZZZ" else "")
    values: list[Any] = ["A" if charge.amount < 0 else "C", code, None, None, _cents(abs(charge.amount))]
    return values + [None] * 9 + [description] if description else values


def _from_x12(root: Loop, profile: CodecProfile) -> Invoice:
    store_order = root.value("REF[CO]02")
    net = root.value("ITD07")
    invoice = Invoice(
        number=root.value("BIG02"),
        invoice_date=parse_date(root.value("BIG01"), "BIG01 invoice date"),
        po_number=root.value("BIG04"),
        currency=root.value("CUR02") or "USD",
        store_order_id=optional_int(store_order),
        parties=x12_parties(root),
        terms_net_days=optional_int(net),
        lines=[_x12_line_from(loop, profile) for loop in root.loops("IT1")],
        charges=[_x12_charge_from(loop) for loop in root.loops("SAC")],
    )
    return _checked(invoice, parse_number(root.value("TDS01") or "0", "TDS01 total") * _CENTS, "TDS01")


def _x12_line_from(loop: Loop, profile: CodecProfile) -> InvoiceLine:
    fields, price = x12_baseline(loop, "IT1", profile)
    return InvoiceLine(**fields, unit_price=parse_number(price, "IT104 unit price"))


def _x12_charge_from(loop: Loop) -> Charge:
    codes = {code: name for name, code in X12_CHARGES.items()}
    amount = parse_number(loop.value("SAC05") or "0", "SAC05 amount") * _CENTS
    return _charge(codes.get(loop.value("SAC02")), loop.value("SAC15"), amount, loop.value("SAC01"))


def _edifact(invoice: Invoice, profile: CodecProfile) -> dict[str, Any]:
    references = [{"RFF": [["ON", invoice.po_number]]}]
    if invoice.store_order_id is not None:
        references.append({"RFF": [["CO", str(invoice.store_order_id)]]})
    doc: dict[str, Any] = {
        "BGM": ["380", invoice.number, "9"],
        "DTM": [[["137", ccyymmdd(invoice.invoice_date), "102"]]],
        "SG1": references,
    }
    if invoice.parties:
        doc["SG2"] = [edifact_party(p, "SG5") for p in invoice.parties]
    doc["SG7"] = [{"CUX": [["2", invoice.currency, "4"]]}]
    if invoice.terms_net_days is not None:
        doc["SG8"] = [{"PAT": ["1", None, ["5", "3", "D", str(invoice.terms_net_days)]]}]
    doc["SG25"] = [_edifact_line(line, profile) for line in invoice.lines]
    doc["UNS"] = ["S"]
    doc["CNT"] = [[["2", str(len(invoice.lines))]]]
    doc["SG48"] = [{"MOA": [["86", number(invoice.total)]]}]
    if invoice.charges:
        doc["SG51"] = [_edifact_charge(charge) for charge in invoice.charges]
    return doc


def _edifact_line(line: InvoiceLine, profile: CodecProfile) -> dict[str, Any]:
    group = edifact_line(line.line_number, line.item, ("47", line.quantity), line.unit, profile)
    group["SG26"] = [{"MOA": [["203", number(line.amount)]]}]
    group["SG28"] = [{"PRI": [["AAA", number(line.unit_price)]]}]
    return group


def _edifact_charge(charge: Charge) -> dict[str, Any]:
    code = EDIFACT_CHARGES.get(charge.code, "ZZZ")
    description = charge.description or (charge.code if code == "ZZZ" else "")
    return {
        "ALC": [
            "A" if charge.amount < 0 else "C",
            None,
            None,
            None,
            [code, None, None, description[:35] or None],
        ],
        "MOA": [[["8", number(abs(charge.amount))]]],
    }


def _from_edifact(root: Loop, profile: CodecProfile) -> Invoice:
    store_order = root.value("SG1[CO]/RFF01-2")
    net = root.value("SG8/PAT03-4")
    codes = {code: name for name, code in EDIFACT_CHARGES.items()}
    invoice = Invoice(
        number=root.value("BGM02"),
        invoice_date=parse_date(root.value("DTM[137]01-2"), "DTM 137 invoice date"),
        po_number=root.value("SG1[ON]/RFF01-2"),
        currency=root.value("SG7/CUX01-2") or "USD",
        store_order_id=optional_int(store_order),
        parties=edifact_parties(root, "SG2", "SG5"),
        terms_net_days=optional_int(net),
        lines=[_edifact_line_from(group, profile) for group in root.loops("SG25")],
        charges=[
            _charge(
                codes.get(group.value("ALC05-1")),
                group.value("ALC05-4"),
                parse_number(group.value("MOA[8]01-2") or "0", "MOA 8 charge amount"),
                group.value("ALC01"),
            )
            for group in root.loops("SG51")
        ],
    )
    return _checked(invoice, parse_number(root.value("SG48/MOA[86]01-2") or "0", "MOA 86 total"), "MOA 86")


def _edifact_line_from(group: Loop, profile: CodecProfile) -> InvoiceLine:
    return InvoiceLine(
        **edifact_line_fields(group, "47", "invoiced quantity", profile),
        unit_price=parse_number(group.value("SG28/PRI[AAA]01-2"), "PRI AAA price"),
    )


def _charge(known: str | None, description: str, amount: Decimal, indicator: str) -> Charge:
    """A charge read back: a known code by name, else the name the description carries."""
    signed = -amount if indicator == "A" else amount
    if known is None:
        return Charge(code=description or "other", amount=signed)
    return Charge(code=known, description=description, amount=signed)


def _checked(invoice: Invoice, stated: Decimal, where: str) -> Invoice:
    """The invoice, once the total its sender stated agrees with its lines and charges."""
    if stated.quantize(_CENTS) != invoice.total.quantize(_CENTS):
        raise DecodeError(f"{where} states {stated} but the lines and charges add up to {invoice.total}")
    return invoice


INVOICE: SetCodec[Invoice] = SetCodec("invoice", "810", "INVOIC", _x12, _edifact, _from_x12, _from_edifact)
encode_invoice = INVOICE.encode
decode_invoice = INVOICE.decode
