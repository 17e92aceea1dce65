"""Simulated trading partners: they answer a purchase order the way real ones do, and misbehave on request.

A supplier receives an 850/ORDERS and sends back, through the network: the functional acknowledgment
(997/999/CONTRL), an 855/ORDRSP (accept, partial, substitution, backorder or reject), one or two
856/DESADV (complete, split, or late) for what it accepted, and an 810/INVOIC. Misbehaviour: a malformed
order response (an unknown segment, a wrong segment count) and nothing after it, every document twice,
a wrong IEA control number, no 997.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from gridlink.documents.acknowledgment import AckLine, AckStatus, LineAckStatus, OrderAcknowledgment
from gridlink.documents.codecs import (
    CodecProfile,
    DecodeError,
    decode_purchase_order,
    encode_acknowledgment,
    encode_invoice,
    encode_ship_notice,
)
from gridlink.documents.common import Item
from gridlink.documents.invoice import Invoice, InvoiceLine
from gridlink.documents.purchase_order import PurchaseOrder
from gridlink.documents.ship_notice import Package, ShipNotice, ShippedLine
from gridlink.edi.ack import acknowledge
from gridlink.edi.compose import Body, compose
from gridlink.edi.navigate import set_bodies
from gridlink.edi.spec import load_set
from gridlink.edi.tokenizer import read_segments
from gridlink.edi.validator import validate
from gridlink.edi.writer import EdifactWriter, MemoryNumbers, Party, X12Writer
from gridlink.logs import get_logger
from gridlink.sandbox.grid.network import Network

log = get_logger(__name__)

AckBehaviour = Literal["accept", "partial", "substitution", "backorder", "reject"]
ShipBehaviour = Literal["complete", "split", "late", "none"]
Misbehaviour = Literal["malformed", "duplicate", "wrong_control_numbers", "no_997"]


@dataclass
class Behaviour:
    """How a simulated supplier answers."""

    acknowledgment: AckBehaviour | None = "accept"  # None: the 997 only (the rest comes days later)
    shipments: ShipBehaviour = "complete"
    invoice: bool = True
    late_seconds: float = 2.0  # how late a "late" shipment is (compressed time)
    misbehave: set[Misbehaviour] = field(default_factory=set)
    inventory_every: float | None = None  # seconds between 846 inventory notices to the hub (None: never)
    stock: dict[str, int] = field(default_factory=dict)  # SKU -> quantity available; ordered SKUs join it


@dataclass
class SimulatedPartner:
    """A partner mailbox on the network with a scripted response to purchase orders."""

    address: str  # qualifier:id
    name: str
    network: Network
    behaviour: Behaviour = field(default_factory=Behaviour)
    numbers: MemoryNumbers = field(default_factory=MemoryNumbers)
    received: list[bytes] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    hub_address: str | None = None  # where inventory notices go
    _schedule: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin sending inventory notices on the behaviour's schedule (in the running event loop)."""
        if self.behaviour.inventory_every and self.hub_address and self._schedule is None:
            self._schedule = asyncio.get_running_loop().create_task(self._inventory_loop())

    async def stop(self) -> None:
        """Stop the schedule."""
        if self._schedule is not None:
            self._schedule.cancel()
            await asyncio.gather(self._schedule, return_exceptions=True)
            self._schedule = None

    async def _inventory_loop(self) -> None:
        assert self.behaviour.inventory_every is not None
        while True:
            await asyncio.sleep(self.behaviour.inventory_every)
            try:
                await self.send_inventory()
            except Exception:  # a failed notice is retried at the next tick, as a partner's job would
                log.exception("simulated partner could not send inventory", partner=self.name)

    async def send_inventory(self) -> None:
        """An 846 with the quantity available of every SKU the partner stocks, to the hub."""
        if not self.behaviour.stock or self.hub_address is None:
            return
        profile = CodecProfile(standard="x12", version="004010")
        await self._document(
            ("846", inventory_advice(self.behaviour.stock, profile)),
            profile,
            Party(*self.hub_address.split(":", 1)),
            "IB",
        )

    async def deliver(self, data: bytes) -> None:
        """Take an interchange from the network; answers are sent in the background, as a partner would."""
        self.received.append(data)
        task = asyncio.get_running_loop().create_task(self._answer(data))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def drain(self) -> None:
        """Wait until every answer has been sent (for tests)."""
        while self.tasks:  # wait, not gather: a caller's timeout must not cancel the answers
            await asyncio.wait(set(self.tasks))

    async def _answer(self, data: bytes) -> None:
        try:
            await self._respond(data)
        except Exception:  # a simulated partner never brings the network down
            log.exception("simulated partner failed to answer", partner=self.name)

    async def _respond(self, data: bytes) -> None:
        (result,) = validate(data)
        hub = Party(result.sender_qualifier or "ZZ", result.sender)
        misbehave = self.behaviour.misbehave
        if "no_997" not in misbehave:
            ack = acknowledge(result, numbers=self.numbers)
            if ack is not None:
                await self._send(ack)
        for body in set_bodies(read_segments(data)):
            set_id = body[0].get(1) if body[0].tag == "ST" else body[0].get(2, 1)
            if set_id not in ("850", "ORDERS"):  # acknowledgments and invoices need no answer
                continue
            profile = _profile(result.standard, data)
            try:
                order = decode_purchase_order(body, profile)
            except DecodeError as exc:
                log.warning("simulated partner cannot read a purchase order", error=str(exc))
                continue
            for line in order.lines:  # what the hub buys, the partner reports stock of
                self.behaviour.stock.setdefault(line.item.sku, 100)
            if self.behaviour.acknowledgment is not None:
                await self._fulfil(order, profile, hub, self.behaviour.acknowledgment)

    async def _fulfil(
        self, order: PurchaseOrder, profile: CodecProfile, hub: Party, behaviour: AckBehaviour
    ) -> None:
        answer = acknowledgment(order, behaviour)
        if "malformed" in self.behaviour.misbehave:  # an order response the hub must reject, and nothing more
            await self._document(encode_acknowledgment(answer, profile), profile, hub, "PR", broken=True)
            return
        await self._document(encode_acknowledgment(answer, profile), profile, hub, "PR")
        shipped = {
            line.line_number: line.quantity
            for line in answer.lines
            if line.status
            in (LineAckStatus.ACCEPTED, LineAckStatus.QUANTITY_CHANGED, LineAckStatus.SUBSTITUTED)
            and line.quantity > 0
        }
        if not shipped or self.behaviour.shipments == "none":
            return
        if self.behaviour.shipments == "late":
            await asyncio.sleep(self.behaviour.late_seconds)
        for notice in ship_notices(order, shipped, split=self.behaviour.shipments == "split"):
            await self._document(encode_ship_notice(notice, profile), profile, hub, "SH")
        if self.behaviour.invoice:
            await self._document(encode_invoice(invoice(order, shipped), profile), profile, hub, "IN")

    async def _document(
        self,
        encoded: tuple[str, Body],
        profile: CodecProfile,
        hub: Party,
        group: str,
        *,
        broken: bool = False,
    ) -> None:
        set_id, body = encoded
        out = io.BytesIO()
        me = Party(*self.address.split(":", 1))
        if profile.standard == "x12":
            writer = X12Writer(
                out, sender=me, receiver=hub, numbers=self.numbers, version=_isa_version(profile.version)
            )
            writer.begin_group(group, profile.version)
            writer.write_set(set_id, body, profile.version if profile.version == "005010" else None)
            writer.close()
        else:
            edifact = EdifactWriter(out, sender=me, receiver=hub, numbers=self.numbers)
            edifact.write_message(set_id, profile.version[0], profile.version[1:], body)
            edifact.close()
        data = out.getvalue()
        if broken:
            data = _unknown_segment(data, profile.standard)
        if "wrong_control_numbers" in self.behaviour.misbehave and profile.standard == "x12":
            data = _break_iea(data)
        await self._send(data)
        if "duplicate" in self.behaviour.misbehave:
            await self._send(data)

    async def _send(self, data: bytes) -> None:
        await self.network.route(data)


