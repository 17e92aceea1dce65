"""An outbound message waiting for its control numbers keeps its interchange on its row: the archive
gets the interchange as it is numbered and sent, the one its partner receives, and a draft no partner
ever sees is not written to it first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add messages.draft."""
    op.add_column("messages", sa.Column("draft", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("draft")
