"""Acknowledgments for a received interchange: 997 (004010), 999 (005010), TA1 and EDIFACT CONTRL."""

from __future__ import annotations

import io
from datetime import datetime

from gridlink.edi import codes
from gridlink.edi.delimiters import Delimiters
from gridlink.edi.problems import ELEMENT_KINDS, SEGMENT_KINDS, Kind, Problem
from gridlink.edi.results import GroupResult, InterchangeResult, SetResult
from gridlink.edi.segment import Values
from gridlink.edi.writer import ControlNumbers, EdifactWriter, Party, X12Writer

# Problems that do not stop a set from being processed: acknowledged "accepted with errors" (E).
SOFT_KINDS = frozenset({Kind.INVALID_CODE})


def set_status(result: SetResult, soft: frozenset[Kind] = SOFT_KINDS) -> str:
    """AK501/IK501: A accepted, E accepted with errors, R rejected."""
    if not result.problems:
        return "A"
    return "E" if all(p.kind in soft for p in result.problems) else "R"


def group_status(group: GroupResult, soft: frozenset[Kind] = SOFT_KINDS) -> str:
    """AK901: A, E, P (partially accepted) or R."""
    if any(p.kind in codes.GROUP_CODES and p.kind is not Kind.GROUP_COUNT for p in group.problems):
        return "R"
    statuses = [set_status(s, soft) for s in group.sets]
    accepted = sum(1 for s in statuses if s != "R")
    if not statuses or accepted == 0:
        return "R"
    if accepted < len(statuses):
        return "P"
    return "E" if "E" in statuses or group.problems else "A"


def _clean(value: str, delims: Delimiters) -> str:
    """A copy of bad data that cannot break the acknowledgment: separators removed, at most 99 chars."""
    specials = delims.specials()
    return "".join(c for c in value if c not in specials and c.isprintable())[:99]


def _set_loop(problem: Problem, set_id: str) -> str | None:
    loop = problem.loop
    return loop if loop and loop != set_id else None


def _x12_set_body(result: SetResult, flavour: str, delims: Delimiters) -> list[tuple[str, Values]]:
    """AK3/AK4 (997) or IK3/IK4 (999) for one set, followed by AK5/IK5."""
    body: list[tuple[str, Values]] = []
    element_codes = codes.ELEMENT_CODES_999 if flavour == "999" else codes.ELEMENT_CODES_997
    seg_tag, el_tag, trailer = ("IK3", "IK4", "IK5") if flavour == "999" else ("AK3", "AK4", "AK5")
    by_segment: dict[tuple[int, str], list[Problem]] = {}
    for p in result.problems:
        if p.kind in SEGMENT_KINDS:
            body.append(
                (
                    seg_tag,
                    [
                        p.segment,
                        str(max(p.position, 1)),
                        _set_loop(p, result.id),
                        codes.SEGMENT_CODES[p.kind],
                    ],
                )
            )
        elif p.kind in ELEMENT_KINDS:
            by_segment.setdefault((p.position, p.segment), []).append(p)
    for (position, tag), problems in by_segment.items():
        body.append(
            (
                seg_tag,
                [
                    tag,
                    str(max(position, 1)),
                    _set_loop(problems[0], result.id),
                    codes.SEGMENT_HAS_ELEMENT_ERRORS,
                ],
            )
        )
        for p in problems:
            where = [str(p.element)]
            if p.component or (flavour == "999" and p.repetition > 1):
                where.append(str(p.component) if p.component else "")
            if flavour == "999" and p.repetition > 1:
                where.append(str(p.repetition))
            ref = p.ref if p.ref.isdigit() else None
            body.append((el_tag, [where, ref, element_codes[p.kind], _clean(p.value, delims) or None]))
    status = set_status(result)
    reasons = [codes.SET_CODES[p.kind] for p in result.problems if p.kind in codes.SET_CODES]
    if status == "R" and (by_segment or any(p.kind in SEGMENT_KINDS for p in result.problems)):
        reasons.append(codes.SET_HAS_SEGMENT_ERRORS)
    reasons = list(dict.fromkeys(reasons))[:5]
    body.append((trailer, [status, *reasons]))
    return body


def x12_group_ack(group: GroupResult, flavour: str, delims: Delimiters) -> list[tuple[str, Values]]:
    """The body of the 997 or 999 that answers one functional group."""
    body: list[tuple[str, Values]] = []
    body.append(("AK1", [group.functional_id, group.control] + ([group.version] if flavour == "999" else [])))
    for result in group.sets:
        ak2: list[str | None] = [result.id, result.control]
        if flavour == "999":
            ak2.append(result.implementation or None)
        body.append(("AK2", ak2))
        body.extend(_x12_set_body(result, flavour, delims))
    received = len(group.sets)
    accepted = sum(1 for s in group.sets if set_status(s) != "R")
    reasons = list(
        dict.fromkeys(codes.GROUP_CODES[p.kind] for p in group.problems if p.kind in codes.GROUP_CODES)
    )
    body.append(("AK9", [group_status(group), str(received), str(received), str(accepted), *reasons[:5]]))
    return body


