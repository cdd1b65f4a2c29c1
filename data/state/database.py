"""Beacon's state database: commitments and their history, accounts and their sessions, display tokens
and the audit log, alerts and their outbox, follow-up cases with their rules, routes and history, and each account's
interface language, through SQLAlchemy Core.

SQLite file by default, any SQLAlchemy URL (PostgreSQL) through BEACON_STATE_URL. The app creates and
migrates the schema itself on start (`migrate`): Alembic's revisions in migrations/versions/, applied
under the database's own lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock), so several
processes starting at once apply each revision exactly once. Every app process opens its engine lazily,
after gunicorn forks.

Before Alembic, Beacon numbered its schema versions 1 to 3 in a table of its own, schema_version;
revisions 0001 to 0003 make the same schemas, so such a database is adopted at its version (`_adopt`)
and goes on from there, its rows untouched.
"""

import logging
import os
import sqlite3
import time
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import config

log = logging.getLogger(__name__)

metadata = sa.MetaData()

#: Where the revisions are (env.py and versions/).
MIGRATIONS = Path(__file__).with_name("migrations")
#: The schema versions numbered before Alembic, and the revision that makes the same schema.
REVISION_OF_VERSION = {1: "0001", 2: "0002", 3: "0003"}
# Read once, when adopting a database migrated before Alembic; Alembic never writes it.
_schema_version = sa.table("schema_version", sa.column("version", sa.Integer))


