"""Accounts for signing in to Beacon (BEACON_AUTH=local): who may read, who owns which metrics' commitments,
who administers; and the display tokens that let a wall screen show /wall without an account.
Passwords are kept only as salted scrypt hashes, tokens only as SHA-256 hashes.

    python -m data.accounts add USERNAME --role owner --owner-id reka_szabo --name "Réka Szabó"
    python -m data.accounts reset USERNAME
    python -m data.accounts disable USERNAME
    python -m data.accounts list
    python -m data.accounts token-add "Lobby TV"
    python -m data.accounts token-revoke TOKEN_ID
    python -m data.accounts tokens

`add` and `reset` ask for the password twice (or read one line from stdin with --password-stdin).
Every change is written to the audit log (data.state.audit) with who made it.
"""

import argparse
import base64
import getpass
import hashlib
import hmac
import secrets
import sys
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

import config
import i18n
from data.state import audit, database

ROLES = {
    "viewer": "reads everything",
    "owner": "reads everything; creates and edits commitments on their own metrics and their own commitments",
    "admin": "everything, including accounts and wall display tokens",
}
PASSWORD_MIN = 12
# scrypt's cost: 2^15 × 8 × 128 bytes = 32 MB and ~50 ms per check: slow for a guesser, quick for a person.
# Werkzeug writes it into each hash ("scrypt:32768:8:1$salt$hash"), so a later change of cost still
# checks the hashes made before it.
PASSWORD_METHOD = "scrypt:32768:8:1"