def ta1_note(result: InterchangeResult) -> tuple[str, str]:
    """TA104 and TA105: the interchange's acknowledgment code and its first note code."""
    for p in result.problems:
        if p.segment == "ISA" and p.element in codes.TA1_ISA_ELEMENT_CODES:
            return "R", codes.TA1_ISA_ELEMENT_CODES[p.element]
    for p in result.problems:
        if p.kind in codes.TA1_CODES:
            fatal = p.kind in (Kind.SYNTAX_NOT_SUPPORTED, Kind.INTERCHANGE_HEADER_INVALID)
            return ("R" if fatal else "E"), codes.TA1_CODES[p.kind]
    return "A", "000"


def acknowledge(
    result: InterchangeResult,
    *,
    numbers: ControlNumbers,
    flavour: str | None = None,
    ta1: bool | None = None,
    now: datetime | None = None,
    delimiters: Delimiters | None = None,
) -> bytes | None:
    """The acknowledgment interchange to send back, or None when nothing is to be acknowledged.

    X12: a 997 per functional group (a 999 for 005010 groups, or as `flavour` says), with a TA1 when
    the sender asked for one or the envelope is broken; acknowledgments themselves are not acknowledged.
    EDIFACT: one CONTRL for the interchange, unless it is itself a CONTRL.
    """
    if result.standard == "x12":
        return _x12_ack(result, numbers, flavour, ta1, now, delimiters or result.delimiters)
    return _contrl(result, numbers, now, delimiters or result.delimiters)


def _x12_ack(
    result: InterchangeResult,
    numbers: ControlNumbers,
    flavour: str | None,
    ta1: bool | None,
    now: datetime | None,
    delims: Delimiters,
) -> bytes | None:
    groups = [g for g in result.groups if g.functional_id != "FA"]
    want_ta1 = ta1 if ta1 is not None else (result.ack_requested or bool(result.problems))
    if not groups and not want_ta1:
        return None
    out = io.BytesIO()
    version = result.version if result.version in ("00401", "00501") else "00401"
    writer = X12Writer(
        out,
        sender=Party(result.receiver_qualifier, result.receiver),
        receiver=Party(result.sender_qualifier, result.sender),
        numbers=numbers,
        delimiters=delims,
        version=version,
        now=now,
    )
    if want_ta1:
        code, note = ta1_note(result)
        writer.ta1([result.control, result.date, result.time, code, note])
    for group in groups:
        kind = flavour or ("999" if group.version.startswith("005010") else "997")
        writer.begin_group("FA", group.version if group.version[:6] in ("004010", "005010") else "004010")
        implementation = "005010X231A1" if kind == "999" else None
        writer.write_set(kind, x12_group_ack(group, kind, delims), implementation)
        writer.end_group()
    writer.close()
    return out.getvalue()


def contrl_body(result: InterchangeResult) -> list[tuple[str, Values]]:
    """UCI, then UCM/UCS/UCD for each message: the body of a CONTRL message."""
    body: list[tuple[str, Values]] = []
    envelope = list(result.problems) + [p for g in result.groups for p in g.problems]
    messages = result.sets
    bad = [m for m in messages if m.problems]
    if envelope:
        action, error = codes.CONTRL_REJECTED, codes.CONTRL_CODES.get(envelope[0].kind, "18")
    elif bad:
        action, error = codes.CONTRL_RECEIVED, None
    else:
        action, error = codes.CONTRL_ACKNOWLEDGED, None
    body.append(
        (
            "UCI",
            [
                result.control,
                [result.sender, result.sender_qualifier],
                [result.receiver, result.receiver_qualifier],
                action,
                error,
            ],
        )
    )
    if action == codes.CONTRL_ACKNOWLEDGED:
        return body
    for m in messages:
        s009 = [m.id, m.version[:1], m.version[1:], m.agency or "UN"]
        if not m.problems:
            body.append(("UCM", [m.control, s009, codes.CONTRL_ACKNOWLEDGED]))
            continue
        # The message's own envelope problem (count, reference, type) goes on the UCM itself.
        level = next((p for p in m.problems if p.kind in codes.SET_CODES), None)
        body.append(
            (
                "UCM",
                [
                    m.control,
                    s009,
                    codes.CONTRL_REJECTED,
                    codes.CONTRL_CODES.get(level.kind, "18") if level else None,
                ],
            )
        )
        for p in m.problems:
            if p.kind not in SEGMENT_KINDS | ELEMENT_KINDS:
                continue
            if p.kind in SEGMENT_KINDS:
                body.append(("UCS", [str(max(p.position, 1)), codes.CONTRL_CODES[p.kind]]))
            else:
                body.append(("UCS", [str(max(p.position, 1))]))
                where = [str(p.element)] + ([str(p.component)] if p.component else [])
                body.append(("UCD", [codes.CONTRL_CODES[p.kind], where]))
    return body


def _contrl(
    result: InterchangeResult, numbers: ControlNumbers, now: datetime | None, delims: Delimiters
) -> bytes | None:
    if any(m.id == "CONTRL" for m in result.sets):
        return None
    out = io.BytesIO()
    syntax, _, version = result.version.partition(":")
    writer = EdifactWriter(
        out,
        sender=Party(result.receiver_qualifier, result.receiver),
        receiver=Party(result.sender_qualifier, result.sender),
        numbers=numbers,
        delimiters=delims,
        syntax=syntax or "UNOC",
        syntax_version=version or "3",
        una=result.una or delims.segment != "'",
        now=now,
    )
    release = ("4", "1") if version == "4" else ("D", "3")
    writer.write_message("CONTRL", release[0], release[1], contrl_body(result))
    writer.close()
    return out.getvalue()
