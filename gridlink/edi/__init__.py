"""The EDI engine: read, write, validate and acknowledge X12 and EDIFACT, as a pure library.

Streams in, streams out: no database, no network. Specifications are data under ``specs/``.
"""

from gridlink.edi.ack import acknowledge
from gridlink.edi.compose import compose
from gridlink.edi.delimiters import EDIFACT_DEFAULT, X12_DEFAULT, Delimiters
from gridlink.edi.errors import EdiError, EdiSyntaxError, EdiWriteError, SpecError
from gridlink.edi.navigate import Loop, PathError, parse_set, set_bodies
from gridlink.edi.problems import Kind, Problem
from gridlink.edi.reconcile import (
    Ack,
    AckError,
    Outcome,
    Reconciliation,
    Sent,
    Settled,
    read_acks,
    reconcile,
    sent_in,
)
from gridlink.edi.renumber import renumber
from gridlink.edi.results import GroupResult, InterchangeResult, SetResult
from gridlink.edi.segment import Segment
from gridlink.edi.spec import load_set
from gridlink.edi.tokenizer import SegmentReader, read_segments
from gridlink.edi.validator import Validator, validate
from gridlink.edi.writer import ControlNumbers, EdifactWriter, MemoryNumbers, Party, X12Writer, dump

__all__ = [
    "EDIFACT_DEFAULT",
    "X12_DEFAULT",
    "Ack",
    "AckError",
    "ControlNumbers",
    "Delimiters",
    "EdiError",
    "EdiSyntaxError",
    "EdiWriteError",
    "EdifactWriter",
    "GroupResult",
    "InterchangeResult",
    "Kind",
    "Loop",
    "MemoryNumbers",
    "Outcome",
    "Party",
    "PathError",
    "Problem",
    "Reconciliation",
    "Segment",
    "SegmentReader",
    "Sent",
    "SetResult",
    "Settled",
    "SpecError",
    "Validator",
    "X12Writer",
    "acknowledge",
    "compose",
    "dump",
    "load_set",
    "parse_set",
    "read_acks",
    "read_segments",
    "reconcile",
    "renumber",
    "sent_in",
    "set_bodies",
    "validate",
]
