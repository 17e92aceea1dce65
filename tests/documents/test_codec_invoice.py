"""Invoice through 810 and INVOIC and back: lines, charges, allowances, terms and a checked total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridlink.documents import Charge, Invoice, InvoiceLine, Item, Party, PartyRole
from gridlink.documents.codecs import CodecProfile, DecodeError, decode_invoice, encode_invoice
from gridlink.documents.codecs.invoice import INVOICE
from tests.documents import codec_support
from tests.documents.codec_support import PROFILES

BILL = Invoice(
    number="INV-2001",
    invoice_date=date(2026, 11, 28),
    po_number="PO-1042-ACME",
    store_order_id=1042,
    terms_net_days=30,
    parties=[
        Party(role=PartyRole.BILL_TO, name="Demo Retail", id_qualifier="92", id="DEMO"),
        Party(role=PartyRole.REMIT_TO, name="Acme Supply", id_qualifier="92", id="ACME"),
    ],
    lines=[
        InvoiceLine(
            line_number=1,
            item=Item(sku="SKU-1", partner_item="ACME-778", description="Widget, blue"),
            quantity=Decimal("2"),
            unit_price=Decimal("19.99"),
        ),
        InvoiceLine(
            line_number=2, item=Item(sku="SKU-2"), quantity=Decimal("1.5"), unit="LB", unit_price=Decimal("4")
        ),
    ],
    charges=[
        Charge(code="freight", description="Ground freight", amount=Decimal("12.5")),
        Charge(code="discount", description="Loyalty", amount=Decimal("-5")),
    ],
)


def interchange(invoice: Invoice, profile: CodecProfile) -> bytes:
    set_id, body = encode_invoice(invoice, profile)
    return codec_support.interchange(set_id, body, profile, "IN")


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_an_invoice_survives_the_round_trip_and_both_validators(name: str) -> None:
    decoded = codec_support.round_trip(INVOICE, BILL, name, "IN")
    assert decoded == BILL
    assert decoded.total == Decimal("53.48")


def test_the_810_total_is_in_cents_and_checked_on_reading() -> None:
    profile = PROFILES["x12-004010"]
    data = interchange(BILL, profile)
    assert b"TDS*5348~" in data
    with pytest.raises(DecodeError, match=r"TDS01 states 53\.49 but the lines and charges add up to 53\.48"):
        decode_invoice(codec_support.only_set(data.replace(b"TDS*5348~", b"TDS*5349~")), profile)


def test_a_charge_the_hub_has_no_code_for_travels_by_name() -> None:
    profile = PROFILES["edifact-D96A"]
    bill = BILL.model_copy(update={"charges": [Charge(code="insurance", amount=Decimal("2"))]})
    decoded = decode_invoice(codec_support.only_set(interchange(bill, profile)), profile)
    assert decoded.charges == [Charge(code="insurance", amount=Decimal("2"))]
