"""Terminal output shared by the commands, and the one-line way they fail."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer
from rich.console import Console

from gridlink.config import ConfigError, Settings, load_settings
from gridlink.store.db import Database

T = TypeVar("T")

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


def with_database(
    action: Callable[[Database], Awaitable[T]], expected: tuple[type[Exception], ...] = ()
) -> T:
    """Run ``action`` against the configured database; ``expected`` errors end the command in one line."""
    settings = settings_or_exit()

    async def main() -> T:
        db = Database(settings.database_url, pool_size=2)
        try:
            return await action(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except expected as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot reach the database: {exc}")
