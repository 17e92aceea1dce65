"""Inserts on the hottest paths (every webhook, every job), with statements built once per table.

Core statements executed with a parameter dict skip the ORM's bulk-insert machinery and SQLAlchemy's
cache-key walk over a ``.values()`` clause, which together cost more than the insert itself."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session


@functools.cache
def _statement(dialect: str, table: Table, unique: tuple[str, ...]) -> Any:
    if not unique:
        return insert(table).returning(table.c.id)
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    # ON CONFLICT DO NOTHING: concurrent inserts of one key leave one row and no error.
    return ins.on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)


async def insert_row(
    session: AsyncSession, table: Table, values: dict[str, Any], *, unique: tuple[str, ...] = ()
) -> int | None:
    """Insert ``values`` into ``table`` in the session's transaction and return the new row's id; with
    ``unique`` (the columns of a unique index), None when a row with the same key exists already."""
    connection = await session.connection()
    result = await connection.execute(_statement(connection.dialect.name, table, unique), values)
    row_id: int | None = result.scalar_one_or_none()
    return row_id


@functools.cache
def _many(dialect: str, table: Table, unique: tuple[str, ...]) -> Any:
    ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return ins.on_conflict_do_nothing(index_elements=list(unique))


async def insert_rows(
    session: AsyncSession, table: Table, rows: list[dict[str, Any]], *, unique: tuple[str, ...]
) -> None:
    """Insert ``rows`` into ``table`` in the session's transaction, in one call, skipping those whose
    ``unique`` columns match a row already there."""
    if rows:
        connection = await session.connection()
        await connection.execute(_many(connection.dialect.name, table, unique), rows)


_LATER = "gridlink.insert_later"


def insert_later(session: AsyncSession, table: Table, row: dict[str, Any]) -> None:
    """Insert ``row`` into ``table`` in the session's transaction before its next query or its commit,
    in one statement with the other rows waiting for that table, in the order they were given.

    For rows nothing reads back by primary key (audit events): the ORM inserts objects with generated
    keys one statement each on SQLite, which cannot say which generated key belongs to which row of a
    multi-row insert. Rows waiting are dropped when the transaction rolls back; the hub uses no
    savepoints, whose rollback would not drop them."""
    waiting: dict[Table, list[dict[str, Any]]] = session.info.setdefault(_LATER, {})
    waiting.setdefault(table, []).append(row)


def _write_waiting(session: Session) -> None:
    waiting: dict[Table, list[dict[str, Any]]] | None = session.info.pop(_LATER, None)
    if waiting:
        connection = session.connection()
        for table, rows in waiting.items():
            connection.execute(insert(table), rows)


@event.listens_for(Session, "do_orm_execute")
def _before_query(state: ORMExecuteState) -> None:
    if _LATER in state.session.info:
        _write_waiting(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write_waiting(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_LATER, None)
