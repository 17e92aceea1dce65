"""Gap-free counters for control numbers and invoice numbers."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.store.models.messages import Sequence


async def next_value(session: AsyncSession, name: str) -> int:
    """The next number of sequence ``name`` (1, 2, 3, …), allocated inside the caller's transaction.

    The row stays locked until that transaction ends, and a rollback returns the number: so a number is
    used exactly when the document that carries it is committed, and the sequence has no gaps.
    """
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert(Sequence) if dialect == "postgresql" else sqlite.insert(Sequence)
    await session.execute(ins.values(name=name, last_value=0).on_conflict_do_nothing(index_elements=["name"]))
    stmt = (
        update(Sequence)
        .where(Sequence.name == name)
        .values(last_value=Sequence.last_value + 1)
        .returning(Sequence.last_value)
    )
    return int((await session.execute(stmt)).scalar_one())
