"""An httpx transport that sends over aiohttp's connection pool: httpx stays the hub's HTTP interface,
aiohttp carries the bytes.

httpx's own transport (httpcore) costs several times what aiohttp does per request: on loopback, with 16
requests in flight, about 2,600 µs of CPU per request through httpx's transport against 620 µs through
this one (``bench/http_client.py``; a pool of one connection per slot, this module's earlier form, took
990). Every store re-fetch, webhook and AS2 message pays it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import httpx
from yarl import URL

# Headers the transport sets from the body it sends: httpx may have announced a streamed one.
_FRAMING = frozenset({b"transfer-encoding", b"content-length"})


class ConnectionSlots(httpx.AsyncBaseTransport):
    """Up to ``size`` connections, each carrying one request at a time and kept alive between them, with
    TLS verified against the default certificate authorities (as httpx does)."""

    def __init__(self, size: int = 16) -> None:
        if size < 1:
            raise ValueError("a transport needs at least one slot")
        self._size = size
        self._tls = httpx.create_ssl_context()
        self._session: aiohttp.ClientSession | None = None  # made in the event loop, on first use

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._size, ssl=self._tls),
                cookie_jar=aiohttp.DummyCookieJar(),  # httpx's client keeps the cookies
                auto_decompress=False,  # httpx decodes by Content-Encoding
                skip_auto_headers=("Content-Type",),  # httpx sends the request's own, or none
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on a free connection, which stays taken until its response is closed."""
        body = await request.aread()
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            if name.lower() not in _FRAMING
        ]
        try:
            response = await self._open().request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=headers,
                data=body if body or request.method not in ("GET", "HEAD") else None,
                allow_redirects=False,  # httpx follows redirects itself when asked to
                timeout=_timeout(request),
            )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _translated(exc, request) from exc
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_Body(response, request),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()},
        )

    async def aclose(self) -> None:
        """Close every connection."""
        if self._session is not None:
            await self._session.close()


class _Body(httpx.AsyncByteStream):
    """A response body as httpx reads it; closing it frees its connection."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _translated(exc, self._request) from exc

    async def aclose(self) -> None:
        self._response.release()


def _timeout(request: httpx.Request) -> aiohttp.ClientTimeout:
    """httpx's timeouts for ``request`` as aiohttp's (whose connect timeout includes the pool's wait)."""
    given = request.extensions.get("timeout", {})
    pool, connect, read = given.get("pool"), given.get("connect"), given.get("read")
    waiting = None if pool is None or connect is None else pool + connect
    return aiohttp.ClientTimeout(total=None, connect=waiting, sock_connect=connect, sock_read=read)


def _translated(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx error callers handle for what aiohttp raised: whether the request may have reached the
    server (a connect error says it did not) decides what they may safely retry."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message, request=request)
    if isinstance(exc, TimeoutError):  # aiohttp's read timeouts are TimeoutErrors too
        return httpx.ReadTimeout(message, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(message, request=request)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message, request=request)
    return httpx.ReadError(message, request=request)
