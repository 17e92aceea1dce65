"""``gridlink config``: the effective configuration."""

from __future__ import annotations

import json

import typer

from gridlink.cli.console import console, settings_or_exit
from gridlink.config import masked

app = typer.Typer(help="Inspect the effective configuration.", no_args_is_help=True)


@app.command("show")
def show(
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of key = value lines"),
) -> None:
    """Print the effective configuration (defaults, TOML file, environment) with secrets masked."""
    data = masked(settings_or_exit())
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for key, value in _flatten(data):
        console.print(f"[cyan]{key}[/] = {json.dumps(value)}", highlight=False, soft_wrap=True)


def _flatten(data: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows.extend(_flatten(value, f"{prefix}{key}."))
        else:
            rows.append((f"{prefix}{key}", value))
    return rows
