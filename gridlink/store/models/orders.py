"""Orders as the hub trades them: purchase orders per supplier, shipments, invoices, and what is expected
back from partners by when."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gridlink.store.base import Base, BigIntId, JSONType, utcnow


class PurchaseOrderState(StrEnum):
    """Where a purchase order stands with its supplier."""

    SENT = "sent"  # written and queued for the supplier's transport
    DELIVERED = "delivered"  # the transport confirmed receipt (MDN, or the file written)
    ACCEPTED = "accepted"  # 855/ORDRSP: every line accepted
    CHANGED = "changed"  # 855/ORDRSP: partial, backorder or substitution
    REJECTED = "rejected"  # 855/ORDRSP rejected it, or the 997 did
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"


class PurchaseOrderRecord(Base):
    """One supplier's share of a store order and the state of each of its lines."""

    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    store_hash: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[int] = mapped_column(BigInteger)
    partner: Mapped[str] = mapped_column(String(63))
    number: Mapped[str] = mapped_column(String(22))
    state: Mapped[str] = mapped_column(String(20), default=PurchaseOrderState.SENT.value)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType, doc="the canonical purchase order")
    # line number -> {order_product_id, ordered, status, quantity, substitute, shipped}
    lines: Mapped[dict[str, Any]] = mapped_column(JSONType)
    address_id: Mapped[int | None] = mapped_column(BigInteger, doc="the order's shipping address")
    message_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("messages.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("store_hash", "order_id", "partner"),
        UniqueConstraint("store_hash", "number"),
        Index("ix_purchase_orders_state", "state", "id"),
        Index("ix_purchase_orders_number", "partner", "number"),
        Index("ix_purchase_orders_message", "message_id"),
    )


class ShipmentRecord(Base):
    """A ship notice applied to the store: one per notice, whatever number of times it arrived."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    purchase_order_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("purchase_orders.id"))
    reference: Mapped[str] = mapped_column(String(64), doc="the ship notice's shipment id (BSN02, BGM)")
    message_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("messages.id"))
    store_shipment_id: Mapped[int | None] = mapped_column(BigInteger)
    tracking_number: Mapped[str] = mapped_column(String(64))
    carrier: Mapped[str] = mapped_column(String(32))
    lines: Mapped[dict[str, Any]] = mapped_column(JSONType, doc="order product id -> quantity shipped")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("purchase_order_id", "reference"),)


class InvoiceRecord(Base):
    """An invoice sent for a store order to one party, numbered from the gap-free invoice sequence."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(22), unique=True)
    store_hash: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[int] = mapped_column(BigInteger)
    partner: Mapped[str] = mapped_column(String(63))
    message_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("messages.id"))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType, doc="the canonical invoice")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("store_hash", "order_id", "partner"),)


class ExpectationKind(StrEnum):
    """What a partner owes the hub after a document."""

    FUNCTIONAL_ACK = "functional_ack"  # 997/999/CONTRL
    PO_ACK = "po_ack"  # 855/ORDRSP
    SHIP_NOTICE = "ship_notice"  # 856/DESADV


class Expectation(Base):
    """A document the hub expects back by a time; overdue ones are kept for an operator (and a case)."""

    __tablename__ = "expectations"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("messages.id"))
    partner: Mapped[str] = mapped_column(String(63))
    reference: Mapped[str | None] = mapped_column(String(64), doc="the purchase order number, if any")
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    met_at: Mapped[datetime | None]
    overdue_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("message_id", "kind"),
        Index("ix_expectations_open", "met_at", "overdue_at", "due_at"),
        Index("ix_expectations_reference", "partner", "reference", "kind"),
    )
