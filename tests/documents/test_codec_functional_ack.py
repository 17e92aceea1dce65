"""FunctionalAck read from the 997, 999 and CONTRL a partner sends back."""

from __future__ import annotations

import pytest

from gridlink.documents import FunctionalAckStatus
from gridlink.documents.codecs.functional_ack import decode_functional_acks
from gridlink.edi.ack import acknowledge
from gridlink.edi.validator import validate
from gridlink.edi.writer import MemoryNumbers
from tests.edi import samples


def partner_ack(received: bytes) -> bytes:
    (result,) = validate(received)
    ack = acknowledge(result, numbers=MemoryNumbers(), now=samples.NOW)
    assert ack is not None
    return ack


@pytest.mark.parametrize("version", ["004010", "005010"])
def test_a_rejected_set_is_named_with_the_partners_error(version: str) -> None:
    bad = samples.x12("850", version, samples.x12_850(), "PO").replace(b"PO1*1*2*EA", b"PO1*1*2O*EA")

    (ack,) = decode_functional_acks(partner_ack(bad))

    assert ack.group_control_number == "1"
    assert ack.status is FunctionalAckStatus.REJECTED
    (rejected,) = ack.rejected_sets()
    assert (rejected.control_number, rejected.set_id) == ("1", "850")
    assert "code 6 at PO1, segment 10, element 2 ('2O')" in rejected.errors


def test_an_accepted_group_lists_no_rejection() -> None:
    good = samples.x12("850", "004010", samples.x12_850(), "PO")
    (ack,) = decode_functional_acks(partner_ack(good))
    assert ack.status is FunctionalAckStatus.ACCEPTED
    assert ack.rejected_sets() == []


def test_a_contrl_rejecting_a_message_is_read_per_message() -> None:
    bad = samples.edifact("ORDERS", "D96A", samples.orders()).replace(b"QTY+21:2'", b"QTY+21:2O'", 1)
    (ack,) = decode_functional_acks(partner_ack(bad))
    assert ack.interchange_control_number == "1"
    (rejected,) = ack.rejected_sets()
    assert rejected.set_id == "ORDERS"
    assert rejected.errors == ["code 37 at segment 10, element 1.2"]
