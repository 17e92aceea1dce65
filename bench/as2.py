"""AS2 throughput into the hub: signed (SHA-256) and encrypted (AES-256) messages, each answered with a
synchronous signed MDN, over loopback HTTP, for 1 KB and 1 MB payloads.

The hub runs its real endpoint (raw bytes and payload stored in the blob store, the message recorded in
SQLite) in a process of its own, as `gridlink web` would; the partner, in this process, builds each
message, posts it and verifies the receipt and its MIC. The last line printed is one JSON object.

    .venv/bin/python -m bench.as2 [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import signal
import tempfile
import time
from multiprocessing.queues import Queue
from pathlib import Path

import httpx
import uvloop

from gridlink.config import AS2Settings, Settings
from gridlink.grid.as2.keys import load_certificates
from gridlink.grid.as2.mdn import same_mic
from gridlink.grid.as2.message import Counterpart, Identity, MdnRequest, Security, build
from gridlink.grid.as2.transport import post_message
from gridlink.logs import configure_logging
from gridlink.store.migrate import upgrade
from gridlink.web.app import create_app
from gridlink.web.hub import Hub
from gridlink.web.serve import bind_socket, serve
from tests.support.certs import identity


def serve_hub(base: str, ports: Queue[int]) -> None:
    """The hub's web process: its AS2 key, the partner's certificate, SQLite, until terminated."""
    configure_logging("warning", "console")
    root = Path(base)
    settings = Settings(
        data_dir=root / "data",
        as2=AS2Settings(
            key_file=root / "GRIDLINK.key.pem", cert_file=root / "GRIDLINK.cert.pem", max_message_mb=16
        ),
        log_level="warning",
    )
    settings.data_dir.mkdir(exist_ok=True)
    upgrade(settings.database_url)
    hub = Hub.from_settings(settings)
    partner_cert = load_certificates(root / "PARTNER.cert.pem")[0]
    hub.as2_station().partners["PARTNER"] = Counterpart(
        "PARTNER", certs=(partner_cert,), encrypt_cert=partner_cert
    )
    sock = bind_socket("127.0.0.1", 0)
    ports.put(sock.getsockname()[1])

    async def main() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await serve(create_app(hub), sock, stop)
        await hub.close()

    uvloop.run(main())


async def run(count_1kb: int, count_1mb: int, concurrency: int) -> dict[str, float]:
    """Start a hub process and push both payload sizes through it; returns the rates."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        hub_keys, partner_keys = identity("GRIDLINK", base), identity("PARTNER", base)
        context = multiprocessing.get_context("spawn")
        ports: Queue[int] = context.Queue()
        process = context.Process(target=serve_hub, args=(tmp, ports))
        process.start()
        try:
            port = await asyncio.to_thread(ports.get, True, 60)
            url = f"http://127.0.0.1:{port}/as2"
            me = Identity("PARTNER", partner_keys.key, partner_keys.cert)
            the_hub = Counterpart("GRIDLINK", certs=(hub_keys.cert,), encrypt_cert=hub_keys.cert)
            limits = httpx.Limits(max_connections=concurrency)
            async with httpx.AsyncClient(timeout=120, limits=limits) as http:

                async def exchange(payload: bytes) -> None:
                    outbound = build(payload, me=me, partner=the_hub, security=Security(), mdn=MdnRequest())
                    receipt = await post_message(http, url, outbound, the_hub)
                    if receipt is None or not receipt.ok or not same_mic(outbound.mic, receipt.mic):
                        raise SystemExit(f"bad receipt: {receipt}")

                async def batch(payload: bytes, count: int) -> float:
                    queue = iter(range(count))

                    async def sender() -> None:
                        for _ in queue:
                            await exchange(payload)

                    for _ in range(concurrency):  # warm up: connections, the hub's first requests
                        await exchange(payload)
                    started = time.perf_counter()
                    await asyncio.gather(*(sender() for _ in range(concurrency)))
                    return time.perf_counter() - started

                small = ((b"ISA*00*" + b"X" * 90 + b"~\n") * 11)[:1024]  # 1 KB of EDI
                small_seconds = await batch(small, count_1kb)
                large = (b"LIN*1*VP*SKU-0001*QTY*5~\n" * 50_000)[: 2**20]
                large_seconds = await batch(large, count_1mb)
        finally:
            process.terminate()
            process.join(30)
    return {
        "msgs_per_s_1kb": round(count_1kb / small_seconds, 1),
        "mb_per_s_1mb": round(count_1mb / large_seconds, 2),
        "messages_1kb": count_1kb,
        "messages_1mb": count_1mb,
        "concurrency": concurrency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer messages (well under 60 s)")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    configure_logging("warning", "console")
    counts = (300, 20) if args.quick else (2000, 100)
    result = asyncio.run(run(*counts, args.concurrency))
    print(f"1 KB: {result['msgs_per_s_1kb']} messages/s   1 MB: {result['mb_per_s_1mb']} MB/s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