class AccountError(ValueError):
    """An account change that cannot be made; the message says why."""


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password`, in Werkzeug's format: all a later check needs."""
    return generate_password_hash(password, method=PASSWORD_METHOD, salt_length=16)


def _matches_before_werkzeug(password: str, stored: str) -> bool:
    """The check of hashes made before Beacon hashed through Werkzeug ("scrypt$n$r$p$salt$hash", salt and
    hash in base64, the salt raw bytes, which Werkzeug's format cannot carry). Such a hash is remade in
    Werkzeug's format when its password next signs in (`authenticate`)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), maxmem=64 * 2**20
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def _made_before_werkzeug(stored: str) -> bool:
    return stored.startswith("scrypt$")


def password_matches(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from; compared in constant time."""
    if _made_before_werkzeug(stored):
        return _matches_before_werkzeug(password, stored)
    try:
        return check_password_hash(stored, password)
    except ValueError:  # not a hash Werkzeug knows
        return False


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"A password needs at least {PASSWORD_MIN} characters.")


def add(
    username: str,
    display_name: str,
    role: str,
    password: str,
    owner_id: str | None = None,
    url: str | None = None,
    actor: str | None = None,
) -> int:
    """A new account; AccountError names what is wrong (taken username or name, unknown role, short
    password, an owner without the owner id they act as). Display names are unique too: histories record
    changes by name, and two people of one name would make them ambiguous."""
    if not username or not username.strip() or username != username.strip().lower():
        raise AccountError("A username is lower case, without spaces at either end.")
    if role not in ROLES:
        raise AccountError(f"The role {role!r} does not exist; use one of {', '.join(ROLES)}.")
    if (role == "owner") != bool(owner_id):
        raise AccountError("An owner account names the owner id it acts as (--owner-id); other roles do not.")
    _check_password(password)
    display_name = display_name or username
    now = datetime.now()
    with database.writing(url) as connection:
        for column, label, value in (
            ("username", "username", username),
            ("display_name", "name", display_name),
        ):
            if connection.execute(
                sa.select(database.accounts.c[column]).where(database.accounts.c[column] == value)
            ).first():
                raise AccountError(f"The {label} {value!r} is taken.")
        audit.write(connection, actor or audit.command_line_actor(), "account added", username, detail=role)
        return connection.execute(
            database.accounts.insert().values(
                username=username,
                display_name=display_name,
                role=role,
                owner_id=owner_id,
                password_hash=hash_password(password),
                disabled=False,
                created_at=now,
                updated_at=now,
            )
        ).inserted_primary_key[0]


def _update(username: str, url: str | None, actor: str | None, action: str, **values) -> None:
    """Change the account and end its sessions: whoever is signed in as it signs in again, if they can."""
    accounts = database.accounts
    with database.writing(url) as connection:
        account_id = connection.execute(
            sa.select(accounts.c.account_id).where(accounts.c.username == username)
        ).scalar()
        if account_id is None:
            raise AccountError(f"There is no account {username!r}.")
        now = datetime.now()
        connection.execute(
            accounts.update().where(accounts.c.account_id == account_id).values(**values, updated_at=now)
        )
        connection.execute(
            database.sessions.update()
            .where(database.sessions.c.account_id == account_id, database.sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )
        audit.write(connection, actor or audit.command_line_actor(), action, username)


def reset_password(username: str, password: str, url: str | None = None, actor: str | None = None) -> None:
    """A new password; the account's sessions end."""
    _check_password(password)
    _update(username, url, actor, "password reset", password_hash=hash_password(password))


def disable(username: str, url: str | None = None, actor: str | None = None) -> None:
    """The account can no longer sign in and its sessions end; it stays, so histories still name who
    did what."""
    _update(username, url, actor, "account disabled", disabled=True)


def set_language(username: str, code: str, url: str | None = None) -> None:
    """The interface language the account chose (the language menu): its sign-ins open in it. A
    preference, not a change of who may do what: its sessions go on, and the audit log is not written."""
    if code not in i18n.LANGUAGES:
        raise AccountError(
            f"Beacon has no interface language {code!r}; use one of {', '.join(i18n.LANGUAGES)}."
        )
    with database.writing(url) as connection:
        changed = connection.execute(
            database.accounts.update().where(database.accounts.c.username == username).values(language=code)
        ).rowcount
    if not changed:
        raise AccountError(f"There is no account {username!r}.")


def _key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(account_id: int, url: str | None = None) -> str:
    """A new sign-in session for the account: the key its cookie carries (only its hash is kept)."""
    key = secrets.token_urlsafe(32)
    with database.writing(url) as connection:
        connection.execute(
            database.sessions.insert().values(
                key_hash=_key_hash(key), account_id=account_id, started_at=datetime.now()
            )
        )
    return key


def session_account(key: str, lasts: timedelta, url: str | None = None) -> dict | None:
    """The account (without its password hash) of the session with this key, while the session is not
    ended, younger than `lasts`, and the account not disabled; else None."""
    sessions, accounts = database.sessions, database.accounts
    columns = [c for c in accounts.c if c.name != "password_hash"]
    query = (
        sa.select(*columns)
        .join_from(sessions, accounts, sessions.c.account_id == accounts.c.account_id)
        .where(
            sessions.c.key_hash == _key_hash(key),
            sessions.c.ended_at.is_(None),
            sessions.c.started_at > datetime.now() - lasts,
            accounts.c.disabled.is_(False),
        )
    )
    with database.reading(url) as connection:
        row = connection.execute(query).first()
    return dict(row._mapping) if row else None


def end_session(key: str, url: str | None = None) -> None:
    with database.writing(url) as connection:
        connection.execute(
            database.sessions.update()
            .where(database.sessions.c.key_hash == _key_hash(key), database.sessions.c.ended_at.is_(None))
            .values(ended_at=datetime.now())
        )


def _rows_without(table: sa.Table, secret: str, order: str, url: str | None) -> list[dict]:
    """Every row of `table` without its `secret` column (a hash), in `order`."""
    columns = [c for c in table.c if c.name != secret]
    with database.reading(url) as connection:
        rows = connection.execute(sa.select(*columns).order_by(table.c[order])).fetchall()
    return [dict(row._mapping) for row in rows]


def listing(url: str | None = None) -> list[dict]:
    """Every account, without its password hash."""
    return _rows_without(database.accounts, "password_hash", "username", url)


def authenticate(username: str, password: str, url: str | None = None) -> dict | None:
    """The account `username` when `password` is its password and it is not disabled; else None. A
    missing account costs the same hashing time, so timing does not reveal which usernames exist."""
    with database.reading(url) as connection:
        row = connection.execute(
            sa.select(database.accounts).where(database.accounts.c.username == username)
        ).first()
    stored = row.password_hash if row else decoy_hash()
    matches = password_matches(password, stored)
    if row is None or row.disabled or not matches:
        return None
    if _made_before_werkzeug(stored):
        with database.writing(url) as connection:
            connection.execute(
                database.accounts.update()
                .where(
                    database.accounts.c.account_id == row.account_id,
                    # Only the hash just checked: a reset in the meantime is not undone.
                    database.accounts.c.password_hash == stored,
                )
                .values(password_hash=hash_password(password))
            )
    return {key: value for key, value in row._mapping.items() if key != "password_hash"}


@cache
def decoy_hash() -> str:
    """A hash no password matches, checked for unknown usernames; made once per process (the app makes
    it at start, so the first unknown username takes no longer than the rest)."""
    return hash_password(secrets.token_urlsafe(16))


def create_display_token(label: str, url: str | None = None, actor: str | None = None) -> tuple[int, str]:
    """A new display token for a wall screen: (its id, the token). The token itself is shown once and
    never stored; 256 random bits, so it cannot be guessed."""
    if not label or not label.strip():
        raise AccountError("A display token needs a label saying which screen it is for.")
    token = secrets.token_urlsafe(32)
    with database.writing(url) as connection:
        token_id = connection.execute(
            database.display_tokens.insert().values(
                label=label.strip(),
                token_hash=_key_hash(token),
                created_at=datetime.now(),
                created_by=actor or audit.command_line_actor(),
            )
        ).inserted_primary_key[0]
        audit.write(
            connection, actor or audit.command_line_actor(), "display token created", f"{token_id} {label}"
        )
    return token_id, token


def revoke_display_token(token_id: int, url: str | None = None, actor: str | None = None) -> None:
    """The token and every screen signed in with it stop showing anything at their next request."""
    tokens = database.display_tokens
    actor = actor or audit.command_line_actor()
    with database.writing(url) as connection:
        changed = connection.execute(
            tokens.update()
            .where(tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(), revoked_by=actor)
        ).rowcount
        if not changed:
            raise AccountError(f"There is no display token {token_id} in use.")
        audit.write(connection, actor, "display token revoked", str(token_id))


def display_token(
    token: str | None = None, token_id: int | None = None, url: str | None = None
) -> dict | None:
    """The display token in use (not revoked) given by its secret or by its id, or None."""
    tokens = database.display_tokens
    found = tokens.c.token_hash == _key_hash(token) if token else tokens.c.token_id == token_id
    with database.reading(url) as connection:
        row = connection.execute(
            sa.select(tokens.c.token_id, tokens.c.label).where(found, tokens.c.revoked_at.is_(None))
        ).first()
    return dict(row._mapping) if row else None


def mark_display_token_used(token_id: int, url: str | None = None) -> None:
    with database.writing(url) as connection:
        connection.execute(
            database.display_tokens.update()
            .where(database.display_tokens.c.token_id == token_id)
            .values(last_used_at=datetime.now())
        )


def display_tokens(url: str | None = None) -> list[dict]:
    """Every display token ever made, revoked ones too, without their hashes."""
    return _rows_without(database.display_tokens, "token_hash", "token_id", url)


def _ask_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise AccountError("The two passwords differ.")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.accounts", description="Manage Beacon's sign-in accounts."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    adding = commands.add_parser("add", help="create an account")
    adding.add_argument("username")
    adding.add_argument("--role", choices=list(ROLES), required=True)
    adding.add_argument("--owner-id", help="for an owner: the owner_id of the warehouse they are")
    adding.add_argument("--name", default="", help="the name shown in histories (default: the username)")
    adding.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    resetting = commands.add_parser("reset", help="set a new password")
    resetting.add_argument("username")
    resetting.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    commands.add_parser("disable", help="stop an account signing in").add_argument("username")
    commands.add_parser("list", help="list the accounts")
    commands.add_parser("token-add", help="create a wall display token").add_argument("label")
    revoking = commands.add_parser("token-revoke", help="revoke a wall display token")
    revoking.add_argument("token_id", type=int)
    commands.add_parser("tokens", help="list the wall display tokens")
    args = parser.parse_args(argv)
    config.validate()
    database.migrate()
    try:
        if args.command == "add":
            password = _ask_password(args.password_stdin)
            add(args.username, args.name, args.role, password, args.owner_id)
            print(f"Added {args.username} ({args.role}).")
        elif args.command == "reset":
            reset_password(args.username, _ask_password(args.password_stdin))
            print(f"New password set for {args.username}.")
        elif args.command == "disable":
            disable(args.username)
            print(f"{args.username} can no longer sign in.")
        elif args.command == "token-add":
            token_id, token = create_display_token(args.label)
            print(f"Display token {token_id} for {args.label!r}. Open this on the screen (shown only now):")
            print(f"  /wall?token={token}")
            print(
                "It shows /wall only, always as public=1 (no comments, no thin samples, no e-mail addresses)."
            )
        elif args.command == "token-revoke":
            revoke_display_token(args.token_id)
            print(f"Display token {args.token_id} revoked: its screens stop at their next refresh.")
        elif args.command == "tokens":
            for token in display_tokens():
                status = f"revoked {token['revoked_at']:%Y-%m-%d}" if token["revoked_at"] else "in use"
                used = (
                    f"last used {token['last_used_at']:%Y-%m-%d %H:%M}"
                    if token["last_used_at"]
                    else "never used"
                )
                print(f"{token['token_id']:>4}  {token['label']:<30} {status:<18} {used}")
        else:
            for account in listing():
                owner = f" as {account['owner_id']}" if account["owner_id"] else ""
                status = "disabled" if account["disabled"] else "active"
                print(
                    f"{account['username']:<24} {account['role']}{owner:<24} {status:<9} {account['display_name']}"
                )
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    return 0
