"""Streaming validation of interchanges: envelopes, control numbers, set structure and elements.

Segments flow through in constant memory; what is kept is one result per set with its problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from gridlink.edi.elements import ElementChecker
from gridlink.edi.errors import SpecError
from gridlink.edi.problems import Kind, Problem
from gridlink.edi.results import GroupResult, InterchangeResult, SetResult
from gridlink.edi.segment import Segment
from gridlink.edi.spec import Dictionary, SetSpec, dictionary, load_set
from gridlink.edi.structure import Cursor
from gridlink.edi.tokenizer import SegmentReader

X12_VERSIONS = {"00401": "004010", "00501": "005010"}
EDIFACT_DEFAULT_DIRECTORY = "D96A"
_X12_SET_CONTROL = re.compile(r"[0-9A-Za-z]{4,9}\Z")
_GROUP_CONTROL = re.compile(r"[0-9]{1,9}\Z")
# EDIFACT level A (UNOA) allows upper-case letters, digits, space and these; UNOB adds lower case.
_UNOA_BAD = re.compile(r"[^A-Z0-9 .,\-()/='+:?!\"%&*;<>]")
_UNOB_BAD = re.compile(r"[^A-Za-z0-9 .,\-()/='+:?!\"%&*;<>]")


def x12_version(gs08: str) -> str | None:
    """The specification version of a GS08 value (004010, 004010VICS, 005010X231A1, ...)."""
    head = gs08[:6]
    return head if head in ("004010", "005010") else None


class _SetState:
    __slots__ = ("cursor", "dictionary", "result", "spec")

    def __init__(self, result: SetResult, spec: SetSpec | None, dic: Dictionary | None) -> None:
        self.result = result
        self.spec = spec
        self.dictionary = dic
        self.cursor = Cursor(spec.root) if spec else None


class Validator:
    """Validates every interchange of a byte stream; `run` yields one result per interchange."""

    def __init__(self) -> None:
        self.checker = ElementChecker()

    def run(self, stream: BinaryIO | bytes) -> Iterator[InterchangeResult]:
        """Yield the result of each interchange as soon as it is complete."""
        reader = SegmentReader(stream)
        current: _Interchange | None = None
        una = False
        for seg in reader:
            tag = seg.tag
            if tag == "UNA":
                una = True
                continue
            if tag in ("ISA", "UNB"):
                if current is not None:
                    yield current.finish(missing_trailer=True)
                current = _Interchange(self.checker, seg, una)
                una = False
                continue
            if current is None:
                continue  # the reader only yields segments after a header: unreachable in practice
            current.segment(seg)
            if tag in ("IEA", "UNZ"):
                current.result.notices = list(reader.notices)
                yield current.finish(missing_trailer=False)
                current = None
        if current is not None:
            current.result.notices = list(reader.notices)
            yield current.finish(missing_trailer=True)


def validate(data: BinaryIO | bytes) -> list[InterchangeResult]:
    """Validate every interchange of `data`."""
    return list(Validator().run(data))


class _Interchange:
    """The state of one interchange being validated."""

    def __init__(self, checker: ElementChecker, header: Segment, una: bool) -> None:
        self.checker = checker
        self.x12 = header.tag == "ISA"
        self.result = InterchangeResult("x12" if self.x12 else "edifact", header.delims, una=una)
        self.group: GroupResult | None = None
        self.group_dictionary: Dictionary | None = None
        self.set: _SetState | None = None
        self.charset: re.Pattern[str] | None = None
        self.header(header)

    # -- envelope headers ---------------------------------------------------------------------------

    def header(self, seg: Segment) -> None:
        """Read ISA or UNB."""
        r = self.result
        problems: list[Problem] = []
        if self.x12:
            r.sender_qualifier, r.sender = seg.get(5), seg.get(6).strip()
            r.receiver_qualifier, r.receiver = seg.get(7), seg.get(8).strip()
            r.date, r.time, r.version, r.control = seg.get(9), seg.get(10), seg.get(12), seg.get(13)
            r.ack_requested, r.test = seg.get(14) == "1", seg.get(15) == "T"
            dic = dictionary("x12", X12_VERSIONS.get(r.version, "004010"))
            if r.version not in X12_VERSIONS:
                problems.append(
                    Problem(
                        Kind.SYNTAX_NOT_SUPPORTED,
                        f"ISA12 version {r.version!r} is not supported",
                        "ISA",
                        0,
                        element=12,
                        ref="I11",
                        value=r.version,
                    )
                )
            if seg.delims.component == seg.delims.element:
                problems.append(
                    Problem(
                        Kind.INTERCHANGE_HEADER_INVALID,
                        "component separator equals element separator",
                        "ISA",
                        0,
                        element=16,
                    )
                )
        else:
            syntax = seg.components(1)
            r.version = ":".join(syntax[:2])
            sender, receiver = seg.components(2), seg.components(3)
            r.sender, r.sender_qualifier = sender[0], (sender[1] if len(sender) > 1 else "")
            r.receiver, r.receiver_qualifier = receiver[0], (receiver[1] if len(receiver) > 1 else "")
            stamp = seg.components(4)
            r.date, r.time = stamp[0], (stamp[1] if len(stamp) > 1 else "")
            r.control = seg.get(5)
            r.ack_requested, r.test = seg.get(9) == "1", seg.get(11) == "1"
            dic = dictionary("edifact", EDIFACT_DEFAULT_DIRECTORY)
            level = syntax[0] if syntax else ""
            self.charset = {"UNOA": _UNOA_BAD, "UNOB": _UNOB_BAD}.get(level)
            if not re.fullmatch(r"UNO[A-Z]", level) or (
                len(syntax) > 1 and syntax[1] not in ("1", "2", "3", "4")
            ):
                problems.append(
                    Problem(
                        Kind.SYNTAX_NOT_SUPPORTED,
                        f"syntax identifier {r.version!r} is not supported",
                        "UNB",
                        0,
                        element=1,
                        ref="S001",
                        value=r.version,
                    )
                )
        self.checker.segment(dic.segments[seg.tag], seg, 0, problems)
        r.problems.extend(problems)

    def segment(self, seg: Segment) -> None:
        """Take the next segment after the interchange header."""
        tag = seg.tag
        state = self.set
        if state is not None and tag not in _ENVELOPE_TAGS:
            self.body(state, seg)
            return
        handler = _HANDLERS.get(tag)
        if handler is None:
            self.result.problems.append(
                Problem(Kind.INTERCHANGE_CONTENT_INVALID, f"segment {tag} outside any transaction set", tag)
            )
            return
        handler(self, seg)

    def interchange_ack(self, seg: Segment) -> None:
        """TA1: an interchange acknowledgment, allowed between ISA and the first GS."""
        if self.result.groups:
            self.result.problems.append(
                Problem(Kind.INTERCHANGE_CONTENT_INVALID, "TA1 after a functional group", "TA1")
            )
        dic = dictionary("x12", X12_VERSIONS.get(self.result.version, "004010"))
        self.checker.segment(dic.segments["TA1"], seg, 0, self.result.problems)

    def begin_group(self, seg: Segment) -> None:
        """GS or UNG."""
        self.close_set(trailer=None)
        if self.group is not None:
            self.close_group(None)
        if self.x12:
            group = GroupResult(seg.get(1), seg.get(6), seg.get(8), seg.get(2), seg.get(3))
            version = x12_version(group.version)
            self.group_dictionary = dictionary("x12", version) if version else None
            if version is None:
                group.problems.append(
                    Problem(
                        Kind.VERSION_NOT_SUPPORTED,
                        f"GS08 version {group.version!r} is not supported",
                        "GS",
                        0,
                        element=8,
                        ref="480",
                        value=group.version,
                    )
                )
            spec_dic = self.group_dictionary or dictionary("x12", "004010")
        else:
            group = GroupResult(
                seg.get(1),
                seg.get(5),
                ":".join(seg.components(6)[:2]),
                seg.components(2)[0],
                seg.components(3)[0],
            )
            spec_dic = dictionary("edifact", EDIFACT_DEFAULT_DIRECTORY)
        if not _GROUP_CONTROL.match(group.control) and self.x12:
            group.problems.append(
                Problem(
                    Kind.GROUP_CONTROL_INVALID,
                    f"GS06 {group.control!r} is not 1-9 digits",
                    "GS",
                    0,
                    element=6,
                    ref="28",
                    value=group.control,
                )
            )
        self.checker.segment(spec_dic.segments[seg.tag], seg, 0, group.problems)
        self.group = group
        self.result.groups.append(group)

    def begin_set(self, seg: Segment) -> None:
        """ST or UNH."""
        if self.set is not None:
            self.close_set(trailer=None)
        group = self.group
        if group is None:
            if self.x12:
                self.result.problems.append(
                    Problem(Kind.INTERCHANGE_CONTENT_INVALID, "ST outside a functional group", "ST")
                )
            group = self.group = GroupResult(explicit=False)
            self.result.groups.append(group)
        if self.x12:
            result = SetResult(seg.get(1), seg.get(2), group.version, seg.get(3))
            version = x12_version(group.version)
            standard = "x12"
            if not _X12_SET_CONTROL.match(result.control):
                result.add(
                    Problem(
                        Kind.SET_CONTROL_INVALID,
                        f"ST02 {result.control!r} must be 4-9 characters",
                        "ST",
                        1,
                        element=2,
                        ref="329",
                        value=result.control,
                    )
                )
        else:
            s009 = seg.components(2)
            s009 += [""] * (5 - len(s009))
            result = SetResult(s009[0], seg.get(1), s009[1] + s009[2], s009[4], s009[3])
            version = result.version
            standard = "edifact"
            if result.id == "CONTRL":
                version = EDIFACT_DEFAULT_DIRECTORY
        spec: SetSpec | None = None
        dic: Dictionary | None = None
        if version is not None:
            try:
                spec = load_set(standard, version, result.id)
                dic = spec.dictionary
            except SpecError:
                result.supported = False
                result.add(
                    Problem(
                        Kind.SET_NOT_SUPPORTED,
                        f"{result.id} version {version or '?'} is not supported",
                        seg.tag,
                        1,
                        element=1 if self.x12 else 2,
                        value=result.id,
                    )
                )
        group.sets.append(result)
        self.set = _SetState(result, spec, dic)
        self.body(self.set, seg)

    def body(self, state: _SetState, seg: Segment) -> None:
        """A segment inside a set: its place in the structure, then its elements."""
        result = state.result
        result.segments += 1
        position = result.segments
        tag = seg.tag
        if self.charset is not None:
            self.check_charset(seg, result, position)
        cursor = state.cursor
        if cursor is None or state.spec is None or state.dictionary is None:
            return
        placement = cursor.place(tag, position)
        if placement is not None:
            for p in placement.problems:
                result.add(p)
        else:
            loop = cursor.loop_id()
            if tag in state.spec.tags:
                result.add(
                    Problem(Kind.OUT_OF_ORDER, f"{tag} is not in its proper place", tag, position, loop)
                )
            elif tag in state.dictionary.segments:
                result.add(Problem(Kind.NOT_IN_SET, f"{tag} is not part of {result.id}", tag, position, loop))
            else:
                result.add(
                    Problem(Kind.UNRECOGNIZED_SEGMENT, f"unknown segment {tag!r}", tag, position, loop)
                )
                return
        spec = state.dictionary.segments.get(tag)
        if spec is not None:
            found: list[Problem] = []
            self.checker.segment(spec, seg, position, found)
            if found:
                loop = placement.entered.id if placement and placement.entered else cursor.loop_id()
                for p in found:
                    p.loop = loop
                    result.add(p)

    def check_charset(self, seg: Segment, result: SetResult, position: int) -> None:
        """UNOA/UNOB: report the first element carrying a character outside the repertoire."""
        assert self.charset is not None
        for number, text in enumerate(seg.elements, start=1):
            bad = self.charset.search(text)
            if bad:
                result.add(
                    Problem(
                        Kind.INVALID_CHARACTER,
                        f"{bad.group()!r} is outside the {self.result.version[:4]} character set",
                        seg.tag,
                        position,
                        element=number,
                        value=text[:35],
                    )
                )
                return

    def end_set(self, seg: Segment) -> None:
        """SE or UNT."""
        state = self.set
        if state is None:
            self.result.problems.append(
                Problem(Kind.INTERCHANGE_CONTENT_INVALID, f"{seg.tag} without a set header", seg.tag)
            )
            return
        self.body(state, seg)
        self.close_set(trailer=seg)

    def close_set(self, trailer: Segment | None) -> None:
        """Finish the set: trailer count and control number, mandatory segments never seen."""
        state = self.set
        if state is None:
            return
        self.set = None
        result = state.result
        tag = "SE" if self.x12 else "UNT"
        if trailer is None:
            result.add(Problem(Kind.SET_TRAILER_MISSING, f"{tag} is missing", tag, result.segments))
            return
        if state.cursor is not None:
            for p in state.cursor.close(result.segments):
                result.add(p)
        count, control = (trailer.get(1), trailer.get(2))
        if count != str(result.segments):
            result.add(
                Problem(
                    Kind.SET_COUNT,
                    f"{tag} counts {count!r} segments, the set has {result.segments}",
                    tag,
                    result.segments,
                    element=1,
                    value=count,
                )
            )
        if control != result.control:
            result.add(
                Problem(
                    Kind.SET_CONTROL_MISMATCH,
                    f"{tag} control number {control!r} differs from {result.control!r}",
                    tag,
                    result.segments,
                    element=2,
                    value=control,
                )
            )

    def end_group(self, seg: Segment) -> None:
        """GE or UNE."""
        self.close_set(trailer=None)
        self.close_group(seg)

    def close_group(self, trailer: Segment | None) -> None:
        """Check the group trailer's count and control number."""
        group = self.group
        if group is None:
            if trailer is not None:
                self.result.problems.append(
                    Problem(
                        Kind.INTERCHANGE_CONTENT_INVALID, f"{trailer.tag} without a group header", trailer.tag
                    )
                )
            return
        self.group = None
        tag = "GE" if self.x12 else "UNE"
        if trailer is None:
            if group.explicit:
                group.problems.append(Problem(Kind.GROUP_TRAILER_MISSING, f"{tag} is missing", tag))
            return
        count, control = trailer.get(1), trailer.get(2)
        if count != str(len(group.sets)):
            group.problems.append(
                Problem(
                    Kind.GROUP_COUNT,
                    f"{tag} counts {count!r} sets, the group has {len(group.sets)}",
                    tag,
                    element=1,
                    value=count,
                )
            )
        if control != group.control:
            group.problems.append(
                Problem(
                    Kind.GROUP_CONTROL_MISMATCH,
                    f"{tag} control number {control!r} differs from {group.control!r}",
                    tag,
                    element=2,
                    value=control,
                )
            )

    def end_interchange(self, seg: Segment) -> None:
        """IEA or UNZ."""
        self.close_set(trailer=None)
        if self.group is not None and (self.x12 or self.group.explicit):
            self.close_group(None)
        self.group = None
        r = self.result
        count, control = seg.get(1), seg.get(2)
        explicit = [g for g in r.groups if g.explicit]
        actual = len(explicit) if (self.x12 or explicit) else sum(len(g.sets) for g in r.groups)
        if count != str(actual):
            r.problems.append(
                Problem(
                    Kind.INTERCHANGE_COUNT,
                    f"{seg.tag} counts {count!r}, the interchange has {actual}",
                    seg.tag,
                    element=1,
                    value=count,
                )
            )
        if control != r.control:
            r.problems.append(
                Problem(
                    Kind.INTERCHANGE_CONTROL_MISMATCH,
                    f"{seg.tag} control number {control!r} differs from {r.control!r}",
                    seg.tag,
                    element=2,
                    value=control,
                )
            )

    def finish(self, missing_trailer: bool) -> InterchangeResult:
        """The interchange's result; at end of input without IEA/UNZ, the open levels are reported."""
        if missing_trailer:
            self.close_set(trailer=None)
            if self.group is not None and self.group.explicit:
                self.close_group(None)
            tag = "IEA" if self.x12 else "UNZ"
            self.result.problems.append(Problem(Kind.INTERCHANGE_TRAILER_MISSING, f"{tag} is missing", tag))
        return self.result


_ENVELOPE_TAGS = frozenset({"SE", "UNT", "ST", "UNH", "GE", "UNE", "IEA", "UNZ", "GS", "UNG"})
_HANDLERS = {
    "TA1": _Interchange.interchange_ack,
    "GS": _Interchange.begin_group,
    "UNG": _Interchange.begin_group,
    "ST": _Interchange.begin_set,
    "UNH": _Interchange.begin_set,
    "SE": _Interchange.end_set,
    "UNT": _Interchange.end_set,
    "GE": _Interchange.end_group,
    "UNE": _Interchange.end_group,
    "IEA": _Interchange.end_interchange,
    "UNZ": _Interchange.end_interchange,
}
