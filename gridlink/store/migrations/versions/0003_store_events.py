"""Store events: authenticated BigCommerce webhook deliveries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create store_events."""
    op.create_table(
        "store_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("store_hash", sa.String(length=32), nullable=False),
        sa.Column("event_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=True),
        sa.Column("resource_id", sa.String(length=64), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("resource", JSON, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", ID, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("fetched_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_store_events"),
        sa.UniqueConstraint(
            "store_hash", "event_hash", "created_at", name="uq_store_events_store_hash_event_hash_created_at"
        ),
    )
    op.create_index(
        "ix_store_events_resource", "store_events", ["store_hash", "resource_type", "resource_id", "id"]
    )


def downgrade() -> None:
    """Drop store_events."""
    op.drop_table("store_events")
