"""Hooks kept as the hub wants them, deliveries signed by the sandbox store and verified by the hub."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gridlink.bigcommerce import Delivery, Rejected, reconcile_hooks, verify
from gridlink.bigcommerce.webhooks import SECRET_HEADER
from gridlink.sandbox.bigcommerce.dispatcher import sign
from tests.bigcommerce.conftest import Sandbox, customer_order
from tests.support.servers import running_server

HEADER_SECRET = "per-store-secret"
CLIENT_SECRET = "sandbox-secret"


@dataclass
class Receiver:
    """A loopback endpoint that verifies like the hub does and records what it accepted or refused."""

    url: str = ""
    fail: bool = False
    accepted: list[Delivery] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        if self.fail:
            return Response(status_code=500)
        body = await request.body()
        try:
            delivery = verify(request.headers, body, header_secret=HEADER_SECRET, client_secret=CLIENT_SECRET)
        except Rejected as exc:
            self.refused.append(str(exc))
            return Response(status_code=401)
        self.accepted.append(delivery)
        return Response(status_code=200)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = Starlette(routes=[Route("/hooks", rec.endpoint, methods=["POST"])])
    async with running_server(app) as url:
        rec.url = url + "/hooks"
        yield rec


async def test_reconcile_creates_reactivates_and_deletes(sandbox: Sandbox, receiver: Receiver) -> None:
    async with sandbox.client() as client:
        stale = await client.create_hook("store/cart/created", receiver.url, {SECRET_HEADER: HEADER_SECRET})
        dead = await client.create_hook("store/order/*", receiver.url, {SECRET_HEADER: HEADER_SECRET})
        await client.update_hook(dead.id, is_active=False)
        scopes = ["store/order/*", "store/shipment/*"]
        report = await reconcile_hooks(client, receiver.url, scopes, HEADER_SECRET)
        again = await reconcile_hooks(client, receiver.url, scopes, HEADER_SECRET)
        hooks = {h.scope: h for h in await client.hooks()}
    assert report.created == ["store/shipment/*"]
    assert report.reactivated == ["store/order/*"] and report.deleted == ["store/cart/created"]
    assert again.created == again.reactivated == again.deleted == []
    assert set(hooks) == {"store/order/*", "store/shipment/*"} and all(h.is_active for h in hooks.values())
    assert stale.id not in {h.id for h in hooks.values()}


async def test_hooks_are_visible_only_to_the_client_that_made_them(sandbox: Sandbox) -> None:
    sandbox.app.state.config.tokens["other-token"] = "other-client"
    async with sandbox.client() as mine, sandbox.client(token="other-token") as theirs:
        await mine.create_hook("store/order/created", "https://hub.example/h", {})
        assert len(await mine.hooks()) == 1
        assert await theirs.hooks() == []


async def test_store_events_arrive_signed_and_verified(sandbox: Sandbox, receiver: Receiver) -> None:
    async with sandbox.client() as client:
        await reconcile_hooks(client, receiver.url, ["store/order/*"], HEADER_SECRET)
    placed = customer_order(sandbox.store, (1,))
    await asyncio.wait_for(sandbox.app.state.dispatcher.drain(), 10)
    assert receiver.refused == []
    created = [d for d in receiver.accepted if d.scope == "store/order/created"]
    assert len(created) == 1
    delivery = created[0]
    assert delivery.data == {"type": "order", "id": placed["id"]}  # thin: the hub re-fetches the order
    assert delivery.store_hash == "abc123" and len(delivery.hash) == 40


async def test_duplicated_deliveries_share_a_hash(sandbox: Sandbox, receiver: Receiver) -> None:
    async with sandbox.client() as client:
        await reconcile_hooks(client, receiver.url, ["store/order/created"], HEADER_SECRET)
    sandbox.app.state.dispatcher.faults.duplicate = True
    customer_order(sandbox.store, (1,))
    await asyncio.wait_for(sandbox.app.state.dispatcher.drain(), 10)
    assert len(receiver.accepted) == 2
    assert receiver.accepted[0].hash == receiver.accepted[1].hash  # the receiver's dedupe key


def signed(body: bytes, *, secret: str = CLIENT_SECRET, stamp: int | None = None) -> dict[str, str]:
    stamp = int(time.time()) if stamp is None else stamp
    return {
        SECRET_HEADER: HEADER_SECRET,
        "webhook-id": "msg_1",
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(secret, "msg_1", stamp, body),
    }


BODY = json.dumps(
    {
        "scope": "store/order/created",
        "store_id": "1",
        "data": {"type": "order", "id": 7},
        "hash": "a" * 40,
        "created_at": 1,
        "producer": "stores/abc123",
    }
).encode()


def test_signatures_match_an_independent_hmac() -> None:
    # Debian's openssl as the second implementation: the sandbox signs with the hub's own function.
    stamp = 1_700_000_000
    signed_text = f"msg_1.{stamp}.".encode() + BODY
    mac = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", CLIENT_SECRET, "-binary"],
        input=signed_text,
        capture_output=True,
        check=True,
    ).stdout
    assert signed(BODY, stamp=stamp)["webhook-signature"] == "v1," + base64.b64encode(mac).decode()


def test_a_forged_signature_is_rejected() -> None:
    with pytest.raises(Rejected, match="does not match"):
        verify(signed(BODY, secret="guess"), BODY, header_secret=HEADER_SECRET, client_secret=CLIENT_SECRET)


def test_a_tampered_body_is_rejected() -> None:
    headers = signed(BODY)
    with pytest.raises(Rejected, match="does not match"):
        verify(headers, BODY.replace(b"7", b"8"), header_secret=HEADER_SECRET, client_secret=CLIENT_SECRET)


def test_a_stale_delivery_is_rejected() -> None:
    old = signed(BODY, stamp=int(time.time()) - 600)
    with pytest.raises(Rejected, match="from now"):
        verify(old, BODY, header_secret=HEADER_SECRET, client_secret=CLIENT_SECRET)


def test_a_delivery_without_the_store_secret_header_is_rejected() -> None:
    headers = signed(BODY)
    del headers[SECRET_HEADER]
    with pytest.raises(Rejected, match=SECRET_HEADER):
        verify(headers, BODY, header_secret=HEADER_SECRET, client_secret=CLIENT_SECRET)


def test_an_unsigned_delivery_is_rejected_when_the_client_secret_is_known() -> None:
    with pytest.raises(Rejected, match="unsigned"):
        verify({SECRET_HEADER: HEADER_SECRET}, BODY, header_secret=HEADER_SECRET, client_secret=CLIENT_SECRET)


def test_without_a_client_secret_the_secret_header_alone_authenticates() -> None:
    delivery = verify({SECRET_HEADER: HEADER_SECRET}, BODY, header_secret=HEADER_SECRET, client_secret=None)
    assert delivery.data["id"] == 7
    assert verify(signed(BODY), BODY, header_secret=HEADER_SECRET, client_secret=None).hash == delivery.hash


async def test_a_failing_destination_is_retried_then_its_hook_deactivated(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    async with sandbox.client() as client:
        await reconcile_hooks(client, receiver.url, ["store/order/created"], HEADER_SECRET)
    receiver.fail = True
    sandbox.app.state.dispatcher.time_scale = 0.00001  # BigCommerce's 48 hours in under two seconds
    customer_order(sandbox.store, (1,))
    await asyncio.wait_for(sandbox.app.state.dispatcher.drain(), 30)
    assert sandbox.app.state.dispatcher.attempts == 12  # the first try and 11 retries
    async with sandbox.client() as client:
        hooks = await client.hooks()
        assert [h.is_active for h in hooks] == [False]
        receiver.fail = False
        report = await reconcile_hooks(client, receiver.url, ["store/order/created"], HEADER_SECRET)
    assert report.reactivated == ["store/order/created"]
