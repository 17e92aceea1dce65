"""SQLite statements run on the event loop's own thread, handing over to a thread only to wait for a lock.

aiosqlite runs every call on a thread of its own and wakes the event loop when it is done. A statement
on a local SQLite file takes microseconds; the hand-over costs more than that in CPU, and while it is
pending the event loop runs whatever else is ready, so a transaction holding SQLite's single write lock
holds it for a loop turn per statement and every other writer of the process waits (the lock was held
nine tenths of the time under load, by transactions mostly waiting for their turn on the loop). Run
here, a transaction keeps the lock only as long as its own work takes.

Waiting is what must not happen on the loop: the connection's busy timeout is zero, and a statement
that finds the database locked by another process (a CLI command, a second hub process) is run again
on the connection's thread with the usual busy timeout, so the loop goes on meanwhile. Writers of this
process never meet that case: they take turns (sqlite_turns) before their first write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite

ITER_CHUNK_SIZE = 64  # aiosqlite's default rows per fetch when a cursor is iterated


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs statements at once, off its thread unless they must wait."""

    def __init__(self, database: str, busy_timeout: float) -> None:
        super().__init__(lambda: _connect(database), ITER_CHUNK_SIZE)
        self._busy_timeout_ms = int(busy_timeout * 1000)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        return await super()._execute(self._waiting, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    def _waiting(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` on the connection's thread, letting SQLite wait for the lock as long as configured."""
        connection = self._conn
        connection.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        try:
            return fn(*args, **kwargs)
        finally:
            connection.execute("PRAGMA busy_timeout=0")


def _connect(database: str) -> sqlite3.Connection:
    # Used from the event loop's thread and, while the loop waits for it, from the connection's thread.
    return sqlite3.connect(database, timeout=0, check_same_thread=False)


async def connect(database: str, busy_timeout: float) -> InlineConnection:
    """Open ``database`` (a file path) for an async engine: see the module's docstring."""
    connection = InlineConnection(database, busy_timeout)
    await connection
    return connection
