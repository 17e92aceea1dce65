"""Streaming tokenizer: bytes in, segments out, in constant memory, interchange by interchange.

Lenient with what real files carry and says what it tolerated (`Notice`); it raises EdiSyntaxError
only where no envelope header can be recognised at all.
"""

from __future__ import annotations

import io
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from gridlink.edi.delimiters import (
    EDIFACT_DEFAULT,
    ISA_LENGTH,
    UNA_LENGTH,
    Delimiters,
    edifact_codec,
    edifact_from_una,
    x12_from_isa,
)
from gridlink.edi.errors import EdiSyntaxError
from gridlink.edi.segment import Segment, split_escaped

CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
_BLANKS = " \t\r\n"
_BLANK_BYTES = b" \t\r\n\x00"


@dataclass
class Notice:
    """Something the reader tolerated: what it was, and how often it happened."""

    code: str
    message: str
    count: int = 1


@dataclass
class Notices:
    """The tolerated irregularities of one read, each kind recorded once with a count."""

    items: dict[str, Notice] = field(default_factory=dict)

    def add(self, code: str, message: str) -> None:
        """Record one occurrence."""
        if code in self.items:
            self.items[code].count += 1
        else:
            self.items[code] = Notice(code, message)

    def __iter__(self) -> Iterator[Notice]:
        return iter(self.items.values())

    def __bool__(self) -> bool:
        return bool(self.items)


def _codec_for_unb(head: str, delims: Delimiters) -> str:
    start = head.find("UNB" + delims.element)
    syntax = head[start + 4 : start + 8] if start >= 0 else ""
    return edifact_codec(syntax)


