"""Renumbering: an interchange written with provisional control numbers, numbered again, is the very
interchange the writer gives with the final numbers."""

from __future__ import annotations

import io

import pytest

from gridlink.edi.delimiters import Delimiters
from gridlink.edi.errors import EdiWriteError
from gridlink.edi.renumber import renumber
from gridlink.edi.validator import validate
from gridlink.edi.writer import EdifactWriter, MemoryNumbers, Party, X12Writer
from tests.edi import samples


def x12(numbers: MemoryNumbers, delimiters: Delimiters) -> bytes:
    out = io.BytesIO()
    writer = X12Writer(
        out,
        sender=Party("ZZ", "HUB"),
        receiver=Party("ZZ", "ACME"),
        numbers=numbers,
        delimiters=delimiters,
        now=samples.NOW,
    )
    writer.begin_group("PO")
    writer.write_set("850", samples.x12_850(3))
    writer.write_set("850", samples.x12_850(1))
    writer.close()
    return out.getvalue()


def edifact(numbers: MemoryNumbers) -> bytes:
    out = io.BytesIO()
    writer = EdifactWriter(
        out, sender=Party("ZZ", "HUB"), receiver=Party("ZZ", "ACME"), numbers=numbers, now=samples.NOW
    )
    for name in ("Crème brûlée+co", "A:B'C?D"):  # Latin-1 text and released separators
        writer.write_message("ORDERS", "D", "96A", [("BGM", ["220", name, "9"])])
    writer.close()
    return out.getvalue()


@pytest.mark.parametrize(
    "delimiters",
    [Delimiters("~", "*", ">"), Delimiters("~", "*", ">", suffix="\n"), Delimiters("\n", "|", ":")],
    ids=["plain", "line-per-segment", "newline-terminated"],
)
def test_x12_renumbered_is_what_the_writer_gives_with_those_numbers(delimiters: Delimiters) -> None:
    provisional = x12(MemoryNumbers(), delimiters)
    renumbered = renumber(provisional, MemoryNumbers(start=12345))
    assert renumbered == x12(MemoryNumbers(start=12345), delimiters)
    assert renumbered != provisional
    (result,) = validate(renumbered)
    assert result.valid and result.control == "000012345"
    assert [s.control for s in result.sets] == ["12345", "12346"]


def test_edifact_renumbered_is_what_the_writer_gives_with_those_numbers() -> None:
    renumbered = renumber(edifact(MemoryNumbers()), MemoryNumbers(start=77))
    assert renumbered == edifact(MemoryNumbers(start=77))
    assert "Crème brûlée".encode("latin-1") in renumbered


def test_numbers_are_taken_in_the_order_a_writer_takes_them() -> None:
    class Recording:
        def __init__(self) -> None:
            self.taken: list[str] = []

        def next(self, scope: str) -> int:
            self.taken.append(scope)
            return len(self.taken)

    recording = Recording()
    renumber(x12(MemoryNumbers(), Delimiters("~", "*", ">")), recording)
    assert recording.taken == ["interchange", "group", "set", "set"]


def test_a_number_wider_than_isa13_is_refused() -> None:
    with pytest.raises(EdiWriteError, match="ISA13"):
        renumber(x12(MemoryNumbers(), Delimiters("~", "*", ">")), MemoryNumbers(start=1_000_000_000))
