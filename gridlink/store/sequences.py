"""Gap-free counters for control numbers and invoice numbers."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.store.models.messages import Sequence

_SEQUENCES: Table = Sequence.__table__  # type: ignore[assignment]


@functools.cache
def _take(dialect: str, rows: int) -> Any:
    # Built once per number of sequences, with bound parameters, so that it is compiled once too: each
    # row's count arrives as its would-be last_value, which EXCLUDED then names.
    ins = postgresql.insert(_SEQUENCES) if dialect == "postgresql" else sqlite.insert(_SEQUENCES)
    values: list[dict[str, Any]] = [
        {"name": bindparam(f"name_{n}"), "last_value": bindparam(f"count_{n}")} for n in range(rows)
    ]
    return (
        ins.values(values)
        .on_conflict_do_update(
            index_elements=["name"], set_={"last_value": _SEQUENCES.c.last_value + ins.excluded.last_value}
        )
        .returning(_SEQUENCES.c.name, _SEQUENCES.c.last_value)
    )


async def take(session: AsyncSession, counts: Mapping[str, int]) -> dict[str, range]:
    """The next ``count`` numbers (1, 2, 3, …) of each sequence named in ``counts``, taken inside the
    caller's transaction in one statement: an upsert that creates a sequence on first use.

    The rows stay locked until that transaction ends, and a rollback returns the numbers: so a number is
    used exactly when the document that carries it is committed, and the sequences have no gaps. Rows
    are taken in name order, so that two transactions taking the same sequences cannot deadlock.
    """
    if any(count < 1 for count in counts.values()):
        raise ValueError("count must be at least 1")
    if not counts:
        return {}
    connection = await session.connection()
    params: dict[str, Any] = {}
    for n, name in enumerate(sorted(counts)):
        params[f"name_{n}"], params[f"count_{n}"] = name, counts[name]
    result = await connection.execute(_take(connection.dialect.name, len(counts)), params)
    return {str(name): range(int(last) - counts[name] + 1, int(last) + 1) for name, last in result}


async def next_value(session: AsyncSession, name: str) -> int:
    """The next number of sequence ``name``, as :func:`take` takes it."""
    return (await take(session, {name: 1}))[name][0]


async def last_taken(session: AsyncSession, names: list[str]) -> dict[str, int]:
    """The last number taken of each sequence in ``names`` (0 for one never used), read without locking:
    for a caller that knows no one else takes from them, to guess what :func:`take` will hand it."""
    stmt = select(Sequence.name, Sequence.last_value).where(Sequence.name.in_(names))
    found = {str(name): int(last) for name, last in (await session.execute(stmt)).all()}
    return {name: found.get(name, 0) for name in names}
