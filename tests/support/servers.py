"""Real HTTP servers on loopback for tests: any ASGI app on a free port, in the test's event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.types import ASGIApp

from gridlink.web.serve import bind_socket, serve


@asynccontextmanager
async def running_server(
    app: ASGIApp, host: str = "127.0.0.1", *, sock: socket.socket | None = None
) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port (or on ``sock``); yields its base URL."""
    sock = sock or bind_socket(host, 0)
    port = sock.getsockname()[1]
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, sock, stop))
    try:
        await _until_listening(host, port, task)
        yield f"http://{host}:{port}"
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


async def _until_listening(host: str, port: int, task: asyncio.Task[None]) -> None:
    for _ in range(200):
        if task.done():
            task.result()  # raises what stopped the server
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise TimeoutError(f"server on {host}:{port} did not start")
