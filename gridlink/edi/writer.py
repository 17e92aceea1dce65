"""Strict writers for X12 and EDIFACT interchanges, with control numbers from caller-supplied sequences."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO, Protocol

from gridlink.edi.delimiters import EDIFACT_DEFAULT, X12_DEFAULT, Delimiters, edifact_codec, una_string
from gridlink.edi.errors import EdiWriteError
from gridlink.edi.segment import Segment, Values, build

_ISA_CONTROL_MAX = 999_999_999
_BATCH = 256  # segments buffered before one write to the output


class ControlNumbers(Protocol):
    """A gap-free sequence per partner: `next("interchange" | "group" | "set")` returns the next number."""

    def next(self, scope: str) -> int:
        """The next number of the given scope."""
        ...


class MemoryNumbers:
    """Counters in memory, each starting at 1 (or where told): for tests, tools and one-off documents."""

    def __init__(self, start: int = 1) -> None:
        self._next: dict[str, int] = {}
        self._start = start

    def next(self, scope: str) -> int:
        """The next number of `scope`."""
        value = self._next.get(scope, self._start)
        self._next[scope] = value + 1
        return value


@dataclass(frozen=True)
class Party:
    """An interchange address: qualifier and id (ISA05/06, UNB S002), and the group-level id (GS02)."""

    qualifier: str
    id: str
    application_id: str = ""

    @property
    def group_id(self) -> str:
        """The id used in GS02/GS03 or UNG, defaulting to the interchange id."""
        return self.application_id or self.id


def dump(segments: Iterable[Segment], out: BinaryIO | None = None, encoding: str = "utf-8") -> bytes:
    """Write segments exactly as they are (their own separators): the inverse of reading."""
    sink = out if out is not None else io.BytesIO()
    for seg in segments:
        d = seg.delims
        text = seg.text() if seg.tag == "UNA" else seg.text() + d.segment + d.suffix
        sink.write(text.encode(encoding, "surrogateescape"))
    return sink.getvalue() if isinstance(sink, io.BytesIO) and out is None else b""


class _Writer:
    """What both writers share: the output, separators, and counts of the open levels."""

    def __init__(self, out: BinaryIO, delimiters: Delimiters, numbers: ControlNumbers, encoding: str) -> None:
        delimiters.check()
        self.out = out
        self.delims = delimiters
        self.numbers = numbers
        self.encoding = encoding
        self.segments_in_set = 0
        self.sets_in_group = 0  # in EDIFACT without UNG: the messages of the interchange
        self.in_set = False
        self.set_control = ""
        self.segments_written = 0
        self._tail = delimiters.segment + delimiters.suffix
        self._pending: list[bytes] = []  # written to `out` in batches: one write call per segment is slow

    def _emit(self, seg: Segment) -> None:
        # Encoded at once, so that a character the syntax cannot carry fails at its own segment.
        self._pending.append((seg.text() + self._tail).encode(self.encoding, "surrogateescape"))
        self.segments_written += 1
        if len(self._pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered to the output (close() does it too)."""
        if self._pending:
            self.out.write(b"".join(self._pending))
            self._pending.clear()

    def segment(self, tag: str, values: Values) -> None:
        """Write one segment of the open set; values are strings, component sequences or None."""
        if not self.in_set:
            raise EdiWriteError(f"{tag} written outside a transaction set")
        self._emit(build(tag, values, self.delims))
        self.segments_in_set += 1

    def segments(self, items: Iterable[tuple[str, Values]]) -> None:
        """Write several (tag, values) segments."""
        for tag, values in items:
            self.segment(tag, values)

    def _open_set(self, header: str, width: int, values: Callable[[str], Values]) -> str:
        """ST or UNH with the next control number (zero-padded to `width`); segment counting starts here."""
        if self.in_set:
            raise EdiWriteError(f"{header}: a transaction set or message is already open")
        control = f"{self.numbers.next('set'):0{width}d}"
        self.set_control = control
        self.in_set = True
        self.segments_in_set = 0
        self.segment(header, values(control))
        return control

    def _close_set(self, trailer: str) -> None:
        """SE or UNT: the number of segments including itself, and the header's control number."""
        self.segment(trailer, [str(self.segments_in_set + 1), self.set_control])
        self.in_set = False
        self.sets_in_group += 1


