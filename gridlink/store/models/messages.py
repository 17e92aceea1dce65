"""Messages: every document the hub received or sent, its raw bytes by hash, and each state it passed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gridlink.store.base import Base, BigIntId, JSONType, utcnow


class Direction(StrEnum):
    """Which way a message travelled."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageState(StrEnum):
    """A message's life: received -> parsed -> validated -> acknowledged -> applied/delivered -> archived."""

    RECEIVED = "received"
    PARSED = "parsed"
    VALIDATED = "validated"
    ACKNOWLEDGED = "acknowledged"
    APPLIED = "applied"
    DELIVERED = "delivered"
    ARCHIVED = "archived"
    REJECTED = "rejected"
    RETRYING = "retrying"
    DEAD = "dead"


class Message(Base):
    """One document (an interchange, or one transaction set of it) with its raw bytes in the blob store,
    or on the row while it is a draft."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    direction: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default=MessageState.RECEIVED.value)
    partner: Mapped[str | None] = mapped_column(String(100))
    transport: Mapped[str | None] = mapped_column(String(16))
    standard: Mapped[str | None] = mapped_column(String(8))
    document_type: Mapped[str | None] = mapped_column(String(16))
    sender: Mapped[str | None] = mapped_column(String(64))
    receiver: Mapped[str | None] = mapped_column(String(64))
    interchange_control: Mapped[str | None] = mapped_column(String(16))
    group_control: Mapped[str | None] = mapped_column(String(16))
    set_control: Mapped[str | None] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(64))
    transport_id: Mapped[str | None] = mapped_column(String(255), doc="the AS2 Message-ID, or the file name")
    blob_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    # Not loaded with the row: read by the delivery that numbers it (see flows.outbound).
    draft: Mapped[bytes | None] = mapped_column(
        LargeBinary,
        deferred=True,
        doc="an outbound interchange waiting for its control numbers (blob_sha256 names these bytes); "
        "the archive gets it once it is numbered",
    )
    error: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_messages_state", "state", "id"),
        Index("ix_messages_partner", "partner", "direction", "id"),
        Index("ix_messages_reference", "reference"),
        Index("ix_messages_controls", "partner", "direction", "interchange_control", "set_control"),
        Index("ix_messages_transport_id", "partner", "direction", "transport_id"),
        Index("ix_messages_group_control", "partner", "direction", "group_control"),
    )


class MessageEvent(Base):
    """One state transition of a message: the audit trail an operator reads."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("messages.id", ondelete="CASCADE"))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_message_events_message", "message_id", "id"),)


class Sequence(Base):
    """A named gap-free counter: control numbers per partner, invoice numbers."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigIntId, default=0)
