"""Keeping the hub's partners in step with Trading Grid's partner directory (Community Management)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from gridlink.config import Settings
from gridlink.engine import JobContext, NoPayload, define_periodic
from gridlink.grid.community import CommunityClient
from gridlink.grid.oauth import TokenSource
from gridlink.logs import get_logger
from gridlink.partners.directory import import_from_community

log = get_logger(__name__)


@define_periodic("partners.refresh_directory", every=timedelta(hours=1))
async def refresh_directory(ctx: JobContext, _: NoPayload) -> None:
    """Import the partner directory (new partners added, imported ones updated, the file's kept)."""
    grid = ctx.resource(Settings).trading_grid
    if not grid.configured:
        return
    async with httpx.AsyncClient(timeout=60) as http:
        tokens = TokenSource(http, grid.api_url, grid.client_id, grid.client_secret.get_secret_value())
        saved = await import_from_community(ctx.db, CommunityClient(tokens, grid.api_url, grid.company_id))
    log.info("partner directory imported", created=saved.created, updated=saved.updated, kept=saved.kept)
