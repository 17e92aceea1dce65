"""Keeping purchase orders, shipments, invoices and expectations."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, cast, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.store.base import utcnow
from gridlink.store.inserts import insert_row, insert_rows
from gridlink.store.models.orders import (
    Expectation,
    ExpectationKind,
    InvoiceRecord,
    PurchaseOrderRecord,
    PurchaseOrderState,
    ShipmentRecord,
)
from gridlink.store.models.partners import Partner

_EXPECTATIONS: Table = Expectation.__table__  # type: ignore[assignment]
_PURCHASE_ORDERS: Table = PurchaseOrderRecord.__table__  # type: ignore[assignment]


# Built once: asked for every store order placed, with when the profiles of the partners its lines go to
# were saved (see flows.partner_documents), in one round trip where two took two.
_PLACED_AND_SAVED = union_all(
    select(_PURCHASE_ORDERS.c.partner, cast(null(), Partner.updated_at.type)).where(
        _PURCHASE_ORDERS.c.store_hash == bindparam("b_store"),
        _PURCHASE_ORDERS.c.order_id == bindparam("b_order"),
    ),
    select(Partner.key, Partner.updated_at).where(Partner.key.in_(bindparam("b_partners", expanding=True))),
)


async def placement_state(
    session: AsyncSession, store_hash: str, order_id: int, partners: Collection[str]
) -> tuple[set[str], dict[str, datetime]]:
    """The partners a store order has purchase orders at, and when each of ``partners`` that has a
    profile had it last saved."""
    connection = await session.connection()
    values = {"b_store": store_hash, "b_order": order_id, "b_partners": list(partners)}
    rows = (await connection.execute(_PLACED_AND_SAVED, values)).all()
    return {p for p, saved in rows if saved is None}, {p: saved for p, saved in rows if saved is not None}


async def add_purchase_order(session: AsyncSession, **values: Any) -> None:
    """Insert a purchase order, just sent, in the session's transaction (one statement, no object kept)."""
    now = utcnow()
    row = {"state": PurchaseOrderState.SENT.value, "created_at": now, "updated_at": now, **values}
    await insert_row(session, _PURCHASE_ORDERS, row)


async def purchase_order(session: AsyncSession, partner: str, number: str) -> PurchaseOrderRecord | None:
    """The purchase order ``number`` sent to ``partner`` (what its answers refer to)."""
    stmt = (
        select(PurchaseOrderRecord)
        .where(PurchaseOrderRecord.partner == partner, PurchaseOrderRecord.number == number)
        .order_by(PurchaseOrderRecord.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def recent_purchase_orders(session: AsyncSession, limit: int = 100) -> list[PurchaseOrderRecord]:
    """The newest purchase orders."""
    stmt = select(PurchaseOrderRecord).order_by(PurchaseOrderRecord.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars())


def touch(record: PurchaseOrderRecord, **changes: Any) -> None:
    """Change a purchase order's fields and its update time."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at = utcnow()


async def shipment(session: AsyncSession, purchase_order_id: int, reference: str) -> ShipmentRecord | None:
    """The shipment already made for ship notice ``reference`` of a purchase order, if any."""
    stmt = select(ShipmentRecord).where(
        ShipmentRecord.purchase_order_id == purchase_order_id, ShipmentRecord.reference == reference
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def shipments_of(session: AsyncSession, purchase_order_id: int) -> list[ShipmentRecord]:
    """Every shipment made for a purchase order, oldest first."""
    stmt = (
        select(ShipmentRecord)
        .where(ShipmentRecord.purchase_order_id == purchase_order_id)
        .order_by(ShipmentRecord.id)
    )
    return list((await session.execute(stmt)).scalars())


async def invoice_for(
    session: AsyncSession, store_hash: str, order_id: int, partner: str
) -> InvoiceRecord | None:
    """The invoice already sent to ``partner`` for a store order, if any."""
    stmt = select(InvoiceRecord).where(
        InvoiceRecord.store_hash == store_hash,
        InvoiceRecord.order_id == order_id,
        InvoiceRecord.partner == partner,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


@dataclass(frozen=True)
class Expected:
    """A document of ``kind`` owed by ``partner`` about a sent message by ``due_at``; ``met`` when it has
    come already."""

    message_id: int
    partner: str
    kind: ExpectationKind
    due_at: datetime
    reference: str | None = None
    met: bool = False


async def expect(session: AsyncSession, expected: Sequence[Expected]) -> None:
    """Record what partners owe back (once per message and kind), in one statement."""
    if not expected:
        return
    now = utcnow()
    rows = [
        {
            "message_id": e.message_id,
            "partner": e.partner,
            "reference": e.reference,
            "kind": e.kind.value,
            "due_at": e.due_at,
            "met_at": now if e.met else None,
            "overdue_at": None,
        }
        for e in expected
    ]
    await insert_rows(session, _EXPECTATIONS, rows, unique=("message_id", "kind"))


async def meet(
    session: AsyncSession,
    *,
    partner: str,
    kind: ExpectationKind,
    reference: str | None = None,
    message_ids: Collection[int] | None = None,
) -> int:
    """Mark what ``partner`` owed (about a reference, or about any of the sent messages) as met; how many
    were.

    One met after its due time is marked overdue too, if the periodic check had not done so yet.
    """
    now = utcnow()
    stmt = update(Expectation).where(
        Expectation.partner == partner, Expectation.kind == kind.value, Expectation.met_at.is_(None)
    )
    if reference is not None:
        stmt = stmt.where(Expectation.reference == reference)
    if message_ids is not None:
        stmt = stmt.where(Expectation.message_id.in_(message_ids))
    late = stmt.where(Expectation.due_at < now, Expectation.overdue_at.is_(None))
    await session.execute(late.values(overdue_at=now))
    result = await session.execute(stmt.values(met_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_overdue(session: AsyncSession, now: datetime) -> list[Expectation]:
    """Expectations past due and not met, marked overdue now (each is reported once)."""
    stmt = (
        select(Expectation)
        .where(Expectation.met_at.is_(None), Expectation.overdue_at.is_(None), Expectation.due_at < now)
        .order_by(Expectation.due_at)
        .limit(1000)
    )
    found = list((await session.execute(stmt)).scalars())
    for expectation in found:
        expectation.overdue_at = now
    return found


async def overdue(session: AsyncSession, *, limit: int = 100) -> list[Expectation]:
    """The newest expectations that are overdue and still not met."""
    stmt = (
        select(Expectation)
        .where(Expectation.overdue_at.is_not(None), Expectation.met_at.is_(None))
        .order_by(Expectation.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())
