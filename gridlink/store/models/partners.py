"""Partners: each trading partner's profile as the hub last loaded it (from a file or the directory)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gridlink.store.base import Base, JSONType, utcnow


class Partner(Base):
    """One partner: its key, name, network address, where the profile came from, and the profile."""

    __tablename__ = "partners"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64), doc="qualifier:id on the network")
    source: Mapped[str] = mapped_column(String(16), doc="file or directory")
    profile: Mapped[dict[str, Any]] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_partners_address", "address", unique=True),)
