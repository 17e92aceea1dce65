"""The job table.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the job table and the indexes of the claim, ordering and lease queries."""
    op.create_table(
        "jobs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_at", TS, nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("ordering_key", sa.String(length=255), nullable=True),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("worker_id", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("errors", JSON, nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint("idempotency_key", name="uq_jobs_idempotency_key"),
    )
    available = sa.text("state = 'available'")
    running = sa.text("state = 'running'")
    unfinished = sa.text("state IN ('available', 'running')")
    op.create_index(
        "ix_jobs_claim",
        "jobs",
        ["priority", "run_at", "id"],
        postgresql_where=available,
        sqlite_where=available,
    )
    op.create_index(
        "ix_jobs_ordering",
        "jobs",
        ["ordering_key", "id"],
        postgresql_where=unfinished,
        sqlite_where=unfinished,
    )
    op.create_index("ix_jobs_lease", "jobs", ["lease_until"], postgresql_where=running, sqlite_where=running)
    op.create_index("ix_jobs_kind_state", "jobs", ["kind", "state"])


def downgrade() -> None:
    """Drop the job table."""
    op.drop_table("jobs")
