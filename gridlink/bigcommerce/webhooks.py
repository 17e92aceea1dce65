"""Webhook deliveries: trust only what is verified, and keep the store's hooks as the hub wants them.

A delivery is authentic when it carries the per-store secret header the hub set on its hooks and,
when Standard Webhooks headers are present, a valid signature over the raw body keyed with the API
client's secret and a timestamp within five minutes. BigCommerce's payload is thin: the hub re-fetches
the resource it names, deduplicating on `hash` (repeated deliveries of one event carry the same one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from gridlink.bigcommerce.client import BigCommerceClient
from gridlink.bigcommerce.models import Hook

TOLERANCE = 300  # seconds a signed delivery's timestamp may differ from now
SECRET_HEADER = "X-Gridlink-Hook-Secret"
HOOK_PATH = "/webhooks/bigcommerce/{store_hash}"


def destination_for(public_url: str, store_hash: str) -> str:
    """The URL the store's hooks deliver to: the hub's receiver for that store."""
    return public_url.rstrip("/") + HOOK_PATH.format(store_hash=store_hash)


class Rejected(Exception):
    """A delivery that must not be trusted; the reason is logged, the answer is 401."""


class Delivery(BaseModel):
    """BigCommerce's thin callback body."""

    model_config = ConfigDict(extra="ignore")

    scope: str
    store_id: str
    data: dict[str, Any]
    hash: str
    created_at: int
    producer: str

    @property
    def store_hash(self) -> str:
        """The store that sent it (producer is "stores/{hash}")."""
        return self.producer.removeprefix("stores/")


def verify(
    headers: Mapping[str, str],
    body: bytes,
    *,
    header_secret: str,
    client_secret: str | None,
    now: float | None = None,
) -> Delivery:
    """The delivery, if its secret header and (given a client secret) its signature are right; else Rejected.

    `headers` must look names up case-insensitively (Starlette's and httpx's do)."""
    given = headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), header_secret.encode()):
        raise Rejected(f"missing or wrong {SECRET_HEADER}")
    if client_secret:
        # BigCommerce signs every delivery with the API account's client secret: when the hub knows
        # that secret, an unsigned delivery is refused. Without it, the secret header alone decides.
        signature = headers.get("webhook-signature")
        if signature is None:
            raise Rejected("unsigned delivery (webhook-signature missing)")
        _check_signature(headers, body, signature, client_secret, time.time() if now is None else now)
    try:
        return Delivery.model_validate_json(body)
    except ValidationError as exc:
        raise Rejected(f"not a BigCommerce webhook body: {exc.error_count()} problems") from exc


def signature_of(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """Standard Webhooks' v1 signature: base64 HMAC-SHA256 of "id.timestamp.body" keyed with the secret."""
    digest = hmac.new(secret.encode(), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _check_signature(
    headers: Mapping[str, str], body: bytes, signature: str, secret: str, now: float
) -> None:
    message_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    if not message_id or not stamp.isdigit():
        raise Rejected("webhook-id or webhook-timestamp missing")
    if abs(now - int(stamp)) > TOLERANCE:
        raise Rejected(f"webhook-timestamp {stamp} is more than {TOLERANCE} s from now")
    expected = signature_of(secret, message_id, int(stamp), body)
    for candidate in signature.split():  # a space-separated list; versions other than v1 are ignored
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return
    raise Rejected("webhook-signature does not match the body")


@dataclass
class HookReport:
    """What reconciling changed."""

    created: list[str]
    reactivated: list[str]
    deleted: list[str]


async def reconcile_hooks(
    client: BigCommerceClient, destination: str, scopes: list[str], header_secret: str
) -> HookReport:
    """Make the store's hooks for `destination` exactly `scopes`, active and carrying the secret header:
    create the missing, reactivate (and re-key) the deactivated, delete the stale."""
    report = HookReport([], [], [])
    existing: dict[str, Hook] = {}
    for hook in await client.hooks():
        if hook.destination != destination:
            continue
        if hook.scope not in scopes or hook.scope in existing:
            await client.delete_hook(hook.id)
            report.deleted.append(hook.scope)
            continue
        existing[hook.scope] = hook
    headers = {SECRET_HEADER: header_secret}
    for scope in scopes:
        current = existing.get(scope)
        if current is None:
            await client.create_hook(scope, destination, headers)
            report.created.append(scope)
        elif not current.is_active or (current.headers or {}).get(SECRET_HEADER) != header_secret:
            await client.update_hook(current.id, is_active=True, headers=headers)
            report.reactivated.append(scope)
    return report
