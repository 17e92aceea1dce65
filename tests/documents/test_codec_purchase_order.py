"""PurchaseOrder through 850 and ORDERS and back: valid for both validators, and nothing lost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from gridlink.documents import Address, Item, OrderLine, Party, PartyRole, PurchaseOrder
from gridlink.documents.codecs import CodecProfile, DecodeError, decode_purchase_order, encode_purchase_order
from gridlink.documents.codecs.purchase_order import PURCHASE_ORDER
from tests.documents import codec_support
from tests.documents.codec_support import PROFILES

ORDER = PurchaseOrder(
    number="PO-1042-ACME",
    order_date=date(2026, 11, 25),
    currency="USD",
    store_order_id=1042,
    requested_ship_date=date(2026, 11, 27),
    requested_delivery_date=date(2026, 12, 1),
    carrier_scac="UPSN",
    notes=["Gift wrap: yes + a card 'Happy birthday'", "Call before delivery"],
    parties=[
        Party(role=PartyRole.BUYER, name="Demo Retail", id_qualifier="92", id="DEMO"),
        Party(
            role=PartyRole.SHIP_TO,
            name="Jane Doe",
            address=Address(
                lines=["12 Elm Street", "Apt 4"], city="Denver", state="CO", postal_code="80202", country="US"
            ),
            email="jane@example.com",
            phone="5551234567",
        ),
    ],
    lines=[
        OrderLine(
            line_number=1,
            item=Item(sku="SKU-1", partner_item="ACME-778", gtin="0012345678905", description="Widget, blue"),
            quantity=Decimal("2"),
            unit_price=Decimal("19.99"),
        ),
        OrderLine(line_number=2, item=Item(sku="SKU-2"), quantity=Decimal("1.5"), unit="LB"),
    ],
)


def interchange(po: PurchaseOrder, profile: CodecProfile) -> bytes:
    set_id, body = encode_purchase_order(po, profile)
    return codec_support.interchange(set_id, body, profile, "PO")


def decode(data: bytes, profile: CodecProfile) -> PurchaseOrder:
    return decode_purchase_order(codec_support.only_set(data), profile)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_purchase_order_survives_the_round_trip_and_both_validators(name: str) -> None:
    decoded = codec_support.round_trip(PURCHASE_ORDER, ORDER, name, "PO")
    assert decoded == ORDER


def test_units_are_translated_both_ways_by_the_profile() -> None:
    data = interchange(ORDER, PROFILES["edifact-D96A"])
    assert b"QTY+21:2:PCE'" in data and b"QTY+21:1.5:LBR'" in data
    assert [line.unit for line in decode(data, PROFILES["edifact-D96A"]).lines] == ["EA", "LB"]


def test_a_line_that_names_no_item_cannot_be_decoded() -> None:
    profile = PROFILES["x12-004010"]
    data = interchange(ORDER, profile).replace(b"PO1*2*1.5*LB***SK*SKU-2", b"PO1*2*1.5*LB")
    with pytest.raises(DecodeError, match="PO1 line '2' names no item"):
        decode(data, profile)


def test_a_bad_date_is_a_decode_error_not_a_crash() -> None:
    profile = PROFILES["x12-004010"]
    data = interchange(ORDER, profile).replace(b"*20261125~", b"*20261399~", 1)
    with pytest.raises(DecodeError, match="BEG05"):
        decode(data, profile)


def test_a_purchase_order_without_a_ship_to_is_refused_on_decoding() -> None:
    profile = PROFILES["x12-004010"]
    data = interchange(ORDER, profile).replace(b"N1*ST*", b"N1*BT*")
    with pytest.raises(DecodeError, match="ship_to"):
        decode(data, profile)


def test_a_profile_names_a_version_of_its_standard() -> None:
    with pytest.raises(ValidationError, match="version must be one of"):
        CodecProfile(standard="x12", version="D96A")
