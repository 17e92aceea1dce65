"""A row and the job that acts on it, recorded together: the job's payload and idempotency key carry the
new row's id.

On PostgreSQL this is one statement committed on its own: one round trip, where a transaction takes four
(BEGIN, two INSERTs, COMMIT). It is what every webhook the hub acknowledges costs it, and the round trips
were most of that cost. On SQLite it is one transaction of two statements.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import String, Table, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert

from gridlink.engine.queue import job_row
from gridlink.engine.registry import JobKind
from gridlink.store.db import Database
from gridlink.store.inserts import insert_row
from gridlink.store.models.jobs import Job

P = TypeVar("P", bound=BaseModel)
_JOBS: Table = Job.__table__  # type: ignore[assignment]
# The job's columns set from the row's id; the others are bound as they are.
_FROM_ID = ("payload", "idempotency_key")


async def insert_with_job(
    db: Database,
    table: Table,
    row: dict[str, Any],
    *,
    unique: tuple[str, ...],
    kind: JobKind[P],
    payload: P,
    id_field: str,
    key_prefix: str,
    ordering_key: str | None = None,
) -> int | None:
    """Insert ``row`` into ``table`` and a ``kind`` job whose payload is ``payload`` with ``id_field``
    set to the new row's id, its idempotency key ``key_prefix`` and that id; None, and no job, when a
    row with the same ``unique`` columns exists already."""
    if db.is_sqlite:
        async with db.transaction() as session:
            row_id = await insert_row(session, table, row, unique=unique)
            if row_id is not None:
                await kind.enqueue(
                    session,
                    payload.model_copy(update={id_field: row_id}),
                    idempotency_key=f"{key_prefix}{row_id}",
                    ordering_key=ordering_key,
                )
        return row_id
    job = job_row(
        kind.name,
        payload.model_dump(mode="json"),
        max_attempts=kind.retry.max_attempts,
        ordering_key=ordering_key,
        priority=kind.priority,
    )
    params = {f"r_{name}": value for name, value in row.items()}
    params.update({f"j_{name}": value for name, value in job.items() if name not in _FROM_ID})
    params.update(j_payload=job["payload"], j_id_field=id_field, j_key_prefix=key_prefix)
    statement = _statement(table, unique, tuple(row))
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        inserted: int | None = (await autocommit.execute(statement, params)).scalar_one_or_none()
    if inserted is not None:
        db.jobs_enqueued.set()
    return inserted


@functools.cache
def _statement(table: Table, unique: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    # Built once per table and set of columns: building it costs more than running it.
    values = {name: bindparam(f"r_{name}", type_=table.c[name].type) for name in columns}
    inserted = (
        pg_insert(table)
        .values(values)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    ).cte("inserted")
    bound = [name for name in job_row("", {}, max_attempts=1) if name not in _FROM_ID]
    payload = bindparam("j_payload", type_=JSONB).op("||")(
        func.jsonb_build_object(bindparam("j_id_field", type_=String), inserted.c.id)
    )
    key = bindparam("j_key_prefix", type_=String) + cast(inserted.c.id, String)
    rows = select(
        *(bindparam(f"j_{name}", type_=_JOBS.c[name].type) for name in bound), payload, key
    ).select_from(inserted)
    job = (
        pg_insert(_JOBS)
        .from_select([*bound, *_FROM_ID], rows)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    ).cte("job")
    return select(inserted.c.id).add_cte(job)
