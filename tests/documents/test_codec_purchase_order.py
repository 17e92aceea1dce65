"""PurchaseOrder through 850 and ORDERS and back: valid for both validators, and nothing lost."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from gridlink.documents import Address, Item, OrderLine, Party, PartyRole, PurchaseOrder
from gridlink.documents.codecs import CodecProfile, DecodeError, decode_purchase_order, encode_purchase_order
from gridlink.edi.navigate import set_bodies
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.validator import validate
from tests.edi import samples
from tests.support import edi_validator

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

PROFILES = {
    "x12-004010": CodecProfile(standard="x12", version="004010"),
    "x12-005010": CodecProfile(standard="x12", version="005010"),
    "edifact-D96A": CodecProfile(standard="edifact", version="D96A", units={"EA": "PCE", "LB": "LBR"}),
    "edifact-D01B": CodecProfile(standard="edifact", version="D01B", units={"EA": "PCE", "LB": "LBR"}),
}


def interchange(po: PurchaseOrder, profile: CodecProfile) -> bytes:
    set_id, body = encode_purchase_order(po, profile)
    out = io.BytesIO()
    if profile.standard == "x12":
        writer = samples.x12_writer(out, profile.version)
        writer.begin_group("PO", profile.version)
        writer.write_set(set_id, body, profile.version if profile.version == "005010" else None)
        writer.close()
    else:
        edifact = samples.edifact_writer(out)
        edifact.write_message(set_id, profile.version[0], profile.version[1:], body)
        edifact.close()
    return out.getvalue()


def decode(data: bytes, profile: CodecProfile) -> PurchaseOrder:
    (body,) = set_bodies(read_segments(data))
    return decode_purchase_order(body, profile)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_purchase_order_survives_the_round_trip_and_both_validators(name: str) -> None:
    profile = PROFILES[name]
    data = interchange(ORDER, profile)
    (result,) = validate(data)
    assert result.all_problems() == []
    assert edi_validator.check({name: data}) == {name: []}

    assert decode(data, profile) == ORDER


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
