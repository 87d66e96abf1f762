"""Accounts, OAuth clients and access tokens.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("token_version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("api_enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("deadbeat", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("default_leadtime", sa.Integer, nullable=False, server_default="0"),
        sa.Column("default_alertstart", sa.Integer, nullable=False, server_default="34200"),
        sa.Column("default_deadline", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "oauth_clients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("client_id", sa.String(64), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(64), nullable=True),
        sa.Column("redirect_uri", sa.Text, nullable=False),
        sa.Column("deauthorize_url", sa.Text, nullable=True),
        sa.Column("autofetch_url", sa.Text, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("client_id", sa.Integer, sa.ForeignKey("oauth_clients.id", ondelete="CASCADE"), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("access_tokens")
    op.drop_table("oauth_clients")
    op.drop_table("users")
