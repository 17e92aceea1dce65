"""``gridlink jobs``: look at and act on the durable job queue."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from gridlink.cli.console import console, fail, with_database
from gridlink.engine import admin
from gridlink.store.base import utcnow
from gridlink.store.models.jobs import Job, JobState

app = typer.Typer(help="List, inspect, retry and cancel jobs.", no_args_is_help=True)
_EXPECTED = (admin.JobActionError,)


def display_state(job: Job) -> str:
    """The state as an operator reads it: waiting jobs show whether they are scheduled or retrying."""
    if job.state == JobState.AVAILABLE and job.attempt > 0:
        return "retrying"
    if job.state == JobState.AVAILABLE and job.run_at > utcnow():
        return "scheduled"
    return job.state


@app.command("list")
def list_cmd(
    state: str = typer.Option(
        None, help="only jobs in this state (available, running, succeeded, dead, cancelled)"
    ),
    kind: str = typer.Option(None, help="only jobs of this kind"),
    limit: int = typer.Option(50, min=1, max=10_000, help="how many, newest first"),
) -> None:
    """List the newest jobs."""
    if state is not None and state not in {s.value for s in JobState}:
        fail(f"unknown state {state!r}: use one of {', '.join(s.value for s in JobState)}", code=2)
    jobs = with_database(lambda db: admin.list_jobs(db, state=state, kind=kind, limit=limit), _EXPECTED)
    table = Table("id", "kind", "state", "attempt", "run at", "ordering key", "last error")
    for job in jobs:
        error = (job.last_error or "").strip().splitlines()
        table.add_row(
            str(job.id),
            job.kind,
            display_state(job),
            f"{job.attempt}/{job.max_attempts}",
            job.run_at.strftime("%Y-%m-%d %H:%M:%S"),
            job.ordering_key or "",
            error[-1][:60] if error else "",
        )
    console.print(table)


@app.command("show")
def show_cmd(job_id: int = typer.Argument(..., help="the job's id")) -> None:
    """Show one job: payload, timing and every recorded error."""
    job = with_database(lambda db: admin.get_job(db, job_id), _EXPECTED)
    if job is None:
        fail(f"no job {job_id}")
    console.print(f"[bold]job {job.id}[/]  {job.kind}  [cyan]{display_state(job)}[/]", highlight=False)
    for label, value in (
        ("attempt", f"{job.attempt} of {job.max_attempts}"),
        ("run at", job.run_at.isoformat()),
        ("created", job.created_at.isoformat()),
        ("started", job.started_at.isoformat() if job.started_at else "-"),
        ("finished", job.finished_at.isoformat() if job.finished_at else "-"),
        ("idempotency key", job.idempotency_key or "-"),
        ("ordering key", job.ordering_key or "-"),
        ("correlation id", job.correlation_id or "-"),
        ("worker", job.worker_id or "-"),
    ):
        console.print(f"  {label:>16}: {value}", highlight=False)
    console.print("  payload:", highlight=False)
    console.print_json(json.dumps(job.payload))
    for entry in job.errors:
        console.print(f"[red]attempt {entry.get('attempt')} at {entry.get('at')}[/]", highlight=False)
        console.print(str(entry.get("error", "")), highlight=False, markup=False)


@app.command("retry")
def retry_cmd(job_id: int = typer.Argument(..., help="the job's id")) -> None:
    """Run a dead, cancelled or waiting job again now (a dead job gets one more attempt)."""
    job = with_database(lambda db: admin.retry_job(db, job_id), _EXPECTED)
    console.print(f"job {job.id} ({job.kind}) is queued to run now", highlight=False)


@app.command("cancel")
def cancel_cmd(job_id: int = typer.Argument(..., help="the job's id")) -> None:
    """Cancel a waiting or running job."""
    job = with_database(lambda db: admin.cancel_job(db, job_id), _EXPECTED)
    console.print(f"job {job.id} ({job.kind}) is cancelled", highlight=False)
