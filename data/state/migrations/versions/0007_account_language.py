"""Accounts: the interface language each person chose (NULL until they choose one).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from data.state import database

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", database.account_language_v7())


def downgrade() -> None:
    # SQLite drops a column only by copying the table: Alembic's batch mode does that, PostgreSQL alters it.
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column(database.account_language_v7().name)
