"""OrderAcknowledgment through 855 and ORDRSP and back: every line status, both validators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridlink.documents import AckLine, AckStatus, Item, LineAckStatus, OrderAcknowledgment
from gridlink.documents.codecs import CodecProfile, DecodeError, decode_acknowledgment, encode_acknowledgment
from gridlink.documents.codecs.acknowledgment import ACKNOWLEDGMENT
from tests.documents import codec_support
from tests.documents.codec_support import PROFILES

ACK = OrderAcknowledgment(
    po_number="PO-1042-ACME",
    status=AckStatus.ACCEPTED_WITH_CHANGES,
    ack_date=date(2026, 11, 26),
    reference="SO-77",
    notes=["Line 2 ships from the east warehouse"],
    lines=[
        AckLine(
            line_number=1,
            status=LineAckStatus.ACCEPTED,
            quantity=Decimal("2"),
            item=Item(sku="SKU-1", partner_item="ACME-778", gtin="0012345678905"),
        ),
        AckLine(
            line_number=2,
            status=LineAckStatus.BACKORDERED,
            quantity=Decimal("3"),
            item=Item(sku="SKU-2"),
            expected_ship_date=date(2026, 12, 10),
        ),
        AckLine(
            line_number=3,
            status=LineAckStatus.SUBSTITUTED,
            quantity=Decimal("1"),
            item=Item(sku="SKU-3"),
            substitute=Item(sku="SKU-3B", partner_item="ACME-779"),
        ),
        AckLine(line_number=4, status=LineAckStatus.QUANTITY_CHANGED, quantity=Decimal("0.5")),
        AckLine(line_number=5, status=LineAckStatus.REJECTED, quantity=Decimal("0"), item=Item(sku="SKU-5")),
    ],
)


def interchange(ack: OrderAcknowledgment, profile: CodecProfile) -> bytes:
    set_id, body = encode_acknowledgment(ack, profile)
    return codec_support.interchange(set_id, body, profile, "PR")


def decode(data: bytes, profile: CodecProfile) -> OrderAcknowledgment:
    return decode_acknowledgment(codec_support.only_set(data), profile)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_an_acknowledgment_survives_the_round_trip_and_both_validators(name: str) -> None:
    decoded = codec_support.round_trip(ACKNOWLEDGMENT, ACK, name, "PR")
    assert decoded == ACK


def test_an_unknown_line_status_is_a_decode_error() -> None:
    profile = PROFILES["x12-004010"]
    data = interchange(ACK, profile).replace(b"ACK*IR*", b"ACK*ZZ*")
    with pytest.raises(DecodeError, match="ACK01 'ZZ' on line '5'"):
        decode(data, profile)


def test_a_response_that_names_no_order_is_a_decode_error() -> None:
    profile = PROFILES["edifact-D96A"]
    data = interchange(ACK, profile).replace(b"RFF+ON:PO-1042-ACME'", b"RFF+CR:PO-1042-ACME'")
    with pytest.raises(DecodeError, match="no RFF ON"):
        decode(data, profile)
