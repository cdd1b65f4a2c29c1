"""Who may do what (auth/__init__.py), worked case by case; display tokens and the audit log
(data.accounts, data.audit) on a real SQLite state file; the session cookie's Secure flag."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask, session

from auth import (
    ADMIN,
    DISPLAY,
    OWNER,
    VIEWER,
    User,
    commitment_refusal,
    may_change_commitments,
    may_read_comments,
)
from auth.web import _safe_next, _SessionInterface
from data.state import accounts, audit, database

PASSWORD = "correct horse battery"
# Two metrics and who owns them in the warehouse.
METRIC_OWNERS = {"nps": "reka", "csat": "ben"}
REKA = User("Réka Szabó", OWNER, "reka", "reka")


def commitment(metric_id: str, owner_id: str) -> dict:
    return {"metric_id": metric_id, "owner_id": owner_id}


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'database.db'}"
    database.migrate(url)
    return url


@pytest.mark.parametrize(
    ("stored", "wanted", "allowed"),
    [
        (None, commitment("nps", "reka"), True),  # new, on her metric, hers
        (None, commitment("nps", "ben"), True),  # new, on her metric, for Ben to carry out
        (None, commitment("csat", "reka"), True),  # new, on Ben's metric, but hers to carry out
        (None, commitment("csat", "ben"), False),  # new, neither her metric nor hers
        (commitment("csat", "reka"), commitment("csat", "reka"), True),  # her commitment on Ben's metric
        (commitment("nps", "ben"), commitment("nps", "ben"), True),  # Ben's commitment on her metric
        (commitment("csat", "ben"), commitment("csat", "ben"), False),  # Ben's, on Ben's metric
        (commitment("csat", "ben"), commitment("csat", "reka"), False),  # taking over Ben's
        (commitment("csat", "reka"), commitment("csat", "ben"), False),  # handing hers to Ben's metric
        (commitment("nps", "reka"), commitment("csat", "reka"), True),  # moved, still hers
        (None, commitment("unknown_metric", "reka"), True),  # hers; the form's validation names the metric
    ],
)
def test_an_owner_changes_only_what_is_theirs(stored, wanted, allowed):
    """An owner's commitment or one on a metric they own, before and after the change."""
    refusal = commitment_refusal(REKA, METRIC_OWNERS, stored, wanted)
    assert (refusal is None) is allowed
    if not allowed:
        assert refusal.startswith("Not saved:")


@pytest.mark.parametrize(
    ("role", "changes", "reads_comments_when_shown", "reads_comments_when_hidden"),
    [
        (ADMIN, True, True, True),
        (OWNER, True, True, True),
        (VIEWER, False, True, False),
        (DISPLAY, False, False, False),
        ("anonymous", False, False, False),  # never reaches a page; no rights if it did
    ],
)
def test_the_role_matrix(role, changes, reads_comments_when_shown, reads_comments_when_hidden):
    """What each role may do; an admin may save anything, a viewer or a display nothing."""
    user = User("Someone", role, "someone", "reka" if role == OWNER else None)
    assert may_change_commitments(user) is changes
    assert may_read_comments(user, viewers_read_comments=True) is reads_comments_when_shown
    assert may_read_comments(user, viewers_read_comments=False) is reads_comments_when_hidden
    anything = commitment("csat", "ben")
    refusal = commitment_refusal(user, METRIC_OWNERS, anything, anything)
    assert (refusal is None) is (role == ADMIN)
    if role in (VIEWER, DISPLAY):
        assert f"signed in as a {role}" in refusal


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/owners?period=2026-Q3", "/owners?period=2026-Q3"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("owners", "/"),
        ("/\t/evil.example/", "/"),  # the tab dropped, it would read //evil.example/
        ("/\n/evil.example/", "/"),
        ("/a\\b", "/"),
    ],
)
def test_after_signing_in_only_a_path_of_this_site(target, expected):
    """The `next` of the sign-in form never sends anyone to another site."""
    assert _safe_next(target) == expected


