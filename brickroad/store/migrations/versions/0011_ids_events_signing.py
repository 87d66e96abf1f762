"""Ids never reused, event sequence numbers, rotatable callback signing secrets.

1. SQLite: every table keyed by `id` is rebuilt with AUTOINCREMENT. Without it
   an INTEGER PRIMARY KEY takes max(rowid) + 1, so deleting the newest row and
   inserting another hands out the dead row's id again (a client syncing by id
   then overwrites the wrong record). Rows and their ids are copied as they
   are; ids deleted above the current maximum before this upgrade can't be
   known and may still be reused once. PostgreSQL sequences never go back:
   nothing to do there. Runs with foreign keys off (brickroad.store.migrate),
   since dropping the old table would otherwise cascade into its children.
2. `goals.event_seq`: the last sequence number given to one of the goal's
   events; `outbox.seq` carries it on each delivery, indexed per goal so the
   claim can find an earlier undelivered one (in-order delivery).
3. `users.signing_version`: the version of the user's derived callback signing
   secret (reminder webhooks to a goal's callback_url); rotating bumps it.
   `outbox.oauth_client_id`: the app an autofetch or deauthorize callback is
   for, whose signing secret signs it; callbacks still pending are matched to
   their app by URL.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

KEYED_TABLES = (
    "users", "oauth_clients", "access_tokens", "oauth_grants", "goals", "datapoints", "charges",
    "webhook_subscriptions", "outbox", "derailments", "web_sessions",
)


def upgrade() -> None:
    op.add_column("goals", sa.Column("event_seq", sa.BigInteger, nullable=False, server_default="0"))
    op.add_column("outbox", sa.Column("seq", sa.BigInteger, nullable=True))
    op.create_index("ix_outbox_goal_seq", "outbox", ["goal_id", "seq"])
    op.add_column("users", sa.Column("signing_version", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("outbox") as batch:  # SQLite can't add a column with a foreign key in place
        batch.add_column(sa.Column("oauth_client_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_outbox_oauth_client", "oauth_clients", ["oauth_client_id"], ["id"],
                                 ondelete="CASCADE")
    for kind, column in (("autofetch", "autofetch_url"), ("deauthorize", "deauthorize_url")):
        op.execute(f"UPDATE outbox SET oauth_client_id = (SELECT MIN(c.id) FROM oauth_clients c "
                   f"WHERE c.{column} = outbox.url) WHERE kind = '{kind}' AND state = 'pending'")
    _rebuild_keyed_tables(autoincrement=True)


def downgrade() -> None:
    _rebuild_keyed_tables(autoincrement=False)
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("fk_outbox_oauth_client", type_="foreignkey")
        batch.drop_column("oauth_client_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("signing_version")
    op.drop_index("ix_outbox_goal_seq", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("seq")
    with op.batch_alter_table("goals") as batch:
        batch.drop_column("event_seq")


def _rebuild_keyed_tables(autoincrement: bool) -> None:
    """Copy each table into a new one declared with (or without) AUTOINCREMENT, keeping every row and id."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in KEYED_TABLES:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass
