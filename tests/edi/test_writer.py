"""The writer: strict, counted, numbered from the caller's sequence, escaping where the syntax allows."""

from __future__ import annotations

import io

import pytest

from gridlink.edi.delimiters import Delimiters
from gridlink.edi.errors import EdiWriteError
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.writer import EdifactWriter, MemoryNumbers, Party, X12Writer, dump
from tests.edi import samples


def test_control_numbers_come_from_the_sequence_and_trailers_count() -> None:
    numbers = MemoryNumbers(start=41)
    out = io.BytesIO()
    writer = X12Writer(
        out, sender=Party("ZZ", "HUB"), receiver=Party("ZZ", "ACME"), numbers=numbers, now=samples.NOW
    )
    writer.begin_group("PO")
    writer.write_set("850", samples.x12_850(3))
    writer.write_set("850", samples.x12_850(1))
    writer.close()
    segs = read_segments(out.getvalue())
    isa, gs = segs[0], segs[1]
    assert isa.get(13) == "000000041" and gs.get(6) == "41"
    assert [s.get(2) for s in segs if s.tag == "ST"] == ["0041", "0042"]
    se = [s for s in segs if s.tag == "SE"]
    assert [s.get(1) for s in se] == [str(2 + len(samples.x12_850(3))), str(2 + len(samples.x12_850(1)))]
    assert segs[-2].get(1) == "2" and segs[-1].get(2) == "000000041"
    assert len(isa.text()) + 1 == 106  # fixed width


def test_x12_data_containing_a_separator_is_refused() -> None:
    out = io.BytesIO()
    writer = X12Writer(out, sender=Party("ZZ", "HUB"), receiver=Party("ZZ", "ACME"), numbers=MemoryNumbers())
    writer.begin_group("PO")
    writer.begin_set("850")
    with pytest.raises(EdiWriteError, match="BEG03 contains the separator"):
        writer.segment("BEG", ["00", "SA", "PO*1", None, "20261125"])


def test_isa_values_wider_than_their_field_are_refused() -> None:
    with pytest.raises(EdiWriteError, match="ISA06"):
        X12Writer(
            io.BytesIO(), sender=Party("ZZ", "X" * 16), receiver=Party("ZZ", "A"), numbers=MemoryNumbers()
        )


def test_edifact_release_characters_round_trip() -> None:
    out = io.BytesIO()
    writer = EdifactWriter(
        out, sender=Party("ZZ", "HUB"), receiver=Party("ZZ", "ACME"), numbers=MemoryNumbers()
    )
    writer.write_message("ORDERS", "D", "96A", [("BGM", ["220", "A+B:C'D?E", "9"])])
    writer.close()
    assert b"A?+B?:C?'D??E" in out.getvalue()
    bgm = next(s for s in read_segments(out.getvalue()) if s.tag == "BGM")
    assert bgm.get(2) == "A+B:C'D?E"


def test_separators_per_partner() -> None:
    delims = Delimiters(segment="\n", element="|", component="\\", repetition="{")
    data = samples.x12("850", "004010", samples.x12_850(), "PO")
    out = io.BytesIO()
    writer = X12Writer(
        out,
        sender=Party("ZZ", "HUB"),
        receiver=Party("ZZ", "ACME"),
        numbers=MemoryNumbers(),
        delimiters=delims,
    )
    writer.begin_group("PO")
    writer.write_set("850", samples.x12_850())
    writer.close()
    assert b"BEG|00|SA|PO-1001||20261125\n" in out.getvalue()
    assert len(read_segments(out.getvalue())) == len(read_segments(data))


def test_colliding_separators_are_refused() -> None:
    with pytest.raises(EdiWriteError, match="differ"):
        X12Writer(
            io.BytesIO(),
            sender=Party("ZZ", "A"),
            receiver=Party("ZZ", "B"),
            numbers=MemoryNumbers(),
            delimiters=Delimiters(segment="~", element="*", component="*"),
        )


def test_dump_is_the_inverse_of_reading() -> None:
    for data in (
        samples.x12("856", "005010", samples.x12_856(), "SH"),
        samples.edifact("DESADV", "D01B", samples.desadv()),
    ):
        assert dump(read_segments(data)) == data
