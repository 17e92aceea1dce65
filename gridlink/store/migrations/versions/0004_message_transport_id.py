"""Messages remember their transport's own id (the AS2 Message-ID), to detect duplicates.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add messages.transport_id and its index."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("transport_id", sa.String(length=255), nullable=True))
    op.create_index("ix_messages_transport_id", "messages", ["partner", "direction", "transport_id"])


def downgrade() -> None:
    """Drop messages.transport_id."""
    op.drop_index("ix_messages_transport_id", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("transport_id")
