"""856/DESADV: a ship notice becomes one store shipment with its tracking number and carrier, for the
lines and quantities shipped and never more than was ordered; a repeated notice makes no second one."""

from __future__ import annotations

from decimal import Decimal

from gridlink.bigcommerce.accounts import StoreDirectory
from gridlink.bigcommerce.models import NewShipment, ShipmentItem
from gridlink.documents.codecs import decode_ship_notice
from gridlink.engine import JobContext, define_job
from gridlink.flows.outbound import MessageRef
from gridlink.flows.received_sets import answer_to_purchase_order
from gridlink.logs import get_logger
from gridlink.store import messages, orders
from gridlink.store.models.messages import MessageState
from gridlink.store.models.orders import ExpectationKind, PurchaseOrderState, ShipmentRecord

log = get_logger(__name__)

# Carrier SCACs to the carrier names BigCommerce's tracking_carrier takes; a partner's profile adds more.
CARRIERS = {"UPSN": "ups", "UPSS": "ups", "FDEG": "fedex", "FDXG": "fedex", "FXFE": "fedex", "USPS": "usps"}


@define_job("orders.apply_ship_notice", max_attempts=12, backoff=5.0, backoff_cap=1800.0)
async def apply_ship_notice(ctx: JobContext, ref: MessageRef) -> None:
    """Create the store shipment a received ship notice describes."""
    found = await answer_to_purchase_order(ctx, ref.message_id, decode_ship_notice)
    if found is None:
        return
    got, notice, record = found
    message, session = got.message, ctx.session
    earlier = await orders.shipment(session, record.id, notice.shipment_id)
    if earlier is not None:
        note = f"shipment {notice.shipment_id} was made already (message {earlier.message_id})"
        message.reference = notice.po_number[:64]
        await messages.transition(session, message, MessageState.APPLIED, note=note)
        return
    shipped_before: dict[str, int] = {}
    for shipment in await orders.shipments_of(session, record.id):
        for product, quantity in shipment.lines.items():
            shipped_before[product] = shipped_before.get(product, 0) + int(quantity)
    items: dict[str, int] = {}
    capped: list[str] = []
    for line_number, quantity in notice.quantities().items():
        entry = record.lines.get(str(line_number))
        if entry is None:
            capped.append(f"line {line_number} is not on the purchase order")
            continue
        product = str(entry["order_product_id"])
        left = int(entry["ordered"]) - shipped_before.get(product, 0) - items.get(product, 0)
        wanted = int(Decimal(quantity))
        if wanted > left:
            capped.append(f"line {line_number}: {wanted} shipped, {max(left, 0)} left to ship")
        if min(wanted, left) > 0:
            items[product] = items.get(product, 0) + min(wanted, left)
    if not items:
        error = "nothing left to ship: " + "; ".join(capped)
        message.reference = notice.po_number[:64]
        await messages.transition(session, message, MessageState.DEAD, error=error)
        return
    tracking = notice.tracking_numbers()[0]
    scac = (notice.carrier_scac or "").upper()
    carrier = got.partner.cross_references.carriers.get(scac) or CARRIERS.get(scac, "")
    client = ctx.resource(StoreDirectory).client(record.store_hash)
    created = await client.create_shipment(
        record.order_id,
        NewShipment(
            order_address_id=record.address_id or 0,
            items=[ShipmentItem(order_product_id=int(p), quantity=q) for p, q in items.items()],
            tracking_number=tracking[:50],
            tracking_carrier=carrier,
            shipping_method=notice.service_level or "",
            comments=f"{notice.po_number} ship notice {notice.shipment_id}",
        ),
    )
    session.add(
        ShipmentRecord(
            purchase_order_id=record.id,
            reference=notice.shipment_id[:64],
            message_id=message.id,
            store_shipment_id=created.id,
            tracking_number=tracking[:64],
            carrier=(carrier or scac)[:32],
            lines=items,
        )
    )
    total_ordered = sum(int(entry["ordered"]) for entry in record.lines.values())
    total_shipped = sum(shipped_before.values()) + sum(items.values())
    done = (
        PurchaseOrderState.SHIPPED if total_shipped >= total_ordered else PurchaseOrderState.PARTIALLY_SHIPPED
    )
    orders.touch(record, state=done.value)
    await orders.meet(
        session, partner=got.partner.key, kind=ExpectationKind.SHIP_NOTICE, reference=record.number
    )
    note = f"store shipment {created.id}, tracking {tracking}"
    message.reference = notice.po_number[:64]  # written last: no write lock is held over the store call
    await messages.transition(
        session, message, MessageState.APPLIED, note=note, error="; ".join(capped) or None
    )
    log.info("ship notice applied", po=record.number, shipment=created.id, tracking=tracking)
