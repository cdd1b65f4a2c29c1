"""Sign-in accounts (data/state/accounts.py) on a real SQLite state file: hashing, the rules of an account,
authentication, disabling and resetting, the command, and the migration of databases made before
Alembic (schema versions 1 to 3)."""

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from data.state import accounts, commitments, database
from data.state.accounts import (
    AccountError,
    add,
    authenticate,
    disable,
    listing,
    password_matches,
    reset_password,
)
from tests import state_before_alembic

PASSWORD = "correct horse battery"


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'database.db'}"
    database.migrate(url)
    return url


def test_a_password_is_kept_only_as_a_salted_hash():
    """Two hashes of one password differ (salt) and both match it; a wrong password matches neither."""
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    assert first != second and PASSWORD not in first and first.startswith("scrypt:32768:8:1$")
    assert password_matches(PASSWORD, first) and password_matches(PASSWORD, second)
    assert not password_matches(PASSWORD + "!", first)
    assert not password_matches(PASSWORD, "md5$whatever")
    assert not password_matches(PASSWORD, "pbkdf2:nonsense$salt$hash")


#: A hash of PASSWORD as Beacon made them before it hashed through Werkzeug (same scrypt cost).
HASH_BEFORE_WERKZEUG = (
    "scrypt$32768$8$1$OVghs4sjINGgOhJWtZ82CQ==$"
    "L+0JwrVSD8SUs1dq3/TGmTFAPzBKg6MAkbzOZyHhDKNiJK26MsSPeMfcW5HejOprnbKhyUHt28h7k2bB9az1Vw=="
)


def test_a_hash_made_before_werkzeug_still_matches_and_is_remade_at_sign_in(url):
    """An account whose hash predates Werkzeug's format signs in with its password, and from then on
    holds a hash in Werkzeug's format (same cost) that matches the same password."""
    assert password_matches(PASSWORD, HASH_BEFORE_WERKZEUG)
    assert not password_matches(PASSWORD + "!", HASH_BEFORE_WERKZEUG)
    add("old", "Old Timer", "viewer", "a placeholder password", url=url)
    with database.writing(url) as connection:
        connection.execute(database.accounts.update().values(password_hash=HASH_BEFORE_WERKZEUG))
    assert authenticate("old", PASSWORD + "!", url) is None
    assert authenticate("old", PASSWORD, url)["username"] == "old"
    with database.reading(url) as connection:
        remade = connection.execute(sa.select(database.accounts.c.password_hash)).scalar()
    assert remade.startswith("scrypt:32768:8:1$") and password_matches(PASSWORD, remade)
    assert authenticate("old", PASSWORD, url)["username"] == "old"


def test_a_reset_during_the_first_sign_in_is_not_undone_by_remaking_the_old_hash(url, monkeypatch):
    """An admin resets the password while the old-format hash is being checked: the sign-in with the
    old password still answers, but its remade hash does not overwrite the reset."""
    add("old", "Old Timer", "viewer", "a placeholder password", url=url)
    with database.writing(url) as connection:
        connection.execute(database.accounts.update().values(password_hash=HASH_BEFORE_WERKZEUG))
    checked = password_matches

    def reset_meanwhile(password, stored):
        monkeypatch.setattr(accounts, "password_matches", checked)
        reset_password("old", "a brand new password", url=url)
        return checked(password, stored)

    monkeypatch.setattr(accounts, "password_matches", reset_meanwhile)
    authenticate("old", PASSWORD, url)
    assert authenticate("old", PASSWORD, url) is None
    assert authenticate("old", "a brand new password", url)["username"] == "old"


def test_an_account_signs_in_with_its_password_only(url):
    """The right password gives the account (without its hash); a wrong one or an unknown name, None."""
    add("reka", "Réka Szabó", "owner", PASSWORD, owner_id="reka_szabo", url=url)
    signed_in = authenticate("reka", PASSWORD, url)
    assert (signed_in["role"], signed_in["owner_id"], signed_in["display_name"]) == (
        "owner",
        "reka_szabo",
        "Réka Szabó",
    )
    assert "password_hash" not in signed_in
    assert authenticate("reka", "not the password", url) is None
    assert authenticate("nobody", PASSWORD, url) is None


