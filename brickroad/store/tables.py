"""Table definitions (SQLAlchemy Core). Migrations create them; queries import them from here."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("email", String(254), nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("token_version", Integer, nullable=False, default=1),
    Column("token_hash", String(64), nullable=True, unique=True),
    Column("api_enabled", Boolean, nullable=False, default=True),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("deadbeat", Boolean, nullable=False, default=False),
    Column("default_leadtime", Integer, nullable=False, default=0),
    Column("default_alertstart", Integer, nullable=False, default=34200),
    Column("default_deadline", Integer, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False, unique=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=True),
    Column("redirect_uri", Text, nullable=False),
    Column("deauthorize_url", Text, nullable=True),
    Column("autofetch_url", Text, nullable=True),
    Column("created_at", BigInteger, nullable=False),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("client_id", Integer, ForeignKey("oauth_clients.id", ondelete="CASCADE"), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
)
