"""Purchase orders, shipments, invoices and expectations.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create purchase_orders, shipments, invoices and expectations."""
    op.create_table(
        "purchase_orders",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("store_hash", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("partner", sa.String(length=63), nullable=False),
        sa.Column("number", sa.String(length=22), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("lines", JSON, nullable=False),
        sa.Column("address_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", ID, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name="fk_purchase_orders_message_id_messages"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_purchase_orders"),
        sa.UniqueConstraint(
            "store_hash", "order_id", "partner", name="uq_purchase_orders_store_hash_order_id_partner"
        ),
        sa.UniqueConstraint("store_hash", "number", name="uq_purchase_orders_store_hash_number"),
    )
    op.create_index("ix_purchase_orders_state", "purchase_orders", ["state", "id"])
    op.create_table(
        "shipments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("purchase_order_id", ID, nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("store_shipment_id", sa.BigInteger(), nullable=True),
        sa.Column("tracking_number", sa.String(length=64), nullable=False),
        sa.Column("carrier", sa.String(length=32), nullable=False),
        sa.Column("lines", JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name="fk_shipments_purchase_order_id_purchase_orders",
        ),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name="fk_shipments_message_id_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_shipments"),
        sa.UniqueConstraint(
            "purchase_order_id", "reference", name="uq_shipments_purchase_order_id_reference"
        ),
    )
    op.create_table(
        "invoices",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=22), nullable=False),
        sa.Column("store_hash", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("partner", sa.String(length=63), nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name="fk_invoices_message_id_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_invoices"),
        sa.UniqueConstraint("number", name="uq_invoices_number"),
        sa.UniqueConstraint(
            "store_hash", "order_id", "partner", name="uq_invoices_store_hash_order_id_partner"
        ),
    )
    op.create_table(
        "expectations",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("partner", sa.String(length=63), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("met_at", WHEN, nullable=True),
        sa.Column("overdue_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name="fk_expectations_message_id_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_expectations"),
        sa.UniqueConstraint("message_id", "kind", name="uq_expectations_message_id_kind"),
    )
    op.create_index("ix_expectations_open", "expectations", ["met_at", "overdue_at", "due_at"])
    op.create_index("ix_expectations_reference", "expectations", ["partner", "reference", "kind"])


def downgrade() -> None:
    """Drop them."""
    for table in ("expectations", "invoices", "shipments", "purchase_orders"):
        op.drop_table(table)
