"""FunctionalAck from received 997, 999, TA1 and CONTRL interchanges.

Only this direction: the hub's own acknowledgments are built by the EDI engine from what it validated
(gridlink.edi.acknowledge), never from a canonical document.
"""

from __future__ import annotations

from typing import BinaryIO

from gridlink.documents.functional_ack import AckedSet, FunctionalAck, FunctionalAckStatus
from gridlink.edi.reconcile import Ack, AckError, Outcome, read_acks

_STATUS = {
    Outcome.ACCEPTED: FunctionalAckStatus.ACCEPTED,
    Outcome.ACCEPTED_WITH_ERRORS: FunctionalAckStatus.ACCEPTED_WITH_ERRORS,
    Outcome.RECEIVED: FunctionalAckStatus.ACCEPTED,  # CONTRL 8: received; no message judged
    Outcome.REJECTED: FunctionalAckStatus.REJECTED,
    Outcome.PENDING: FunctionalAckStatus.REJECTED,  # a group acknowledgment without a verdict
}


def decode_functional_acks(data: BinaryIO | bytes) -> list[FunctionalAck]:
    """One FunctionalAck per acknowledged group (997/999), interchange (TA1) or CONTRL message."""
    out: list[FunctionalAck] = []
    for ack in read_acks(data):
        if ack.kind == "TA1":
            assert ack.outcome is not None
            out.append(
                FunctionalAck(interchange_control_number=ack.interchange, status=_status(ack, ack.outcome))
            )
            continue
        for group in ack.groups:
            out.append(
                FunctionalAck(
                    interchange_control_number=ack.interchange or None,
                    group_control_number=group.control or None,
                    status=_status(ack, group.outcome),
                    sets=[
                        AckedSet(
                            control_number=s.control,
                            set_id=s.id or None,
                            status=_STATUS[s.outcome],
                            errors=[describe(e) for e in s.errors],
                        )
                        for s in group.sets
                    ],
                )
            )
    return out


def describe(error: AckError) -> str:
    """An acknowledgment error as a line an operator can read."""
    where = []
    if error.segment:
        where.append(error.segment)
    if error.position:
        where.append(f"segment {error.position}")
    if error.element:
        where.append(f"element {error.element}" + (f".{error.component}" if error.component else ""))
    quoted = f" ({error.value!r})" if error.value else ""
    return f"code {error.code}" + (f" at {', '.join(where)}" if where else "") + quoted


def _status(ack: Ack, outcome: Outcome) -> FunctionalAckStatus:
    # A group partly accepted: some sets accepted and some rejected.
    sets = [s for g in ack.groups for s in g.sets]
    if outcome is Outcome.ACCEPTED_WITH_ERRORS and any(s.outcome is Outcome.REJECTED for s in sets):
        return FunctionalAckStatus.PARTIALLY_ACCEPTED
    return _STATUS[outcome]
