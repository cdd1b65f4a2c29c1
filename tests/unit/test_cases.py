"""Follow-up cases (data/state/cases.py, data/warehouse/new_cases.sql) on the hand-made warehouse of
tests/tiny_warehouse.py published again with new answers, into a real SQLite (and PostgreSQL) state
database, with BEACON_TIMEZONE=Europe/Helsinki.

The rules, worked by hand below: NPS 0–6 for everyone (R1), NPS 0–4 at Website (R2, which overrides R1
there, band and all), CSAT 1–2 with a comment (R3), effort 6–7 (R4, the worst band of 1–7, lower is
better). The routes: NPS → Ben; NPS at Website → the account web.lead; NPS at Website for Small
business → Ana; NPS for Enterprise → the account ent.desk. CSAT and effort have none: their owners
(Ana, Ben) get them. Touchpoint outweighs segment (2 against 1), as for targets.
"""

from datetime import datetime, timedelta

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

import auth
import config
from components import alert_messages
from data.notify import sender
from data.state import accounts, alerts, cases, database
from data.warehouse.snapshot import write_snapshot
from tests.smtp_server import SmtpServer
from tests.tiny_warehouse import build_tiny_warehouse, copy_before
from views import cases as views_cases
from views import clock

FIRST, SECOND, THIRD = datetime(2026, 11, 20, 6), datetime(2026, 11, 21, 6), datetime(2026, 11, 21, 7)
AT = datetime(2026, 11, 20, 9)
BEFORE_CLOCK_CHANGE = datetime(2026, 10, 24, 10)  # Helsinki leaves summer time on 25 Oct at 04:00
# response_id, metric, touchpoint, segment, score, comment, respondent_ref, responded_at
NEW_ANSWERS = [
    ("a1", "nps", "web", "smb", 3, None, "CRM-000001", AT),  # R2 (Website), route web+smb → Ana
    ("a2", "nps", "web", "ent", 5, None, "CRM-000002", AT),  # R2 decides at Website: 5 > 4, no case
    ("a3", "nps", "web", "ent", 1, None, None, AT),  # R2, route Website (2) beats Enterprise (1) → web.lead
    ("a4", "nps", "shop", "ent", 6, None, "CRM-000004", AT),  # R1, route Enterprise → ent.desk
    ("a5", "nps", "shop", "smb", 0, "Never again", "CRM-000005", AT),  # R1, route NPS → Ben
    ("a6", "nps", "shop", "smb", 8, None, None, AT),  # a passive: no case
    ("a7", "csat", "shop", "smb", 2, "Rude at the till", "CRM-000007", AT),  # R3 → Ana (CSAT's owner)
    ("a8", "csat", "shop", "smb", 1, None, "CRM-000008", AT),  # R3 needs a comment: no case
    ("a9", "effort", "shop", "ent", 7, None, "CRM-000009", AT),  # R4 → Ben (effort's owner)
    ("a10", "effort", "shop", "ent", 5, None, None, AT),  # outside 6–7: no case
    ("a11", "nps", "shop", "smb", 2, None, "CRM-000011", BEFORE_CLOCK_CHANGE),  # R1 → Ben
]
#: The cases the second publish opens: response → (rule name, assignee).
EXPECTED = {
    "a1": ("R2", ("owner", "ana")),
    "a3": ("R2", ("account", "web.lead")),
    "a4": ("R1", ("account", "ent.desk")),
    "a5": ("R1", ("owner", "ben")),
    "a7": ("R3", ("owner", "ana")),
    "a9": ("R4", ("owner", "ben")),
    "a11": ("R1", ("owner", "ben")),
}


def publish(path, answers, drop=()) -> None:
    """A new snapshot of `path`: what it holds (but the answers whose id is in `drop`) plus `answers`;
    the one it replaces is kept as the previous."""

    def fill(con):
        copy_before(con, path)
        if drop:
            con.execute(
                "DELETE FROM responses WHERE response_id IN (SELECT unnest($ids))", {"ids": list(drop)}
            )
        columns = ["response_id", "metric_id", "touchpoint_id", "segment_id", "score", "comment"]
        columns += ["respondent_ref", "responded_at"]
        if answers:
            frame = pd.DataFrame(answers, columns=columns).astype({"score": float})
            con.append("responses", frame, by_name=True)

    write_snapshot(path, fill)


