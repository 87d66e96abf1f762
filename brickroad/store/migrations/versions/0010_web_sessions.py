"""Web sessions with server-side identity; OAuth tokens remember their grant; apps may refuse implicit.

* web_sessions: a browser session is a row (the cookie holds a random secret,
  the row its SHA-256), so logout, "log out everywhere", a password change, a
  token rotation or disabling the API can end it at once; `via` records how it
  was started, which bounds what it may do.
* access_tokens.grant_id: the authorization code a token was issued for, so a
  replayed code revokes what it issued (RFC 6749 §4.1.2).
* oauth_clients.implicit_allowed: an app can turn the implicit grant off.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("ended_at", sa.BigInteger, nullable=True),
    )
    with op.batch_alter_table("access_tokens") as batch:
        batch.add_column(sa.Column("grant_id", sa.Integer, nullable=True))
    with op.batch_alter_table("oauth_clients") as batch:
        batch.add_column(sa.Column("implicit_allowed", sa.Boolean, nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("oauth_clients") as batch:
        batch.drop_column("implicit_allowed")
    with op.batch_alter_table("access_tokens") as batch:
        batch.drop_column("grant_id")
    op.drop_table("web_sessions")
