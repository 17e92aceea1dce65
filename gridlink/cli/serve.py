"""The commands that run the hub: run, web, worker."""

from __future__ import annotations

import gc

import typer
import uvloop

from gridlink.cli.console import fail, settings_or_exit
from gridlink.cli.services import Plan, StartupError, run_services

GC_FIRST_GENERATION = 20_000  # allocations between collections of the youngest generation (Python: 700)


def _run(plan: Plan) -> None:
    settings = settings_or_exit()
    # What is loaded by now lives as long as the process: the collector need not scan it again, and a
    # larger first generation lets the many short-lived objects of each request and job die uncollected.
    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION, *gc.get_threshold()[1:])
    try:
        # uvloop: the worker's event loop turns over thousands of round trips a second; uvloop
        # roughly halves what each costs compared with the standard loop.
        uvloop.run(run_services(settings, plan))
    except StartupError as exc:
        fail(str(exc))


def run() -> None:
    """Run web, worker and scheduler in one process (migrates the database); with no store configured,
    also the sandbox store."""
    _run(Plan(web=True, worker=True, scheduler=True, migrate=True, sandbox=True))


def web() -> None:
    """Run the web server only (webhooks, AS2 endpoint, API, pages); scale out with more of them."""
    _run(Plan(web=True))


def worker(
    concurrency: int = typer.Option(None, "--concurrency", "-c", min=1, help="jobs run at once"),
    scheduler: bool = typer.Option(True, help="also enqueue periodic jobs (safe in every worker)"),
) -> None:
    """Run a worker process: claims and runs jobs; any number may run against one PostgreSQL database."""
    _run(Plan(worker=True, scheduler=scheduler, concurrency=concurrency))
