"""The composition root: the objects one hub process shares between web requests and jobs."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from fastapi import Request

from gridlink.config import Settings
from gridlink.engine import Resources
from gridlink.store.blobs import BlobStore, LocalBlobStore
from gridlink.store.db import Database

# Modules whose import registers the hub's job kinds; a worker must know every kind the web enqueues.
JOB_MODULES: tuple[str, ...] = ()


@dataclass
class Hub:
    """Settings, database, blob store and the resources handed to job handlers."""

    settings: Settings
    db: Database
    blobs: BlobStore
    resources: Resources = field(default_factory=Resources)

    @classmethod
    def from_settings(cls, settings: Settings) -> Hub:
        """Build the hub's shared objects from its configuration (nothing is started yet)."""
        db = Database(settings.database_url, pool_size=settings.worker.concurrency + 4)
        blobs = LocalBlobStore(settings.blobs_path)
        hub = cls(settings=settings, db=db, blobs=blobs)
        hub.resources.provide(settings)
        hub.resources.provide(db)
        hub.resources.provide(blobs, as_type=BlobStore)
        return hub

    async def close(self) -> None:
        """Release connections."""
        await self.db.dispose()


def load_job_modules(extra: list[str] | tuple[str, ...] = ()) -> None:
    """Import the modules that define job kinds, so this process can run and enqueue them."""
    for name in (*JOB_MODULES, *extra):
        importlib.import_module(name)


def hub_of(request: Request) -> Hub:
    """The hub serving this request (a FastAPI dependency)."""
    hub: Hub = request.app.state.hub
    return hub
