"""External ids (xid) on goals and datapoints, unique per user / per goal.

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
    # Unique indexes rather than constraints: SQLite can add those without rebuilding the table.
    op.add_column("goals", sa.Column("xid", sa.String(100), nullable=True))
    op.create_index("uq_goals_user_xid", "goals", ["user_id", "xid"], unique=True)
    op.add_column("datapoints", sa.Column("xid", sa.String(100), nullable=True))
    op.create_index("uq_datapoints_goal_xid", "datapoints", ["goal_id", "xid"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_datapoints_goal_xid", "datapoints")
    op.drop_index("uq_goals_user_xid", "goals")
    with op.batch_alter_table("datapoints") as batch:
        batch.drop_column("xid")
    with op.batch_alter_table("goals") as batch:
        batch.drop_column("xid")
