"""Writers of one process take turns on SQLite's single write lock instead of sleeping for it.

SQLite lets one connection write at a time. A second writer gets SQLITE_BUSY and its busy handler
sleeps 1, 2, 5, 10 ... 100 ms before trying again, so concurrent transactions in one process spend
most of their time asleep. Here the first write statement of a transaction waits for an asyncio lock
instead, and the lock passes to the next writer the moment the connection goes back to the pool.
Like SQLite's own lock it is taken at the first write, not at BEGIN, so a transaction that reads or
waits on the network before it writes blocks nobody meanwhile. Other processes still queue through
busy_timeout.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_

_HOLDS = "gridlink.sqlite_turn"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")


def take_turns(engine: AsyncEngine, *, timeout: float) -> None:
    """Make the writers on ``engine`` take turns; waiting longer than ``timeout`` raises TimeoutError."""
    turn = asyncio.Lock()

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_write(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.info.get(_HOLDS) or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        # Runs inside SQLAlchemy's greenlet for this async call, so it may await.
        await_(asyncio.wait_for(turn.acquire(), timeout))
        conn.info[_HOLDS] = True

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _after_transaction(_dbapi: Any, record: Any) -> None:
        # Back in the pool means committed or rolled back (the pool resets what comes back).
        if record is not None and record.info.pop(_HOLDS, False):
            turn.release()
