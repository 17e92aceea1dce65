"""Messages, their audit events, and gap-free sequences.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create messages, message_events and sequences."""
    op.create_table(
        "messages",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=True),
        sa.Column("transport", sa.String(length=16), nullable=True),
        sa.Column("standard", sa.String(length=8), nullable=True),
        sa.Column("document_type", sa.String(length=16), nullable=True),
        sa.Column("sender", sa.String(length=64), nullable=True),
        sa.Column("receiver", sa.String(length=64), nullable=True),
        sa.Column("interchange_control", sa.String(length=16), nullable=True),
        sa.Column("group_control", sa.String(length=16), nullable=True),
        sa.Column("set_control", sa.String(length=16), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
    )
    op.create_index("ix_messages_state", "messages", ["state", "id"])
    op.create_index("ix_messages_partner", "messages", ["partner", "direction", "id"])
    op.create_index("ix_messages_reference", "messages", ["reference"])
    op.create_index(
        "ix_messages_controls", "messages", ["partner", "direction", "interchange_control", "set_control"]
    )
    op.create_table(
        "message_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name="fk_message_events_message_id_messages",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_message_events"),
    )
    op.create_index("ix_message_events_message", "message_events", ["message_id", "id"])
    op.create_table(
        "sequences",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("last_value", ID, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_sequences"),
    )


def downgrade() -> None:
    """Drop sequences, message_events and messages."""
    op.drop_table("sequences")
    op.drop_table("message_events")
    op.drop_table("messages")
