"""The composition root: the objects one hub process shares between web requests and jobs."""

from __future__ import annotations

import hashlib
import hmac
import importlib
from dataclasses import dataclass, field

from fastapi import Request

from gridlink.bigcommerce.accounts import StoreAccount, StoreDirectory
from gridlink.config import Settings, StoreSettings
from gridlink.engine import Resources
from gridlink.store.blobs import BlobStore, LocalBlobStore
from gridlink.store.db import Database

# Modules whose import registers the hub's job kinds; a worker must know every kind the web enqueues.
JOB_MODULES: tuple[str, ...] = ("gridlink.flows.store_events",)


@dataclass
class Hub:
    """Settings, database, blob store, the stores served and the resources handed to job handlers."""

    settings: Settings
    db: Database
    blobs: BlobStore
    stores: StoreDirectory = field(default_factory=lambda: StoreDirectory({}))
    resources: Resources = field(default_factory=Resources)

    @classmethod
    def from_settings(cls, settings: Settings) -> Hub:
        """Build the hub's shared objects from its configuration (nothing is started yet)."""
        db = Database(settings.database_url, pool_size=settings.worker.concurrency + 4)
        blobs = LocalBlobStore(settings.blobs_path)
        stores = StoreDirectory({store.hash: store_account(settings, store) for store in settings.stores})
        hub = cls(settings=settings, db=db, blobs=blobs, stores=stores)
        hub.resources.provide(settings)
        hub.resources.provide(db)
        hub.resources.provide(blobs, as_type=BlobStore)
        hub.resources.provide(stores)
        return hub

    async def close(self) -> None:
        """Release connections."""
        await self.stores.aclose()
        await self.db.dispose()


def store_account(settings: Settings, store: StoreSettings) -> StoreAccount:
    """A configured store as the connector sees it; an unset hook secret is derived from the secret key."""
    header_secret = (
        store.hook_secret.get_secret_value()
        or hmac.new(
            settings.ensure_secret_key().encode(), f"bigcommerce-hook:{store.hash}".encode(), hashlib.sha256
        ).hexdigest()
    )
    return StoreAccount(
        store_hash=store.hash,
        token=store.token.get_secret_value(),
        header_secret=header_secret,
        client_secret=store.client_secret.get_secret_value(),
        api_url=store.api_url,
        scopes=tuple(store.scopes),
    )


def load_job_modules(extra: list[str] | tuple[str, ...] = ()) -> None:
    """Import the modules that define job kinds, so this process can run and enqueue them."""
    for name in (*JOB_MODULES, *extra):
        importlib.import_module(name)


def hub_of(request: Request) -> Hub:
    """The hub serving this request (a FastAPI dependency)."""
    hub: Hub = request.app.state.hub
    return hub