def test_a_display_token_is_shown_once_kept_hashed_and_revocable(url):
    """256 random bits, stored as a SHA-256 hash; found by its secret or id until revoked, then never."""
    token_id, token = accounts.create_display_token("Lobby TV", url=url, actor="admin")
    assert len(token) >= 43
    with database.reading(url) as connection:
        stored = connection.execute(sa.select(database.display_tokens)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert accounts.display_token(token=token, url=url) == {"token_id": token_id, "label": "Lobby TV"}
    assert accounts.display_token(token=token + "x", url=url) is None
    accounts.revoke_display_token(token_id, url=url, actor="admin")
    assert accounts.display_token(token=token, url=url) is None
    assert accounts.display_token(token_id=token_id, url=url) is None
    with pytest.raises(accounts.AccountError, match="no display token 1 in use"):
        accounts.revoke_display_token(token_id, url=url)
    listed = accounts.display_tokens(url=url)
    assert [(t["label"], t["revoked_by"]) for t in listed] == [("Lobby TV", "admin")]
    assert "token_hash" not in listed[0]
    with pytest.raises(accounts.AccountError, match="needs a label"):
        accounts.create_display_token("  ", url=url)


def test_account_and_token_changes_are_in_the_audit_log_with_who_made_them(url):
    """Each change writes one entry, in the change's own transaction."""
    accounts.add("vera", "Vera Viewer", VIEWER, PASSWORD, url=url, actor="ada")
    accounts.reset_password("vera", PASSWORD + "!", url=url, actor="ada")
    accounts.disable("vera", url=url, actor="ada")
    token_id, _token = accounts.create_display_token("Lobby TV", url=url, actor="ada")
    accounts.revoke_display_token(token_id, url=url, actor="ada")
    logged = [(e["actor"], e["action"], e["subject"]) for e in audit.entries(url)]
    assert logged == [
        ("ada", "account added", "vera"),
        ("ada", "password reset", "vera"),
        ("ada", "account disabled", "vera"),
        ("ada", "display token created", "1 Lobby TV"),
        ("ada", "display token revoked", "1"),
    ]
    with pytest.raises(accounts.AccountError, match="no account 'nobody'"):
        accounts.disable("nobody", url=url, actor="ada")
    assert len(audit.entries(url)) == 5  # a refused change leaves no entry


def test_two_accounts_cannot_share_a_name(url):
    """Histories name who changed what by display name, so it is unique like the username."""
    accounts.add("reka", "Réka Szabó", OWNER, PASSWORD, owner_id="reka", url=url)
    with pytest.raises(accounts.AccountError, match="The name 'Réka Szabó' is taken"):
        accounts.add("reka2", "Réka Szabó", VIEWER, PASSWORD, url=url)


def test_refused_sign_ins_are_counted_per_username_and_address_within_the_window(url):
    """Counts over the last 15 minutes: for this username from this address, and from this address."""
    for username, client in [
        ("vera", "10.0.0.1"),
        ("vera", "10.0.0.1"),
        ("vera", "10.0.0.2"),
        ("ben", "10.0.0.1"),
    ]:
        audit.record("not signed in", audit.SIGN_IN_REFUSED, username, client, url=url)
    audit.record("vera", audit.SIGN_IN, "vera", "10.0.0.1", url=url)  # a success counts for nothing
    audit.record("not signed in", audit.SIGN_IN_BLOCKED, "vera", "10.0.0.1", url=url)  # nor a blocked one
    with database.writing(url) as connection:  # one refusal from an hour ago has left the window
        audit.write(connection, "not signed in", audit.SIGN_IN_REFUSED, "vera", "10.0.0.1")
        connection.execute(
            database.audit_log.update()
            .where(database.audit_log.c.entry_id == 7)
            .values(at=datetime.now() - timedelta(hours=1))
        )
    window = timedelta(minutes=15)
    with database.reading(url) as connection:
        assert audit.refused_sign_ins(connection, "vera", "10.0.0.1", window) == (2, 3)
        assert audit.refused_sign_ins(connection, "vera", "10.0.0.2", window) == (1, 1)
        assert audit.refused_sign_ins(connection, "ada", "10.0.0.3", window) == (0, 0)


def test_an_attempt_counts_as_refused_until_it_matches_and_the_limit_blocks_the_next(url):
    """Two attempts allowed per username: each is logged as refused before its password is checked; one
    that matches becomes a sign-in; past the limit an attempt is blocked, logged, and not counted."""
    window = timedelta(minutes=15)
    first = audit.begin_sign_in("vera", "10.0.0.1", window, per_username=2, per_client=10, url=url)
    audit.signed_in(first, "vera", url=url)
    second = audit.begin_sign_in("vera", "10.0.0.1", window, per_username=2, per_client=10, url=url)
    third = audit.begin_sign_in("vera", "10.0.0.1", window, per_username=2, per_client=10, url=url)
    assert None not in (first, second, third)
    assert audit.begin_sign_in("vera", "10.0.0.1", window, per_username=2, per_client=10, url=url) is None
    assert audit.begin_sign_in("vera", "10.0.0.2", window, per_username=2, per_client=10, url=url) is not None
    logged = [(e["actor"], e["action"], e["client"]) for e in audit.entries(url)]
    assert logged == [
        ("vera", audit.SIGN_IN, "10.0.0.1"),
        ("not signed in", audit.SIGN_IN_REFUSED, "10.0.0.1"),
        ("not signed in", audit.SIGN_IN_REFUSED, "10.0.0.1"),
        ("not signed in", audit.SIGN_IN_BLOCKED, "10.0.0.1"),
        ("not signed in", audit.SIGN_IN_REFUSED, "10.0.0.2"),
    ]


def _cookie_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="k" * 40, SESSION_COOKIE_SAMESITE="Lax")
    app.session_interface = _SessionInterface()

    @app.get("/")
    def set_session():
        session["account"] = 1
        return "ok"

    return app


