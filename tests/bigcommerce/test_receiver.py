"""The hub's webhook receiver against the sandbox store: verified, recorded once, re-fetched by a job."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from gridlink.bigcommerce.webhooks import SECRET_HEADER, destination_for
from gridlink.config import Settings, StoreSettings
from gridlink.engine import NoPayload
from gridlink.flows.store_events import StoreEventRef, reconcile, refetch
from gridlink.sandbox.bigcommerce import SandboxStore
from gridlink.sandbox.bigcommerce import create_app as create_store_app
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from gridlink.sandbox.bigcommerce.dispatcher import sign
from gridlink.store.db import Database
from gridlink.store.models.jobs import Job
from gridlink.store.models.store_events import StoreEvent
from gridlink.store.store_events import event_row, record_event
from gridlink.web.app import create_app
from gridlink.web.hub import Hub
from gridlink.web.serve import bind_socket
from tests.bigcommerce.conftest import FAST, Sandbox, customer_order
from tests.engine.conftest import all_finished, eventually, workers
from tests.support.servers import running_server

CLIENT_SECRET = "sandbox-secret"  # what the sandbox signs with for the "sandbox-token" API account


def hub_for(
    sandbox: Sandbox, database_url: str, data_dir: Path, port: int, also: list[Sandbox] | None = None
) -> Hub:
    """A hub serving the sandbox store (and any ``also``), reachable at ``port``."""
    stores = [
        StoreSettings(
            hash=each.store.store_hash,
            token=SecretStr("sandbox-token"),
            client_secret=SecretStr(CLIENT_SECRET),
            api_url=each.url,
        )
        for each in [sandbox, *(also or [])]
    ]
    settings = Settings(
        database_url=database_url, data_dir=data_dir, public_url=f"http://127.0.0.1:{port}", stores=stores
    )
    hub = Hub.from_settings(settings)
    hub.stores.retry = FAST
    hub.stores.http = sandbox.contract.http(timeout=30)  # the hub's exchanges are checked too
    return hub


@dataclass
class Scene:
    """The sandbox store and a hub (web receiver and an in-process worker) wired to each other."""

    sandbox: Sandbox
    hub: Hub
    url: str

    @property
    def receiver(self) -> str:
        return destination_for(self.url, self.sandbox.store.store_hash)


@pytest.fixture
async def scene(db: Database, database_url: str, tmp_path: Path, sandbox: Sandbox) -> AsyncIterator[Scene]:
    sock = bind_socket("127.0.0.1", 0)
    hub = hub_for(sandbox, database_url, tmp_path, sock.getsockname()[1])
    try:
        async with (
            running_server(create_app(hub), sock=sock) as url,
            workers(hub.db, resources=hub.resources),
        ):
            yield Scene(sandbox, hub, url)
    finally:
        await hub.close()


async def run_reconcile(hub: Hub) -> None:
    async with hub.db.transaction() as session:
        await reconcile.enqueue(session, NoPayload())
    await eventually(lambda: all_finished(hub.db))


async def recorded(hub: Hub) -> list[StoreEvent]:
    async with hub.db.session() as session:
        return list((await session.execute(select(StoreEvent).order_by(StoreEvent.id))).scalars())


async def jobs_of(hub: Hub, kind: str) -> int:
    async with hub.db.session() as session:
        count = await session.scalar(select(func.count()).select_from(Job).where(Job.kind == kind))
    return int(count or 0)


async def test_the_reconcile_job_points_the_stores_hooks_at_the_receiver(scene: Scene) -> None:
    await run_reconcile(scene.hub)
    hooks = list(scene.sandbox.store.hooks.values())
    assert sorted(h.scope for h in hooks) == sorted(scene.hub.settings.stores[0].scopes)
    assert {h.destination for h in hooks} == {scene.receiver}
    account = scene.hub.stores.get(scene.sandbox.store.store_hash)
    assert account is not None
    assert all(h.headers[SECRET_HEADER] == account.header_secret for h in hooks)

    for hook in hooks:  # BigCommerce deactivated them after 48 hours of failures
        hook.is_active = False
    await run_reconcile(scene.hub)
    assert all(h.is_active for h in scene.sandbox.store.hooks.values())
    assert len(scene.sandbox.store.hooks) == len(hooks)


async def test_an_order_event_is_recorded_once_and_its_order_re_fetched(scene: Scene) -> None:
    await run_reconcile(scene.hub)
    dispatcher = scene.sandbox.app.state.dispatcher
    dispatcher.faults.duplicate = True  # every delivery arrives twice
    order = customer_order(scene.sandbox.store, (3, 2))
    await asyncio.wait_for(dispatcher.drain(), 30)
    assert len(dispatcher.delivered) == 2  # both copies were answered 2xx

    await eventually(lambda: all_finished(scene.hub.db))
    events = await recorded(scene.hub)
    assert [(e.scope, e.resource_id, e.duplicates, e.state) for e in events] == [
        ("store/order/created", str(order["id"]), 1, "fetched")
    ]
    assert await jobs_of(scene.hub, "bigcommerce.event") == 1
    fetched = events[0].resource
    assert fetched is not None
    assert fetched["order"]["id"] == order["id"]
    assert sorted(line["quantity"] for line in fetched["products"]) == [2, 3]
    assert json.loads(events[0].body)["hash"] == events[0].event_hash  # the raw delivery, byte for byte


async def test_an_event_job_queued_with_the_event_id_alone_still_re_fetches_its_order(scene: Scene) -> None:
    order = customer_order(scene.sandbox.store, (1,))  # no hooks yet: the store sends no delivery
    store_hash = scene.sandbox.store.store_hash
    async with scene.hub.db.transaction() as session:  # as an earlier version recorded and queued it
        row = event_row(
            store_hash=store_hash,
            event_hash="e" * 40,
            scope="store/order/created",
            created_at=int(time.time()),
            body=b"{}",
            resource_type="order",
            resource_id=str(order["id"]),
        )
        event_id = await record_event(session, row)
        assert event_id is not None
        await refetch.enqueue(session, StoreEventRef(event_id=event_id))
    await eventually(lambda: all_finished(scene.hub.db))
    (event,) = await recorded(scene.hub)
    assert event.state == "fetched"
    assert event.resource is not None
    assert event.resource["order"]["id"] == order["id"]


async def test_out_of_order_deliveries_end_with_the_current_state(scene: Scene) -> None:
    await run_reconcile(scene.hub)
    dispatcher = scene.sandbox.app.state.dispatcher
    dispatcher.faults.out_of_order = True
    order = customer_order(scene.sandbox.store, (1,))
    for status in (9, 11, 10):  # Awaiting Shipment, Awaiting Fulfillment, Completed
        scene.sandbox.store.update_order(order["id"], {"status_id": status})
    await asyncio.wait_for(dispatcher.drain(), 30)
    await eventually(lambda: all_finished(scene.hub.db))
    events = [e for e in await recorded(scene.hub) if e.resource_id == str(order["id"])]
    assert {e.state for e in events} == {"fetched"}
    last = max(events, key=lambda e: e.fetched_at or 0)  # the last fetch sees the store as it is now
    assert last.resource is not None
    assert last.resource["order"]["status_id"] == 10


def delivery(store_hash: str, *, producer: str | None = None) -> bytes:
    return json.dumps(
        {
            "scope": "store/order/created",
            "store_id": "1",
            "data": {"type": "order", "id": 7},
            "hash": "f" * 40,
            "created_at": int(time.time()),
            "producer": producer or f"stores/{store_hash}",
        }
    ).encode()


REFUSED = ["wrong secret header", "forged signature", "stale", "unsigned", "unknown store", "other producer"]


@pytest.mark.parametrize("case", REFUSED)
async def test_unauthenticated_deliveries_get_401_and_leave_no_trace(scene: Scene, case: str) -> None:
    store_hash = scene.sandbox.store.store_hash
    account = scene.hub.stores.get(store_hash)
    assert account is not None
    body = delivery(store_hash, producer="stores/other1" if case == "other producer" else None)
    stamp = int(time.time()) - (600 if case == "stale" else 0)
    secret = "guess" if case == "forged signature" else CLIENT_SECRET
    headers = {
        "Content-Type": "application/json",
        SECRET_HEADER: "guess" if case == "wrong secret header" else account.header_secret,
        "webhook-id": "msg_1",
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(secret, "msg_1", stamp, body),
    }
    if case == "unsigned":
        headers = {k: v for k, v in headers.items() if not k.startswith("webhook-")}
    url = scene.receiver if case != "unknown store" else destination_for(scene.url, "nosuchstore")
    async with httpx.AsyncClient() as client:
        answer = await client.post(url, content=body, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "delivery not authenticated"}
    assert await recorded(scene.hub) == []
    assert await jobs_of(scene.hub, "bigcommerce.event") == 0


async def test_an_authentic_delivery_posted_twice_is_recorded_once(scene: Scene) -> None:
    store_hash = scene.sandbox.store.store_hash
    account = scene.hub.stores.get(store_hash)
    assert account is not None
    body = delivery(store_hash)
    stamp = int(time.time())
    headers = {
        SECRET_HEADER: account.header_secret,
        "webhook-id": "msg_2",
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(CLIENT_SECRET, "msg_2", stamp, body),
    }
    async with httpx.AsyncClient() as client:
        answers = [(await client.post(scene.receiver, content=body, headers=headers)).json() for _ in "ab"]
    assert answers == [{"status": "recorded"}, {"status": "duplicate"}]
    assert await jobs_of(scene.hub, "bigcommerce.event") == 1


async def test_an_oversized_body_is_refused_with_413(scene: Scene) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(scene.receiver, content=b"{" + b" " * 70_000 + b"}")
    assert answer.status_code == 413


async def test_a_receiver_that_was_down_gets_the_retries(
    db: Database, database_url: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    probe = bind_socket("127.0.0.1", 0)
    port = probe.getsockname()[1]
    probe.close()  # nothing listens on the hub's port yet: deliveries are refused
    hub = hub_for(sandbox, database_url, tmp_path, port)
    dispatcher = sandbox.app.state.dispatcher
    dispatcher.time_scale = 0.002  # retries after 0.12 s, 0.36 s, 0.6 s, 1.2 s, 1.8 s, 3.6 s ...
    try:
        async with workers(hub.db, resources=hub.resources):
            await run_reconcile(hub)
            order = customer_order(sandbox.store, (1,))

            async def failed_twice() -> bool:
                return dispatcher.attempts >= 2

            await eventually(failed_twice)
            assert dispatcher.delivered == []
            async with running_server(create_app(hub), sock=bind_socket("127.0.0.1", port)):
                await asyncio.wait_for(dispatcher.drain(), 60)
                await eventually(lambda: all_finished(hub.db))
        events = await recorded(hub)
        assert [(e.resource_id, e.state) for e in events] == [(str(order["id"]), "fetched")]
        assert all(h.is_active for h in sandbox.store.hooks.values())
    finally:
        await hub.close()


async def test_one_hub_serves_several_stores_each_with_its_own_hooks_secret_and_budget(
    db: Database, database_url: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    second = SandboxStore("def456")
    second_app = create_store_app(second, SandboxConfig(webhook_time_scale=0.0001))
    async with running_server(second_app) as url:
        other = Sandbox(second, second_app, url)  # the hub's exchanges with it join the contract check
        sock = bind_socket("127.0.0.1", 0)
        hub = hub_for(sandbox, database_url, tmp_path, sock.getsockname()[1], also=[other])
        try:
            async with running_server(create_app(hub), sock=sock), workers(hub.db, resources=hub.resources):
                await run_reconcile(hub)
                for store in (sandbox.store, second):
                    assert {h.destination for h in store.hooks.values()} == {
                        destination_for(hub.settings.public_url, store.store_hash)
                    }
                first, theirs = hub.stores.get("abc123"), hub.stores.get("def456")
                assert first is not None and theirs is not None
                assert first.header_secret != theirs.header_secret
                assert hub.stores.client("abc123").budget is not hub.stores.client("def456").budget
                order = customer_order(second, (4,))

                async def recorded_once() -> bool:
                    return len(await recorded(hub)) == 1 and await all_finished(hub.db)

                await eventually(recorded_once)
            (event,) = await recorded(hub)
            assert (event.store_hash, event.resource_id, event.state) == (
                "def456",
                str(order["id"]),
                "fetched",
            )
            assert event.resource is not None and event.resource["products"][0]["quantity"] == 4
        finally:
            await hub.close()
