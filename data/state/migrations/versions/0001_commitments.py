"""Commitments and their history (Beacon's schema version 1 before Alembic).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from data.state import database

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    made = sa.MetaData()
    database.tables_v1(made)
    made.create_all(op.get_bind())  # tables with their indexes


def downgrade() -> None:
    op.drop_table("commitment_history")
    op.drop_table("commitments")
