"""Live goal state: a deferred deadline change, and every active goal due for its first daily rollover.

goals.deadline_next / deadline_next_at hold a deadline change that would give
more time, until the akrasia horizon. next_check_at now includes the start of
each goal's next day; goals scheduled before that are made due at once so the
sweeper (or the next read) rolls them over and sets it.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("goals", sa.Column("deadline_next", sa.Integer, nullable=True))
    op.add_column("goals", sa.Column("deadline_next_at", sa.BigInteger, nullable=True))
    op.execute(
        "UPDATE goals SET next_check_at = 0 WHERE deleted_at IS NULL AND archived_at IS NULL"
        " AND NOT won AND NOT lost AND NOT frozen"
    )


def downgrade() -> None:
    with op.batch_alter_table("goals") as batch:
        batch.drop_column("deadline_next_at")
        batch.drop_column("deadline_next")
