"""goals.sweep_failures: how many sweeps of the goal crashed in a row (each retry waits longer).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("goals", sa.Column("sweep_failures", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("goals") as batch:
        batch.drop_column("sweep_failures")