def tables_v1(into: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """The commitments and history tables as revision 0001 (schema version 1) made them. Frozen: a later
    revision changes them in a migration of its own and in the module's tables below, never here."""
    commitments = sa.Table(
        "commitments",
        into,
        sa.Column("commitment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("metric_id", sa.String(64), nullable=False),
        sa.Column("touchpoint_id", sa.String(64)),
        sa.Column("segment_id", sa.String(64)),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, default=""),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("start_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("completed_on", sa.Date),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False, default=0),
        sa.Column("expected_value", sa.Float),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Index("commitments_by_owner", "owner_id"),
        sa.Index("commitments_by_metric", "metric_id"),
    )
    history = sa.Table(
        "commitment_history",
        into,
        sa.Column("history_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("commitment_id", sa.Integer, sa.ForeignKey("commitments.commitment_id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        # {"field": [before, after], ...} as JSON; before is null when the commitment was created.
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False, default=""),
        sa.Index("history_by_commitment", "commitment_id", "version"),
    )
    return commitments, history


def tables_v2(into: sa.MetaData) -> sa.Table:
    """The accounts table as revision 0002 (schema version 2) made it (sign-in, BEACON_AUTH=local).
    Frozen, as tables_v1."""
    return sa.Table(
        "accounts",
        into,
        sa.Column("account_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),  # viewer | owner | admin
        sa.Column("owner_id", sa.String(64)),  # the metric owner an "owner" account acts as
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, default=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def tables_v3(into: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table]:
    """The audit log (sign-ins, sign-outs, account and display-token changes), the wall display tokens
    and the sign-in sessions, as revision 0003 (schema version 3) made them. Frozen, as tables_v1."""
    audit_log = sa.Table(
        "audit_log",
        into,
        sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),  # a username, or the command line's user
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False, default=""),  # what it was done to
        sa.Column("client", sa.String(64)),  # the client's address, for what came over the web
        sa.Column("detail", sa.Text, nullable=False, default=""),
        sa.Index("audit_by_action", "action", "at"),
    )
    display_tokens = sa.Table(
        "display_tokens",
        into,
        sa.Column("token_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # SHA-256 of the token, hex
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("revoked_at", sa.DateTime),
        sa.Column("revoked_by", sa.String(200)),
        sa.Column("last_used_at", sa.DateTime),
    )
    # Kept on the server so that signing out, a password reset or a disabled account ends a session
    # for good, whatever copy of its cookie is still about.
    sessions = sa.Table(
        "sessions",
        into,
        sa.Column("session_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),  # SHA-256 of the cookie's key
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Index("sessions_by_account", "account_id"),
    )
    return audit_log, display_tokens, sessions


def tables_v4(into: sa.MetaData) -> tuple[sa.Table, ...]:
    """Alerts, as revision 0004 made them: each published snapshot (`publications`) and the status of
    every slice it showed (`slice_statuses`, the current one only: what "off track since" and the digest
    read), the events found (`alert_events`, each once: its `dedupe_key` is unique), the outbox (one
    message to one recipient on one channel, with its attempts), subscriptions and owners' opt-outs,
    the one-use unsubscribe links, and the admins' webhooks. Frozen, as tables_v1."""
    publications = sa.Table(
        "publications",
        into,
        sa.Column("snapshot_id", sa.String(64), primary_key=True),  # the snapshot's own id (snapshot_id)
        sa.Column("previous_id", sa.String(64)),  # the snapshot it was compared with; NULL: none
        sa.Column("as_of", sa.Date),  # its latest data day
        sa.Column("published_at", sa.DateTime, nullable=False),
        sa.Column("events", sa.Integer, nullable=False, default=0),
    )
    # touchpoint_id / segment_id are "" for all customers here (not NULL), so a slice is one plain key.
    slice_statuses = sa.Table(
        "slice_statuses",
        into,
        sa.Column("metric_id", sa.String(64), primary_key=True),
        sa.Column("touchpoint_id", sa.String(64), primary_key=True),
        sa.Column("segment_id", sa.String(64), primary_key=True),
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("period_key", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("since", sa.DateTime, nullable=False),  # when it took this status (its publication)
        sa.Column("facts", sa.JSON, nullable=False),  # value, low, high, n, target, change, … as shown
    )
    alert_events = sa.Table(
        "alert_events",
        into,
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
        sa.Column("metric_id", sa.String(64)),
        sa.Column("touchpoint_id", sa.String(64)),  # NULL: all customers
        sa.Column("segment_id", sa.String(64)),
        sa.Column("commitment_id", sa.Integer),
        sa.Column("snapshot_id", sa.String(64)),  # the publication that found it; NULL: the clock
        sa.Column("found_at", sa.DateTime, nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),  # everything its messages say, as found
        sa.Index("alert_events_by_metric", "metric_id", "found_at"),
        sa.Index("alert_events_by_time", "found_at"),
    )
    outbox = sa.Table(
        "outbox",
        into,
        sa.Column("outbox_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dedupe_key", sa.String(200), nullable=False),  # event:<id>, digest:<week>, …
        sa.Column("event_id", sa.Integer, sa.ForeignKey("alert_events.event_id")),  # NULL: a digest
        sa.Column("kind", sa.String(16), nullable=False),  # event | digest
        sa.Column("channel", sa.String(16), nullable=False),  # email | webhook
        sa.Column("recipient", sa.String(320), nullable=False),  # an e-mail address, or a webhook's id
        sa.Column("reason", sa.String(32), nullable=False),  # owner | subscription | webhook | digest
        sa.Column("subscription_id", sa.Integer),
        sa.Column("batch", sa.String(16), nullable=False),  # instant | daily
        sa.Column("due_at", sa.DateTime, nullable=False),  # not sent before
        sa.Column("status", sa.String(16), nullable=False),  # pending | sending | sent | merged | failed
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("claimed_until", sa.DateTime),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("merged_into", sa.Integer),  # the summary message it went out in
        sa.Column("last_error", sa.Text),
        sa.Column("payload", sa.JSON),  # a digest's content, as found when it was queued
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("dedupe_key", "channel", "recipient", name="outbox_once"),
        sa.Index("outbox_by_due", "status", "next_attempt_at"),
        sa.Index("outbox_by_recipient", "recipient", "sent_at"),
        sa.Index("outbox_by_event", "event_id"),
    )
    delivery_attempts = sa.Table(
        "delivery_attempts",
        into,
        sa.Column("attempt_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("outbox_id", sa.Integer, sa.ForeignKey("outbox.outbox_id"), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("sender", sa.String(100), nullable=False),  # host:pid of the sender
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text),
        sa.Index("attempts_by_message", "outbox_id"),
    )
    subscriptions = sa.Table(
        "subscriptions",
        into,
        sa.Column("subscription_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(200), nullable=False),  # the account (BEACON_USER without sign-in)
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(16), nullable=False),  # metric | touchpoint | segment | digest
        sa.Column("subject_id", sa.String(64)),  # NULL for the digest
        sa.Column("batch", sa.String(16), nullable=False),  # instant | daily
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("ended_by", sa.String(200)),  # a username, or "unsubscribe link"
        sa.Index("subscriptions_by_subject", "subject", "subject_id"),
        sa.Index("subscriptions_by_user", "username"),
    )
    # An owner hears about their metrics without subscribing; an opt-out (from a message's link or the
    # settings page) stops that for one metric, or for the digest (subject "digest", subject_id NULL).
    opt_outs = sa.Table(
        "opt_outs",
        into,
        sa.Column("opt_out_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Index("opt_outs_by_email", "email"),
    )
    unsubscribe_links = sa.Table(
        "unsubscribe_links",
        into,
        sa.Column("token_hash", sa.String(64), primary_key=True),  # SHA-256 of the link's token, hex
        sa.Column("outbox_id", sa.Integer, sa.ForeignKey("outbox.outbox_id"), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("subscription_id", sa.Integer),  # what it ends; NULL: an owner's default (opt-out)
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime),
    )
    webhooks = sa.Table(
        "webhooks",
        into,
        sa.Column("webhook_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),  # the HMAC key the receiver checks with
        sa.Column("enabled", sa.Boolean, nullable=False, default=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("ended_at", sa.DateTime),
    )
    return (
        publications,
        slice_statuses,
        alert_events,
        outbox,
        delivery_attempts,
        subscriptions,
        opt_outs,
        unsubscribe_links,
        webhooks,
    )


def tables_v5(into: sa.MetaData) -> tuple[sa.Table, ...]:
    """Follow-up cases, as revision 0005 made them: the rules turning answers into cases (a score band
    per metric, optionally one touchpoint and segment, with the times allowed for first contact and for
    resolution), the routes saying who gets them, the root causes offered per touchpoint, the cases
    (each response once per rule: unique (response_id, rule_id)) and their history. Frozen, as tables_v1."""
    case_rules = sa.Table(
        "case_rules",
        into,
        sa.Column("rule_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("metric_id", sa.String(64), nullable=False),
        sa.Column("touchpoint_id", sa.String(64)),  # NULL: every touchpoint
        sa.Column("segment_id", sa.String(64)),  # NULL: every segment
        sa.Column("score_min", sa.Float, nullable=False),  # the band, inclusive, on the metric's scale
        sa.Column("score_max", sa.Float, nullable=False),
        sa.Column("comment_required", sa.Boolean, nullable=False, default=False),
        sa.Column("contact_hours", sa.Integer, nullable=False, default=48),
        sa.Column("resolve_hours", sa.Integer, nullable=False, default=168),
        sa.Column("enabled", sa.Boolean, nullable=False, default=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Index("case_rules_by_metric", "metric_id"),
    )
    case_routes = sa.Table(
        "case_routes",
        into,
        sa.Column("route_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("metric_id", sa.String(64), nullable=False),
        sa.Column("touchpoint_id", sa.String(64)),  # NULL: every touchpoint
        sa.Column("segment_id", sa.String(64)),  # NULL: every segment
        sa.Column("assignee_kind", sa.String(16), nullable=False),  # owner | account
        sa.Column("assignee_id", sa.String(200), nullable=False),  # an owner_id, or an account's username
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("metric_id", "touchpoint_id", "segment_id", name="case_routes_once"),
    )
    root_causes = sa.Table(
        "root_causes",
        into,
        sa.Column("cause_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("touchpoint_id", sa.String(64), nullable=False),
        sa.Column("cause", sa.String(120), nullable=False),
        sa.Column("sort_order", sa.Integer, nullable=False, default=0),
        sa.Column("enabled", sa.Boolean, nullable=False, default=True),
        sa.UniqueConstraint("touchpoint_id", "cause", name="root_causes_once"),
    )
    cases = sa.Table(
        "cases",
        into,
        sa.Column("case_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("response_id", sa.String(200), nullable=False),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("case_rules.rule_id"), nullable=False),
        sa.Column("metric_id", sa.String(64), nullable=False),
        sa.Column("touchpoint_id", sa.String(64), nullable=False),
        sa.Column("segment_id", sa.String(64), nullable=False),
        sa.Column("respondent_ref", sa.String(200)),  # the source system's opaque id; never contact details
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("responded_at", sa.DateTime, nullable=False),
        sa.Column("snapshot_id", sa.String(64), nullable=False),  # the publication that opened it
        sa.Column("assignee_kind", sa.String(16)),  # owner | account; NULL: nobody (a metric without owner)
        sa.Column("assignee_id", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False),  # new | contacted | resolved | reopened
        sa.Column("outcome", sa.String(32)),  # fixed | explained | could_not_reach | not_actionable
        sa.Column("root_cause", sa.String(120)),
        sa.Column("cause_note", sa.Text),
        sa.Column("contact_due_at", sa.DateTime, nullable=False),
        sa.Column("resolve_due_at", sa.DateTime, nullable=False),
        sa.Column("contacted_at", sa.DateTime),
        sa.Column("resolved_at", sa.DateTime),
        sa.Column("commitment_id", sa.Integer, sa.ForeignKey("commitments.commitment_id")),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("response_id", "rule_id", name="cases_once"),
        sa.Index("cases_by_assignee", "assignee_kind", "assignee_id", "status"),
        sa.Index("cases_by_status", "status", "contact_due_at"),
        sa.Index("cases_by_metric", "metric_id", "touchpoint_id"),
    )
    case_history = sa.Table(
        "case_history",
        into,
        sa.Column("history_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.case_id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),  # opened | contact | resolve | reopen | …
        # {"field": [before, after], ...} as JSON, as commitment_history keeps them.
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False, default=""),
        sa.Index("case_history_by_case", "case_id", "version"),
    )
    return case_rules, case_routes, root_causes, cases, case_history


def tables_v6(into: sa.MetaData) -> tuple[sa.Table, ...]:
    """The follow-up tables as revision 0006 has them: a case keeps what is due next (`next_due_at`: its
    first contact while it waits for one, else its resolution; NULL once resolved), indexed, so the queue
    orders and counts late cases by an index rather than working it out on every row. Frozen."""
    case_rules, case_routes, root_causes, cases, case_history = tables_v5(into)
    cases.append_column(sa.Column("next_due_at", sa.DateTime))
    sa.Index("cases_by_next_due", cases.c.next_due_at, cases.c.case_id)
    return case_rules, case_routes, root_causes, cases, case_history


def account_language_v7() -> sa.Column:
    """The column revision 0007 adds to the accounts table: the interface language the person chose in
    the language menu (i18n.LANGUAGES' code), NULL until they choose. Frozen, as tables_v1."""
    return sa.Column("language", sa.String(8))


def tables_v7(into: sa.MetaData) -> sa.Table:
    """The accounts table as revision 0007 has it: tables_v2's, with `account_language_v7`."""
    accounts = tables_v2(into)
    accounts.append_column(account_language_v7())
    return accounts


#: The tables as the latest revision has them: what the store reads and writes.
commitments, history = tables_v1(metadata)
accounts = tables_v7(metadata)
audit_log, display_tokens, sessions = tables_v3(metadata)
(
    publications,
    slice_statuses,
    alert_events,
    outbox,
    delivery_attempts,
    subscriptions,
    opt_outs,
    unsubscribe_links,
    webhooks,
) = tables_v4(metadata)
case_rules, case_routes, root_causes, cases, case_history = tables_v6(metadata)

_engines: dict[tuple[int, str], sa.Engine] = {}

#: How long a write waits for another writer's transaction before giving up with BusyError: a turn
#: normally takes milliseconds, and a person at a form must hear back well before their browser gives up.
BUSY_SECONDS = 3


class BusyError(RuntimeError):
    """The database stayed locked by another writer for BUSY_SECONDS: nothing was written; try again."""


class UnreachableError(BusyError):
    """The database server cannot be reached (down, restarting, the network): nothing was read or
    written; try again in a moment. A kind of BusyError, as a save refused for it is refused the same way."""


# PostgreSQL's error codes for a server that is not (or no longer) there: connection exceptions, and
# an administrator's or a crash's shutdown, or a server still starting.
_UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def _unreachable(error: sa.exc.DBAPIError) -> bool:
    if error.connection_invalidated:
        return True
    if "psycopg" not in type(error.orig).__module__:
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    # None: the driver could not connect at all (refused, no such socket), before any server answered.
    return sqlstate is None or sqlstate.startswith(_UNREACHABLE_SQLSTATES)


def _say_unreachable(error: sa.exc.DBAPIError) -> UnreachableError:
    log.warning("State database unreachable: %s", str(error.orig).strip().splitlines()[0])
    return UnreachableError("The state database cannot be reached just now: nothing was saved.")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers go on while a writer commits; the busy timeout (the driver's `timeout`, see
    # `engine`) makes a second writer wait its turn instead of failing at once ("database is locked").
    cursor = dbapi_connection.cursor()
    # Turning a fresh file to WAL takes a lock that SQLite may refuse at once, busy timeout or not,
    # while other processes open the same new file: try again briefly (WAL then stays on the file).
    for attempt in range(50):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.1)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    immediate = connection.get_execution_options().get("sqlite_begin") == "IMMEDIATE"
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def engine(url: str | None = None) -> sa.Engine:
    """The process's engine for `url` (default BEACON_STATE_URL), created on first use after a fork."""
    url = url or config.STATE_URL
    key = (os.getpid(), url)
    if key not in _engines:
        sqlite = sa.make_url(url).get_backend_name() == "sqlite"
        made = sa.create_engine(
            url, pool_pre_ping=True, connect_args={"timeout": BUSY_SECONDS} if sqlite else {}
        )
        if sqlite:
            sa.event.listen(made, "connect", _sqlite_pragmas)
            # pysqlite would defer BEGIN itself; take it over so that writes (see `writing`) take the
            # write lock when they start, not halfway through, where two writers would deadlock.
            sa.event.listen(made, "connect", lambda dbapi, _r: setattr(dbapi, "isolation_level", None))
            sa.event.listen(made, "begin", _sqlite_begin)
        _engines[key] = made
    return _engines[key]


def _busy(error: sa.exc.OperationalError) -> bool:
    """Whether `error` is another writer's lock outlasting the wait: SQLite's SQLITE_BUSY ("database is
    locked"), PostgreSQL's lock_not_available (lock_timeout)."""
    return getattr(error.orig, "sqlite_errorname", "").startswith("SQLITE_BUSY") or (
        getattr(error.orig, "sqlstate", None) == "55P03"
    )


@contextmanager
def writing(url: str | None = None):
    """A write transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE); BusyError
    when another writer holds the database (or, on PostgreSQL, a row) longer than BUSY_SECONDS."""
    try:
        with engine(url).connect() as connection:
            connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # SET LOCAL, with the value bound: is_local = true ends it with the transaction.
                    connection.execute(
                        sa.text("SELECT set_config('lock_timeout', :wait, true)"),
                        {"wait": f"{BUSY_SECONDS}s"},
                    )
                yield connection
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
        if _busy(error):
            log.warning("State database busy for %d s: a write gave up, nothing saved", BUSY_SECONDS)
            raise BusyError(
                f"The state database stayed busy for {BUSY_SECONDS} s: nothing was saved."
            ) from error
        if _unreachable(error):
            raise _say_unreachable(error) from error
        raise


@contextmanager
def reading(url: str | None = None):
    """A read-only use of the database: readers never block each other or a writer. UnreachableError
    when its server cannot be reached."""
    try:
        with engine(url).connect() as connection:
            yield connection
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
        if _unreachable(error):
            raise _say_unreachable(error) from error
        raise


def alembic_config(connection=None) -> Config:
    """Alembic's settings for Beacon's revisions; with `connection`, its commands run on that connection,
    inside its transaction (migrations/env.py)."""
    settings = Config()
    settings.set_main_option("script_location", str(MIGRATIONS))
    settings.attributes["connection"] = connection
    return settings


@cache
def head() -> str:
    """The revision the migrations end at: the schema this code reads and writes."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _adopt(connection) -> None:
    """A database migrated before Alembic has its version in schema_version: record the revision that
    makes the same schema, so that Alembic goes on from there instead of creating tables it has."""
    tables = sa.inspect(connection)
    if tables.has_table("alembic_version") or not tables.has_table("schema_version"):
        return
    version = connection.execute(sa.select(sa.func.max(_schema_version.c.version))).scalar()
    if version:
        command.stamp(alembic_config(connection), REVISION_OF_VERSION[version])


@contextmanager
def schema_transaction(url: str | None = None):
    """A write transaction holding the schema lock, on a database whose revision Alembic knows: where
    migrations run, one process at a time (SQLite's BEGIN IMMEDIATE is the lock; on PostgreSQL an
    advisory lock held to the end of the transaction)."""
    made = engine(url)
    if made.dialect.name == "sqlite":
        database = made.url.database
        if database and database != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)
    with writing(url) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242071)"))
        _adopt(connection)
        yield connection


def migrate(url: str | None = None) -> str:
    """Bring the schema up to the head revision and return it; a no-op when it already is."""
    with schema_transaction(url) as connection:
        command.upgrade(alembic_config(connection), "head")  # refused if the database is past the head
    return head()
