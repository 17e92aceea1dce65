"""An httpx transport that keeps each of its connections in a pool of its own.

httpcore's connection pool looks again at every connection it holds (polling each idle socket) and at
every request waiting in it whenever a request starts or ends. A client serving many requests at once
through one pool pays that on each of them: on loopback, 16 requests in flight through one pool of 16
connections cost about twice the CPU per request of 16 pools of one connection each
(``bench/http_client.py``). Here a request waits for an idle slot, then runs in that slot's pool alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx


class ConnectionSlots(httpx.AsyncBaseTransport):
    """Up to ``size`` requests at once, each on a connection of its own slot, verifying TLS against the
    default certificate authorities (as httpx does)."""

    def __init__(self, size: int = 16) -> None:
        if size < 1:
            raise ValueError("a transport needs at least one slot")
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        # One TLS context for every slot: each loads the certificate authorities, about 40 ms apiece.
        tls = httpx.create_ssl_context()
        self._slots = [httpx.AsyncHTTPTransport(verify=tls, limits=limits) for _ in range(size)]
        self._idle: asyncio.Queue[httpx.AsyncHTTPTransport] = asyncio.Queue()
        for slot in self._slots:
            self._idle.put_nowait(slot)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on an idle slot, which stays taken until its response is closed."""
        slot = await self._idle.get()
        try:
            response = await slot.handle_async_request(request)
        except BaseException:
            self._idle.put_nowait(slot)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Releasing(response.stream, lambda: self._idle.put_nowait(slot)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every slot's connection."""
        await asyncio.gather(*(slot.aclose() for slot in self._slots))


class _Releasing(httpx.AsyncByteStream):
    """A response body that gives its slot back, once, when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._release is not None:
                release, self._release = self._release, None
                release()
