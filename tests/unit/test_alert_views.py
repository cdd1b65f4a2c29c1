"""Who may see and change what on the alert pages (views/alerts.py), on the hand-made warehouse and a
real SQLite state database: admins see every event and delivery, anyone else only what was sent to
their own addresses; displays change nothing; people end only their own subscriptions; only admins
touch webhooks; an owner turns their own metrics' default alerts off and on again."""

import pytest
import sqlalchemy as sa

import auth
import config
from data.state import alerts as store
from data.state import database
from views import alerts

ADMIN = auth.User("Ada Admin", auth.ADMIN, "ada")
ANA = auth.User("Ana Silva", auth.OWNER, "ana", "ana")  # owns nps, csat and pilot
VERA = auth.User("Vera Viewer", auth.VIEWER, "vera")
WALL = auth.User("Lobby screen", auth.DISPLAY)
FACTS = {"metric_name": "Net promoter score", "unit": "pts", "status": "off_track", "link": "/metric/nps"}


@pytest.fixture
def events(tiny_warehouse, tmp_path, monkeypatch):
    """Two events: one on nps (to its owner Ana and to Vera's subscription to the web touchpoint), one
    on effort (to its owner Ben only)."""
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    database.migrate()
    store.subscribe("vera", "vera@example.com", "touchpoint", "web", "instant")
    made = {}
    with database.writing() as connection:
        made["nps"] = store.record(
            connection,
            "status_worsened",
            "status_worsened:nps:web:*:s2",
            {
                **FACTS,
                "metric_id": "nps",
                "touchpoint_id": "web",
                "touchpoint_name": "Website",
                "owner_email": "ana@example.com",
            },
            metric_id="nps",
            touchpoint_id="web",
        )
        made["effort"] = store.record(
            connection,
            "late_data",
            "late_data:effort:*:*:s2",
            {
                **FACTS,
                "metric_id": "effort",
                "metric_name": "Customer effort",
                "owner_email": "ben@example.com",
            },
            metric_id="effort",
        )
    return made


def test_an_admin_sees_every_event_and_every_delivery(events):
    found, mine = alerts.recent(ADMIN)
    assert mine is None
    assert [e["event_id"] for e in found] == [events["effort"], events["nps"]]  # newest first
    assert [d["recipient"] for d in found[1]["deliveries"]] == ["ana@example.com", "vera@example.com"]
    assert found[1]["sentence"].startswith("Net promoter score is off track for Website")


def test_others_see_only_what_was_sent_to_them(events):
    found, mine = alerts.recent(VERA)
    assert mine == {"vera@example.com"}
    assert [e["event_id"] for e in found] == [events["nps"]]
    assert [d["recipient"] for d in found[0]["deliveries"]] == ["vera@example.com"]  # not Ana's
    found, mine = alerts.recent(ANA)
    assert mine == {"ana@example.com"}  # her owner address, from the catalogue
    assert [e["event_id"] for e in found] == [events["nps"]]
    assert alerts.recent(ANA, kind="late_data")[0] == []
    assert alerts.metric_events("effort")[0]["event_id"] == events["effort"]


def test_a_display_changes_nothing(events):
    assert isinstance(alerts.subscribe(WALL, "wall@example.com", "metric", "nps", "instant"), alerts.Refused)
    assert isinstance(alerts.end_subscriptions(WALL, [1]), alerts.Refused)
    assert isinstance(alerts.add_webhook(WALL, "Team", "https://hooks.example.com/x", None), alerts.Refused)


@pytest.mark.parametrize(
    ("subject", "subject_id", "batch", "email", "field"),
    [
        ("metric", "no-such-metric", "instant", "vera@example.com", "subject_id"),
        ("mood", "nps", "instant", "vera@example.com", "subject"),
        ("metric", "nps", "weekly", "vera@example.com", "batch"),
        ("metric", "nps", "instant", "vera at example.com", "email"),
    ],
)
def test_a_wrong_subscription_names_its_field_and_saves_nothing(
    events, subject, subject_id, batch, email, field
):
    result = alerts.subscribe(VERA, email, subject, subject_id, batch)
    assert isinstance(result, alerts.Invalid) and result.field == field
    assert len(alerts.subscriptions(VERA)) == 1  # her touchpoint subscription only


def test_people_end_only_their_own_subscriptions(events):
    assert alerts.subscribe(ANA, "Ana@Example.com", "segment", "smb", "daily") == alerts.Done("Subscribed.")
    (anas,) = alerts.subscriptions(ANA)
    assert (anas["email"], anas["subject"], anas["subject_id"], anas["batch"]) == (
        "ana@example.com",
        "segment",
        "smb",
        "daily",
    )
    (veras,) = alerts.subscriptions(VERA)
    refused = alerts.end_subscriptions(ANA, [anas["subscription_id"], veras["subscription_id"]])
    assert isinstance(refused, alerts.Refused)
    assert len(alerts.subscriptions(ANA)) == 1 and len(alerts.subscriptions(VERA)) == 1  # nothing ended
    assert alerts.end_subscriptions(ANA, [anas["subscription_id"]]) == alerts.Done("Subscription ended.")
    assert alerts.subscriptions(ANA) == []


def test_only_an_admin_adds_and_removes_webhooks_and_sees_the_secret_once(events):
    assert isinstance(alerts.add_webhook(VERA, "Team", "https://hooks.example.com/x", None), alerts.Refused)
    bad = alerts.add_webhook(ADMIN, "Team", "ftp://hooks.example.com/x", None)
    assert isinstance(bad, alerts.Invalid) and bad.field == "url"
    done = alerts.add_webhook(ADMIN, "Team", "https://hooks.example.com/x", None)
    assert isinstance(done, alerts.Done) and len(done.secret) >= 24  # made for them, shown this once
    (hook,) = alerts.webhooks(ADMIN)
    assert "secret" not in hook and alerts.webhooks(VERA) == []
    assert alerts.webhook_names(ADMIN) == {str(hook["webhook_id"]): "Team"}
    assert isinstance(alerts.end_webhooks(VERA, [hook["webhook_id"]]), alerts.Refused)
    assert alerts.end_webhooks(ADMIN, [hook["webhook_id"]]) == alerts.Done("Webhook removed.")
    assert alerts.webhooks(ADMIN) == []


def test_an_owner_turns_their_own_default_alerts_off_and_on(events):
    email, own, on = alerts.owner_defaults(ANA)
    assert email == "ana@example.com"
    assert [metric_id for metric_id, _name in own] == ["nps", "csat", "pilot"]
    assert on == {"nps", "csat", "pilot", "digest"}
    # Unticking nps and the digest; effort is Ben's, so asking for it changes nothing of his.
    assert isinstance(alerts.set_owner_alerts(ANA, ["csat", "pilot", "effort"]), alerts.Done)
    with database.reading() as connection:
        rows = connection.execute(
            sa.select(database.opt_outs.c.subject, database.opt_outs.c.subject_id)
        ).all()
    assert sorted(tuple(r) for r in rows) == [("digest", None), ("metric", "nps")]
    assert alerts.owner_defaults(ANA)[2] == {"csat", "pilot"}
    with database.reading() as connection:  # so an nps alert no longer reaches her
        heard = store.recipients_for(connection, {"metric_id": "nps", "owner_email": "ana@example.com"})
    assert [r.recipient for r in heard] == []
    alerts.set_owner_alerts(ANA, ["nps", "csat", "pilot", "digest"])
    assert alerts.owner_defaults(ANA)[2] == {"nps", "csat", "pilot", "digest"}
    assert isinstance(alerts.set_owner_alerts(VERA, ["nps"]), alerts.Refused)
