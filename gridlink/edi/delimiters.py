"""Separators of an interchange: detected from the ISA or UNA header, or chosen per partner for writing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gridlink.edi.errors import EdiSyntaxError, EdiWriteError

ISA_LENGTH = 106  # ISA segment including its terminator, when written fixed-width
_ISA_ELEMENTS = 16


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The separators of one interchange; `suffix` is what is written after each terminator."""

    segment: str
    element: str
    component: str
    repetition: str | None = None
    release: str | None = None
    decimal: str = "."
    suffix: str = ""
    # The separators as a set, for the writer's per-value test; derived, so not compared or shown.
    special_set: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "special_set", frozenset(self.specials()))

    def with_suffix(self, suffix: str) -> Delimiters:
        """The same separators with another line suffix (e.g. "\\n" for readable output)."""
        return replace(self, suffix=suffix)

    def characters(self) -> list[str]:
        """Every separator in use, release character included."""
        return [self.segment, self.element, self.component] + [
            c for c in (self.repetition, self.release) if c
        ]

    def specials(self) -> str:
        """Every character with a syntactic meaning, as one string."""
        return "".join(self.characters())

    def check(self) -> None:
        """Refuse separators that collide or that are letters or digits."""
        chars = self.characters()
        if any(len(c) != 1 for c in chars):
            raise EdiWriteError(f"separators must be single characters: {chars!r}")
        if len(set(chars)) != len(chars):
            raise EdiWriteError(f"separators must all differ: {chars!r}")
        if any(c.isalnum() for c in chars):
            raise EdiWriteError(f"separators must not be letters or digits: {chars!r}")


# EDIFACT syntax identifiers (UNB S001) whose repertoires need UTF-8; the others fit in Latin-1.
_UTF8_SYNTAXES = frozenset({"UNOY", "UNOW"})


def edifact_codec(syntax: str) -> str:
    """The codec an EDIFACT interchange of syntax identifier ``syntax`` (UNOA, UNOC, UNOY, …) is read and
    written in."""
    return "utf-8" if syntax in _UTF8_SYNTAXES else "latin-1"


X12_DEFAULT = Delimiters(segment="~", element="*", component=">", repetition="^")
EDIFACT_DEFAULT = Delimiters(segment="'", element="+", component=":", release="?")


def x12_from_isa(head: str) -> tuple[Delimiters, bool]:
    """Separators of an X12 interchange from the text starting at ISA; True when the ISA is fixed-width."""
    if len(head) < 4:
        raise EdiSyntaxError("truncated ISA segment")
    element = head[3]
    if element.isalnum() or element.isspace():
        raise EdiSyntaxError(f"invalid element separator {element!r} after ISA")
    fixed = len(head) >= ISA_LENGTH and head[103] == element and head.count(element, 0, 104) == _ISA_ELEMENTS
    if fixed:
        component, segment, isa11, isa12 = head[104], head[105], head[82], head[84:89]
    else:
        # Not fixed-width (seen in real files): find the 16th separator and read what follows it.
        pos = -1
        for _ in range(_ISA_ELEMENTS):
            pos = head.find(element, pos + 1)
            if pos < 0:
                raise EdiSyntaxError("ISA segment has fewer than 16 elements")
        if pos + 2 >= len(head):
            raise EdiSyntaxError("truncated ISA segment")
        component, segment = head[pos + 1], head[pos + 2]
        fields = head[: pos + 1].split(element)
        isa11, isa12 = fields[11][:1], fields[12].strip()
    if segment.isalnum() or component.isalnum():
        raise EdiSyntaxError("invalid component separator or segment terminator in ISA")
    repetition = isa11 if isa12 >= "00402" and isa11 and not isa11.isalnum() and not isa11.isspace() else None
    return Delimiters(segment=segment, element=element, component=component, repetition=repetition), fixed


UNA_LENGTH = 9


def edifact_from_una(una: str) -> Delimiters:
    """Separators from a UNA service string advice (exactly nine characters)."""
    if len(una) < UNA_LENGTH or not una.startswith("UNA"):
        raise EdiSyntaxError("truncated UNA segment")
    component, element, decimal, release, repetition, segment = tuple(una[3:9])
    return Delimiters(
        segment=segment,
        element=element,
        component=component,
        repetition=None if repetition == " " else repetition,
        release=None if release == " " else release,
        decimal=decimal,
    )


def una_string(delims: Delimiters) -> str:
    """The UNA segment that announces these separators."""
    return (
        "UNA"
        + delims.component
        + delims.element
        + delims.decimal
        + (delims.release or " ")
        + (delims.repetition or " ")
        + delims.segment
    )
