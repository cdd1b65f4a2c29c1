"""Sign-in accounts (Beacon's schema version 2 before Alembic).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from data.state import database

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    database.tables_v2(sa.MetaData()).create(op.get_bind())


def downgrade() -> None:
    op.drop_table("accounts")
