"""Serving ASGI applications inside a process that owns its own signal handling."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT/SIGTERM to the process, which stops it through ``stop``."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Signals are the process's concern: it sets ``should_exit`` when it wants the server gone."""
        yield


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 picks a free one; read it back with getsockname)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named explicitly: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets whose
    # proto says TCP. With proto 0, every response waited out the client's 40 ms delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


async def serve(
    app: ASGIApp, sock: socket.socket, stop: asyncio.Event, *, log_level: str = "warning"
) -> None:
    """Serve ``app`` on ``sock`` until ``stop`` is set, then finish in-flight requests and return."""
    config = uvicorn.Config(
        app, log_config=None, log_level=log_level, lifespan="on", timeout_graceful_shutdown=10
    )
    server = EmbeddedServer(config)

    async def stopper() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(stopper())
    try:
        await server.serve(sockets=[sock])
    finally:
        watcher.cancel()
        sock.close()
