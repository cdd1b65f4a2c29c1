"""State databases as Beacon made them before Alembic: the tables of schema version 1, 2 or 3, and the
schema_version table numbering the versions applied."""

from datetime import datetime

import sqlalchemy as sa

from data.state import database


def make(url: str, version: int) -> None:
    """Make the state database at `url` as the numbered migrations up to `version` left it."""
    made = sa.MetaData()
    schema_version = sa.Table(
        "schema_version",
        made,
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("applied_at", sa.DateTime, nullable=False),
    )
    for tables in (database.tables_v1, database.tables_v2, database.tables_v3)[:version]:
        tables(made)
    with database.writing(url) as connection:
        made.create_all(connection)
        connection.execute(
            schema_version.insert(),
            [
                {"version": number, "applied_at": datetime(2026, 11, number)}
                for number in range(1, version + 1)
            ],
        )


def versions(url: str) -> list[int]:
    """The versions schema_version numbers, in order."""
    with database.reading(url) as connection:
        return (
            connection.execute(sa.text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
        )
