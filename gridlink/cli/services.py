"""Running the hub's long-lived services in one process: web, worker, scheduler, sandboxes."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr, ValidationError

from gridlink.cli.demo import demo_profiles, with_demo
from gridlink.config import Settings, StoreSettings, TradingGridSettings
from gridlink.engine import Worker, registry, run_scheduler
from gridlink.flows.routing import load_table
from gridlink.grid.as2.keys import KeyFileError
from gridlink.logs import configure_logging, get_logger
from gridlink.partners.directory import FILE, save_profiles
from gridlink.sandbox.bigcommerce import SandboxStore
from gridlink.sandbox.bigcommerce import create_app as create_store_app
from gridlink.sandbox.bigcommerce.app import SandboxConfig
from gridlink.sandbox.bigcommerce.seed import seed
from gridlink.sandbox.grid.app import Grid, HubLink, create_grid_app
from gridlink.sandbox.grid.keys import grid_identity
from gridlink.sandbox.grid.state import GridState
from gridlink.store.migrate import current_revision, head_revision, upgrade
from gridlink.web.app import create_app
from gridlink.web.hub import Hub, load_job_modules
from gridlink.web.serve import bind_socket, serve

log = get_logger(__name__)

SANDBOX_STORE_HASH = "sandbox"

Service = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class StartupError(Exception):
    """The hub cannot start; the message says why in one line."""


@dataclass
class Plan:
    """Which services this process runs."""

    web: bool = False
    worker: bool = False
    scheduler: bool = False
    migrate: bool = False
    sandbox: bool = False  # only `gridlink run`: scaled-out web and worker processes never start one
    concurrency: int | None = None
    extra: list[Service] = field(default_factory=list)


async def run_services(settings: Settings, plan: Plan) -> None:
    """Start the planned services, stop them all on SIGTERM/SIGINT or when one of them fails."""
    if plan.concurrency:
        # Before the Hub exists: its connection pool is sized from the worker's concurrency.
        worker_settings = settings.worker.model_copy(update={"concurrency": plan.concurrency})
        settings = settings.model_copy(update={"worker": worker_settings})
    configure_logging(settings.log_level, settings.log_format)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.ensure_secret_key()
    if plan.migrate:
        await asyncio.to_thread(upgrade, settings.database_url)
    else:
        await _require_current_schema(settings)
    load_job_modules(settings.worker.job_modules)
    services: list[Service] = list(plan.extra)
    sandboxes: list[Service] = []  # stopped last: jobs still running at shutdown may be talking to them
    web_sock = None
    if plan.web:
        web_sock = _listen(settings.host, settings.port, "the hub")
        if settings.port == 0 and settings.public_url == f"http://{settings.host}:0":
            settings = settings.model_copy(
                update={"public_url": f"http://{settings.host}:{web_sock.getsockname()[1]}"}
            )
    sandboxed = plan.sandbox and settings.sandbox_active  # decided before the sandbox store is added
    grid_sock = None
    if sandboxed:
        sandbox_store, settings = _sandbox_store(settings)
        sandboxes.append(sandbox_store)
        grid_sock = _listen(settings.sandbox.host, settings.sandbox.grid_port, "the sandbox Trading Grid")
        if not settings.trading_grid.configured:  # the sandbox's APIs stand in for Trading Grid's
            access = TradingGridSettings(
                api_url=f"http://{settings.sandbox.host}:{grid_sock.getsockname()[1]}",
                client_id="sandbox-client",
                client_secret=SecretStr("sandbox-secret"),
                company_id=GridState().company["companyId"],
            )
            settings = settings.model_copy(update={"trading_grid": access})
        grid_url = f"http://{settings.sandbox.host}:{grid_sock.getsockname()[1]}"
        me = grid_identity(settings.data_dir / "sandbox")
        settings = with_demo(settings, grid_url, me.as2_id, settings.data_dir / "sandbox" / "grid.cert.pem")
    _check_order_rules(settings)
    hub = Hub.from_settings(settings)
    try:
        hub.load_as2_key()
    except KeyFileError as exc:
        raise StartupError(f"the hub's AS2 key or certificate: {exc}") from None
    if sandboxed:
        await save_profiles(hub.db, demo_profiles(), FILE)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    if grid_sock is not None:
        sandboxes.append(_sandbox_grid(settings, hub, grid_sock))
    if web_sock is not None:
        app = create_app(hub)
        sock = web_sock
        services.append(lambda stop: serve(app, sock, stop, log_level=settings.log_level))
        log.info("web listening", url=f"http://{settings.host}:{sock.getsockname()[1]}")
    if plan.worker:
        worker = Worker(
            hub.db,
            concurrency=settings.worker.concurrency,
            resources=hub.resources,
            lease=settings.worker.lease_seconds,
            poll_interval=settings.worker.poll_interval,
            shutdown_grace=settings.worker.shutdown_grace,
        )
        services.append(worker.run)
    if plan.scheduler:
        services.append(lambda stop: run_scheduler(hub.db, stop, registry))
    try:
        await _supervise(services, stop, sandboxes)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await hub.close()


def _check_order_rules(settings: Settings) -> None:
    try:
        load_table(settings.orders.routing)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise StartupError(f"invalid orders.routing: {where}: {first['msg']}") from None


def _listen(host: str, port: int, what: str) -> socket.socket:
    try:
        return bind_socket(host, port)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}:{port} for {what}: {exc.strerror}") from None


def _sandbox_store(settings: Settings) -> tuple[Service, Settings]:
    """The seeded sandbox store on its port, and the settings with it configured as one of the stores."""
    sandbox = settings.sandbox
    sock = _listen(sandbox.host, sandbox.store_port, "the sandbox store")
    url = f"http://{sandbox.host}:{sock.getsockname()[1]}"
    store = SandboxStore(SANDBOX_STORE_HASH)
    seed(store, products=sandbox.store_products)
    config = SandboxConfig()
    app = create_store_app(store, config)
    token, client_id = next(iter(config.tokens.items()))
    account = StoreSettings(
        hash=SANDBOX_STORE_HASH,
        token=SecretStr(token),
        client_secret=SecretStr(config.secrets[client_id]),
        api_url=url,
    )
    log.info("sandbox store listening", url=f"{url}/stores/{SANDBOX_STORE_HASH}/", token=token)
    return (
        lambda stop: serve(app, sock, stop, log_level=settings.log_level),
        settings.model_copy(update={"stores": [*settings.stores, account]}),
    )


def _sandbox_grid(settings: Settings, hub: Hub, sock: socket.socket) -> Service:
    """The sandbox Trading Grid with its demo partners, trusted by the hub's AS2 station, delivering to it."""
    url = f"http://{settings.sandbox.host}:{sock.getsockname()[1]}"
    me = grid_identity(settings.data_dir / "sandbox")
    station = hub.as2_station()  # trusts the grid: it is the hub's mailbox (see with_demo)
    as2_id = settings.as2.as2_id
    link = HubLink(f"ZZ:{as2_id.upper()}", as2_id, settings.public_url + "/as2", station.me.cert)
    grid = Grid(identity=me, hub=link)
    grid.add_demo_partners()
    app = create_grid_app(grid)
    log.info("sandbox Trading Grid listening", url=url, as2=f"{url}/as2", hub_address=link.address)

    async def service(stop: asyncio.Event) -> None:
        grid.start()
        try:
            await serve(app, sock, stop, log_level=settings.log_level)
        finally:
            await grid.aclose()

    return service


async def _supervise(services: list[Service], stop: asyncio.Event, last: list[Service]) -> None:
    """Run every service until ``stop`` is set or one ends; the ``last`` ones are stopped only after
    the others have finished."""
    last_stop = asyncio.Event()
    tasks = [asyncio.create_task(service(stop)) for service in services]
    later = [asyncio.create_task(service(last_stop)) for service in last]
    failure: BaseException | None = None
    pending = set(tasks) | set(later)
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if not task.cancelled() and task.exception() is not None and failure is None:
                failure = task.exception()
                log.error("a service failed; stopping the others", error=repr(failure))
        stop.set()  # one service ending (by failure or by stop) ends them all
        if all(task.done() for task in tasks):
            last_stop.set()
    if failure is not None:
        raise failure


async def _require_current_schema(settings: Settings) -> None:
    try:
        current = await asyncio.to_thread(current_revision, settings.database_url)
    except Exception as exc:
        raise StartupError(f"cannot reach the database: {str(exc).splitlines()[0]}") from None
    if current != head_revision():
        raise StartupError(
            f"the database is at revision {current or 'none'}, this version needs {head_revision()}: "
            "run `gridlink db upgrade`"
        )
