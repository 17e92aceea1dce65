"""Store events: each authenticated BigCommerce webhook delivery, kept raw, once per event hash."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gridlink.store.base import Base, BigIntId, JSONType, utcnow


class EventState(StrEnum):
    """pending until the resource is re-fetched; fetched, or gone when the store no longer has it."""

    PENDING = "pending"
    FETCHED = "fetched"
    GONE = "gone"


class StoreEvent(Base):
    """One event a store reported; repeated deliveries of it (same hash) only count ``duplicates``."""

    __tablename__ = "store_events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    store_hash: Mapped[str] = mapped_column(String(32))
    event_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(100))
    resource_type: Mapped[str | None] = mapped_column(String(32))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(16), default=EventState.PENDING.value)
    duplicates: Mapped[int] = mapped_column(default=0)
    resource: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(BigIntId, doc="the store's created_at (epoch seconds)")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("store_hash", "event_hash", "created_at"),
        Index("ix_store_events_resource", "store_hash", "resource_type", "resource_id", "id"),
    )
