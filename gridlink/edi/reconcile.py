"""Received acknowledgments (997, 999, TA1, CONTRL), read and matched to what was sent.

A partner's acknowledgment names what it acknowledges by control numbers: X12 by the group control
number (AK1/02) and the set control number (AK2/02), TA1 by the interchange control number; EDIFACT
CONTRL by the interchange reference (UCI 0020) and the message reference (UCM 0062). ``read_acks``
turns an acknowledgment interchange into those references with their statuses and errors;
``reconcile`` settles each document sent against them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO

from gridlink.edi.errors import EdiSyntaxError
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import SegmentReader


class Outcome(StrEnum):
    """What the partner said about one document."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"  # the partner took it but noted errors (997 E)
    RECEIVED = "received"  # CONTRL action 8: the interchange arrived, its messages are not judged
    REJECTED = "rejected"
    PENDING = "pending"  # no acknowledgment names it yet


# AK5/IK5/AK9 statuses and TA1 acknowledgment codes to outcomes. P (partially accepted) is a group
# status only: its sets carry their own.
_X12_STATUS = {
    "A": Outcome.ACCEPTED,
    "E": Outcome.ACCEPTED_WITH_ERRORS,
    "P": Outcome.ACCEPTED_WITH_ERRORS,
    "R": Outcome.REJECTED,
    "M": Outcome.REJECTED,
    "W": Outcome.REJECTED,
    "X": Outcome.REJECTED,
}
_CONTRL_ACTION = {"7": Outcome.ACCEPTED, "8": Outcome.RECEIVED, "4": Outcome.REJECTED}


@dataclass(frozen=True)
class AckError:
    """One error the partner reported, where it reported it."""

    code: str
    segment: str = ""  # the segment tag (AK3/IK3), or "" for a set- or interchange-level code
    position: int = 0  # segment position in the set (AK3/02, UCS 0096)
    element: int = 0
    component: int = 0
    value: str = ""  # the bad data the partner quoted (AK4/04, IK4/04)


@dataclass
class SetAck:
    """The acknowledgment of one transaction set or message."""

    id: str
    control: str
    outcome: Outcome
    errors: list[AckError] = field(default_factory=list)


@dataclass
class GroupAck:
    """The acknowledgment of one functional group (X12); for CONTRL, the interchange's messages."""

    functional_id: str
    control: str
    outcome: Outcome
    sets: list[SetAck] = field(default_factory=list)
    errors: list[AckError] = field(default_factory=list)


@dataclass
class Ack:
    """One acknowledgment as read: a 997 or 999 (one group each), a TA1, or a CONTRL."""

    kind: str  # "997", "999", "TA1" or "CONTRL"
    sender: str  # who acknowledges (the partner), qualifier:id
    receiver: str  # who is acknowledged (the hub), qualifier:id
    interchange: str = ""  # the acknowledged interchange (TA1/01, UCI 0020); "" for 997/999
    outcome: Outcome | None = None  # TA1 and CONTRL judge the whole interchange
    groups: list[GroupAck] = field(default_factory=list)
    errors: list[AckError] = field(default_factory=list)
    position: int = 0  # which interchange of the file carried it, from 0


@dataclass(frozen=True)
class Sent:
    """A document the hub sent: who to, and its control numbers."""

    partner: str  # the receiver's qualifier:id, as in the ISA or UNB
    interchange: str
    set_id: str
    set_control: str
    group: str = ""  # GS06; "" for EDIFACT


@dataclass
class Settled:
    """A sent document with what its acknowledgments say about it."""

    sent: Sent
    outcome: Outcome
    errors: list[AckError] = field(default_factory=list)
    by: list[str] = field(default_factory=list)  # which acknowledgments spoke ("997 group 17")


@dataclass
class Reconciliation:
    """Every sent document settled, and the acknowledgment parts that matched nothing sent."""

    settled: list[Settled]
    unmatched: list[str]

    def by_outcome(self, outcome: Outcome) -> list[Settled]:
        """The sent documents with ``outcome``."""
        return [s for s in self.settled if s.outcome == outcome]


def sent_in(stream: BinaryIO | bytes) -> list[Sent]:
    """The documents an outgoing interchange carries, as ``reconcile`` will look for them."""
    sent: list[Sent] = []
    partner = interchange = group = ""
    for seg in SegmentReader(stream):
        if seg.tag == "ISA":
            partner, interchange = _party(seg, 7, 8), _control(seg.get(13))
        elif seg.tag == "GS":
            group = _control(seg.get(6))
        elif seg.tag == "ST":
            sent.append(Sent(partner, interchange, seg.get(1), _control(seg.get(2)), group))
        elif seg.tag == "UNB":
            partner, interchange, group = _edifact_party(seg, 3), seg.get(5), ""
        elif seg.tag == "UNH":
            sent.append(Sent(partner, interchange, seg.get(2, 1), seg.get(1)))
    return sent


