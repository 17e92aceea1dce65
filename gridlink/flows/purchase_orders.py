"""Store order -> one purchase order (850/ORDERS) per supplier its lines are routed to (drop-ship).

The purchase order, its lines' state and the interchange that carries it are written in one transaction
with the delivery job; a retried or repeated placement finds the supplier's purchase order and sends
nothing twice, and the number (derived from the order) is the same whenever it is built.
"""

from __future__ import annotations

from datetime import date
from email.utils import parsedate_to_datetime

from gridlink.bigcommerce.client import BigCommerceClient
from gridlink.bigcommerce.models import Order, OrderDetail, OrderProduct, ShippingAddress
from gridlink.config import Settings
from gridlink.documents import Address, Item, OrderLine, Party, PartyRole, PurchaseOrder
from gridlink.documents.codecs import encode_purchase_order
from gridlink.engine import JobContext, define_job
from gridlink.flows.outbound import send_document
from gridlink.flows.partner_documents import encoded, profile_as_saved
from gridlink.flows.routing import LineFacts, RoutingTable, load_table, po_number, split
from gridlink.flows.store_orders import OrderRef, order_still_in
from gridlink.logs import get_logger
from gridlink.partners.profiles import PartnerProfile
from gridlink.store import orders
from gridlink.store.blobs import BlobStore

log = get_logger(__name__)


@define_job("orders.place", max_attempts=12, backoff=5.0, backoff_cap=1800.0)
async def place(ctx: JobContext, ref: OrderRef) -> None:
    """Send each supplier its share of a store order, once (a job queued by an earlier version: orders
    are now placed by the job of the store event that read them, see ``place_order``)."""
    settings = ctx.resource(Settings)
    current = await order_still_in(ctx, ref, settings.orders.place_statuses)
    if current is not None:
        await place_order(ctx, ref.store_hash, *current)


async def place_order(
    ctx: JobContext, store_hash: str, client: BigCommerceClient, detail: OrderDetail
) -> None:
    """Send each supplier of ``detail``'s lines that has no purchase order for it yet its share, in the
    job's transaction: a job that fails places nothing, and its retry finds what is placed."""
    settings = ctx.resource(Settings)
    session = ctx.session
    order, products, addresses = detail.order, detail.products, detail.addresses
    table = load_table(settings.orders.routing)
    facts = [await line_facts(client, table, product) for product in products if product.sku]
    routed = split(table, facts)
    placed, saved = await orders.placement_state(session, store_hash, order.id, routed.by_partner)
    by_id = {product.id: product for product in products}
    for partner, lines in routed.by_partner.items():
        if partner in placed:
            continue
        profile = await profile_as_saved(session, partner, saved.get(partner))
        chosen = [by_id[line.line_id] for line in lines]
        address = next(
            (a for a in addresses if a.id == chosen[0].order_address_id), addresses[0] if addresses else None
        )
        po = purchase_order(settings.edi.company_name, order, chosen, address, profile)
        body = encoded(encode_purchase_order, po, profile, "850")
        message = await send_document(
            session, settings, ctx.resource(BlobStore), profile, "850", body, reference=po.number
        )
        await orders.add_purchase_order(
            session,
            store_hash=store_hash,
            order_id=order.id,
            partner=partner,
            number=po.number,
            document=po.model_dump(mode="json"),
            lines={
                str(n): {"order_product_id": p.id, "sku": p.sku, "ordered": p.quantity, "status": "sent"}
                for n, p in enumerate(chosen, start=1)
            },
            address_id=address.id if address else None,
            message_id=message.id,
        )
        log.info("purchase order placed", po=po.number, partner=partner, lines=len(chosen))
    unrouted = [line.sku for line in routed.unrouted] + [p.name for p in products if not p.sku]
    if unrouted:
        log.warning("order lines no partner supplies", order=order.id, lines=unrouted)


async def line_facts(client: BigCommerceClient, table: RoutingTable, product: OrderProduct) -> LineFacts:
    """What routing looks at for one order line; the catalog is read only when a rule needs it."""
    needs = {field for rule in table.rules for field, value in rule.match if value} & {
        "brands",
        "categories",
        "custom_field",
    }
    if not needs:
        return LineFacts(line_id=product.id, sku=product.sku)
    item = await client.product(product.product_id)
    fields = await client.custom_fields(item.id) if "custom_field" in needs else []
    return LineFacts(
        line_id=product.id,
        sku=product.sku,
        brand=str(item.brand_id) if item.brand_id else None,  # rules name brands by id
        categories=frozenset(str(c) for c in item.categories),
        custom_fields={f.name: f.value for f in fields},
    )


def purchase_order(
    buyer: str,
    order: Order,
    lines: list[OrderProduct],
    address: ShippingAddress | None,
    profile: PartnerProfile,
) -> PurchaseOrder:
    """The purchase order for ``profile``'s lines of ``order``, shipped straight to the customer."""
    ship_to = address or order.billing_address
    name = f"{ship_to.first_name} {ship_to.last_name}".strip() or ship_to.company or f"Order {order.id}"
    return PurchaseOrder(
        number=po_number(order.id, profile.key),
        order_date=_order_date(order),
        currency=order.currency_code or "USD",
        store_order_id=order.id,
        parties=[
            Party(role=PartyRole.BUYER, name=buyer),
            Party(
                role=PartyRole.SHIP_TO,
                name=name[:60],
                address=Address(
                    lines=[x for x in (ship_to.street_1, ship_to.street_2) if x.strip()][:2],
                    city=ship_to.city,
                    state=ship_to.state,
                    postal_code=ship_to.zip,
                    country=ship_to.country_iso2 or None,
                ),
                phone=ship_to.phone or None,
            ),
        ],
        lines=[
            OrderLine(
                line_number=n,
                item=Item(
                    sku=p.sku,
                    partner_item=profile.cross_references.items.get(p.sku),
                    description=p.name[:80] or None,
                ),
                quantity=p.quantity,
                unit_price=p.price_ex_tax,
            )
            for n, p in enumerate(lines, start=1)
        ],
    )


def _order_date(order: Order) -> date:
    try:
        return parsedate_to_datetime(order.date_created).date()
    except (TypeError, ValueError):
        return date.today()
