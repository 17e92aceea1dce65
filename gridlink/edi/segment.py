"""A segment as read or written: its tag and raw element texts, with accessors that split and unescape."""

from __future__ import annotations

from collections.abc import Sequence

from gridlink.edi.delimiters import Delimiters
from gridlink.edi.errors import EdiWriteError


def split_escaped(text: str, sep: str, release: str | None) -> list[str]:
    """Split on `sep`, keeping separators that follow the release character (the text stays escaped)."""
    if not release or release not in text:
        return text.split(sep)
    parts: list[str] = []
    start = i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == release:
            i += 2
            continue
        if ch == sep:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def unescape(text: str, release: str | None) -> str:
    """Remove EDIFACT release characters: `?+` becomes `+`, `??` becomes `?`."""
    if not release or release not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == release and i + 1 < n:
            out.append(text[i + 1])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def escape(value: str, delims: Delimiters) -> str:
    """Precede every separator and release character in `value` by the release character."""
    release = delims.release
    if not release:
        return value
    specials = delims.specials()
    if not any(c in value for c in specials):
        return value
    return "".join(release + c if c in specials else c for c in value)


class Segment:
    """One segment; `elements[0]` is element 01. Element texts are kept as read (still escaped)."""

    __slots__ = ("delims", "elements", "tag")

    def __init__(self, tag: str, elements: list[str], delims: Delimiters) -> None:
        self.tag = tag
        self.elements = elements
        self.delims = delims

    def __repr__(self) -> str:
        return f"Segment({self.text()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Segment) and self.tag == other.tag and self.elements == other.elements

    def __hash__(self) -> int:
        return hash((self.tag, tuple(self.elements)))

    def __len__(self) -> int:
        return len(self.elements)

    def raw(self, position: int) -> str:
        """Element `position` (1-based) as it appears in the file, "" when absent."""
        return self.elements[position - 1] if 0 < position <= len(self.elements) else ""

    def get(self, position: int, component: int | None = None) -> str:
        """The unescaped value of an element (1-based), or of one of its components; "" when absent."""
        text = self.raw(position)
        if component is not None:
            parts = self.components(position)
            return parts[component - 1] if 0 < component <= len(parts) else ""
        return unescape(text, self.delims.release)

    def __getitem__(self, position: int) -> str:
        """`seg[n]` is `seg.get(n)`."""
        return self.get(position)

    def components(self, position: int, repetition: int = 1) -> list[str]:
        """The unescaped components of an element (1-based), in its given repetition."""
        reps = self.repetitions(position)
        text = reps[repetition - 1] if 0 < repetition <= len(reps) else ""
        release = self.delims.release
        return [unescape(p, release) for p in split_escaped(text, self.delims.component, release)]

    def repetitions(self, position: int) -> list[str]:
        """The raw repetitions of an element (a list of one when the element does not repeat)."""
        text = self.raw(position)
        rep = self.delims.repetition
        if not rep or rep not in text:
            return [text]
        return split_escaped(text, rep, self.delims.release)

    def text(self) -> str:
        """The segment as written, without its terminator."""
        if self.tag == "UNA":
            return "UNA" + "".join(self.elements)
        sep = self.delims.element
        return self.tag + sep + sep.join(self.elements) if self.elements else self.tag


# An element's value: a string, its components (None for an empty one), or None for an empty element.
Values = Sequence[str | Sequence[str | None] | None]


def build(tag: str, values: Values, delims: Delimiters) -> Segment:
    """A segment from values: a string, a sequence of components, or None for an empty element."""
    specials = delims.special_set
    out: list[str] = []
    for position, value in enumerate(values, start=1):
        if value is None:
            out.append("")
        elif isinstance(value, str):
            # Most values carry no separator: one set test in C instead of a scan per character.
            out.append(value if specials.isdisjoint(value) else _escaped(tag, position, value, delims))
        else:
            texts = [
                "" if p is None else p if specials.isdisjoint(p) else _escaped(tag, position, p, delims)
                for p in value
            ]
            while len(texts) > 1 and texts[-1] == "":
                texts.pop()
            out.append(delims.component.join(texts))
    while out and out[-1] == "":
        out.pop()
    return Segment(tag, out, delims)


def _escaped(tag: str, position: int, value: str, delims: Delimiters) -> str:
    """`value` with its separators released (EDIFACT), or EdiWriteError where X12 has no release."""
    if delims.release:
        return escape(value, delims)
    bad = next(c for c in value if c in delims.special_set)
    raise EdiWriteError(f"{tag}{position:02d} contains the separator {bad!r}: {value!r}")