@pytest.fixture
def clock_at(monkeypatch):
    """The stores' clock, set by the test."""
    now = {"at": FIRST}
    for module in (alerts, cases, sender):
        monkeypatch.setattr(module, "current_time", lambda: now["at"])
    return now


@pytest.fixture
def state_url(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setattr(config, "TIMEZONE", "Europe/Helsinki")
    database.migrate()
    return config.STATE_URL


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    path = build_tiny_warehouse(tmp_path / "warehouse" / "cx.duckdb")
    monkeypatch.setattr(config, "WAREHOUSE", path)
    return path


def setup_rules(path) -> dict[str, int]:
    """The rules and routes of the module's docstring; their ids by name."""
    catalogue = cases.catalogue_of(path)
    accounts.add("web.lead", "Wendy Lead", "viewer", "a long password 1")
    accounts.add("ent.desk", "Enterprise Desk", "viewer", "a long password 2")
    alerts.subscribe("web.lead", "wendy@example.com", "touchpoint", "web", "instant")
    made = {
        "R1": cases.add_rule({"metric_id": "nps", "score_min": 0, "score_max": 6}, "admin", catalogue),
        "R2": cases.add_rule(
            {"metric_id": "nps", "touchpoint_id": "web", "score_min": 0, "score_max": 4}, "admin", catalogue
        ),
        "R3": cases.add_rule(
            {"metric_id": "csat", "score_min": 1, "score_max": 2, "comment_required": True},
            "admin",
            catalogue,
        ),
        "R4": cases.add_rule(
            {"metric_id": "effort", "score_min": 6, "score_max": 7, "contact_hours": 24}, "admin", catalogue
        ),
    }
    for scope, kind, assignee in (
        ({}, "owner", "ben"),
        ({"touchpoint_id": "web"}, "account", "web.lead"),
        ({"touchpoint_id": "web", "segment_id": "smb"}, "owner", "ana"),
        ({"segment_id": "ent"}, "account", "ent.desk"),
    ):
        cases.set_route(
            {"metric_id": "nps", **scope, "assignee_kind": kind, "assignee_id": assignee}, "admin", catalogue
        )
    return made


@pytest.fixture
def published(tiny, state_url, clock_at):
    """The tiny warehouse recorded once before any rule existed (no cases), the rules made, then the
    second publish with NEW_ANSWERS recorded at SECOND."""
    assert alerts.record_publication(tiny) == 0
    rules = setup_rules(tiny)
    clock_at["at"] = SECOND
    publish(tiny, NEW_ANSWERS)
    # Its status events (the new detractors move NPS at Website…) and one case_new per assignee.
    found = alerts.record_publication(tiny)
    assert found == len(alerts.events()) and len(new_case_events()) == 4
    return rules


def all_cases() -> dict[str, dict]:
    with database.reading() as connection:
        return {row.response_id: dict(row._mapping) for row in connection.execute(sa.select(database.cases))}


def new_case_events() -> dict[str, dict]:
    return {e["dedupe_key"]: e for e in alerts.events() if e["kind"] == "case_new"}


def snapshot_id(path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT snapshot_id FROM snapshot_id").fetchone()[0]


def test_a_publish_opens_the_cases_of_new_detractors_by_the_most_specific_rule_and_route(tiny, published):
    opened = all_cases()
    names = {rule_id: name for name, rule_id in published.items()}
    assert {
        rid: (names[c["rule_id"]], (c["assignee_kind"], c["assignee_id"])) for rid, c in opened.items()
    } == (EXPECTED)
    a1, a11 = opened["a1"], opened["a11"]
    assert (a1["metric_id"], a1["touchpoint_id"], a1["segment_id"], a1["score"]) == ("nps", "web", "smb", 3.0)
    assert (a1["respondent_ref"], a1["status"], a1["version"], a1["snapshot_id"]) == (
        "CRM-000001",
        "new",
        1,
        snapshot_id(tiny),
    )
    assert opened["a3"]["respondent_ref"] is None
    # 48 h and 168 h from 09:00 on 20 Nov (no clock change); effort's rule allows 24 h to first contact.
    assert (a1["contact_due_at"], a1["resolve_due_at"]) == (
        datetime(2026, 11, 22, 9),
        datetime(2026, 11, 27, 9),
    )
    assert opened["a9"]["contact_due_at"] == datetime(2026, 11, 21, 9)
    # Hours elapsed in Helsinki: 48 h from 10:00 on 24 Oct cross the clock change, so 09:00 on 26 Oct.
    assert (a11["contact_due_at"], a11["resolve_due_at"]) == (
        datetime(2026, 10, 26, 9),
        datetime(2026, 10, 31, 9),
    )
    history = cases.history(a1["case_id"])
    assert [(h["version"], h["action"], h["changed_by"], h["changes"]) for h in history] == [
        (1, "opened", "publish", {"status": [None, "new"], "assignee": [None, "owner:ana"]})
    ]


def test_each_assignee_hears_once_per_publish_with_the_count(tiny, published):
    sid = snapshot_id(tiny)
    found = new_case_events()
    assert set(found) == {
        f"case_new:owner:ana:{sid}",
        f"case_new:owner:ben:{sid}",
        f"case_new:account:web.lead:{sid}",
        f"case_new:account:ent.desk:{sid}",
    }
    ben = found[f"case_new:owner:ben:{sid}"]["facts"]
    assert (ben["count"], ben["overdue_count"], ben["assignee_email"], ben["link"]) == (
        3,
        1,  # a11's first contact was due on 26 Oct
        "ben@example.com",
        "/cases?assignee=ben",
    )
    assert ben["by_metric"] == [
        {"metric_id": "nps", "metric_name": "Net promoter score", "count": 2},
        {"metric_id": "effort", "metric_name": "Customer effort", "count": 1},
    ]
    assert alert_messages.sentence("case_new", ben) == (
        "3 new follow-up cases for Ben Okafor: 2 on Net promoter score, 1 on Customer effort; "
        "1 already past their time for a first contact."
    )
    with database.reading() as connection:
        rows = connection.execute(
            sa.select(
                database.alert_events.c.dedupe_key, database.outbox.c.recipient, database.outbox.c.reason
            )
            .join(database.alert_events)
            .where(database.alert_events.c.kind == "case_new")
            .order_by(database.outbox.c.recipient)
        ).all()
    # ent.desk has no address Beacon knows (no owner, no subscription): its event is kept, mailed to nobody.
    assert [(key.rsplit(":", 1)[0], to, why) for key, to, why in rows] == [
        ("case_new:owner:ana", "ana@example.com", "assignee"),
        ("case_new:owner:ben", "ben@example.com", "assignee"),
        ("case_new:account:web.lead", "wendy@example.com", "assignee"),
    ]


def test_publishing_again_or_re_ingesting_the_same_answers_opens_nothing(tiny, published, clock_at):
    before = {rid: c["case_id"] for rid, c in all_cases().items()}
    # Recording the same pair again (a second publish step, a notify pass) opens nothing.
    with database.writing() as connection:
        again = cases.record_cases(connection, tiny, None, "another-id")
    assert (again.count, again.first) == (0, True)
    # A publish without a1, then one with a1 again: a1 is new against its previous snapshot, but it
    # has its case already.
    clock_at["at"] = THIRD
    publish(tiny, [], drop=["a1"])
    assert alerts.record_publication(tiny) == 0
    publish(tiny, [NEW_ANSWERS[0]])
    assert alerts.record_publication(tiny) == 0
    assert {rid: c["case_id"] for rid, c in all_cases().items()} == before
    assert len(new_case_events()) == 4


def test_a_first_publication_opens_only_answers_within_their_resolution_time(tiny, state_url, clock_at):
    """Rules made before anything was published: the latest answer is CSAT's at 16:00 on 5 Nov, so
    NPS's 2 at 12:00 on 2 Nov and CSAT's 1 at 10:00 on 5 Nov are within 168 h; the October and August
    detractors are not."""
    catalogue = cases.catalogue_of(tiny)
    cases.add_rule({"metric_id": "nps", "score_min": 0, "score_max": 6}, "admin", catalogue)
    cases.add_rule({"metric_id": "csat", "score_min": 1, "score_max": 2}, "admin", catalogue)
    cases.add_rule({"metric_id": "effort", "score_min": 6, "score_max": 7}, "admin", catalogue)
    assert alerts.record_publication(tiny) == 1  # one case_new: Ana owns NPS and CSAT
    opened = all_cases()
    assert sorted(opened) == ["csat-1105-shop-ent-9", "nps-1102-shop-ent-3"]
    assert opened["nps-1102-shop-ent-3"]["contact_due_at"] == datetime(2026, 11, 4, 12)
    (event,) = new_case_events().values()
    assert (event["facts"]["assignee_id"], event["facts"]["count"]) == ("ana", 2)


def test_a_stale_version_is_refused_with_the_other_change_shown(published):
    case = all_cases()["a5"]
    version = cases.act(case["case_id"], 1, "Ben Okafor", "contact", note="Called, left a message")
    assert version == 2
    with pytest.raises(cases.ConflictError) as refused:
        cases.act(case["case_id"], 1, "Ana Silva", "resolve", outcome="fixed")
    (theirs,) = refused.value.changes
    assert (theirs["version"], theirs["changed_by"], theirs["action"], theirs["note"]) == (
        2,
        "Ben Okafor",
        "contact",
        "Called, left a message",
    )
    assert theirs["changes"] == {
        "status": ["new", "contacted"],
        "contacted_at": [None, "2026-11-21 06:00:00"],
    }
    assert refused.value.current["status"] == "contacted"
    assert cases.get(case["case_id"])["status"] == "contacted"  # nothing overwritten


def test_the_life_of_a_case_in_its_history(published, clock_at):
    case_id = all_cases()["a7"]["case_id"]
    cases.add_cause("shop", "Queue too long")
    cases.add_cause("shop", "Staff attitude")
    with pytest.raises(cases.FieldError) as wrong:
        cases.act(case_id, 1, "Ana Silva", "resolve")
    assert (wrong.value.field, str(wrong.value)) == (
        "outcome",
        "Outcome: choose one of: Fixed, Explained, Could not reach, Not actionable.",
    )
    v = cases.act(case_id, 1, "Ana Silva", "contact")
    v = cases.act(
        case_id, v, "Ana Silva", "set_cause", root_cause="Staff attitude", cause_note="Till 3, Saturday"
    )
    with pytest.raises(cases.FieldError, match="not a cause listed"):
        cases.act(case_id, v, "Ana Silva", "set_cause", root_cause="Weather")
    clock_at["at"] = datetime(2026, 11, 23, 10)
    v = cases.act(case_id, v, "Ana Silva", "resolve", outcome="explained", at=datetime(2026, 11, 23, 10))
    v = cases.act(
        case_id, v, "Ben Okafor", "reopen", note="Customer wrote again", at=datetime(2026, 11, 24, 8)
    )
    v = cases.act(case_id, v, "Ben Okafor", "reassign", assignee_kind="account", assignee_id="web.lead")
    v = cases.act(case_id, v, "Wendy Lead", "note", note="Booked a call for Friday")
    case = cases.get(case_id)
    assert (case["status"], case["version"], case["outcome"], case["root_cause"]) == (
        "reopened",
        7,
        None,
        "Staff attitude",
    )
    # Reopened on 24 Nov at 08:00: the rule's 48 h and 168 h start again.
    assert (case["contact_due_at"], case["resolve_due_at"]) == (
        datetime(2026, 11, 26, 8),
        datetime(2026, 12, 1, 8),
    )
    steps = [
        (h["version"], h["changed_by"], h["action"], sorted(h["changes"]), h["note"])
        for h in cases.history(case_id)
    ]
    assert steps == [
        (1, "publish", "opened", ["assignee", "status"], ""),
        (2, "Ana Silva", "contact", ["contacted_at", "status"], ""),
        (3, "Ana Silva", "set_cause", ["cause_note", "root_cause"], ""),
        (4, "Ana Silva", "resolve", ["outcome", "resolved_at", "status"], ""),
        (
            5,
            "Ben Okafor",
            "reopen",
            ["contact_due_at", "outcome", "resolve_due_at", "resolved_at", "status"],
            "Customer wrote again",
        ),
        (6, "Ben Okafor", "reassign", ["assignee"], ""),
        (7, "Wendy Lead", "note", [], "Booked a call for Friday"),
    ]
    assert cases.history(case_id)[5]["changes"]["assignee"] == ["owner:ana", "account:web.lead"]


def test_rules_and_routes_refuse_bad_values_naming_the_field(tiny, state_url):
    catalogue = cases.catalogue_of(tiny)
    for values, field, message in (
        (
            {"metric_id": "nps", "score_min": 0, "score_max": 11},
            "score_max",
            "11 is outside the scale of nps (0–10).",
        ),
        (
            {"metric_id": "csat", "score_min": 0, "score_max": 2},
            "score_min",
            "0 is outside the scale of csat (1–5).",
        ),
        (
            {"metric_id": "nps", "score_min": 6, "score_max": 2},
            "score_min",
            "6 is above the highest score, 2.",
        ),
        (
            {"metric_id": "fcr", "score_min": 0, "score_max": 1},
            "metric_id",
            "there is no survey metric “fcr” (ratios have no answers).",
        ),
        (
            {"metric_id": "nope", "score_min": 0, "score_max": 1},
            "metric_id",
            "there is no survey metric “nope” (ratios have no answers).",
        ),
        (
            {"metric_id": "nps", "touchpoint_id": "moon", "score_min": 0, "score_max": 6},
            "touchpoint_id",
            "there is no touchpoint “moon”.",
        ),
        (
            {"metric_id": "nps", "score_min": 0, "score_max": 6, "contact_hours": "2.5"},
            "contact_hours",
            "a whole number of hours from 1 to 8784 (a year).",
        ),
    ):
        with pytest.raises(cases.FieldError) as wrong:
            cases.add_rule(values, "admin", catalogue)
        assert (wrong.value.field, str(wrong.value)) == (field, f"{cases.FIELD_LABELS[field]}: {message}")
    with pytest.raises(cases.FieldError, match="there is no account “ghost”"):
        cases.set_route(
            {"metric_id": "nps", "assignee_kind": "account", "assignee_id": "ghost"}, "admin", catalogue
        )
    assert cases.rules() == [] and cases.routes() == []


def test_overdue_cases_escalate_once_to_the_metrics_owner(tiny, published, clock_at, monkeypatch):
    """At 10:00 on 22 Nov: every case of the second publish waits for a first contact past its due time
    but a5 (contacted) and a9 (resolved); a11's resolution was due on 31 Oct."""
    ids = {rid: c["case_id"] for rid, c in all_cases().items()}
    cases.act(ids["a5"], 1, "Ben Okafor", "contact")
    cases.act(ids["a9"], 1, "Ben Okafor", "resolve", outcome="could_not_reach")
    now = datetime(2026, 11, 22, 10)
    clock_at["at"] = now
    assert clock.find(now) == 6
    assert clock.find(now) == 0  # once
    with database.reading() as connection:
        rows = connection.execute(
            sa.select(
                database.alert_events.c.dedupe_key, database.outbox.c.recipient, database.outbox.c.reason
            )
            .join(database.alert_events)
            .where(database.alert_events.c.kind.like("case_%_overdue"))
            .order_by(database.alert_events.c.event_id, database.outbox.c.recipient)
        ).all()
    # NPS and CSAT are Ana's; Wendy subscribed to Website (a1, a3). Oldest due first.
    assert [tuple(row) for row in rows] == [
        (f"case_contact_overdue:{ids['a11']}", "ana@example.com", "owner"),
        (f"case_contact_overdue:{ids['a1']}", "ana@example.com", "owner"),
        (f"case_contact_overdue:{ids['a1']}", "wendy@example.com", "subscription"),
        (f"case_contact_overdue:{ids['a3']}", "ana@example.com", "owner"),
        (f"case_contact_overdue:{ids['a3']}", "wendy@example.com", "subscription"),
        (f"case_contact_overdue:{ids['a4']}", "ana@example.com", "owner"),
        (f"case_contact_overdue:{ids['a7']}", "ana@example.com", "owner"),
        (f"case_resolve_overdue:{ids['a11']}:2026-10-31T09:00:00", "ana@example.com", "owner"),
    ]
    escalated = next(e for e in alerts.events() if e["dedupe_key"] == f"case_contact_overdue:{ids['a4']}")
    assert alert_messages.sentence("case_contact_overdue", escalated["facts"]) == (
        f"Follow-up case {ids['a4']} on Net promoter score for Shop and Enterprise (score 6) was due a first "
        "contact by 2026-11-22 09:00 and has had none; assigned to ent.desk."
    )
    assert "comment" not in escalated["facts"] and "respondent_ref" not in escalated["facts"]

    server = SmtpServer().start()
    try:
        monkeypatch.setattr(config, "SMTP_URL", server.url)
        monkeypatch.setattr(config, "ALERT_DAILY_CAP", 100)
        tally = sender.deliver_due(wording=alert_messages)
        received = server.wait_for(tally.sent)
    finally:
        server.stop()
    # Three case_new messages (Ana, Ben, Wendy; ent.desk has no address) and eight escalations; the
    # second publish's status moves stay inside their intervals, so they make no alerts of their own.
    assert (tally.sent, tally.failed, len(received)) == (11, 0, 11)
    about_cases = sorted(to[0] for to, m in received if "follow-up case" in m["Subject"].lower())
    assert about_cases == ["ana@example.com"] * 7 + ["ben@example.com"] + ["wendy@example.com"] * 3
    resolve = [m["Subject"] for to, m in received if to == ["ana@example.com"] and "resolved" in m["Subject"]]
    assert resolve == [
        f"Follow-up case {ids['a11']} on Net promoter score for Shop and Small business (score 2) was due to be "
        "resolved by 2026-10-31 09:00 and is not; assigned to Ben Okafor."
    ]


def test_ingest_refuses_an_e_mail_as_respondent_ref_and_publishes_nothing(tmp_path, tiny, state_url, capsys):
    from data.warehouse.ingest import main

    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "responses.csv"
    path.write_text(
        "response_id,metric_id,responded_at,touchpoint_id,segment_id,score,comment,respondent_ref\n"
        "x1,nps,2026-11-20 09:00:00,web,smb,2,,ana@example.org\n",
        encoding="utf-8",
    )
    before = tiny.read_bytes()
    assert main([str(path), "--warehouse", str(tiny)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f'{path}, row 2, column respondent_ref: "ana@example.org" looks like an e-mail address: '
        "respondent_ref holds an opaque id from your own system (such as a CRM contact id), never contact details"
    )
    assert tiny.read_bytes() == before


def test_cases_open_once_on_postgresql(postgres_cluster, tiny, clock_at, monkeypatch):
    monkeypatch.setattr(config, "STATE_URL", postgres_cluster())
    monkeypatch.setattr(config, "TIMEZONE", "Europe/Helsinki")
    database.migrate()
    assert alerts.record_publication(tiny) == 0
    rules = setup_rules(tiny)
    clock_at["at"] = SECOND
    publish(tiny, NEW_ANSWERS)
    assert alerts.record_publication(tiny) == len(alerts.events())
    names = {rule_id: name for name, rule_id in rules.items()}
    opened = all_cases()
    assert {
        rid: (names[c["rule_id"]], (c["assignee_kind"], c["assignee_id"])) for rid, c in opened.items()
    } == (EXPECTED)
    with database.writing() as connection:
        assert cases.record_cases(connection, tiny, None, "again").count == 0
    assert opened["a11"]["contact_due_at"] == datetime(2026, 10, 26, 9)


def test_the_demo_has_cases_in_every_state_some_overdue_and_billing_causes_on_its_story(
    demo_warehouse, tmp_path
):
    """The demo's seed (data/demo/cases.py) over the session's demo warehouse (to 2026-11-23), worked up
    to noon the day after its last answers: every status and outcome, cases overdue both ways, and at
    billing the tariffs' causes first."""
    from data.demo.cases import seed_cases

    url = f"sqlite:///{tmp_path / 'demo-state.db'}"
    now = datetime(2026, 11, 24, 12)
    opened = seed_cases(url, demo_warehouse, now)
    assert opened == sum(cases.counts(url).values()) > 0
    assert set(cases.counts(url)) == set(cases.STATUSES)
    late = {case["late"] for case in cases.overdue(now, url)}
    assert late == {"contact", "resolve"}
    with database.reading(url) as connection:
        outcomes = set(connection.execute(sa.select(database.cases.c.outcome).distinct()).scalars()) - {None}
        billing = connection.execute(
            sa.select(database.cases.c.root_cause, sa.func.count())
            .where(database.cases.c.touchpoint_id == "billing", database.cases.c.root_cause.is_not(None))
            .group_by(database.cases.c.root_cause)
            .order_by(sa.func.count().desc(), database.cases.c.root_cause)
        ).all()
        enps = connection.execute(
            sa.select(sa.func.count()).select_from(database.cases).where(database.cases.c.metric_id == "enps")
        ).scalar()
    assert outcomes == set(cases.OUTCOMES)
    assert billing[0][0] == "New prices not explained", billing
    assert enps == 0  # staff are not customers
    assert seed_cases(url, demo_warehouse, now) == 0  # once


def test_the_demo_cases_have_timelines_that_could_have_happened(demo_warehouse, tmp_path):
    """Seeded at 15:00 on the warehouse's last day (2026-11-23, whose later answers are not given yet
    at that time): no case of an answer after the clock; each case opened by the publish minutes after
    its answer (5 to 45, or at the clock for an answer of the last five), its row created then; every later step after the one before it and after the
    opening; contacted no later than resolved; and nothing, history or case, later than the clock."""
    from data.demo.cases import seed_cases

    url = f"sqlite:///{tmp_path / 'demo-state.db'}"
    now = datetime(2026, 11, 23, 15)
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        (later,) = con.execute(
            "SELECT count(*) FROM responses WHERE responded_at > $now", {"now": now}
        ).fetchone()
    assert later > 0  # the warehouse has answers after the clock: the case this test is about
    assert seed_cases(url, demo_warehouse, now) > 0
    with database.reading(url) as connection:
        found = [dict(row._mapping) for row in connection.execute(sa.select(database.cases))]
        history = connection.execute(
            sa.select(database.case_history).order_by(
                database.case_history.c.case_id, database.case_history.c.version
            )
        ).all()
    timelines = {}
    for entry in history:
        timelines.setdefault(entry.case_id, []).append(entry)
    assert set(timelines) == {case["case_id"] for case in found}
    worked = 0
    for case in found:
        timeline = timelines[case["case_id"]]
        opened = timeline[0]
        assert (opened.version, opened.action) == (1, "opened"), case["case_id"]
        assert [entry.action for entry in timeline].count("opened") == 1
        assert opened.changed_at == case["created_at"], case["case_id"]
        waited = opened.changed_at - case["responded_at"]
        # An answer of the last minutes before the clock: its publish is now.
        soonest = min(timedelta(minutes=5), now - case["responded_at"])
        assert soonest <= waited <= timedelta(minutes=45), (case["case_id"], waited)
        times = [entry.changed_at for entry in timeline]
        assert times == sorted(times), (case["case_id"], times)
        assert all(entry.changed_at > opened.changed_at for entry in timeline[1:]), case["case_id"]
        assert max(times) <= now and case["updated_at"] == max(times), case["case_id"]
        for moment in ("contacted_at", "resolved_at"):
            assert case[moment] is None or opened.changed_at < case[moment] <= now, (case["case_id"], moment)
        if case["contacted_at"] and case["resolved_at"]:
            assert case["contacted_at"] <= case["resolved_at"], case["case_id"]
            worked += 1
    assert worked > 0 and {case["status"] for case in found} == set(cases.STATUSES)


def test_an_assignees_unsubscribe_link_stops_their_new_case_messages_only(
    tiny, published, clock_at, monkeypatch
):
    """Ben's case_new message carries a link that opts him out of new-case messages (subject "cases"),
    not out of his metric's alerts; the next publish's new case for him is recorded but not mailed."""
    from unsubscribe import what_it_stops

    server = SmtpServer().start()
    try:
        monkeypatch.setattr(config, "SMTP_URL", server.url)
        tally = sender.deliver_due(wording=alert_messages)
        received = server.wait_for(tally.sent)
    finally:
        server.stop()
    (ben,) = [m for to, m in received if to == ["ben@example.com"] and "new follow-up cases" in m["Subject"]]
    token = ben["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
    link = alerts.use_unsubscribe_link(token)
    assert (link["subject"], link["subject_id"], link["subscription_id"]) == ("cases", None, None)
    assert what_it_stops(link) == "the messages about new follow-up cases assigned to ben@example.com"
    assert [(o["subject"], o["subject_id"]) for o in alerts.opt_outs_of("ben@example.com")] == [
        ("cases", None)
    ]

    clock_at["at"] = THIRD
    publish(tiny, [("b1", "effort", "shop", "smb", 7, None, None, AT)])
    alerts.record_publication(tiny)
    sid = snapshot_id(tiny)
    event = new_case_events()[f"case_new:owner:ben:{sid}"]
    assert (event["facts"]["count"], event["deliveries"]) == (1, [])


# --- reassigning through the case page's workflow (views.cases.act) ----------------------------------

BEN = auth.User("Ben Okafor", auth.OWNER, "ben", "ben")


def test_an_assignee_reassigns_a_case_to_an_owner_who_hears_of_it(tiny, published, clock_at):
    """Ben (a5's assignee, not NPS's owner) hands a5 to Ana with a note through views.cases.act: a new
    version whose assignee is owner:ana, a history row naming both, and one case_new event addressed
    to Ana (the catalogue's ana@example.com) saying so, queued to her as a publish's would be."""
    case = all_cases()["a5"]
    result = views_cases.act(
        BEN, case["case_id"], 1, "reassign", {"assignee": "owner:ana", "note": "Her region"}
    )
    assert result == views_cases.Saved(2)
    after = cases.get(case["case_id"])
    assert (after["assignee_kind"], after["assignee_id"], after["version"]) == ("owner", "ana", 2)
    (entry,) = [h for h in cases.history(case["case_id"]) if h["version"] == 2]
    assert (entry["action"], entry["changed_by"], entry["changes"], entry["note"]) == (
        "reassign",
        "Ben Okafor (ben)",
        {"assignee": ["owner:ben", "owner:ana"]},
        "Her region",
    )
    key = f"case_new:owner:ana:case:{case['case_id']}:2"
    facts = new_case_events()[key]["facts"]
    assert (facts["assignee_email"], facts["count"], facts["link"]) == (
        "ana@example.com",
        1,
        f"/case/{case['case_id']}",
    )
    assert alert_messages.sentence("case_new", facts) == (
        f"Follow-up case {case['case_id']} on Net promoter score was reassigned to Ana Silva by Ben Okafor (ben)."
    )
    with database.reading() as connection:
        queued = connection.execute(
            sa.select(database.outbox.c.recipient, database.outbox.c.reason)
            .join(database.alert_events)
            .where(database.alert_events.c.dedupe_key == key)
        ).all()
    assert queued == [("ana@example.com", "assignee")]


def test_reassigning_to_an_unknown_owner_is_refused_naming_the_field(tiny, published, clock_at):
    """An owner the catalogue lacks: Invalid on "assignee" saying which, nothing saved, nobody told."""
    case = all_cases()["a5"]
    before = set(new_case_events())
    result = views_cases.act(BEN, case["case_id"], 1, "reassign", {"assignee": "owner:zoe", "note": ""})
    assert result == views_cases.Invalid("assignee", "Assignee: there is no owner “zoe”.")
    assert cases.get(case["case_id"])["version"] == 1 and set(new_case_events()) == before


def test_whoever_may_not_see_cases_acts_on_none_not_even_their_own(tiny, published, clock_at, monkeypatch):
    """web.lead, a viewer account assigned a3, acts on it while viewers read comments; with
    BEACON_VIEWER_COMMENTS=hidden the same note is refused (they may not see cases at all)."""
    wendy = auth.User("Wendy Lead", auth.VIEWER, "web.lead")
    case_id = all_cases()["a3"]["case_id"]
    monkeypatch.setattr(config, "VIEWER_COMMENTS", "hidden")
    refused = views_cases.act(wendy, case_id, 1, "note", {"note": "Called"})
    assert refused == views_cases.Refused(views_cases.UNSEEN)
    assert cases.get(case_id)["version"] == 1
    monkeypatch.setattr(config, "VIEWER_COMMENTS", "shown")
    assert views_cases.act(wendy, case_id, 1, "note", {"note": "Called"}) == views_cases.Saved(2)
