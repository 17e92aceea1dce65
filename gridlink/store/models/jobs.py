"""The job table: the durable queue that every effect on the outside world goes through."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from gridlink.store.base import Base, BigIntId, JSONType, utcnow


class JobState(StrEnum):
    """Where a job is in its life; ``available`` jobs wait for ``run_at`` (a retry or a schedule)."""

    AVAILABLE = "available"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    DEAD = "dead"
    CANCELLED = "cancelled"


UNFINISHED = (JobState.AVAILABLE.value, JobState.RUNNING.value)
_UNFINISHED_SQL = text("state IN ('available', 'running')")


class Job(Base):
    """One unit of durable work, enqueued in the same transaction as the change that caused it."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16), default=JobState.AVAILABLE.value)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    priority: Mapped[int] = mapped_column(default=100)
    attempt: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int]
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    ordering_key: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None]
    worker_id: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        # The claim query: available jobs that are due, in priority then schedule order.
        Index(
            "ix_jobs_claim",
            "priority",
            "run_at",
            "id",
            postgresql_where=text("state = 'available'"),
            sqlite_where=text("state = 'available'"),
        ),
        # Per-key ordering: "is an earlier job of this key still unfinished?"
        Index(
            "ix_jobs_ordering",
            "ordering_key",
            "id",
            postgresql_where=_UNFINISHED_SQL,
            sqlite_where=_UNFINISHED_SQL,
        ),
        # Rescuing jobs whose worker stopped renewing its lease.
        Index(
            "ix_jobs_lease",
            "lease_until",
            postgresql_where=text("state = 'running'"),
            sqlite_where=text("state = 'running'"),
        ),
        Index("ix_jobs_kind_state", "kind", "state"),
    )
