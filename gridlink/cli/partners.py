"""``gridlink partners``: check and load the partners file, list partners, print the file's schema."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from gridlink.cli.console import console, fail, with_database
from gridlink.partners.directory import FILE, Saved, load_profiles, save_profiles
from gridlink.partners.loading import PartnersFileError, load, schema
from gridlink.partners.profiles import PartnerProfile
from gridlink.store.db import Database

app = typer.Typer(help="Trading partners: their identities, transports and documents.", no_args_is_help=True)
PARTNERS_FILE = typer.Argument(..., dir_okay=False, help="a partners file (.yaml, .yml or .toml)")


def _read(path: Path) -> list[PartnerProfile]:
    try:
        return load(path)
    except PartnersFileError as exc:
        for problem in exc.problems:
            console.print(problem, highlight=False, soft_wrap=True)
        fail(f"{len(exc.problems)} problem(s) in {path}")


@app.command("check")
def check(path: Path = PARTNERS_FILE) -> None:
    """Validate a partners file against the schema; every problem is listed with its line."""
    profiles = _read(path)
    console.print(f"{path}: {len(profiles)} partner(s), valid")


@app.command("load")
def load_cmd(path: Path = PARTNERS_FILE) -> None:
    """Validate a partners file and save its profiles (a profile from the file replaces an imported one)."""
    profiles = _read(path)

    async def save(db: Database) -> Saved:
        return await save_profiles(db, profiles, FILE)

    saved = with_database(save)
    console.print(f"{path}: {saved.created} new, {saved.updated} changed")


@app.command("list")
def list_cmd() -> None:
    """The partners the hub knows, with their addresses and transports."""
    table = Table("key", "name", "address", "roles", "transport")
    for profile in with_database(load_profiles):
        transport = profile.transport.type if profile.transport else "trading grid mailbox"
        table.add_row(
            profile.key, profile.name, profile.identity.address, ", ".join(profile.roles), transport
        )
    console.print(table)


@app.command("schema")
def schema_cmd() -> None:
    """Print the partners file's JSON schema (point an editor's YAML support at it)."""
    typer.echo(json.dumps(schema(), indent=2, sort_keys=True))