@pytest.mark.parametrize(
    ("username", "role", "owner_id", "password", "message"),
    [
        ("Reka", "viewer", None, PASSWORD, "lower case"),
        ("reka", "boss", None, PASSWORD, "The role 'boss' does not exist; use one of viewer, owner, admin."),
        ("reka", "owner", None, PASSWORD, "An owner account names the owner id it acts as"),
        ("reka", "viewer", "reka_szabo", PASSWORD, "An owner account names the owner id it acts as"),
        ("reka", "viewer", None, "short", "A password needs at least 12 characters."),
    ],
)
def test_an_account_that_breaks_a_rule_is_refused(url, username, role, owner_id, password, message):
    with pytest.raises(AccountError, match=re.escape(message)):
        add(username, "", role, password, owner_id, url)
    assert listing(url) == []


def test_a_username_is_taken_once(url):
    add("ana", "Ana", "viewer", PASSWORD, url=url)
    with pytest.raises(AccountError, match=r"The username 'ana' is taken\."):
        add("ana", "Another Ana", "admin", PASSWORD, url=url)


def test_disabling_stops_sign_in_and_a_reset_changes_the_password(url):
    """Disabled: the right password no longer signs in, the account stays listed. Reset: only the new
    password works."""
    add("ana", "Ana", "viewer", PASSWORD, url=url)
    add("ben", "Ben", "admin", PASSWORD, url=url)
    reset_password("ana", "a brand new secret", url)
    assert authenticate("ana", PASSWORD, url) is None
    assert authenticate("ana", "a brand new secret", url)["username"] == "ana"
    disable("ben", url)
    assert authenticate("ben", PASSWORD, url) is None
    assert [(a["username"], a["disabled"]) for a in listing(url)] == [("ana", False), ("ben", True)]
    with pytest.raises(AccountError, match=r"There is no account 'carl'\."):
        disable("carl", url)


def test_the_command_adds_lists_and_refuses(url, monkeypatch, capsys):
    """`python -m data.accounts` against BEACON_STATE_URL: add with the password on stdin, list, and a
    refusal that exits 1 with the reason."""
    monkeypatch.setattr(database.config, "STATE_URL", url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        accounts.main(
            ["add", "tom", "--role", "owner", "--owner-id", "tom_becker", "--name", "Tom", "--password-stdin"]
        )
        == 0
    )
    assert accounts.main(["list"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert accounts.main(["add", "zoe", "--role", "viewer", "--password-stdin"]) == 1
    out, err = capsys.readouterr()
    assert "Added tom (owner)." in out and "tom" in out.splitlines()[-1] and "as tom_becker" in out
    assert "A password needs at least 12 characters." in err
    assert authenticate("tom", PASSWORD, url)["owner_id"] == "tom_becker"


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_database_from_before_alembic_reaches_the_head_and_keeps_its_rows(tmp_path, version):
    """A state database the numbered migrations left at schema version 1, 2 or 3 is adopted at the
    revision of its version and migrated on to the head: the tables it lacked appear (accounts from
    version 1), every commitment (and, from version 2, account) is still there, and its schema_version
    rows are left as they were."""
    url = f"sqlite:///{tmp_path / 'database.db'}"
    state_before_alembic.make(url, version)
    commitment_id = commitments.create(
        {
            "metric_id": "nps", "touchpoint_id": None, "segment_id": None, "owner_id": "ana", "title": "Kept",
            "description": "", "kind": "action", "start_on": date(2026, 11, 2), "due_on": date(2026, 11, 30),
            "status": "planned", "progress": 0, "completed_on": None, "expected_value": None,
        },
        "setup",
        url=url,
    )  # fmt: skip
    if version >= 2:  # as version 2 added accounts: before the audit log of version 3
        with database.writing(url) as connection:
            connection.execute(
                database.accounts.insert().values(
                    username="ana", display_name="Ana", role="viewer", password_hash=HASH_BEFORE_WERKZEUG,
                    disabled=False, created_at=date(2026, 11, 2), updated_at=date(2026, 11, 2),
                )
            )  # fmt: skip
    assert database.migrate(url) == database.head() == "0007"
    with database.reading(url) as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0007"
        assert {"accounts", "audit_log", "display_tokens", "sessions"} <= set(
            sa.inspect(connection).get_table_names()
        )
    assert commitments.get(commitment_id, url=url)["title"] == "Kept"
    assert [a["username"] for a in listing(url)] == (["ana"] if version >= 2 else [])
    if version >= 2:
        assert authenticate("ana", PASSWORD, url)["username"] == "ana"
    assert state_before_alembic.versions(url) == list(range(1, version + 1))
    assert database.migrate(url) == "0007"  # and again: nothing left to do
