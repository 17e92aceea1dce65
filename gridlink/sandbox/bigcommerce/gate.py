"""The sandbox store's API gate: which store, whose token, the rate window and the fault switches, with
BigCommerce's rate-limit headers on what it serves and each API request recorded.

Plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` runs every request through a task group and
memory streams, which cost more than the sandbox's own work on a cheap request."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ErrorResponse = Callable[[int, str, str], Response]


class Gate:
    """Refuses what BigCommerce would refuse before serving; the state it reads (``faults``, ``rate``,
    ``requests``) is the app's, so tests can change it while the app runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store_hash: str,
        tokens: dict[str, str],
        state: Any,
        error: ErrorResponse,
    ) -> None:
        self.app = app
        self.store_hash = store_hash
        self.tokens = tokens
        self.state = state
        self.error = error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve or refuse one request."""
        path: str = scope.get("path", "")
        parts = path.split("/")
        if scope["type"] != "http" or len(parts) < 4 or parts[1] != "stores" or parts[3] not in ("v2", "v3"):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        requests: deque[tuple[str, str, int]] = self.state.requests
        refusal = self._refusal(scope, parts[2], path)
        if refusal is not None:
            await refusal(scope, receive, send)
            requests.append((method, path, refusal.status_code))
            return
        faults, rate = self.state.faults, self.state.rate
        now = time.monotonic()
        status = 500
        slow = faults.delay and faults.delay_on in (None, method)
        held: list[Message] = []

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).update(rate.headers(now))
            if slow:
                held.append(message)
            else:
                await send(message)

        if faults.errors and faults.errors_on in (None, method):
            await self.error(faults.errors.pop(0), "Internal error", path)(scope, receive, answer)
        else:
            await self.app(scope, receive, answer)
        if slow:
            # After serving: a slow answer from a store that has already acted, as a timeout sees it.
            await asyncio.sleep(faults.delay)
            for message in held:
                await send(message)
        requests.append((method, path, status))

    def _refusal(self, scope: Scope, store_hash: str, path: str) -> Response | None:
        """The answer to a request refused before it is served (the wrong store, no valid token, the
        quota spent), or None; an accepted request's scope carries its API client's id."""
        if store_hash != self.store_hash:
            return self.error(404, "store not found", path)
        client_id = self.tokens.get(Headers(scope=scope).get("x-auth-token", ""))
        if client_id is None:
            return self.error(401, "You are not authorized to access this resource.", path)
        scope.setdefault("state", {})["client_id"] = client_id
        faults, rate = self.state.faults, self.state.rate
        if faults.shed > 0:
            faults.shed -= 1
            return self.error(429, "Too many requests", path)
        now = time.monotonic()
        if not rate.take(now):
            refused = self.error(429, "Too many requests", path)
            refused.headers.update(rate.headers(now))
            refused.headers["X-Retry-After"] = str(max(1, math.ceil(rate.started + rate.window - now)))
            return refused
        return None
