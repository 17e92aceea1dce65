"""CPU per HTTP request in a uvicorn server, parsing with h11 against httptools.

A FastAPI app like the hub's webhook route (a small JSON body in, a small JSON answer out) runs in a
uvicorn process of its own on loopback, once per parser; 16 requests are kept in flight and what is
measured is the server process's CPU time per request. The last line printed is one JSON object.

    .venv/bin/python -m bench.http_server [--requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

IN_FLIGHT = 16
BODY = json.dumps({"scope": "store/order/created", "store_id": "1", "data": {"type": "order", "id": 1}})
SERVER = """
import sys, uvicorn
from fastapi import FastAPI, Request
app = FastAPI()
@app.post("/hook")
async def hook(request: Request) -> dict[str, str]:
    await request.body()
    return {"status": "recorded"}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), http=sys.argv[1], loop="uvloop", log_level="error")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def per_request(parser: str, requests: int) -> float:
    """Microseconds of the server's CPU per request with ``parser`` (after a warm-up)."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, parser, str(port)])  # noqa: ASYNC220
    url = f"http://127.0.0.1:{port}/hook"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                try:
                    await client.get(f"http://127.0.0.1:{port}/")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one() -> None:
                async with gate:
                    response = await client.post(
                        url, content=BODY, headers={"content-type": "application/json"}
                    )
                    response.raise_for_status()

            await asyncio.gather(*(one() for _ in range(IN_FLIGHT * 8)))
            start = _cpu_seconds(server.pid)
            await asyncio.gather(*(one() for _ in range(requests)))
            return (_cpu_seconds(server.pid) - start) / requests * 1e6
    finally:
        server.terminate()
        server.wait()


async def measure(requests: int) -> dict[str, float]:
    """Server CPU per request for each parser."""
    return {
        f"{parser}_server_us_per_request": round(await per_request(parser, requests))
        for parser in ("h11", "httptools")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.requests))))


if __name__ == "__main__":
    main()
