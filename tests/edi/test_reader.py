"""The reader: separators from ISA and UNA, release characters, leniency that says what it tolerated."""

from __future__ import annotations

import pytest

from gridlink.edi.errors import EdiSyntaxError
from gridlink.edi.tokenizer import SegmentReader, read_segments
from gridlink.edi.validator import validate
from tests.edi import samples


def test_separators_come_from_the_isa() -> None:
    data = samples.x12("850", "004010", samples.x12_850(), "PO").replace(b"*", b"|").replace(b"~", b"\r\n")
    segments = read_segments(data)
    assert segments[0].delims.element == "|" and segments[0].delims.segment == "\r"
    assert [s.tag for s in segments][:3] == ["ISA", "GS", "ST"]
    (result,) = validate(data)
    assert result.all_problems() == []


def test_repetition_separator_only_from_00402() -> None:
    data5 = samples.x12("850", "005010", samples.x12_850(), "PO")
    assert read_segments(data5)[0].delims.repetition == "^"
    data4 = samples.x12("850", "004010", samples.x12_850(), "PO")
    assert read_segments(data4)[0].delims.repetition is None


def test_una_and_release_character() -> None:
    data = (
        b"UNA:+.? 'UNB+UNOC:3+A:ZZ+B:ZZ+261125:0930+1'UNH+1+ORDERS:D:96A:UN'"
        b"FTX+AAI+++Rock?+Roll?'s ?:)??'UNT+3+1'UNZ+1+1'"
    )
    ftx = next(s for s in read_segments(data) if s.tag == "FTX")
    assert ftx.get(4) == "Rock+Roll's :)?"


def test_edifact_default_separators_without_una() -> None:
    data = samples.edifact("ORDERS", "D96A", samples.orders())
    data = data[9:]  # drop the UNA: the defaults apply
    (result,) = validate(data)
    assert result.all_problems() == [] and not result.una


def test_lenient_with_bom_line_breaks_and_trailing_blanks() -> None:
    clean = samples.x12("850", "004010", samples.x12_850(), "PO")
    messy = b"\xef\xbb\xbf\r\n" + clean.replace(b"~", b"~\r\n    ") + b"  \n"
    reader = SegmentReader(messy)
    assert [s.text() for s in reader] == [s.text() for s in read_segments(clean)]
    assert {n.code for n in reader.notices} >= {"bom", "line-breaks", "leading-blanks"}
    (result,) = validate(messy)
    assert result.all_problems() == []
    assert result.notices


def test_non_fixed_width_isa_is_read_and_reported() -> None:
    data = (
        b"ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*261125*0930*U*00401*000000001*0*P*>~GS*FA*S1*R1*20261125*0930*1*X*004010~"
        b"ST*997*0001~AK1*PO*1~AK9*A*0*0*0~SE*4*0001~GE*1*1~IEA*1*000000001~"
    )
    reader = SegmentReader(data)
    assert [s.tag for s in reader][-1] == "IEA"
    assert "isa-width" in {n.code for n in reader.notices}


def test_several_interchanges_with_different_separators_in_one_stream() -> None:
    one = samples.x12("850", "004010", samples.x12_850(), "PO")
    two = samples.edifact("ORDERS", "D96A", samples.orders())
    three = one.replace(b"*", b"|")
    results = validate(one + b"\n" + two + three)
    assert [r.standard for r in results] == ["x12", "edifact", "x12"]
    assert all(r.valid for r in results)


def test_garbage_raises_the_engines_own_error() -> None:
    with pytest.raises(EdiSyntaxError, match="no ISA, UNA or UNB"):
        read_segments(b"hello world")


def test_reads_in_small_chunks_identically() -> None:
    data = samples.edifact("ORDERS", "D96A", samples.orders(50)) + samples.x12(
        "846", "004010", samples.x12_846(50), "IB"
    )
    assert [s.text() for s in SegmentReader(data, chunk_size=7)] == [s.text() for s in read_segments(data)]
