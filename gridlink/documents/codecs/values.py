"""Dates and numbers as X12 and EDIFACT write them, and back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from gridlink.edi.errors import EdiError


class DecodeError(EdiError):
    """A document that is valid EDI but cannot be read as the canonical document: the message says why."""


class EncodeError(EdiError):
    """A document that cannot be written as its partner requires: the message says what is missing."""


def ccyymmdd(value: date) -> str:
    """A date as CCYYMMDD (X12 DT, EDIFACT format 102)."""
    return value.strftime("%Y%m%d")


def parse_date(text: str, what: str) -> date:
    """A CCYYMMDD date; DecodeError naming `what` when it is not one."""
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise DecodeError(f"{what}: {text!r} is not a CCYYMMDD date") from None


def optional_date(text: str, what: str) -> date | None:
    """A CCYYMMDD date, or None for an empty value."""
    return parse_date(text, what) if text else None


def number(value: Decimal) -> str:
    """A decimal as EDI writes it: no exponent, no trailing zeros after the point."""
    return format(value.normalize(), "f")


def parse_number(text: str, what: str) -> Decimal:
    """A decimal number (a comma is accepted as the decimal mark); DecodeError naming `what` otherwise."""
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise DecodeError(f"{what}: {text!r} is not a number") from None


def optional_int(text: str) -> int | None:
    """A whole number, or None when the value is empty or not one."""
    return int(text) if text.isdigit() else None
