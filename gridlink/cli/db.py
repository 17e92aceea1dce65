"""``gridlink db``: schema migrations."""

from __future__ import annotations

import typer

from gridlink.cli.console import console, fail, settings_or_exit
from gridlink.config import mask_url_password
from gridlink.store.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Apply the migrations the database lacks (the same on SQLite and PostgreSQL)."""
    settings = settings_or_exit()
    shown = mask_url_password(settings.database_url)
    try:
        upgrade(settings.database_url, revision)
    except Exception as exc:
        fail(f"cannot upgrade {shown}: {str(exc).splitlines()[0]}")
    console.print(f"{shown} is at revision {current_revision(settings.database_url)}", highlight=False)


@app.command("current")
def current_cmd() -> None:
    """Print the database's revision and the newest one this version knows."""
    settings = settings_or_exit()
    try:
        current = current_revision(settings.database_url)
    except Exception as exc:
        fail(f"cannot reach the database: {str(exc).splitlines()[0]}")
    console.print(f"database: {current or 'empty'}   code: {head_revision()}", highlight=False)
