"""Keeping partner profiles: saved whole, read by key or network address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.store.base import utcnow
from gridlink.store.models.partners import Partner


async def save(
    session: AsyncSession, *, key: str, name: str, address: str, source: str, profile: dict[str, Any]
) -> bool:
    """Insert or replace a partner's profile; True when it was new."""
    existing = await session.get(Partner, key)
    if existing is None:
        session.add(Partner(key=key, name=name, address=address, source=source, profile=profile))
        return True
    existing.name, existing.address, existing.source, existing.profile = name, address, source, profile
    existing.updated_at = utcnow()
    return False


async def all_partners(session: AsyncSession) -> list[Partner]:
    """Every partner, by key."""
    return list((await session.execute(select(Partner).order_by(Partner.key))).scalars())


async def by_address(session: AsyncSession, address: str) -> Partner | None:
    """The partner at a network address (qualifier:id)."""
    return (await session.execute(select(Partner).where(Partner.address == address))).scalar_one_or_none()


async def by_key(session: AsyncSession, key: str) -> Partner | None:
    """The partner saved under ``key``."""
    return await session.get(Partner, key)


# Built once: asked for every document written to a partner.
_SAVED_AT = select(Partner.updated_at).where(Partner.key == bindparam("b_key"))


async def saved_at(session: AsyncSession, key: str) -> datetime | None:
    """When partner ``key``'s profile was last saved; None when there is no such partner."""
    connection = await session.connection()
    saved: datetime | None = (await connection.execute(_SAVED_AT, {"b_key": key})).scalar_one_or_none()
    return saved
