"""Terminal output shared by the commands, and the one-line way they fail."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

from gridlink.config import ConfigError, Settings, load_settings

# Piped output (grep, files) gets wide lines instead of a table folded to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``gridlink: message`` on stderr and exit with ``code``."""
    err_console.print(f"[bold red]gridlink:[/] {message}", highlight=False, soft_wrap=True, markup=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """Load the configuration, or stop with one line naming the wrong setting."""
    try:
        return load_settings()
    except ConfigError as exc:
        fail(str(exc), code=2)
