"""Use cases shared by the API, web UI, jobs and CLI. Transactions and rules live here."""
