"""The engine's own exceptions: everything the EDI engine raises derives from EdiError."""

from __future__ import annotations


class EdiError(Exception):
    """Base class of every error the EDI engine raises on purpose."""


class EdiSyntaxError(EdiError):
    """The input cannot be read as X12 or EDIFACT at all (no usable envelope header)."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
        self.offset = offset


class EdiWriteError(EdiError):
    """What the caller asked to write is not valid EDI (a separator in the data, a value too wide)."""


class SpecError(EdiError):
    """A transaction-set specification file is missing or inconsistent."""