class SegmentReader:
    """Iterates the segments of a byte stream holding any number of X12 or EDIFACT interchanges."""

    def __init__(self, stream: BinaryIO | bytes, chunk_size: int = CHUNK) -> None:
        self._stream = io.BytesIO(stream) if isinstance(stream, bytes | bytearray) else stream
        self._chunk = chunk_size
        self.notices = Notices()
        self.bytes_read = 0

    def _fill(self, buf: bytes, need: int) -> tuple[bytes, bool]:
        while len(buf) < need:
            more = self._stream.read(self._chunk)
            if not more:
                return buf, True
            self.bytes_read += len(more)
            buf += more
        return buf, False

    def _header(self, buf: bytes) -> tuple[Delimiters, str, int, bytes]:
        """Detect the next interchange header; returns separators, codec, header length and buffer."""
        if buf.startswith(_BOM):
            self.notices.add("bom", "byte-order mark before the interchange")
            buf = buf[3:]
        stripped = buf.lstrip(_BLANK_BYTES)
        if len(stripped) != len(buf):
            self.notices.add("leading-blanks", "blank characters before the interchange")
            buf = stripped
        buf, _ = self._fill(buf, 512)
        head = buf[:512].decode("latin-1")
        if head.startswith("ISA"):
            delims, fixed = x12_from_isa(head)
            if not fixed:
                self.notices.add("isa-width", "ISA segment is not fixed-width")
            # The codec: X12 is ASCII in principle, real files carry UTF-8; surrogateescape keeps any byte.
            return self._with_suffix(delims, head), "utf-8", 0, buf
        if head.startswith("UNA"):
            if len(head) < UNA_LENGTH:
                raise EdiSyntaxError("truncated UNA segment", self.bytes_read - len(buf))
            delims = edifact_from_una(head)
            return self._with_suffix(delims, head), _codec_for_unb(head, delims), UNA_LENGTH, buf
        if head.startswith("UNB"):
            delims = EDIFACT_DEFAULT
            if len(head) > 3 and head[3] != delims.element:
                raise EdiSyntaxError(
                    "UNB without UNA uses non-default separators", self.bytes_read - len(buf)
                )
            return self._with_suffix(delims, head), _codec_for_unb(head, delims), 0, buf
        snippet = head[:20].encode("unicode_escape").decode()
        raise EdiSyntaxError(f"no ISA, UNA or UNB header found: {snippet!r}", self.bytes_read - len(buf))

    @staticmethod
    def _with_suffix(delims: Delimiters, head: str) -> Delimiters:
        # The line ending after the first terminator is the interchange's style: kept for writing back.
        first = head.find(delims.segment, UNA_LENGTH if head.startswith("UNA") else ISA_LENGTH - 1)
        if head.startswith("ISA") and head[ISA_LENGTH - 1 : ISA_LENGTH] == delims.segment:
            first = ISA_LENGTH - 1
        if first < 0:
            return delims
        suffix = ""
        for ch in head[first + 1 : first + 3]:
            if ch not in "\r\n":
                break
            suffix += ch
        return delims.with_suffix(suffix) if suffix and suffix != delims.segment else delims

    def __iter__(self) -> Iterator[Segment]:
        buf, eof = self._fill(b"", 512)
        while True:
            if not buf.strip(_BLANK_BYTES) and eof:
                if buf:
                    self.notices.add("trailing-blanks", "blank characters after the last interchange")
                return
            delims, codec, header_len, buf = self._header(buf)
            if header_len:
                yield Segment("UNA", [buf[3:header_len].decode("latin-1")], delims)
                buf = buf[header_len:]
            buf, eof = yield from self._interchange(buf, delims, codec)

    def _interchange(
        self, buf: bytes, delims: Delimiters, codec: str
    ) -> Generator[Segment, None, tuple[bytes, bool]]:
        """Yield the segments up to IEA/UNZ; return what is left of the buffer, and whether at EOF."""
        term = delims.segment
        term_b = term.encode(codec)
        sep = delims.element
        release = delims.release
        end_tags = ("IEA", "UNZ")
        carry = ""  # an escaped terminator: the piece continues in the next one
        eof = False
        while True:
            cut = buf.rfind(term_b)
            if cut < 0:
                if eof:
                    break
                more = self._stream.read(self._chunk)
                if not more:
                    eof = True
                    continue
                self.bytes_read += len(more)
                buf += more
                continue
            pieces = buf[:cut].decode(codec, "surrogateescape").split(term)
            buf = buf[cut + len(term_b) :]
            for index, raw in enumerate(pieces):
                piece = carry + term + raw if carry else raw
                carry = ""
                if release and piece.endswith(release):
                    trailing = len(piece) - len(piece.rstrip(release))
                    if trailing % 2:
                        carry = piece
                        continue
                if piece and piece[0] in _BLANKS:
                    self.notices.add("line-breaks", "line breaks or blanks between segments")
                    piece = piece.lstrip(_BLANKS)
                if piece and piece[-1] in "\r\n":
                    # A newline terminator after CR: spaces before a terminator are data, kept.
                    self.notices.add("trailing-blanks", "carriage return before the segment terminator")
                    piece = piece.rstrip("\r\n")
                if not piece:
                    self.notices.add("empty-segment", "empty segment (two terminators in a row)")
                    continue
                tag, _, rest = piece.partition(sep)
                elements = split_escaped(rest, sep, release) if rest or sep in piece else []
                yield Segment(tag, elements, delims)
                if tag in end_tags:
                    tail = term.join(pieces[index + 1 :])
                    rest_b = (
                        (tail + term).encode(codec, "surrogateescape") if index + 1 < len(pieces) else b""
                    )
                    buf, eof = self._fill(rest_b + buf, 512)
                    return buf, eof
            if eof and not buf:
                break
            more = self._stream.read(self._chunk)
            if not more:
                eof = True
            else:
                self.bytes_read += len(more)
                buf += more
        leftover = (carry + buf.decode(codec, "surrogateescape")).strip(_BLANKS)
        if leftover:
            # The last segment lacks its terminator: read it anyway; the envelope check reports the rest.
            self.notices.add("no-terminator", "last segment has no terminator")
            tag, _, rest = leftover.partition(sep)
            yield Segment(tag, split_escaped(rest, sep, release) if rest else [], delims)
        return b"", True


def read_segments(data: BinaryIO | bytes) -> list[Segment]:
    """Every segment of `data`, as a list: for small documents and tests."""
    return list(SegmentReader(data))
