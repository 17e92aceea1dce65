"""The canonical documents refuse what a partner or a flow could not act on, and survive JSON storage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from gridlink.documents import (
    AckLine,
    AckStatus,
    Charge,
    InventoryAdvice,
    InventoryLevel,
    Invoice,
    InvoiceLine,
    Item,
    LineAckStatus,
    OrderAcknowledgment,
    OrderLine,
    Package,
    Party,
    PartyRole,
    PurchaseOrder,
    ReturnAuthorization,
    ShipNotice,
    ShippedLine,
)
from gridlink.documents.return_authorization import ReturnLine, ReturnReason

SHIP_TO = Party(role=PartyRole.SHIP_TO, name="Jane Doe")


def po(**changes: object) -> PurchaseOrder:
    fields: dict[str, object] = {
        "number": "1001-ACME",
        "order_date": date(2026, 11, 24),
        "parties": [SHIP_TO],
        "lines": [
            OrderLine(line_number=1, item=Item(sku="MUG-1"), quantity=Decimal(2), unit_price=Decimal("4.50")),
            OrderLine(line_number=2, item=Item(sku="CUP-9"), quantity=Decimal(1)),
        ],
    }
    fields.update(changes)
    return PurchaseOrder.model_validate(fields)


def test_a_purchase_order_survives_json_storage_unchanged() -> None:
    order = po()
    assert PurchaseOrder.model_validate_json(order.model_dump_json()) == order
    assert order.line(1) is not None and order.line(1).extended_price == Decimal("9.00")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"parties": []}, "ship_to"),
        ({"lines": []}, "at least 1"),
        ({"number": "has spaces in it"}, "pattern"),
        ({"currency": "usd"}, "pattern"),
        ({"unexpected": 1}, "Extra inputs"),
    ],
)
def test_an_order_a_supplier_could_not_act_on_is_refused(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        po(**changes)


def test_line_numbers_must_be_unique_because_answers_refer_to_them() -> None:
    line = OrderLine(line_number=1, item=Item(sku="A"), quantity=Decimal(1))
    with pytest.raises(ValidationError, match="used twice"):
        po(lines=[line, line])


def test_a_zero_quantity_line_is_refused() -> None:
    with pytest.raises(ValidationError):
        OrderLine(line_number=1, item=Item(sku="A"), quantity=Decimal(0))


def test_a_substitution_names_its_substitute_and_only_a_substitution_does() -> None:
    sub = AckLine(
        line_number=1, status=LineAckStatus.SUBSTITUTED, quantity=Decimal(2), substitute=Item(sku="MUG-2")
    )
    assert sub.substitute == Item(sku="MUG-2")
    with pytest.raises(ValidationError, match="substitute"):
        AckLine(line_number=1, status=LineAckStatus.SUBSTITUTED, quantity=Decimal(2))
    with pytest.raises(ValidationError, match="substitute"):
        AckLine(line_number=1, status=LineAckStatus.ACCEPTED, quantity=Decimal(2), substitute=Item(sku="X"))


def test_accepted_with_changes_must_say_what_changed() -> None:
    accepted = AckLine(line_number=1, status=LineAckStatus.ACCEPTED, quantity=Decimal(2))
    backordered = AckLine(line_number=2, status=LineAckStatus.BACKORDERED, quantity=Decimal(1))
    ack = OrderAcknowledgment(
        po_number="1001-ACME",
        status=AckStatus.ACCEPTED_WITH_CHANGES,
        ack_date=date(2026, 11, 24),
        lines=[accepted, backordered],
    )
    assert [line.status for line in ack.lines] == [LineAckStatus.ACCEPTED, LineAckStatus.BACKORDERED]
    with pytest.raises(ValidationError, match="no line says what changed"):
        OrderAcknowledgment(
            po_number="1001-ACME",
            status=AckStatus.ACCEPTED_WITH_CHANGES,
            ack_date=date(2026, 11, 24),
            lines=[accepted],
        )


def shipped(line_number: int, sku: str) -> ShippedLine:
    return ShippedLine(line_number=line_number, item=Item(sku=sku), quantity=Decimal(1))


def test_a_ship_notice_sums_quantities_per_line_across_packages() -> None:
    notice = ShipNotice(
        shipment_id="SH-1",
        po_number="1001-ACME",
        notice_date=date(2026, 11, 25),
        carrier_scac="UPSN",
        packages=[
            Package(tracking_number="1Z1", lines=[shipped(1, "MUG-1")]),
            Package(tracking_number="1Z2", lines=[shipped(1, "MUG-1"), shipped(2, "CUP-9")]),
            Package(tracking_number="1Z2", lines=[shipped(2, "CUP-9")]),
        ],
    )
    assert notice.quantities() == {1: 2, 2: 2}
    assert notice.tracking_numbers() == ["1Z1", "1Z2"]


def test_a_ship_notice_without_any_tracking_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="tracking number"):
        ShipNotice(
            shipment_id="SH-1",
            po_number="1001-ACME",
            notice_date=date(2026, 11, 25),
            packages=[Package(lines=[ShippedLine(line_number=1, item=Item(sku="A"), quantity=1)])],
        )


def test_an_invoice_total_is_the_lines_plus_the_charges() -> None:
    invoice = Invoice(
        number="INV-000001",
        invoice_date=date(2026, 11, 26),
        po_number="1001-ACME",
        lines=[
            InvoiceLine(line_number=1, item=Item(sku="MUG-1"), quantity=2, unit_price=Decimal("4.50")),
            InvoiceLine(line_number=2, item=Item(sku="CUP-9"), quantity=3, unit_price=Decimal("1.25")),
        ],
        charges=[Charge(code="FREIGHT", amount=Decimal(7)), Charge(code="DISCOUNT", amount=Decimal(-1))],
    )
    assert invoice.total == Decimal("18.75")
    with pytest.raises(ValidationError, match="negative"):
        invoice.model_validate({**invoice.model_dump(), "charges": [{"code": "DISCOUNT", "amount": "-100"}]})


def test_an_inventory_advice_lists_each_item_and_location_once() -> None:
    level = InventoryLevel(item=Item(sku="MUG-1"), available=Decimal(5), location="DC1")
    elsewhere = InventoryLevel(item=Item(sku="MUG-1"), available=Decimal(0), location="DC2")
    advice = InventoryAdvice(reference="846-1", as_of=date(2026, 11, 24), levels=[level, elsewhere])
    assert len(advice.levels) == 2
    with pytest.raises(ValidationError, match="listed twice"):
        InventoryAdvice(reference="846-1", as_of=date(2026, 11, 24), levels=[level, level])


def test_a_return_authorization_needs_unique_lines_with_a_reason() -> None:
    line = ReturnLine(line_number=1, item=Item(sku="MUG-1"), quantity=Decimal(1), reason=ReturnReason.DAMAGED)
    rma = ReturnAuthorization(rma_number="RMA-1", authorized_on=date(2026, 11, 27), lines=[line])
    assert rma.lines[0].reason is ReturnReason.DAMAGED
    with pytest.raises(ValidationError, match="used twice"):
        ReturnAuthorization(rma_number="RMA-1", authorized_on=date(2026, 11, 27), lines=[line, line])
    with pytest.raises(ValidationError):
        ReturnLine.model_validate({"line_number": 1, "item": {"sku": "A"}, "quantity": 1, "reason": "bored"})


def test_documents_are_immutable() -> None:
    order = po()
    with pytest.raises(ValidationError):
        order.number = "other"  # type: ignore[misc]
