"""Order shipped or completed -> an invoice (810/INVOIC) to each party configured to receive one: every
partner in ``orders.invoice_to`` and, for B2B customer groups, the partner that buys for that group.

Invoice numbers come from one gap-free sequence, allocated in the transaction that records the invoice
and queues its delivery: a number exists exactly when its invoice does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from gridlink.bigcommerce.models import Order, OrderProduct
from gridlink.config import Settings
from gridlink.documents import Address, Item, Party, PartyRole
from gridlink.documents.codecs import encode_invoice
from gridlink.documents.invoice import Invoice, InvoiceLine
from gridlink.engine import JobContext, define_job
from gridlink.flows.outbound import send_document
from gridlink.flows.partner_documents import encoded, profile_by_key
from gridlink.flows.store_orders import OrderRef, order_still_in
from gridlink.logs import get_logger
from gridlink.store import orders
from gridlink.store.blobs import BlobStore
from gridlink.store.models.orders import InvoiceRecord
from gridlink.store.sequences import next_value

log = get_logger(__name__)

COMPLETED = 10
INVOICE_SEQUENCE = "invoice"


@define_job("orders.send_invoices", max_attempts=12, backoff=5.0, backoff_cap=1800.0)
async def send_invoices(ctx: JobContext, ref: OrderRef) -> None:
    """Invoice a shipped or completed order to every party that has no invoice for it yet."""
    settings = ctx.resource(Settings)
    session = ctx.session
    current = await order_still_in(ctx, ref, settings.orders.invoice_statuses)
    if current is None:
        return
    client, detail = current
    order = detail.order
    parties = list(dict.fromkeys(settings.orders.invoice_to))
    groups = settings.orders.invoice_customer_groups
    if groups and order.customer_id:
        customer = await client.customer(order.customer_id)
        if customer is not None and str(customer.customer_group_id) in groups:
            parties.append(groups[str(customer.customer_group_id)])
    if not parties:
        return
    lines = invoice_lines(order, detail.products)
    if not lines:
        log.info("nothing shipped to invoice", order=order.id)
        return
    for partner in dict.fromkeys(parties):
        if await orders.invoice_for(session, ref.store_hash, order.id, partner) is not None:
            continue
        number = f"INV{await next_value(session, INVOICE_SEQUENCE):08d}"
        invoice = build_invoice(number, settings.edi.company_name, order, lines)
        profile = await profile_by_key(session, partner)
        body = encoded(encode_invoice, invoice, profile, "810")
        message = await send_document(
            session, settings, ctx.resource(BlobStore), profile, "810", body, reference=number
        )
        session.add(
            InvoiceRecord(
                number=number,
                store_hash=ref.store_hash,
                order_id=order.id,
                partner=partner,
                message_id=message.id,
                document=invoice.model_dump(mode="json"),
            )
        )
        log.info("invoice sent", invoice=number, order=order.id, partner=partner)


def invoice_lines(order: Order, products: list[OrderProduct]) -> list[InvoiceLine]:
    """A line for what each order line shipped (everything, once the order is completed unshipped)."""
    quantities = {
        p.id: p.quantity if order.status_id == COMPLETED and not p.quantity_shipped else p.quantity_shipped
        for p in products
    }
    return [
        InvoiceLine(
            line_number=n,
            item=Item(sku=p.sku or f"PRODUCT-{p.product_id}", description=p.name[:80] or None),
            quantity=quantities[p.id],
            unit_price=p.price_ex_tax,
        )
        for n, p in enumerate(products, start=1)
        if quantities[p.id] > 0
    ]


def build_invoice(number: str, seller: str, order: Order, lines: list[InvoiceLine]) -> Invoice:
    """Invoice ``number`` for ``lines`` of ``order``, billed to the order's billing address."""
    bill = order.billing_address
    return Invoice(
        number=number,
        invoice_date=datetime.now(UTC).date(),
        po_number=str(order.id),
        currency=order.currency_code or "USD",
        store_order_id=order.id,
        parties=[
            Party(role=PartyRole.SELLER, name=seller),
            Party(
                role=PartyRole.BILL_TO,
                name=(bill.company or f"{bill.first_name} {bill.last_name}".strip() or f"Order {order.id}")[
                    :60
                ],
                address=Address(
                    lines=[x for x in (bill.street_1, bill.street_2) if x.strip()][:2],
                    city=bill.city,
                    state=bill.state,
                    postal_code=bill.zip,
                    country=bill.country_iso2 or None,
                ),
            ),
        ],
        terms_net_days=30,
        lines=lines,
    )