def read_acks(stream: BinaryIO | bytes) -> list[Ack]:
    """Every acknowledgment in ``stream``; other sets are skipped. Raises EdiSyntaxError if unreadable."""
    acks: list[Ack] = []
    parties = ("", "")
    position = -1
    segments = iter(SegmentReader(stream))
    for seg in segments:
        ack: Ack | None = None
        if seg.tag == "ISA":
            parties, position = (_party(seg, 5, 6), _party(seg, 7, 8)), position + 1
        elif seg.tag == "UNB":
            parties, position = (_edifact_party(seg, 2), _edifact_party(seg, 3)), position + 1
        elif seg.tag == "TA1":
            ack = _ta1(seg, parties)
        elif seg.tag == "ST" and seg.get(1) in ("997", "999"):
            ack = _x12_ack(seg.get(1), _body(segments, "SE"), parties)
        elif seg.tag == "UNH" and seg.get(2, 1) == "CONTRL":
            ack = _contrl(_body(segments, "UNT"), parties)
        if ack is not None:
            ack.position = max(position, 0)
            acks.append(ack)
    return acks


def reconcile(sent: Iterable[Sent], acks: Iterable[Ack]) -> Reconciliation:
    """Settle each sent document by the acknowledgments that name it; the rest stay pending."""
    sent = list(sent)
    settled = {s: Settled(s, Outcome.PENDING) for s in sent}
    x12_sets = {(s.partner, s.group, s.set_control): s for s in sent if s.group}
    x12_groups: dict[tuple[str, str], list[Sent]] = {}
    interchanges: dict[tuple[str, str], list[Sent]] = {}
    for s in sent:
        interchanges.setdefault((s.partner, s.interchange), []).append(s)
        if s.group:
            x12_groups.setdefault((s.partner, s.group), []).append(s)
    unmatched: list[str] = []
    for ack in acks:
        if ack.kind in {"TA1", "CONTRL"}:
            members = interchanges.get((ack.sender, ack.interchange))
            if members is None:
                unmatched.append(f"{ack.kind} interchange {ack.interchange} from {ack.sender}")
                continue
            if ack.kind == "TA1":
                # A TA1 speaks for the envelope: only a rejection settles the sets inside it.
                if ack.outcome == Outcome.REJECTED:
                    for s in members:
                        _settle(settled[s], Outcome.REJECTED, ack.errors, f"TA1 {ack.interchange}")
                continue
            _apply_contrl(ack, members, settled, unmatched)
            continue
        for group in ack.groups:
            label = f"{ack.kind} group {group.control}"
            members = x12_groups.get((ack.sender, group.control))
            if members is None:
                unmatched.append(f"{label} from {ack.sender}")
                continue
            listed = set()
            for set_ack in group.sets:
                target = x12_sets.get((ack.sender, group.control, set_ack.control))
                if target is None:
                    unmatched.append(f"{label} set {set_ack.id} {set_ack.control} from {ack.sender}")
                    continue
                listed.add(target)
                _settle(settled[target], set_ack.outcome, set_ack.errors, label)
            # Sets a group acknowledgment does not list share the group's verdict, except under P
            # (partially accepted), where the unlisted ones are the accepted ones.
            unlisted = Outcome.ACCEPTED if group.outcome == Outcome.ACCEPTED_WITH_ERRORS else group.outcome
            for s in members:
                if s not in listed:
                    _settle(settled[s], unlisted, group.errors, label)
    return Reconciliation([settled[s] for s in sent], unmatched)


def _apply_contrl(ack: Ack, members: list[Sent], settled: dict[Sent, Settled], unmatched: list[str]) -> None:
    label = f"CONTRL {ack.interchange}"
    by_control = {s.set_control: s for s in members}
    listed = set()
    for group in ack.groups:
        for message in group.sets:
            target = by_control.get(message.control)
            if target is None:
                unmatched.append(f"{label} message {message.control} from {ack.sender}")
                continue
            listed.add(target)
            _settle(settled[target], message.outcome, message.errors, label)
    assert ack.outcome is not None
    # UCI 7 accepts what no UCM rejects; UCI 4 rejects everything; UCI 8 only says it arrived.
    for s in members:
        if s not in listed:
            _settle(settled[s], ack.outcome, ack.errors, label)


