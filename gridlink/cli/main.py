"""The root ``gridlink`` command and its sub-commands."""

from __future__ import annotations

import typer

from gridlink.cli import config, db, edi, jobs, messages, partners, sandbox, serve

app = typer.Typer(
    name="gridlink",
    help="Integration hub between BigCommerce stores and OpenText Trading Grid partners.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("run")(serve.run)
app.command("web")(serve.web)
app.command("worker")(serve.worker)
app.add_typer(db.app, name="db")
app.add_typer(config.app, name="config")
app.add_typer(jobs.app, name="jobs")
app.add_typer(messages.app, name="messages")
app.add_typer(edi.app, name="edi")
app.add_typer(partners.app, name="partners")
app.add_typer(sandbox.app, name="sandbox")
