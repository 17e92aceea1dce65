"""A partner's implementation guide: optional segments it requires are checked when a document is written
for it, and a document without the data for one is refused with what is missing."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gridlink.documents.codecs import CodecProfile, EncodeError, encode_purchase_order
from gridlink.partners.profiles import DocumentSetting
from tests.documents.codec_support import PROFILES
from tests.documents.test_codec_purchase_order import ORDER, interchange


def requiring(name: str, *paths: str) -> CodecProfile:
    return PROFILES[name].model_copy(update={"require": paths})


def test_a_document_with_what_the_partner_requires_is_written_as_usual() -> None:
    profile = requiring("x12-004010", "TD5", "N1[BY]/N104", "PO1/PID")
    assert interchange(ORDER, profile) == interchange(ORDER, PROFILES["x12-004010"])


def test_a_missing_segment_is_refused_with_its_path() -> None:
    without_carrier = ORDER.model_copy(update={"carrier_scac": None})
    with pytest.raises(EncodeError, match=r"requires TD5 in its 850"):
        encode_purchase_order(without_carrier, requiring("x12-004010", "TD5"))


def test_a_qualifier_and_an_element_are_checked_too() -> None:
    # The ship-to party has no identification code (N104), the buyer has one; nobody is the seller.
    with pytest.raises(EncodeError, match=r"requires N1\[ST\]/N104, N1\[SE\] in its 850"):
        encode_purchase_order(ORDER, requiring("x12-005010", "N1[BY]/N104", "N1[ST]/N104", "N1[SE]"))


def test_edifact_requirements_name_segment_groups() -> None:
    encode_purchase_order(ORDER, requiring("edifact-D96A", "SG2[BY]/NAD", "SG2[DP]/SG5/CTA"))
    with pytest.raises(EncodeError, match=r"requires SG2\[SU\] in its ORDERS"):
        encode_purchase_order(ORDER, requiring("edifact-D01B", "SG2[SU]"))


def test_a_requirement_that_is_not_a_path_is_refused_when_the_profile_is_loaded() -> None:
    with pytest.raises(ValidationError, match="is not NAME, NAME"):
        DocumentSetting(standard="x12", version="004010", require=["REF[IA"])
    with pytest.raises(ValidationError, match="only the last step may name an element"):
        DocumentSetting(standard="x12", version="004010", require=["DTM[137]01-2/N1"])
