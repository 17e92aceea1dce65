"""`gridlink sandbox store` and `gridlink sandbox grid`: the emulators alone, on loopback."""

from __future__ import annotations

import asyncio
import random
import signal
from pathlib import Path

import typer

from gridlink.grid.as2.keys import load_certificates
from gridlink.sandbox.bigcommerce import SandboxStore, create_app
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from gridlink.sandbox.bigcommerce.seed import place_random_order, seed
from gridlink.sandbox.grid.app import Grid, HubLink, create_grid_app
from gridlink.sandbox.grid.keys import grid_identity
from gridlink.web.serve import bind_socket, serve

app = typer.Typer(help="Emulators that stand in for BigCommerce and Trading Grid.", no_args_is_help=True)


@app.command("store")
def store(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8700, help="port to listen on"),
    store_hash: str = typer.Option("sandbox", help="the store hash in /stores/{hash}/v2 and v3"),
    token: str = typer.Option("sandbox-token", help="the X-Auth-Token the store accepts"),
    client_secret: str = typer.Option("sandbox-secret", help="signs webhook deliveries"),
    quota: int = typer.Option(150, help="requests allowed per 30 s window"),
    products: int = typer.Option(20, help="seeded catalog size"),
    orders: int = typer.Option(3, help="orders placed at start"),
    seed_value: int = typer.Option(1, "--seed", help="the same seed gives the same store"),
) -> None:
    """Serve a seeded sandbox store until interrupted."""
    sandbox = SandboxStore(store_hash)
    seed(sandbox, products=products, seed_value=seed_value)
    rng = random.Random(seed_value)
    for _ in range(orders):
        place_random_order(sandbox, rng)
    config = SandboxConfig(
        tokens={token: "sandbox-client"}, secrets={"sandbox-client": client_secret}, quota=quota
    )
    asgi = create_app(sandbox, config)
    sock = bind_socket(host, port)
    typer.echo(f"sandbox store {store_hash} on http://{host}:{sock.getsockname()[1]}/stores/{store_hash}/")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(asgi, sock, stop)

    asyncio.run(main())


HUB_CERT = typer.Option(..., exists=True, dir_okay=False, help="the hub's AS2 certificate (PEM)")
KEYS = typer.Option(Path("data/sandbox"), help="where the network keeps its AS2 key pair")
HUB_SSH_KEY = typer.Option(
    None, exists=True, dir_okay=False, help="the hub's SSH public key: also serve its mailbox over SFTP"
)


@app.command("grid")
def grid(
    hub_url: str = typer.Option(..., help="the hub's AS2 endpoint, e.g. http://127.0.0.1:8000/as2"),
    hub_cert: Path = HUB_CERT,
    hub_as2_id: str = typer.Option("GRIDLINK", help="the hub's AS2 name"),
    hub_address: str = typer.Option("ZZ:GRIDLINK", help="the hub's address on the network (qualifier:id)"),
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8702, help="port to listen on"),
    keys: Path = KEYS,
    hub_ssh_key: Path = HUB_SSH_KEY,
) -> None:
    """Serve the sandbox Trading Grid (AS2 mailbox, demo partners, token, Lens, Community APIs)."""
    me = grid_identity(keys)
    link = HubLink(hub_address, hub_as2_id, hub_url, load_certificates(hub_cert)[0])
    network = Grid(identity=me, hub=link)
    network.add_demo_partners()
    asgi = create_grid_app(network)
    sock = bind_socket(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}"
    typer.echo(
        f"sandbox Trading Grid on {url}: AS2 {url}/as2 as {me.as2_id}, certificate {keys / 'grid.cert.pem'}"
    )
    for address, partner in network.partners.items():
        typer.echo(f"  partner {address}: {partner.name}")

    ssh_key = hub_ssh_key.read_text() if hub_ssh_key is not None else None

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        if ssh_key is not None:
            mailbox = await network.open_sftp_mailbox(keys / "mailbox", ssh_key)
            typer.echo(f"  the hub's mailbox over SFTP: sftp://{host}:{mailbox.port}")
            typer.echo(f"  its host key (pin it in the hub): {mailbox.public_host_key}")
        network.start()
        try:
            await serve(asgi, sock, stop)
        finally:
            await network.aclose()

    asyncio.run(main())
