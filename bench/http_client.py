"""CPU per HTTP request with many in flight: httpx's own transport against ConnectionSlots (aiohttp's).

A minimal HTTP/1.1 server on loopback answers every request at once; 16 requests are kept in flight,
first through an httpx client with its own transport (one pool), then through ConnectionSlots(16). What is
measured is this process's CPU time (client and server together) per request. The last line printed is
one JSON object.

    .venv/bin/python -m bench.http_client [--requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource

import httpx
import uvloop

from gridlink.connection_slots import ConnectionSlots

IN_FLIGHT = 16
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError):
        pass
    finally:
        writer.close()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def per_request(client: httpx.AsyncClient, url: str, requests: int) -> float:
    """Microseconds of CPU per request, ``IN_FLIGHT`` at a time (after a warm-up)."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> None:
        async with gate:
            (await client.get(url)).raise_for_status()

    await asyncio.gather(*(one() for _ in range(IN_FLIGHT * 4)))
    start = _cpu()
    await asyncio.gather(*(one() for _ in range(requests)))
    return (_cpu() - start) / requests * 1e6


async def measure(requests: int) -> dict[str, float]:
    server = await asyncio.start_server(_answer, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    try:
        async with httpx.AsyncClient() as pooled:
            one_pool = await per_request(pooled, url, requests)
        async with httpx.AsyncClient(transport=ConnectionSlots(IN_FLIGHT)) as slotted:
            slots = await per_request(slotted, url, requests)
    finally:
        server.close()
        await server.wait_closed()
    return {"httpx_transport_cpu_us_per_request": round(one_pool), "slots_cpu_us_per_request": round(slots)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    print(json.dumps(uvloop.run(measure(args.requests))))


if __name__ == "__main__":
    main()
