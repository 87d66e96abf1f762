"""goals.points_rev: which set of datapoints the stored derived fields were computed from.

Each recompute writes a fresh random value; a process that cached the goal's
engine input under that value can reuse it (services/pointcache.py).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("goals", sa.Column("points_rev", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("goals") as batch:
        batch.drop_column("points_rev")
