"""Alembic's environment for Beacon's state database: runs the revisions on the connection that
`data.state.database` hands over (inside its transaction and schema lock), or, from the alembic command
line (alembic -c data/state/migrations/alembic.ini …), on BEACON_STATE_URL under the same lock."""

from alembic import context

from data.state import database


def run(connection) -> None:
    # Both SQLite and PostgreSQL undo DDL with the transaction: a revision that fails leaves nothing.
    context.configure(connection=connection, target_metadata=database.metadata, transactional_ddl=True)
    with context.begin_transaction():  # the caller's transaction: nothing commits until it does
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    with database.schema_transaction() as connection:
        run(connection)
