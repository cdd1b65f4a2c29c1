"""The state store: commitments, accounts, sessions and the audit log, in SQLite or PostgreSQL."""
