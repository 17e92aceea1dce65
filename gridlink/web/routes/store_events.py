"""Store events over HTTP: what each store reported and what re-fetching found."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from gridlink.store.store_events import events
from gridlink.web.hub import Hub, hub_of

router = APIRouter(prefix="/api/store-events", tags=["store events"])


class StoreEventOut(BaseModel):
    """One recorded webhook event (its raw body stays in the database)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    store_hash: str
    scope: str
    resource_type: str | None
    resource_id: str | None
    state: str
    duplicates: int
    resource: dict[str, Any] | None
    error: str | None
    received_at: datetime
    fetched_at: datetime | None


@router.get("", response_model=list[StoreEventOut])
async def list_store_events(
    hub: Annotated[Hub, Depends(hub_of)],
    store: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[StoreEventOut]:
    """The newest events, optionally of one store."""
    async with hub.db.session() as session:
        rows = await events(session, store_hash=store, limit=limit)
    return [StoreEventOut.model_validate(row) for row in rows]
