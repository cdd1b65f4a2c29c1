"""Follow-up cases keep what is due next, indexed: the queue's order and its late count.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("next_due_at", sa.DateTime))
    op.create_index("cases_by_next_due", "cases", ["next_due_at", "case_id"])
    # The first contact while a case waits for one, else its resolution; none once resolved.
    op.execute(
        "UPDATE cases SET next_due_at = CASE WHEN status IN ('new', 'reopened') THEN contact_due_at "
        "WHEN status = 'contacted' THEN resolve_due_at END"
    )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("cases_by_next_due")
        batch.drop_column("next_due_at")
