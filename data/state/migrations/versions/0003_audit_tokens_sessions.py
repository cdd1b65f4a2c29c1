"""The audit log, wall display tokens and sign-in sessions (Beacon's schema version 3 before Alembic).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from data.state import database

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    made = sa.MetaData()
    database.tables_v2(made)  # there already; the sessions' foreign key names it
    for table in database.tables_v3(made):
        table.create(op.get_bind())  # with its indexes


def downgrade() -> None:
    for table in ("sessions", "display_tokens", "audit_log"):
        op.drop_table(table)
