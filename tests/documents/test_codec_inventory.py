"""InventoryAdvice through 846 and INVRPT and back: items, quantities available and on order, dates and
locations (X12), and what each standard cannot carry refused rather than dropped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridlink.documents import InventoryAdvice, InventoryLevel, Item
from gridlink.documents.codecs import DecodeError, decode_inventory, encode_inventory
from gridlink.documents.codecs.inventory import INVENTORY
from tests.documents import codec_support
from tests.documents.codec_support import PROFILES

X12_ADVICE = InventoryAdvice(
    reference="INV-20261201",
    as_of=date(2026, 12, 1),
    levels=[
        InventoryLevel(
            item=Item(sku="SKU-1", partner_item="ACME-778", gtin="012345678905", description="Steel widget"),
            available=Decimal(40),
            on_order=Decimal(100),
            available_date=date(2026, 12, 20),
        ),
        InventoryLevel(item=Item(sku="SKU-2"), available=Decimal(0), location="WH-EAST"),
        InventoryLevel(item=Item(sku="SKU-2"), available=Decimal(7), location="WH-WEST"),
    ],
)
EDIFACT_ADVICE = InventoryAdvice(
    reference="INV-20261201",
    as_of=date(2026, 12, 1),
    levels=[
        InventoryLevel(
            item=Item(sku="SKU-1", partner_item="ACME-778", gtin="0012345678905"), available=Decimal(40)
        ),
        InventoryLevel(item=Item(sku="SKU-2", description="Brass hinge"), available=Decimal("2.5")),
    ],
)


@pytest.mark.parametrize("profile", ["x12-004010", "x12-005010"])
def test_x12_round_trip(profile: str) -> None:
    assert codec_support.round_trip(INVENTORY, X12_ADVICE, profile, "IB") == X12_ADVICE


@pytest.mark.parametrize("profile", ["edifact-D01B"])
def test_edifact_round_trip(profile: str) -> None:
    assert codec_support.round_trip(INVENTORY, EDIFACT_ADVICE, profile, "") == EDIFACT_ADVICE


def test_edifact_d96a_round_trip_judged_by_our_validator() -> None:
    # The independent validator's D96A INVRPT grammar fails its own structure check (see tests/edi).
    profile = PROFILES["edifact-D96A"]
    set_id, body = encode_inventory(EDIFACT_ADVICE, profile)
    data = codec_support.interchange(set_id, body, profile, "")
    (result,) = codec_support.validate(data)
    assert result.all_problems() == []
    assert decode_inventory(codec_support.only_set(data), profile) == EDIFACT_ADVICE


def test_x12_quantities_are_the_standard_ones() -> None:
    set_id, body = encode_inventory(X12_ADVICE, PROFILES["x12-004010"])
    text = codec_support.interchange(set_id, body, PROFILES["x12-004010"], "IB").decode()
    assert "QTY*33*40*EA~QTY*02*100*EA~" in text and "DTM*018*20261220~" in text
    assert "LIN*2*SK*SKU-2~QTY*33*0*EA~N1*WH**92*WH-EAST~" in text


@pytest.mark.parametrize(
    ("profile", "level"),
    [
        ("x12-004010", InventoryLevel(item=Item(sku="A"), available=Decimal(1), lead_time_days=10)),
        ("x12-004010", InventoryLevel(item=Item(sku="A"), available=Decimal(0), discontinued=True)),
        ("edifact-D96A", InventoryLevel(item=Item(sku="A"), available=Decimal(1), location="WH")),
        ("edifact-D01B", InventoryLevel(item=Item(sku="A"), available=Decimal(1), on_order=Decimal(5))),
    ],
)
def test_what_a_standard_cannot_carry_is_refused(profile: str, level: InventoryLevel) -> None:
    advice = InventoryAdvice(reference="R", as_of=date(2026, 12, 1), levels=[level])
    with pytest.raises(ValueError, match="cannot carry"):
        encode_inventory(advice, PROFILES[profile])


def test_a_line_without_a_quantity_available_is_a_decode_error() -> None:
    profile = PROFILES["x12-004010"]
    set_id, body = encode_inventory(X12_ADVICE, profile)
    data = codec_support.interchange(set_id, body, profile, "IB").replace(b"QTY*33*40*EA~", b"")
    with pytest.raises(DecodeError, match="no QTY 33"):
        decode_inventory(codec_support.only_set(data), profile)
