"""Table definitions (SQLAlchemy Core). Migrations create them; queries import them from here."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

metadata = MetaData()

# The key of tables that grow without end (migration 0009): BIGINT on PostgreSQL, while on
# SQLite an INTEGER PRIMARY KEY is already a 64-bit rowid (and a BIGINT one would not be).
BIG_ID = BigInteger().with_variant(Integer, "sqlite")

# Every table with a public (or token-bearing) id (migration 0011): on SQLite an INTEGER PRIMARY KEY
# without AUTOINCREMENT takes max(rowid) + 1, so deleting the newest row hands its id to the next one.
# PostgreSQL sequences never go back by themselves.
NEVER_REUSED: dict[str, bool] = {"sqlite_autoincrement": True}

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
    # Version of the user's derived callback signing secret (services/signing.py); rotating bumps it.
    Column("signing_version", Integer, nullable=False, default=1, server_default="1"),
    **NEVER_REUSED,
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
    Column("implicit_allowed", Boolean, nullable=False, server_default=true()),
    **NEVER_REUSED,
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
    Column("grant_id", Integer, nullable=True),  # the authorization code it was issued for, if any
    **NEVER_REUSED,
)

# Browser sessions (migration 0010): the cookie holds a random secret, this row its hash.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("via", String(16), nullable=False),  # how it started: password, signup or token
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("ended_at", BigInteger, nullable=True),
    **NEVER_REUSED,
)

# Authorization codes of the OAuth code flow: single use, short-lived, hashed.
oauth_grants = Table(
    "oauth_grants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("oauth_clients.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("redirect_uri", Text, nullable=False),
    Column("code_challenge", String(128), nullable=True),
    Column("code_challenge_method", String(10), nullable=True),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    **NEVER_REUSED,
)

# Goals: the settings a user chose, plus the road engine's derived fields as a
# cache (`stats` holds the JSON-ready rest so reads never run the engine).
goals = Table(
    "goals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("slug", String(100), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=True),
    Column("fineprint", Text, nullable=True),
    Column("yaxis", Text, nullable=False),
    Column("gunits", String(100), nullable=False),
    Column("goal_type", String(16), nullable=False),
    Column("runits", String(1), nullable=False),
    Column("goaldate", BigInteger, nullable=True),
    Column("goalval", Float, nullable=True),
    Column("rate", Float, nullable=True),
    Column("initday", BigInteger, nullable=False),
    Column("initval", Float, nullable=False),
    Column("road", Text, nullable=False),
    Column("yaw", Integer, nullable=False),
    Column("dir", Integer, nullable=False),
    Column("kyoom", Boolean, nullable=False),
    Column("odom", Boolean, nullable=False),
    Column("edgy", Boolean, nullable=False),
    Column("noisy", Boolean, nullable=False),
    Column("aggday", String(16), nullable=False),
    Column("steppy", Boolean, nullable=False),
    Column("rosy", Boolean, nullable=False),
    Column("movingav", Boolean, nullable=False),
    Column("aura", Boolean, nullable=False),
    Column("integery", Boolean, nullable=False),
    Column("plotall", Boolean, nullable=False),
    Column("hhmmformat", Boolean, nullable=False),
    Column("weekends_off", Boolean, nullable=False),
    Column("maxflux", Float, nullable=True),
    Column("tmin", String(10), nullable=True),
    Column("tmax", String(10), nullable=True),
    Column("deadline", Integer, nullable=False),
    Column("leadtime", Integer, nullable=False),
    Column("alertstart", Integer, nullable=False),
    Column("use_defaults", Boolean, nullable=False),
    Column("panic", Integer, nullable=False),
    Column("ephem", Boolean, nullable=False),
    Column("secret", Boolean, nullable=False),
    Column("datapublic", Boolean, nullable=False),
    Column("burner", String(16), nullable=False),
    Column("tags", Text, nullable=False),
    Column("datasource", String(100), nullable=True),
    Column("callback_url", Text, nullable=True),
    Column("pledge", Float, nullable=False),
    Column("pledge_cap", Integer, nullable=False),
    Column("stepdown_at", BigInteger, nullable=True),
    Column("pending_amount", Float, nullable=True),
    Column("pending_at", BigInteger, nullable=True),
    Column("queued", Boolean, nullable=False),
    Column("frozen", Boolean, nullable=False),
    Column("won", Boolean, nullable=False),
    Column("lost", Boolean, nullable=False),
    Column("archived_at", BigInteger, nullable=True),
    Column("losedate", BigInteger, nullable=True),
    Column("safebuf", Integer, nullable=True),
    Column("stats", Text, nullable=True),
    Column("next_check_at", BigInteger, nullable=True, index=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("deleted_at", BigInteger, nullable=True),
    Column("xid", String(100), nullable=True),  # an outside system's id for the goal (API v2)
    # Random, rewritten by every recompute: names the point set the derived fields came from.
    Column("points_rev", BigInteger, nullable=True),
    Column("sweep_failures", Integer, nullable=False, default=0, server_default="0"),
    # The last sequence number one of the goal's events was given (services/webhooks.py).
    Column("event_seq", BigInteger, nullable=False, default=0, server_default="0"),
    # A deadline change that would give more time, waiting for the akrasia horizon.
    Column("deadline_next", Integer, nullable=True),
    Column("deadline_next_at", BigInteger, nullable=True),
    UniqueConstraint("user_id", "slug", name="uq_goals_user_slug"),
    Index("uq_goals_user_xid", "user_id", "xid", unique=True),
    **NEVER_REUSED,
)

datapoints = Table(
    "datapoints",
    metadata,
    Column("id", BIG_ID, primary_key=True),
    Column("goal_id", Integer, ForeignKey("goals.id", ondelete="CASCADE"), nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("daystamp", String(8), nullable=False),
    Column("value", Float, nullable=False),
    Column("comment", Text, nullable=False),
    Column("requestid", String(255), nullable=True),
    Column("origin", String(100), nullable=False),
    Column("creator", String(64), nullable=True),
    Column("is_dummy", Boolean, nullable=False),
    Column("is_initial", Boolean, nullable=False),
    Column("urtext", Text, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_datapoints_goal_timestamp", "goal_id", "timestamp"),
    Index("ix_datapoints_goal_updated", "goal_id", "updated_at"),
    # Idempotency: concurrent retries with one requestid can't both insert.
    UniqueConstraint("goal_id", "requestid", name="uq_datapoints_goal_requestid"),
    Column("xid", String(100), nullable=True),
    Index("uq_datapoints_goal_xid", "goal_id", "xid", unique=True),
    **NEVER_REUSED,
)

charges = Table(
    "charges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("goal_id", Integer, ForeignKey("goals.id", ondelete="SET NULL"), nullable=True),
    Column("amount", Float, nullable=False),
    Column("note", Text, nullable=True),
    Column("kind", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    **NEVER_REUSED,
)
