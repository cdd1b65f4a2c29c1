"""Follow-up cases: case rules, routes, root causes, cases and their history.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from data.state import database

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Bound to the commitments table the cases link to, so the foreign key resolves in this metadata.
    metadata = sa.MetaData()
    database.tables_v1(metadata)
    for table in database.tables_v5(metadata):
        table.create(op.get_bind())  # with its indexes


def downgrade() -> None:
    for table in reversed(database.tables_v5(sa.MetaData())):
        op.drop_table(table.name)
