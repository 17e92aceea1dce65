"""The composition root: the objects one hub process shares between web requests and jobs."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from gridlink.bigcommerce.accounts import StoreAccount, StoreDirectory
from gridlink.config import Settings, StoreSettings
from gridlink.engine import Resources
from gridlink.flows.transports import PartnerLinks
from gridlink.grid.as2.keys import (
    KeyFileError,
    create_identity,
    expires_within,
    load_certificates,
    load_private_key,
)
from gridlink.grid.as2.message import Counterpart, Identity
from gridlink.grid.as2.station import Station
from gridlink.logs import get_logger
from gridlink.partners.directory import as2_counterpart, load_profiles
from gridlink.store.blobs import BlobStore, LocalBlobStore
from gridlink.store.db import Database

log = get_logger(__name__)

# Modules whose import registers the hub's job kinds; a worker must know every kind the web enqueues.
JOB_MODULES: tuple[str, ...] = (
    "gridlink.flows.store_events",
    "gridlink.flows.as2_receipts",
    "gridlink.flows.partner_directory",
    "gridlink.flows.inbound",
    "gridlink.flows.outbound",
    "gridlink.flows.purchase_orders",
    "gridlink.flows.invoices",
    "gridlink.flows.expectations",
    "gridlink.flows.mailbox",
)


@dataclass
class Hub:
    """Settings, database, blob store, the stores served and the resources handed to job handlers."""

    settings: Settings
    db: Database
    blobs: BlobStore
    stores: StoreDirectory = field(default_factory=lambda: StoreDirectory({}))
    resources: Resources = field(default_factory=Resources)
    links: PartnerLinks | None = None
    _station: Station | None = None
    _saved_partners: set[str] = field(default_factory=set)  # AS2 ids that came from saved profiles
    _partners_read: float = float("-inf")

    def as2_station(self) -> Station:
        """The hub's AS2 station, its key loaded (or made, on first use) when first needed."""
        if self._station is None:
            self._station = Station(as2_identity(self.settings))
            mailbox = self.settings.mailbox
            if mailbox.as2_url and mailbox.certificate is not None:  # the network delivers partners' files
                cert = load_certificates(mailbox.certificate)[0]
                grid = Counterpart(mailbox.as2_id, certs=(cert,), encrypt_cert=cert)
                self._station.partners[mailbox.as2_id] = grid
        return self._station

    def load_as2_key(self) -> None:
        """Load the AS2 key and certificate now if they exist (made ones are made by the first AS2
        message): a bad file stops the start, not that message, which need not wait for the key to be
        parsed (60 to 200 ms)."""
        if as2_key_path(self.settings).exists():
            self.as2_station()

    async def current_as2_station(self) -> Station:
        """The station with the AS2 partners of the saved profiles (re-read every few seconds)."""
        station = self.as2_station()
        if time.monotonic() - self._partners_read < self.settings.as2.partners_refresh_seconds:
            return station
        fresh = {}
        for profile in await load_profiles(self.db):
            try:
                counterpart = as2_counterpart(profile)
            except KeyFileError as exc:  # one partner's missing certificate must not stop the others
                log.error("partner AS2 certificate unusable", partner=profile.key, error=str(exc))
                continue
            if counterpart is not None:
                fresh[counterpart.as2_id] = counterpart
        for gone in self._saved_partners - fresh.keys():
            station.partners.pop(gone, None)
        station.partners.update(fresh)
        self._saved_partners, self._partners_read = set(fresh), time.monotonic()
        return station

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
        hub.links = PartnerLinks(settings.mailbox, lambda: hub.as2_station().me)
        hub.resources.provide(hub.links)
        return hub

    async def close(self) -> None:
        """Release connections."""
        await self.stores.aclose()
        if self.links is not None:
            await self.links.aclose()
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


async def hub_of(request: Request) -> Hub:
    """The hub serving this request (a FastAPI dependency; async, so FastAPI does not hand it to a
    thread)."""
    hub: Hub = request.app.state.hub
    return hub


def as2_key_path(settings: Settings) -> Path:
    """Where the hub's AS2 private key is: the configured file, or the one made in the data directory."""
    return settings.as2.key_file or settings.data_dir / "as2" / "hub.key.pem"


def as2_identity(settings: Settings) -> Identity:
    """The hub's AS2 key and certificate: the configured files, or a pair made once in the data directory."""
    as2 = settings.as2
    key_path = as2_key_path(settings)
    cert_path = as2.cert_file or settings.data_dir / "as2" / "hub.cert.pem"
    if as2.key_file is None and not key_path.exists():
        create_identity(as2.as2_id, key_path, cert_path)
        log.info("made the hub's AS2 key and self-signed certificate", certificate=str(cert_path))
    cert = load_certificates(cert_path)[0]
    if expires_within(cert, 30):
        log.warning("the hub's AS2 certificate expires within 30 days", expires=str(cert.not_valid_after_utc))
    return Identity(as2.as2_id, load_private_key(key_path), cert)
