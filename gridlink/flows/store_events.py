"""Store events: re-fetch what a webhook named, and keep every store's hooks pointing at the hub."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from gridlink.bigcommerce import BigCommerceError, reconcile_hooks
from gridlink.bigcommerce.accounts import StoreDirectory, fetch_resource
from gridlink.bigcommerce.models import OrderDetail
from gridlink.bigcommerce.webhooks import Delivery, destination_for
from gridlink.config import Settings
from gridlink.engine import Discard, JobContext, NoPayload, define_job, define_periodic, insert_with_job
from gridlink.flows.orders import order_changed
from gridlink.logs import get_logger
from gridlink.store.db import Database
from gridlink.store.models.store_events import StoreEvent
from gridlink.store.store_events import (
    EVENT_KEY,
    EVENTS,
    count_duplicate,
    event_row,
    mark_fetched,
    record_event,
)

log = get_logger(__name__)

# What the hub follows: deliveries about anything else are kept, but nothing is fetched for them.
FOLLOWED = frozenset({"order", "product"})


class StoreEventRef(BaseModel):
    """Which recorded event to act on, with what the job needs of it (None in jobs queued by versions that
    sent the id alone: those read the event)."""

    event_id: int
    store_hash: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None


async def keep_delivery(db: Database, store_hash: str, delivery: Delivery, body: bytes) -> bool:
    """Record an authenticated delivery with the job that re-fetches what it names, at once (nothing
    acknowledged is lost); False when the same event had been recorded already."""
    resource_type = str(delivery.data.get("type", "")) or None
    resource_id = str(delivery.data["id"]) if "id" in delivery.data else None
    row = event_row(
        store_hash=store_hash,
        event_hash=delivery.hash,
        scope=delivery.scope,
        created_at=delivery.created_at,
        body=body,
        resource_type=resource_type,
        resource_id=resource_id,
    )
    if resource_type in FOLLOWED and resource_id is not None:
        event_id = await insert_with_job(
            db,
            EVENTS,
            row,
            unique=EVENT_KEY,
            kind=refetch,
            payload=StoreEventRef(
                event_id=0, store_hash=store_hash, resource_type=resource_type, resource_id=resource_id
            ),
            id_field="event_id",
            key_prefix="bigcommerce.event:",
            # Jobs about one resource run in arrival order; each re-fetches the current state.
            ordering_key=f"bigcommerce:{store_hash}:{resource_type}:{resource_id}",
        )
        if event_id is None:
            async with db.transaction() as session:
                await count_duplicate(session, row)
    else:
        async with db.transaction() as session:
            event_id = await record_event(session, row)
    return event_id is not None


@define_job("bigcommerce.event", max_attempts=12, backoff=5.0, backoff_cap=1800.0)
async def refetch(ctx: JobContext, ref: StoreEventRef) -> None:
    """Fetch the current state of the event's resource (payloads are thin, deliveries may be reordered),
    and do what an order's state calls for (see ``order_changed``)."""
    if ref.store_hash is None:
        event = await ctx.session.get(StoreEvent, ref.event_id)
        if event is not None:
            ref = StoreEventRef(
                event_id=event.id,
                store_hash=event.store_hash,
                resource_type=event.resource_type,
                resource_id=event.resource_id,
            )
    store_hash, resource_type, resource_id = ref.store_hash, ref.resource_type, ref.resource_id
    if store_hash is None or resource_type is None or resource_id is None:
        raise Discard("no such event, or it names no resource")
    directory = ctx.resource(StoreDirectory)
    if directory.get(store_hash) is None:
        raise Discard(f"store {store_hash} is no longer configured")
    client = directory.client(store_hash)
    resource = await fetch_resource(client, resource_type, resource_id)
    if resource_type == "order" and resource is not None:
        orders = ctx.resource(Settings).orders
        detail = OrderDetail.model_validate(resource)
        await order_changed(ctx, orders, store_hash, detail, ref.event_id)
    # Marked last: the update is the transaction's first write on SQLite, where it takes the database's
    # one write lock until commit, and placing an order writes and fsyncs its document first.
    await mark_fetched(ctx.session, ref.event_id, resource)
    log.info(
        "store event fetched",
        store=store_hash,
        resource=f"{resource_type}/{resource_id}",
        gone=resource is None,
    )


@define_periodic("bigcommerce.reconcile_hooks", every=timedelta(minutes=15))
async def reconcile(ctx: JobContext, _: NoPayload) -> None:
    """Create missing, reactivate deactivated and delete stale hooks on every configured store."""
    settings = ctx.resource(Settings)
    directory = ctx.resource(StoreDirectory)
    failed: list[str] = []
    for account in directory:
        destination = destination_for(settings.public_url, account.store_hash)
        try:
            report = await reconcile_hooks(
                directory.client(account.store_hash), destination, list(account.scopes), account.header_secret
            )
        except BigCommerceError as exc:  # one unreachable store must not keep the others unreconciled
            log.warning("hook reconciliation failed", store=account.store_hash, error=str(exc))
            failed.append(account.store_hash)
            continue
        if report.created or report.reactivated or report.deleted:
            log.info(
                "hooks reconciled",
                store=account.store_hash,
                created=report.created,
                reactivated=report.reactivated,
                deleted=report.deleted,
            )
    if failed:
        raise RuntimeError(f"hooks not reconciled on {', '.join(failed)}")
