"""Indexes for the lookups the order flows make on every document: what a functional acknowledgment
settles (outbound messages by group control number), a purchase order by its partner and number, and the
purchase order a message carried. Without them each lookup reads the whole table, and a hub slows down
as its history grows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the three indexes."""
    op.create_index("ix_messages_group_control", "messages", ["partner", "direction", "group_control"])
    op.create_index("ix_purchase_orders_number", "purchase_orders", ["partner", "number"])
    op.create_index("ix_purchase_orders_message", "purchase_orders", ["message_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_purchase_orders_message", table_name="purchase_orders")
    op.drop_index("ix_purchase_orders_number", table_name="purchase_orders")
    op.drop_index("ix_messages_group_control", table_name="messages")
