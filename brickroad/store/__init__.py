"""Storage: SQLAlchemy Core tables, engine setup, migrations and queries."""