class X12Writer(_Writer):
    """Writes one X12 interchange: ISA, groups of sets, IEA; fixed-width ISA, counted trailers."""

    def __init__(
        self,
        out: BinaryIO,
        *,
        sender: Party,
        receiver: Party,
        numbers: ControlNumbers,
        delimiters: Delimiters = X12_DEFAULT,
        version: str = "00401",
        test: bool = False,
        ack_requested: bool = False,
        now: datetime | None = None,
    ) -> None:
        super().__init__(out, delimiters, numbers, "utf-8")
        if version < "00402" and delimiters.repetition:
            delimiters = Delimiters(
                delimiters.segment, delimiters.element, delimiters.component, None, suffix=delimiters.suffix
            )
            self.delims = delimiters
        self.sender, self.receiver = sender, receiver
        self.now = now or datetime.now(UTC)
        self.groups = 0
        self.group_control = ""
        self.control = numbers.next("interchange")
        self._isa13 = isa_control(self.control)
        isa11 = delimiters.repetition if version >= "00402" and delimiters.repetition else "U"
        fields = [
            "00",
            " " * 10,
            "00",
            " " * 10,
            _fixed(sender.qualifier, 2, "ISA05"),
            _fixed(sender.id, 15, "ISA06"),
            _fixed(receiver.qualifier, 2, "ISA07"),
            _fixed(receiver.id, 15, "ISA08"),
            self.now.strftime("%y%m%d"),
            self.now.strftime("%H%M"),
            isa11,
            version,
            self._isa13,
            "1" if ack_requested else "0",
            "T" if test else "P",
            delimiters.component,
        ]
        for number, value in enumerate(fields[:15], start=1):
            if number != 11:  # ISA11 is the repetition separator itself from 00402 on
                _refuse_separators("ISA", number, value, delimiters)
        self._emit(Segment("ISA", fields, delimiters))

    def ta1(self, values: Values) -> None:
        """An interchange acknowledgment (TA1): written after the ISA, before any group."""
        if self.groups:
            raise EdiWriteError("TA1 must come before the functional groups")
        self._emit(build("TA1", values, self.delims))

    def begin_group(self, functional_id: str, version: str = "004010") -> str:
        """Open a functional group (GS); returns its control number."""
        if self.group_control:
            raise EdiWriteError("a functional group is already open")
        self.group_control = str(self.numbers.next("group"))
        self.sets_in_group = 0
        self.groups += 1
        self._emit(
            build(
                "GS",
                [
                    functional_id,
                    self.sender.group_id,
                    self.receiver.group_id,
                    self.now.strftime("%Y%m%d"),
                    self.now.strftime("%H%M"),
                    self.group_control,
                    "X",
                    version,
                ],
                self.delims,
            )
        )
        return self.group_control

    def begin_set(self, set_id: str, implementation: str | None = None) -> str:
        """Open a transaction set (ST); returns its control number (ST02)."""
        if not self.group_control:
            raise EdiWriteError("a transaction set needs an open functional group")
        return self._open_set("ST", 4, lambda control: [set_id, control, implementation])

    def end_set(self) -> None:
        """Close the set with SE and its segment count."""
        self._close_set("SE")

    def write_set(
        self, set_id: str, body: Iterable[tuple[str, Values]], implementation: str | None = None
    ) -> str:
        """ST, the body, SE: one whole set; returns its control number."""
        control = self.begin_set(set_id, implementation)
        self.segments(body)
        self.end_set()
        return control

    def end_group(self) -> None:
        """Close the group with GE."""
        if self.in_set:
            raise EdiWriteError("the transaction set is still open")
        self._emit(build("GE", [str(self.sets_in_group), self.group_control], self.delims))
        self.group_control = ""

    def close(self) -> None:
        """Close the interchange with IEA."""
        if self.group_control:
            self.end_group()
        self._emit(build("IEA", [str(self.groups), self._isa13], self.delims))
        self.flush()


class EdifactWriter(_Writer):
    """Writes one EDIFACT interchange: UNA (optional), UNB, messages, UNZ; release characters applied."""

    def __init__(
        self,
        out: BinaryIO,
        *,
        sender: Party,
        receiver: Party,
        numbers: ControlNumbers,
        delimiters: Delimiters = EDIFACT_DEFAULT,
        syntax: str = "UNOC",
        syntax_version: str = "3",
        una: bool = True,
        application: str = "",
        test: bool = False,
        ack_requested: bool = False,
        now: datetime | None = None,
    ) -> None:
        super().__init__(out, delimiters, numbers, edifact_codec(syntax))
        if not una and delimiters != EDIFACT_DEFAULT:
            raise EdiWriteError("non-default separators need a UNA segment")
        self.control = str(numbers.next("interchange"))
        now = now or datetime.now(UTC)
        if una:
            self.out.write(una_string(delimiters).encode("ascii"))
        date = now.strftime("%Y%m%d" if syntax_version >= "4" else "%y%m%d")
        values: list[str | Sequence[str] | None] = [
            [syntax, syntax_version],
            [sender.id, sender.qualifier],
            [receiver.id, receiver.qualifier],
            [date, now.strftime("%H%M")],
            self.control,
            None,
            application or None,
            None,
            "1" if ack_requested else None,
            None,
            "1" if test else None,
        ]
        self._emit(build("UNB", values, delimiters))

    def begin_message(
        self,
        message_type: str,
        version: str,
        release: str,
        agency: str = "UN",
        association: str | None = None,
    ) -> str:
        """Open a message (UNH); returns its reference number (0062)."""
        s009 = [message_type, version, release, agency] + ([association] if association else [])
        return self._open_set("UNH", 1, lambda ref: [ref, s009])

    def end_message(self) -> None:
        """Close the message with UNT and its segment count."""
        self._close_set("UNT")

    def write_message(
        self,
        message_type: str,
        version: str,
        release: str,
        body: Iterable[tuple[str, Values]],
        agency: str = "UN",
        association: str | None = None,
    ) -> str:
        """UNH, the body, UNT: one whole message; returns its reference."""
        ref = self.begin_message(message_type, version, release, agency, association)
        self.segments(body)
        self.end_message()
        return ref

    def close(self) -> None:
        """Close the interchange with UNZ."""
        if self.in_set:
            raise EdiWriteError("the message is still open")
        self._emit(build("UNZ", [str(self.sets_in_group), self.control], self.delims))
        self.flush()


def isa_control(value: int) -> str:
    """An interchange control number as ISA13 and IEA02 carry it: nine digits, or EdiWriteError."""
    if not 0 < value <= _ISA_CONTROL_MAX:
        raise EdiWriteError(f"interchange control number {value} does not fit ISA13")
    return f"{value:09d}"


def _fixed(value: str, width: int, name: str) -> str:
    if len(value) > width:
        raise EdiWriteError(f"{name} {value!r} is longer than {width} characters")
    return value.ljust(width)


def _refuse_separators(tag: str, number: int, value: str, delims: Delimiters) -> None:
    bad = next((c for c in value if c in delims.specials()), None)
    if bad is not None:
        raise EdiWriteError(f"{tag}{number:02d} contains the separator {bad!r}: {value!r}")
