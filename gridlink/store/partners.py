"""Keeping partner profiles: saved whole, read by key or network address."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
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
