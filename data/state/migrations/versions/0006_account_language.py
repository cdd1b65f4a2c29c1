"""Accounts: the interface language each person chose (NULL until they choose one).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from data.state import database

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", database.account_language_v6())


def downgrade() -> None:
    # SQLite drops a column only by copying the table: Alembic's batch mode does that, PostgreSQL alters it.
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column(database.account_language_v6().name)
