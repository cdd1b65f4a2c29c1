"""Alerts: publications and slice statuses, events, the outbox and its attempts, subscriptions,
opt-outs, unsubscribe links and webhooks.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from data.state import database

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in database.tables_v4(sa.MetaData()):
        table.create(op.get_bind())  # with its indexes


def downgrade() -> None:
    for table in reversed(database.tables_v4(sa.MetaData())):
        op.drop_table(table.name)
