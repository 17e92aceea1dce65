"""The emulated network: mailboxes addressed qualifier:id, interchanges routed by their envelope, and
every hop recorded where the Lens emulator finds it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gridlink.edi.errors import EdiError
from gridlink.edi.segment import Segment
from gridlink.edi.tokenizer import read_segments
from gridlink.logs import get_logger
from gridlink.sandbox.grid.state import GridState

log = get_logger(__name__)

Deliver = Callable[[bytes], Awaitable[None]]


class RoutingError(Exception):
    """An interchange the network cannot route: unreadable envelope, or no mailbox at its address."""


@dataclass
class Envelope:
    """What the network reads of an interchange: who sends it to whom, and what it carries."""

    standard: str
    sender: str  # qualifier:id
    receiver: str
    control: str
    set_ids: list[str] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)  # Lens content keys
    functional_ack: str | None = None  # AK9 / UCI status when it is an acknowledgment


def envelope(data: bytes) -> Envelope:
    """Read the envelope (ISA or UNB) and the set ids of an interchange."""
    try:
        segments = read_segments(data)
    except EdiError as exc:
        raise RoutingError(f"unreadable interchange: {exc}") from exc
    if not segments:
        raise RoutingError("an empty file")
    head = segments[1] if segments[0].tag == "UNA" and len(segments) > 1 else segments[0]
    if head.tag == "ISA":
        found = Envelope(
            "x12",
            f"{head.get(5).strip()}:{head.get(6).strip()}",
            f"{head.get(7).strip()}:{head.get(8).strip()}",
            head.get(13),
        )
    elif head.tag == "UNB":
        found = Envelope(
            "edifact",
            f"{head.get(2, 2) or 'ZZ'}:{head.get(2, 1)}",
            f"{head.get(3, 2) or 'ZZ'}:{head.get(3, 1)}",
            head.get(5),
        )
    else:
        raise RoutingError(f"an interchange starts with ISA or UNB, not {head.tag!r}")
    for seg in segments:
        _note(found, seg)
    return found


def interchanges(data: bytes) -> list[bytes]:
    """The interchanges of a file, each alone: a network routes each to its own receiver."""
    try:
        segments = read_segments(data)
    except EdiError as exc:
        raise RoutingError(f"unreadable interchange: {exc}") from exc
    groups: list[list[Segment]] = []
    for seg in segments:
        after_una = bool(groups) and len(groups[-1]) == 1 and groups[-1][0].tag == "UNA"
        if seg.tag in ("ISA", "UNA") or (seg.tag == "UNB" and not after_una) or not groups:
            groups.append([])
        groups[-1].append(seg)
    if len(groups) <= 1:
        return [data]
    # The UNA's text carries its own terminator; the other segments are written back as they were read.
    texts = ["".join(s.text() if s.tag == "UNA" else s.text() + s.delims.segment for s in g) for g in groups]
    return [_encoded(text) for text in texts]


def _encoded(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _note(found: Envelope, seg: Segment) -> None:
    if seg.tag in ("ST", "UNH"):
        found.set_ids.append(seg.get(1) if seg.tag == "ST" else seg.get(2, 1))
    elif seg.tag in {"BEG", "BAK"}:
        found.references["purchase order number"] = seg.get(3)
    elif seg.tag == "BSN":
        found.references["shipment identification"] = seg.get(2)
    elif seg.tag == "BIG":
        found.references["invoice number"] = seg.get(2)
    elif seg.tag == "AK9":
        found.functional_ack = {"A": "Accepted", "E": "Accepted", "P": "Partially Accepted"}.get(
            seg.get(1), "Rejected"
        )


@dataclass
class Member:
    """A mailbox on the network and how documents addressed to it are delivered."""

    address: str
    name: str
    deliver: Deliver


@dataclass
class Network:
    """Routes interchanges between members by the receiver in their envelope."""

    state: GridState
    members: dict[str, Member] = field(default_factory=dict)
    # Seconds before each further attempt at a mailbox that failed: a network retries before it gives
    # up (a connection the receiver closed as the file went out must not lose the file).
    retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0)

    def join(self, address: str, name: str, deliver: Deliver) -> None:
        """Add (or replace) the mailbox at ``address``."""
        self.members[address] = Member(address, name, deliver)

    async def route(self, data: bytes) -> list[Envelope]:
        """Deliver each interchange of a file to the mailbox its envelope names, in the file's order; every
        attempt is recorded for Lens. The first that cannot be delivered raises RoutingError."""
        try:
            parts = interchanges(data)
        except RoutingError as exc:
            self._record(None, len(data), "Failed", "E001", str(exc))
            raise
        return [await self._route_one(part) for part in parts]

    async def _route_one(self, data: bytes) -> Envelope:
        try:
            found = envelope(data)
        except RoutingError as exc:
            self._record(None, len(data), "Failed", "E001", str(exc))
            raise
        member = self.members.get(found.receiver)
        if member is None:
            self._record(found, len(data), "DeliveryFailed", "E404", f"no mailbox at {found.receiver}")
            raise RoutingError(f"no mailbox at {found.receiver}")
        record = self._record(found, len(data), "Delivered", "-1", "")
        if found.functional_ack:
            self._acknowledged(found)
        try:
            await self._deliver(member, data)
        except Exception as exc:  # the receiving side failed: the network reports it, as Lens would
            record.update(status="DeliveryFailed", deliverystatus="DeliveryFailed", errorcode="E500")
            record["externalerrormessage"] = f"{type(exc).__name__}: {exc}"
            log.warning("sandbox grid delivery failed", receiver=found.receiver, error=str(exc))
            raise RoutingError(f"delivery to {found.receiver} failed: {exc}") from exc
        return found

    async def _deliver(self, member: Member, data: bytes) -> None:
        """Deliver, trying again after each of ``retry_delays``; the last attempt's failure propagates."""
        for delay in self.retry_delays:
            try:
                return await member.deliver(data)
            except Exception as exc:
                log.info("sandbox grid retrying a delivery", receiver=member.address, error=str(exc))
                await asyncio.sleep(delay)
        await member.deliver(data)

    def _record(
        self, found: Envelope | None, size: int, status: str, code: str, message: str
    ) -> dict[str, Any]:
        sender = self.members.get(found.sender) if found else None
        receiver = self.members.get(found.receiver) if found else None
        record: dict[str, Any] = {
            "transactionid": uuid.uuid4().hex[:16].upper(),
            "correlationid": str(uuid.uuid4()),
            "arrivaltime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status": status,
            "deliverystatus": status,
            "errorcode": code,
            "externalerrormessage": message,
            "transactionlevel": "Document",
            "insize": str(size),
            "senderaddress": found.sender if found else "",
            "receiveraddress": found.receiver if found else "",
            "sendername": sender.name if sender else "",
            "receivername": receiver.name if receiver else "",
            "editype": found.set_ids[0] if found and found.set_ids else "",
            "sendertransactionid": found.control if found else "",
            "envelopetype": found.standard.upper() if found else "",
            "contentkeys": dict(found.references) if found else {},
        }
        self.state.transactions.append(record)
        return record

    def _acknowledged(self, ack: Envelope) -> None:
        """An acknowledgment from B to A settles the functional-ack status of A's latest document to B."""
        for record in reversed(self.state.transactions):
            if (
                record["senderaddress"] == ack.receiver
                and record["receiveraddress"] == ack.sender
                and record["editype"] not in ("997", "999", "CONTRL")
                and not record.get("fastatus")
            ):
                record["fastatus"] = ack.functional_ack
                record["fastatusdate"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                return
