"""The outbox (side effects as rows), webhook subscriptions and the derailment record.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", sa.Text, nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_webhook_subscriptions_user_id", "webhook_subscriptions", ["user_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("goal_id", sa.Integer, sa.ForeignKey("goals.id", ondelete="CASCADE"), nullable=True),
        sa.Column(
            "subscription_id", sa.Integer,
            sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), nullable=True,
        ),
        sa.Column("event", sa.String(64), nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("due_at", sa.BigInteger, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.Column("delivered_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_outbox_due", "outbox", ["state", "due_at"])
    op.create_index("ix_outbox_user", "outbox", ["user_id", "id"])
    op.create_table(
        "derailments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("goal_id", sa.Integer, sa.ForeignKey("goals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("losedate", sa.BigInteger, nullable=False),
        sa.Column("cause", sa.String(16), nullable=False),
        sa.Column("charged", sa.Float, nullable=False),
        sa.Column("new_pledge", sa.Float, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("goal_id", "losedate", name="uq_derailments_goal_losedate"),
    )


def downgrade() -> None:
    op.drop_table("derailments")
    op.drop_table("outbox")
    op.drop_table("webhook_subscriptions")
