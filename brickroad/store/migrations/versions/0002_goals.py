"""Goals, datapoints and the charges ledger.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("fineprint", sa.Text, nullable=True),
        sa.Column("yaxis", sa.Text, nullable=False),
        sa.Column("gunits", sa.String(100), nullable=False),
        sa.Column("goal_type", sa.String(16), nullable=False),
        sa.Column("runits", sa.String(1), nullable=False),
        sa.Column("goaldate", sa.BigInteger, nullable=True),
        sa.Column("goalval", sa.Float, nullable=True),
        sa.Column("rate", sa.Float, nullable=True),
        sa.Column("initday", sa.BigInteger, nullable=False),
        sa.Column("initval", sa.Float, nullable=False),
        sa.Column("road", sa.Text, nullable=False),
        sa.Column("yaw", sa.Integer, nullable=False),
        sa.Column("dir", sa.Integer, nullable=False),
        sa.Column("kyoom", sa.Boolean, nullable=False),
        sa.Column("odom", sa.Boolean, nullable=False),
        sa.Column("edgy", sa.Boolean, nullable=False),
        sa.Column("noisy", sa.Boolean, nullable=False),
        sa.Column("aggday", sa.String(16), nullable=False),
        sa.Column("steppy", sa.Boolean, nullable=False),
        sa.Column("rosy", sa.Boolean, nullable=False),
        sa.Column("movingav", sa.Boolean, nullable=False),
        sa.Column("aura", sa.Boolean, nullable=False),
        sa.Column("integery", sa.Boolean, nullable=False),
        sa.Column("plotall", sa.Boolean, nullable=False),
        sa.Column("hhmmformat", sa.Boolean, nullable=False),
        sa.Column("weekends_off", sa.Boolean, nullable=False),
        sa.Column("maxflux", sa.Float, nullable=True),
        sa.Column("tmin", sa.String(10), nullable=True),
        sa.Column("tmax", sa.String(10), nullable=True),
        sa.Column("deadline", sa.Integer, nullable=False),
        sa.Column("leadtime", sa.Integer, nullable=False),
        sa.Column("alertstart", sa.Integer, nullable=False),
        sa.Column("use_defaults", sa.Boolean, nullable=False),
        sa.Column("panic", sa.Integer, nullable=False),
        sa.Column("ephem", sa.Boolean, nullable=False),
        sa.Column("secret", sa.Boolean, nullable=False),
        sa.Column("datapublic", sa.Boolean, nullable=False),
        sa.Column("burner", sa.String(16), nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("datasource", sa.String(100), nullable=True),
        sa.Column("callback_url", sa.Text, nullable=True),
        sa.Column("pledge", sa.Float, nullable=False),
        sa.Column("pledge_cap", sa.Integer, nullable=False),
        sa.Column("stepdown_at", sa.BigInteger, nullable=True),
        sa.Column("pending_amount", sa.Float, nullable=True),
        sa.Column("pending_at", sa.BigInteger, nullable=True),
        sa.Column("queued", sa.Boolean, nullable=False),
        sa.Column("frozen", sa.Boolean, nullable=False),
        sa.Column("won", sa.Boolean, nullable=False),
        sa.Column("lost", sa.Boolean, nullable=False),
        sa.Column("archived_at", sa.BigInteger, nullable=True),
        sa.Column("losedate", sa.BigInteger, nullable=True),
        sa.Column("safebuf", sa.Integer, nullable=True),
        sa.Column("stats", sa.Text, nullable=True),
        sa.Column("next_check_at", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.Column("deleted_at", sa.BigInteger, nullable=True),
        sa.UniqueConstraint("user_id", "slug", name="uq_goals_user_slug"),
    )
    op.create_index("ix_goals_next_check_at", "goals", ["next_check_at"])
    op.create_table(
        "datapoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("goal_id", sa.Integer, sa.ForeignKey("goals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("daystamp", sa.String(8), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("requestid", sa.String(255), nullable=True),
        sa.Column("origin", sa.String(100), nullable=False),
        sa.Column("creator", sa.String(64), nullable=True),
        sa.Column("is_dummy", sa.Boolean, nullable=False),
        sa.Column("is_initial", sa.Boolean, nullable=False),
        sa.Column("urtext", sa.Text, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("goal_id", "requestid", name="uq_datapoints_goal_requestid"),
    )
    op.create_index("ix_datapoints_goal_timestamp", "datapoints", ["goal_id", "timestamp"])
    op.create_index("ix_datapoints_goal_updated", "datapoints", ["goal_id", "updated_at"])
    op.create_table(
        "charges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("goal_id", sa.Integer, sa.ForeignKey("goals.id", ondelete="SET NULL"), nullable=True),
        sa.Column("amount", sa.Float, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_charges_user_id", "charges", ["user_id"])


def downgrade() -> None:
    op.drop_table("charges")
    op.drop_table("datapoints")
    op.drop_table("goals")
