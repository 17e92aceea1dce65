"""ReturnAuthorization through 180 and RETANN and back: RMA number, references, parties, lines with their
quantities, reasons and notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridlink.documents import Address, Item, Party, PartyRole, ReturnAuthorization, ReturnLine
from gridlink.documents.codecs import encode_return_authorization
from gridlink.documents.codecs.return_authorization import RETURN_AUTHORIZATION
from gridlink.documents.return_authorization import ReturnReason
from gridlink.edi.errors import SpecError
from tests.documents import codec_support
from tests.documents.codec_support import PROFILES

RMA = ReturnAuthorization(
    rma_number="RMA-1042-1",
    authorized_on=date(2026, 12, 1),
    store_order_id=1042,
    po_number="1042-ACME",
    parties=[
        Party(
            role=PartyRole.SHIP_FROM,
            name="Jane Doe",
            address=Address(
                lines=["12 Elm Street"], city="Denver", state="CO", postal_code="80202", country="US"
            ),
        )
    ],
    lines=[
        ReturnLine(
            line_number=1,
            item=Item(sku="SKU-1", partner_item="ACME-778", gtin="012345678905", description="Steel widget"),
            quantity=Decimal(2),
            reason=ReturnReason.DAMAGED,
            note="box crushed in transit",
        ),
        ReturnLine(
            line_number=3, item=Item(sku="SKU-2"), quantity=Decimal(1), reason=ReturnReason.WRONG_ITEM
        ),
    ],
)


@pytest.mark.parametrize("profile", ["x12-004010", "x12-005010"])
def test_x12_round_trip(profile: str) -> None:
    assert codec_support.round_trip(RETURN_AUTHORIZATION, RMA, profile, "AN") == RMA


@pytest.mark.parametrize("profile", ["edifact-D01B"])
def test_edifact_round_trip(profile: str) -> None:
    assert codec_support.round_trip(RETURN_AUTHORIZATION, RMA, profile, "") == RMA


def test_reasons_are_x12_return_request_reason_codes() -> None:
    set_id, body = encode_return_authorization(RMA, PROFILES["x12-004010"])
    text = codec_support.interchange(set_id, body, PROFILES["x12-004010"], "AN").decode()
    assert "RDR*RA*DA**box crushed in transit~" in text and "RDR*RA*WG~" in text
    assert "BLI*SK*SKU-1*2*EA****VP*ACME-778*UP*012345678905~" in text


def test_retann_exists_only_from_d01b() -> None:
    with pytest.raises(SpecError, match="no specification for edifact D96A RETANN"):
        encode_return_authorization(RMA, PROFILES["edifact-D96A"])
