"""64-bit ids for the tables that grow without end: datapoints and the outbox (PostgreSQL).

A busy PostgreSQL instance writes an outbox row for every datapoint batch (the
graph render), every webhook and every mail: at a hundred a second a 32-bit
serial runs out in under a year. SQLite's INTEGER PRIMARY KEY is already a
64-bit rowid, and declaring it BIGINT would stop it being one: nothing to do.
Rewrites both tables on PostgreSQL (an ACCESS EXCLUSIVE lock while it runs).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("datapoints", "outbox")


def upgrade() -> None:
    _ids_as("BIGINT")


def downgrade() -> None:
    _ids_as("INTEGER")


def _ids_as(sql_type: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN id TYPE {sql_type}")
        op.execute(f"ALTER SEQUENCE {table}_id_seq AS {sql_type}")
