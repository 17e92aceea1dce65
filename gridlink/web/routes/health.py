"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from gridlink.store.migrate import head_revision, is_current
from gridlink.web.hub import Hub, hub_of

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(hub: Annotated[Hub, Depends(hub_of)]) -> JSONResponse:
    """Ready when the database answers and is at the newest migration."""
    try:
        current = await is_current(hub.db)
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "database": f"unreachable: {exc}"}, status_code=503)
    if not current:
        return JSONResponse(
            {
                "status": "unavailable",
                "database": f"not migrated to {head_revision()}: run gridlink db upgrade",
            },
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "revision": head_revision()})
