"""The audit log: who signed in (or failed to), who signed out, who changed an account or a display token.

Commitment changes are recorded in their own history (data.state.commitments), by the name of who made them;
this log covers everything else that changes who may see or do what. Entries are only ever added, but
for one completion: a sign-in attempt is logged as refused before its password is checked (so guesses
sent in parallel all count at once) and becomes a sign-in when the password matches.
"""

import getpass
from datetime import datetime, timedelta

import sqlalchemy as sa

from data.state import database

SIGN_IN = "sign-in"
SIGN_IN_REFUSED = "sign-in refused"
SIGN_IN_BLOCKED = "sign-in blocked"  # not tried: too many refused lately; not counted as refused itself
SIGN_OUT = "sign-out"


def command_line_actor() -> str:
    """Who runs a management command: the operating-system user, as the log names them."""
    try:
        return f"command line ({getpass.getuser()})"
    except OSError:  # no user name (a container without a passwd entry)
        return "command line"


def write(
    connection, actor: str, action: str, subject: str = "", client: str | None = None, detail: str = ""
) -> int:
    """Add an entry inside the caller's transaction, so the change and its record commit together: its id."""
    return connection.execute(
        database.audit_log.insert().values(
            at=datetime.now(), actor=actor, action=action, subject=subject, client=client, detail=detail
        )
    ).inserted_primary_key[0]


def record(actor: str, action: str, subject: str = "", client: str | None = None, detail: str = "", url=None):
    """Add an entry in a transaction of its own."""
    with database.writing(url) as connection:
        write(connection, actor, action, subject, client, detail)


def entries(url: str | None = None, action: str | None = None) -> list[dict]:
    """The log, oldest first (optionally one action only)."""
    query = sa.select(database.audit_log).order_by(database.audit_log.c.entry_id)
    if action:
        query = query.where(database.audit_log.c.action == action)
    with database.reading(url) as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def refused_sign_ins(connection, username: str, client: str | None, window: timedelta) -> tuple[int, int]:
    """How many sign-ins were refused within `window` for this username from this client address, and
    for any username from it. Per address, so a guesser elsewhere cannot lock a person out of their own."""
    log = database.audit_log.c
    recent = sa.and_(log.action == SIGN_IN_REFUSED, log.at >= datetime.now() - window)
    by_username = sa.func.count().filter(log.subject == username, log.client == client)
    by_client = sa.func.count().filter(log.client == client)
    row = connection.execute(sa.select(by_username, by_client).where(recent)).one()
    return row[0], row[1]


def begin_sign_in(
    username: str, client: str | None, window: timedelta, per_username: int, per_client: int, url=None
) -> int | None:
    """Log a sign-in attempt, as refused until `signed_in` says otherwise: its entry id. None, and the
    attempt logged as blocked, when too many were refused lately (`refused_sign_ins` ≥ the limits).
    Counting and logging are one transaction, one attempt at a time, so parallel guesses cannot all
    pass the count before any is logged."""
    with database.writing(url) as connection:
        if connection.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242072)"))
        by_username, by_client = refused_sign_ins(connection, username, client, window)
        if by_username >= per_username or by_client >= per_client:
            write(connection, "not signed in", SIGN_IN_BLOCKED, username, client, "too many refused sign-ins")
            return None
        return write(
            connection, "not signed in", SIGN_IN_REFUSED, username, client, "wrong username or password"
        )


def signed_in(entry_id: int, username: str, url=None) -> None:
    """The attempt `entry_id` matched: it is a sign-in, by `username`."""
    with database.writing(url) as connection:
        connection.execute(
            database.audit_log.update()
            .where(database.audit_log.c.entry_id == entry_id)
            .values(actor=username, action=SIGN_IN, detail="")
        )
