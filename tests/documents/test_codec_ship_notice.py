"""ShipNotice through 856 and DESADV and back: packages, tracking numbers, lines and carrier."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from gridlink.documents import Address, Item, Package, Party, PartyRole, ShipNotice, ShippedLine
from gridlink.documents.codecs import CodecProfile, DecodeError, decode_ship_notice, encode_ship_notice
from gridlink.documents.codecs.ship_notice import SHIP_NOTICE
from tests.documents import codec_support
from tests.documents.codec_support import PROFILES

NOTICE = ShipNotice(
    shipment_id="SHIP-9001",
    po_number="PO-1042-ACME",
    notice_date=date(2026, 11, 27),
    shipped_at=datetime(2026, 11, 27, 15, 30),
    carrier_scac="UPSN",
    carrier_name="UPS",
    parties=[
        Party(
            role=PartyRole.SHIP_TO,
            name="Jane Doe",
            address=Address(
                lines=["12 Elm Street"], city="Denver", state="CO", postal_code="80202", country="US"
            ),
        )
    ],
    packages=[
        Package(
            tracking_number="1Z999AA10123456784",
            sscc="003456789012345678",
            lines=[
                ShippedLine(
                    line_number=1, item=Item(sku="SKU-1", partner_item="ACME-778"), quantity=Decimal("2")
                ),
                ShippedLine(
                    line_number=2, item=Item(sku="SKU-2", gtin="0012345678905"), quantity=Decimal("1")
                ),
            ],
        ),
        Package(
            tracking_number="1Z999AA10123456785",
            lines=[ShippedLine(line_number=2, item=Item(sku="SKU-2"), quantity=Decimal("1.5"), unit="LB")],
        ),
    ],
)


def interchange(notice: ShipNotice, profile: CodecProfile) -> bytes:
    set_id, body = encode_ship_notice(notice, profile)
    return codec_support.interchange(set_id, body, profile, "SH")


def decode(data: bytes, profile: CodecProfile) -> ShipNotice:
    return decode_ship_notice(codec_support.only_set(data), profile)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_a_ship_notice_survives_the_round_trip_and_both_validators(name: str) -> None:
    decoded = codec_support.round_trip(SHIP_NOTICE, NOTICE, name, "SH")
    assert decoded == NOTICE
    assert decoded.tracking_numbers() == ["1Z999AA10123456784", "1Z999AA10123456785"]
    assert decoded.quantities() == {1: Decimal("2"), 2: Decimal("2.5")}


def test_an_856_carries_the_service_level() -> None:
    profile = PROFILES["x12-004010"]
    notice = NOTICE.model_copy(update={"service_level": "SG"})
    assert decode(interchange(notice, profile), profile).service_level == "SG"


def test_an_item_level_before_any_pack_level_cannot_be_decoded() -> None:
    profile = PROFILES["x12-004010"]
    data = interchange(NOTICE, profile).replace(b"HL*3*2*P~", b"HL*3*2*T~")
    with pytest.raises(DecodeError, match="before any pack level"):
        decode(data, profile)