@pytest.mark.parametrize(("base_url", "secure"), [("http://localhost", False), ("https://localhost", True)])
def test_the_session_cookie_is_secure_under_https_and_always_httponly_and_samesite(base_url, secure):
    """One configuration for both: Secure follows the request's scheme."""
    cookie = _cookie_app().test_client().get("/", base_url=base_url).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure


def test_the_command_makes_lists_and_revokes_display_tokens(url, monkeypatch, capsys):
    """`token-add` prints the token once, with the address to open; `tokens` lists without it."""
    monkeypatch.setattr(database.config, "STATE_URL", url)
    assert accounts.main(["token-add", "Lobby TV"]) == 0
    printed = capsys.readouterr().out
    token = printed.split("/wall?token=")[1].split()[0]
    assert accounts.display_token(token=token, url=url)["label"] == "Lobby TV"
    assert accounts.main(["token-revoke", "1"]) == 0
    assert accounts.main(["tokens"]) == 0
    listed = capsys.readouterr().out
    assert "Lobby TV" in listed and "revoked" in listed and token not in listed
    assert accounts.main(["token-revoke", "1"]) == 1
    assert "There is no display token 1 in use." in capsys.readouterr().err


@pytest.mark.parametrize("username", ["' OR '1'='1", "vera'; DROP TABLE accounts; --", "vera\x00"])
def test_sql_in_the_username_is_only_a_wrong_username(url, username):
    """Bound as a value: no account matches and the accounts are all still there."""
    accounts.add("vera", "Vera Viewer", VIEWER, PASSWORD, url=url)
    assert accounts.authenticate(username, PASSWORD, url=url) is None
    assert [account["username"] for account in accounts.listing(url)] == ["vera"]


def test_a_session_holds_until_signed_out_reset_disabled_or_too_old(url):
    """The cookie's key finds the account while its session is open and young enough; its hash only is
    kept; signing out ends that session only, a password reset or disabling ends all of the account's."""
    account_id = accounts.add("vera", "Vera Viewer", VIEWER, PASSWORD, url=url)
    lasts = timedelta(hours=12)
    first, second = accounts.start_session(account_id, url=url), accounts.start_session(account_id, url=url)
    assert accounts.session_account(first, lasts, url=url)["username"] == "vera"
    assert "password_hash" not in accounts.session_account(first, lasts, url=url)
    with database.reading(url) as connection:
        assert first not in {row.key_hash for row in connection.execute(sa.select(database.sessions))}
    assert accounts.session_account(first, timedelta(0), url=url) is None  # older than it may be
    accounts.end_session(first, url=url)
    assert accounts.session_account(first, lasts, url=url) is None
    assert accounts.session_account(second, lasts, url=url) is not None
    accounts.reset_password("vera", PASSWORD + "!", url=url)
    assert accounts.session_account(second, lasts, url=url) is None
    third = accounts.start_session(account_id, url=url)
    accounts.disable("vera", url=url)
    assert accounts.session_account(third, lasts, url=url) is None
    assert accounts.session_account("never-issued", lasts, url=url) is None