def inventory_advice(stock: dict[str, int], profile: CodecProfile) -> Body:
    """The body of an 846: quantity available for sale (QTY 33) per SKU."""
    today = datetime.now(UTC)
    structure = {
        "BIA": ["00", "DD", f"INV{today:%Y%m%d%H%M%S}", today.strftime("%Y%m%d")],
        "LIN": [
            {"LIN": [str(n), "SK", sku], "QTY": [{"QTY": ["33", str(max(0, quantity)), "EA"]}]}
            for n, (sku, quantity) in enumerate(sorted(stock.items()), start=1)
        ],
        "CTT": [str(len(stock))],
    }
    return compose(load_set(profile.standard, profile.version, "846"), structure)


def _profile(standard: str, data: bytes) -> CodecProfile:
    segments = read_segments(data)
    if standard == "x12":
        gs = next(seg for seg in segments if seg.tag == "GS")
        return CodecProfile(standard="x12", version=gs.get(8)[:6])
    unh = next(seg for seg in segments if seg.tag == "UNH")
    return CodecProfile(standard="edifact", version=unh.get(2, 2) + unh.get(2, 3), units={"EA": "PCE"})


def _isa_version(version: str) -> str:
    return "00501" if version == "005010" else "00401"


def _unknown_segment(data: bytes, standard: str) -> bytes:
    """The interchange with a segment no standard knows before the set trailer (SE/UNT count now wrong)."""
    x12 = standard == "x12"
    trailer, extra = (b"SE*", b"ZZZ*NOT A SEGMENT~") if x12 else (b"UNT+", b"ZZZ+NOT A SEGMENT'")
    head, found, tail = data.rpartition(trailer)
    return head + extra + found + tail if found else data


