"""Gap-free counters for control numbers and invoice numbers."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.store.models.messages import Sequence


async def next_values(session: AsyncSession, name: str, count: int = 1) -> range:
    """The next ``count`` numbers of sequence ``name`` (1, 2, 3, …), taken inside the caller's transaction.

    The row stays locked until that transaction ends, and a rollback returns the numbers: so a number is
    used exactly when the document that carries it is committed, and the sequence has no gaps. One
    statement whatever the count: an upsert that creates the sequence on first use.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert(Sequence) if dialect == "postgresql" else sqlite.insert(Sequence)
    stmt = (
        ins.values(name=name, last_value=count)
        .on_conflict_do_update(index_elements=["name"], set_={"last_value": Sequence.last_value + count})
        .returning(Sequence.last_value)
    )
    last = int((await session.execute(stmt)).scalar_one())
    return range(last - count + 1, last + 1)


async def next_value(session: AsyncSession, name: str) -> int:
    """The next number of sequence ``name``, as :func:`next_values` takes it."""
    return (await next_values(session, name))[0]
