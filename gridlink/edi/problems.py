"""What validation finds: a kind from a closed list, where it is, and a readable message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Every kind of problem the validator reports; acknowledgments map each to a standard code."""

    # segment level, inside a transaction set or message
    UNRECOGNIZED_SEGMENT = "unrecognized segment"
    UNEXPECTED_SEGMENT = "unexpected segment"
    MISSING_SEGMENT = "mandatory segment missing"
    LOOP_TOO_MANY = "loop occurs over maximum times"
    SEGMENT_TOO_MANY = "segment exceeds maximum use"
    NOT_IN_SET = "segment not in defined transaction set"
    OUT_OF_ORDER = "segment not in proper sequence"
    # element level
    MISSING_ELEMENT = "mandatory data element missing"
    CONDITIONAL_MISSING = "conditional required data element missing"
    TOO_MANY_ELEMENTS = "too many data elements"
    TOO_SHORT = "data element too short"
    TOO_LONG = "data element too long"
    INVALID_CHARACTER = "invalid character in data element"
    BAD_NUMBER = "invalid numeric value"
    INVALID_CODE = "invalid code value"
    INVALID_DATE = "invalid date"
    INVALID_TIME = "invalid time"
    EXCLUSION = "exclusion condition violated"
    TOO_MANY_REPETITIONS = "too many repetitions"
    TOO_MANY_COMPONENTS = "too many components"
    # transaction set / message envelope
    SET_NOT_SUPPORTED = "transaction set not supported"
    SET_TRAILER_MISSING = "transaction set trailer missing"
    SET_CONTROL_MISMATCH = "transaction set control numbers in header and trailer differ"
    SET_COUNT = "number of included segments does not match actual count"
    SET_ID_INVALID = "missing or invalid transaction set identifier"
    SET_CONTROL_INVALID = "missing or invalid transaction set control number"
    SET_CONTROL_DUPLICATE = "transaction set control number not unique within the group"
    # functional group
    GROUP_NOT_SUPPORTED = "functional group not supported"
    VERSION_NOT_SUPPORTED = "functional group version not supported"
    GROUP_TRAILER_MISSING = "functional group trailer missing"
    GROUP_CONTROL_MISMATCH = "group control numbers in header and trailer differ"
    GROUP_COUNT = "number of included transaction sets does not match actual count"
    GROUP_CONTROL_INVALID = "group control number violates syntax"
    # interchange
    INTERCHANGE_CONTROL_MISMATCH = "interchange control numbers in header and trailer differ"
    INTERCHANGE_COUNT = "number of included groups or messages does not match actual count"
    INTERCHANGE_TRAILER_MISSING = "interchange trailer missing (premature end of file)"
    INTERCHANGE_HEADER_INVALID = "invalid interchange header"
    INTERCHANGE_CONTENT_INVALID = "invalid interchange content"
    SYNTAX_NOT_SUPPORTED = "syntax identifier or version not supported"


ELEMENT_KINDS = frozenset(
    {
        Kind.MISSING_ELEMENT,
        Kind.CONDITIONAL_MISSING,
        Kind.TOO_MANY_ELEMENTS,
        Kind.TOO_SHORT,
        Kind.TOO_LONG,
        Kind.INVALID_CHARACTER,
        Kind.BAD_NUMBER,
        Kind.INVALID_CODE,
        Kind.INVALID_DATE,
        Kind.INVALID_TIME,
        Kind.EXCLUSION,
        Kind.TOO_MANY_REPETITIONS,
        Kind.TOO_MANY_COMPONENTS,
    }
)
SEGMENT_KINDS = frozenset(
    {
        Kind.UNRECOGNIZED_SEGMENT,
        Kind.UNEXPECTED_SEGMENT,
        Kind.MISSING_SEGMENT,
        Kind.LOOP_TOO_MANY,
        Kind.SEGMENT_TOO_MANY,
        Kind.NOT_IN_SET,
        Kind.OUT_OF_ORDER,
    }
)


@dataclass(slots=True)
class Problem:
    """One finding. Positions are 1-based; `position` counts segments from ST/UNH = 1 (0: envelope)."""

    kind: Kind
    message: str
    segment: str = ""
    position: int = 0
    loop: str = ""
    element: int = 0
    component: int = 0
    repetition: int = 0
    ref: str = ""
    value: str = ""

    def where(self) -> str:
        """A readable position: "PO1 (segment 7) element 02 component 1"."""
        parts = []
        if self.segment:
            parts.append(self.segment + (f" (segment {self.position})" if self.position else ""))
        if self.element:
            parts.append(f"element {self.element:02d}" + (f" [{self.ref}]" if self.ref else ""))
        if self.component:
            parts.append(f"component {self.component}")
        if self.repetition > 1:
            parts.append(f"repetition {self.repetition}")
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message