def _break_iea(data: bytes) -> bytes:
    head, found, tail = data.rpartition(b"IEA*")
    count, _, rest = tail.partition(b"*")
    return head + found + count + b"*999999999" + rest[9:] if found else data


def acknowledgment(
    order: PurchaseOrder, behaviour: AckBehaviour, today: date | None = None
) -> OrderAcknowledgment:
    """The supplier's answer to ``order``: the first line carries the change a behaviour names."""
    today = today or datetime.now(UTC).date()
    lines = []
    for n, line in enumerate(order.lines):
        status, quantity, substitute, ship = LineAckStatus.ACCEPTED, line.quantity, None, None
        if n == 0 and behaviour == "partial":
            status, quantity = LineAckStatus.QUANTITY_CHANGED, max(Decimal(1), line.quantity // 2)
            if quantity == line.quantity:
                status, quantity, ship = LineAckStatus.BACKORDERED, line.quantity, today + timedelta(days=14)
        elif n == 0 and behaviour == "substitution":
            status = LineAckStatus.SUBSTITUTED
            substitute = Item(sku=f"{line.item.sku}-ALT", description=f"Substitute for {line.item.sku}")
        elif n == 0 and behaviour == "backorder":
            status, ship = LineAckStatus.BACKORDERED, today + timedelta(days=14)
        elif behaviour == "reject":
            status, quantity = LineAckStatus.REJECTED, Decimal(0)
        lines.append(
            AckLine(
                line_number=line.line_number,
                status=status,
                quantity=quantity,
                item=line.item,
                substitute=substitute,
                expected_ship_date=ship,
            )
        )
    overall = {
        "accept": AckStatus.ACCEPTED,
        "reject": AckStatus.REJECTED,
    }.get(behaviour, AckStatus.ACCEPTED_WITH_CHANGES)
    return OrderAcknowledgment(po_number=order.number, status=overall, ack_date=today, lines=lines)


def ship_notices(order: PurchaseOrder, shipped: dict[int, Decimal], *, split: bool) -> list[ShipNotice]:
    """One notice of everything shipped, or (split) two notices sharing the lines and quantities."""
    lines = [line for line in order.lines if line.line_number in shipped]
    now = datetime.now(UTC)
    parts: list[dict[int, Decimal]] = [dict(shipped)]
    if split:
        first = {n: q // 2 for n, q in shipped.items() if q // 2 > 0}
        rest = {n: q - first.get(n, Decimal(0)) for n, q in shipped.items()}
        parts = [p for p in (first, rest) if any(v > 0 for v in p.values())]
    notices = []
    for index, part in enumerate(parts, start=1):
        shipped_lines = [
            ShippedLine(
                line_number=line.line_number, item=line.item, quantity=part[line.line_number], unit=line.unit
            )
            for line in lines
            if part.get(line.line_number, Decimal(0)) > 0
        ]
        notices.append(
            ShipNotice(
                shipment_id=f"{order.number}-S{index}",
                po_number=order.number,
                notice_date=now.date(),
                shipped_at=now,
                carrier_scac="UPSN",
                packages=[
                    Package(tracking_number=f"1Z{order.number[-6:]:0>6}{index:04d}", lines=shipped_lines)
                ],
            )
        )
    return notices


def invoice(order: PurchaseOrder, shipped: dict[int, Decimal]) -> Invoice:
    """An invoice for what was shipped, at the ordered prices."""
    return Invoice(
        number=f"INV-{order.number}",
        invoice_date=datetime.now(UTC).date(),
        po_number=order.number,
        currency=order.currency,
        terms_net_days=30,
        lines=[
            InvoiceLine(
                line_number=line.line_number,
                item=line.item,
                quantity=shipped[line.line_number],
                unit=line.unit,
                unit_price=line.unit_price or Decimal("1.00"),
            )
            for line in order.lines
            if line.line_number in shipped
        ],
    )
