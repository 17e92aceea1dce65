"""An interchange written again with other control numbers, everything else byte for byte as it was.

For documents written and checked before their partner's numbers are taken: a partner that takes many
interchanges per file gets them numbered when they are delivered, in the order they go.
"""

from __future__ import annotations

from gridlink.edi.delimiters import edifact_codec
from gridlink.edi.errors import EdiWriteError
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.writer import ControlNumbers, dump, isa_control

# Where each header takes a new number (scope, element index, zero-padded width) and where each trailer
# repeats it; ISA13 is written as the writer writes it.
_HEADERS = {
    "ISA": ("interchange", 12, 9),
    "GS": ("group", 5, 0),
    "ST": ("set", 1, 4),
    "UNB": ("interchange", 4, 0),
    "UNG": ("group", 4, 0),
    "UNH": ("set", 0, 0),
}
_TRAILERS = {
    "IEA": "interchange",
    "GE": "group",
    "SE": "set",
    "UNZ": "interchange",
    "UNE": "group",
    "UNT": "set",
}


def renumber(data: bytes, numbers: ControlNumbers) -> bytes:
    """``data`` with each control number taken anew from ``numbers``, in the order a writer takes them
    (interchange, then each group and set as they come), and each trailer repeating its header's."""
    current: dict[str, str] = {}
    out: list[Segment] = []
    codec = "utf-8"
    for segment in read_segments(data):
        elements = list(segment.elements)
        if segment.tag in _HEADERS:
            scope, index, width = _HEADERS[segment.tag]
            value = numbers.next(scope)
            current[scope] = isa_control(value) if segment.tag == "ISA" else f"{value:0{width}d}"
            elements[index] = current[scope]
            if segment.tag == "UNB":
                codec = edifact_codec(segment.get(1, 1))
        elif segment.tag in _TRAILERS:
            if _TRAILERS[segment.tag] not in current:
                raise EdiWriteError(f"{segment.tag} without its header")
            elements[1] = current[_TRAILERS[segment.tag]]
        out.append(Segment(segment.tag, elements, segment.delims))
    return dump(out, encoding=codec)