def _settle(entry: Settled, outcome: Outcome, errors: list[AckError], by: str) -> None:
    # A later acknowledgment overrides an earlier one (a partner may resend a corrected 997), but a
    # bare receipt never overrides a verdict.
    if outcome == Outcome.RECEIVED and entry.outcome not in (Outcome.PENDING, Outcome.RECEIVED):
        return
    entry.outcome = outcome
    entry.errors = list(errors)
    entry.by.append(by)


def _control(text: str) -> str:
    # X12 control numbers are numbers: "000000017" in an ISA and "17" in a TA1 name the same one.
    return str(int(text)) if text.isdigit() else text


def _party(seg: Segment, qualifier: int, ident: int) -> str:
    return f"{seg.get(qualifier).strip()}:{seg.get(ident).strip()}"


def _edifact_party(seg: Segment, position: int) -> str:
    return f"{seg.get(position, 2)}:{seg.get(position, 1)}"


def _body(segments: Iterator[Segment], trailer: str) -> list[Segment]:
    body: list[Segment] = []
    for seg in segments:
        if seg.tag == trailer:
            return body
        body.append(seg)
    raise EdiSyntaxError(f"acknowledgment ends before its {trailer}")


def _ta1(seg: Segment, parties: tuple[str, str]) -> Ack:
    outcome = _X12_STATUS.get(seg.get(4), Outcome.REJECTED)
    note = seg.get(5)
    errors = [AckError(code=note)] if note and note != "000" else []
    return Ack("TA1", parties[0], parties[1], _control(seg.get(1)), outcome, errors=errors)


def _x12_ack(kind: str, body: list[Segment], parties: tuple[str, str]) -> Ack:
    ack = Ack(kind, parties[0], parties[1])
    group: GroupAck | None = None
    current: SetAck | None = None
    segment_error: AckError | None = None
    for seg in body:
        tag = seg.tag
        if tag == "AK1":
            group = GroupAck(seg.get(1), _control(seg.get(2)), Outcome.PENDING)
            ack.groups.append(group)
        elif tag == "AK2" and group is not None:
            current = SetAck(seg.get(1), _control(seg.get(2)), Outcome.PENDING)
            group.sets.append(current)
        elif tag in ("AK3", "IK3") and current is not None:
            segment_error = AckError(seg.get(4), seg.get(1), _int(seg.get(2)))
            current.errors.append(segment_error)
        elif tag in ("AK4", "IK4") and current is not None:
            base = segment_error or AckError("")
            current.errors.append(
                AckError(
                    code=seg.get(3),
                    segment=base.segment,
                    position=base.position,
                    element=_int(seg.get(1, 1)),
                    component=_int(seg.get(1, 2)),
                    value=seg.get(4),
                )
            )
        elif tag in ("AK5", "IK5") and current is not None:
            current.outcome = _X12_STATUS.get(seg.get(1), Outcome.REJECTED)
            current.errors += [AckError(code) for code in _codes(seg, 2, 6)]
            current, segment_error = None, None
        elif tag == "AK9" and group is not None:
            group.outcome = _X12_STATUS.get(seg.get(1), Outcome.REJECTED)
            group.errors = [AckError(code) for code in _codes(seg, 5, 9)]
    return ack


def _contrl(body: list[Segment], parties: tuple[str, str]) -> Ack:
    ack = Ack("CONTRL", parties[0], parties[1])
    messages = GroupAck("", "", Outcome.PENDING)
    ack.groups.append(messages)
    current: SetAck | None = None
    position = 0
    for seg in body:
        tag = seg.tag
        if tag == "UCI":
            ack.interchange = seg.get(1)
            ack.outcome = _CONTRL_ACTION.get(seg.get(4), Outcome.REJECTED)
            messages.outcome = ack.outcome
            ack.errors = [AckError(seg.get(5))] if seg.get(5) else []
        elif tag == "UCM":
            outcome = _CONTRL_ACTION.get(seg.get(3), Outcome.REJECTED)
            current = SetAck(seg.get(2, 1), seg.get(1), outcome)
            if seg.get(4):
                current.errors.append(AckError(seg.get(4)))
            messages.sets.append(current)
        elif tag == "UCS" and current is not None:
            position = _int(seg.get(1))
            if seg.get(2):
                current.errors.append(AckError(seg.get(2), position=position))
        elif tag == "UCD" and current is not None:
            current.errors.append(
                AckError(
                    seg.get(1),
                    position=position,
                    element=_int(seg.get(2, 1)),
                    component=_int(seg.get(2, 2)),
                )
            )
    return ack


def _codes(seg: Segment, first: int, last: int) -> list[str]:
    return [c for c in (seg.get(i) for i in range(first, last + 1)) if c]


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0
