"""855/ORDRSP: a supplier's answer, matched to its purchase order and written to the store order.

Accepted lines get a staff note; partial, backordered, substituted and rejected lines are marked on the
purchase order, and the order is set to Manual Verification Required, because someone must tell the
customer or decide: what the customer bought is never changed here, a substitute is only recorded
against its line.
"""

from __future__ import annotations

import hashlib

from gridlink.bigcommerce.accounts import StoreDirectory
from gridlink.documents.acknowledgment import LineAckStatus, OrderAcknowledgment
from gridlink.documents.codecs import decode_acknowledgment
from gridlink.engine import JobContext, define_job
from gridlink.flows.outbound import MessageRef
from gridlink.flows.received_sets import answer_to_purchase_order
from gridlink.logs import get_logger
from gridlink.store import messages, orders
from gridlink.store.models.messages import MessageState
from gridlink.store.models.orders import ExpectationKind, PurchaseOrderState

log = get_logger(__name__)

AWAITING_FULFILLMENT, AWAITING_SHIPMENT, MANUAL_VERIFICATION = 11, 9, 12
# A purchase order past these states has shipments; a late answer must not move it back.
ANSWERABLE = {
    PurchaseOrderState.SENT,
    PurchaseOrderState.DELIVERED,
    PurchaseOrderState.ACCEPTED,
    PurchaseOrderState.CHANGED,
}


@define_job("orders.apply_acknowledgment", max_attempts=12, backoff=5.0, backoff_cap=1800.0)
async def apply_acknowledgment(ctx: JobContext, ref: MessageRef) -> None:
    """Apply a received order response to its purchase order and store order."""
    found = await answer_to_purchase_order(ctx, ref.message_id, decode_acknowledgment)
    if found is None:
        return
    got, answer, record = found
    message, session = got.message, ctx.session
    lines = {number: dict(entry) for number, entry in record.lines.items()}
    unknown = []
    for line in answer.lines:
        entry = lines.get(str(line.line_number))
        if entry is None:
            unknown.append(line.line_number)
            continue
        entry.update(
            status=line.status.value,
            quantity=str(line.quantity),
            substitute=line.substitute.sku if line.substitute else None,
            expected_ship_date=line.expected_ship_date.isoformat() if line.expected_ship_date else None,
        )
    state = outcome(answer)
    summary = describe(answer, lines)
    client = ctx.resource(StoreDirectory).client(record.store_hash)
    order = await client.order(record.order_id)
    # Named by its content: a retried job, or the same answer sent twice, writes the note once.
    digest = hashlib.sha256(answer.model_dump_json().encode()).hexdigest()[:10]
    marker = f"[{answer.po_number} order response {digest}]"
    if marker not in order.staff_notes:
        notes = f"{order.staff_notes}\n{marker} {summary}".strip()
        fields: dict[str, object] = {"staff_notes": notes}
        status = next_status(order.status_id, state)
        if status is not None:
            fields["status_id"] = status
        await client.update_order(record.order_id, **fields)
    changes: dict[str, object] = {"lines": lines}
    if PurchaseOrderState(record.state) in ANSWERABLE:
        changes["state"] = state.value
    orders.touch(record, **changes)
    await orders.meet(session, partner=got.partner.key, kind=ExpectationKind.PO_ACK, reference=record.number)
    message.reference = answer.po_number[:64]  # written last: no write lock is held over the store calls
    await messages.transition(
        session,
        message,
        MessageState.APPLIED,
        note=summary[:500],
        error=f"lines not on the purchase order: {unknown}" if unknown else None,
    )
    log.info("order response applied", po=record.number, outcome=state.value)


def outcome(answer: OrderAcknowledgment) -> PurchaseOrderState:
    """Accepted when every line is, rejected when every line is, changed otherwise."""
    statuses = {line.status for line in answer.lines}
    if statuses <= {LineAckStatus.ACCEPTED}:
        return (
            PurchaseOrderState.REJECTED if answer.status.value == "rejected" else PurchaseOrderState.ACCEPTED
        )
    if statuses == {LineAckStatus.REJECTED}:
        return PurchaseOrderState.REJECTED
    return PurchaseOrderState.CHANGED


def next_status(current: int, state: PurchaseOrderState) -> int | None:
    """The store order's new status: only ever forward from awaiting fulfillment or shipment."""
    if state is PurchaseOrderState.ACCEPTED:
        return AWAITING_SHIPMENT if current == AWAITING_FULFILLMENT else None
    return MANUAL_VERIFICATION if current in (AWAITING_FULFILLMENT, AWAITING_SHIPMENT) else None


def describe(answer: OrderAcknowledgment, lines: dict[str, dict[str, object]]) -> str:
    """One line per purchase-order line, in words a person acts on."""
    parts = [f"{answer.po_number}: supplier {answer.status.value.replace('_', ' ')}"]
    for line in answer.lines:
        entry = lines.get(str(line.line_number), {})
        sku = entry.get("sku", line.item.sku if line.item else "?")
        substitute = line.substitute.sku if line.substitute else "?"
        what = {
            LineAckStatus.ACCEPTED: f"accepted {line.quantity}",
            LineAckStatus.QUANTITY_CHANGED: f"only {line.quantity} of {entry.get('ordered', '?')} accepted",
            LineAckStatus.BACKORDERED: "backordered"
            + (f", expected to ship {line.expected_ship_date}" if line.expected_ship_date else ""),
            LineAckStatus.SUBSTITUTED: f"supplier proposes substitute {substitute}"
            " (not applied: confirm with the customer)",
            LineAckStatus.REJECTED: "rejected",
        }[line.status]
        parts.append(f"line {line.line_number} {sku}: {what}")
    return "; ".join(parts)
