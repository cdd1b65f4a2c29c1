"""Who may change case rules, routes and root causes (auth.case_rules_refusal), and the page's workflow
(views/case_rules.py) on the hand-made warehouse of tests/tiny_warehouse.py with a real SQLite state
database: each change a typed result, a wrong field named, every change in the audit log."""

import pytest

import auth
import config
from data.state import audit, cases, database
from tests.tiny_warehouse import build_tiny_warehouse
from views import case_rules
from views.case_rules import Saved
from views.results import Invalid, Refused

ADMIN = auth.User("Adam Admin", auth.ADMIN, "adam")
VIEWER = auth.User("Vera Viewer", auth.VIEWER, "vera")
OWNER = auth.User("Ana Silva", auth.OWNER, "ana", "ana")
DISPLAY = auth.User("Lobby screen", auth.DISPLAY)
SIGNED_OUT = auth.User("not signed in", "anonymous")
NPS_0_6 = {
    "metric_id": "nps",
    "touchpoint_id": "all",
    "segment_id": "all",
    "score_min": "0",
    "score_max": "6",
}


@pytest.fixture
def state(tmp_path, monkeypatch):
    """A fresh state database and the tiny warehouse, as the app reads them."""
    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setattr(config, "WAREHOUSE", build_tiny_warehouse(tmp_path / "warehouse" / "cx.duckdb"))
    database.migrate()
    return config.STATE_URL


@pytest.mark.parametrize(
    ("user", "reason"),
    [
        (ADMIN, None),
        (
            VIEWER,
            "Not saved: you are signed in as a viewer, and only an admin changes case rules, routes and root causes.",
        ),
        (
            OWNER,
            "Not saved: you are signed in as an owner, and only an admin changes case rules, routes and root causes.",
        ),
        (DISPLAY, "Not saved: a wall display changes nothing."),
        (SIGNED_OUT, "Not saved: you are signed out. Sign in again as an admin to change case rules."),
    ],
    ids=["admin", "viewer", "owner", "display", "signed-out"],
)
def test_only_admins_change_case_rules(user, reason):
    assert auth.case_rules_refusal(user) == reason


@pytest.mark.parametrize(
    ("user", "reads"), [(ADMIN, True), (VIEWER, True), (OWNER, True), (DISPLAY, False), (SIGNED_OUT, False)]
)
def test_people_read_the_rules_and_a_display_never(user, reads):
    assert auth.may_read_case_rules(user) is reads


@pytest.mark.parametrize("user", [VIEWER, OWNER, DISPLAY, SIGNED_OUT])
def test_every_change_is_refused_to_whoever_is_not_an_admin(state, user):
    """A rule, a route, a cause, each refused with the role's reason; nothing stored, nothing logged."""
    rule_id = cases.add_rule(
        {"metric_id": "nps", "score_min": 0, "score_max": 6}, "setup", case_rules.catalogue()
    )
    cause_id = cases.add_cause("web", "Slow pages", actor="setup")
    before = len(audit.entries())
    attempts = [
        case_rules.save_rule(user, None, NPS_0_6),
        case_rules.save_rule(user, rule_id, {**NPS_0_6, "score_max": "4"}),
        case_rules.enable_rule(user, rule_id, False),
        case_rules.set_route(user, {**NPS_0_6, "assignee": "owner:ben"}),
        case_rules.add_cause(user, "web", "Checkout broke"),
        case_rules.enable_cause(user, cause_id, False),
        case_rules.move_cause(user, cause_id, 1),
    ]
    assert attempts == [Refused(auth.case_rules_refusal(user))] * len(attempts)
    (rule,) = cases.rules()
    assert (rule["score_max"], rule["enabled"]) == (6.0, True)
    assert cases.routes() == [] and [c["cause"] for c in cases.causes("web")] == ["Slow pages"]
    assert len(audit.entries()) == before


def test_an_admin_adds_and_changes_a_rule_and_the_audit_log_says_who(state):
    """Touchpoint and segment "all" are stored as none; the change by rule id keeps every field typed;
    disabling says it opens no new cases."""
    added = case_rules.save_rule(ADMIN, None, {**NPS_0_6, "contact_hours": "24", "comment_required": True})
    assert added == Saved("Rule #1 added.", 1)
    (rule,) = cases.rules()
    assert (rule["touchpoint_id"], rule["segment_id"], rule["score_min"], rule["score_max"]) == (
        None,
        None,
        0,
        6,
    )
    assert (rule["contact_hours"], rule["resolve_hours"], rule["comment_required"]) == (24, 168, True)
    assert case_rules.save_rule(ADMIN, 1, {**NPS_0_6, "touchpoint_id": "web", "score_max": "4"}) == Saved(
        "Rule #1 saved.", 1
    )
    assert case_rules.enable_rule(ADMIN, 1, False) == Saved("Rule #1 disabled: it opens no new cases.", 1)
    (rule,) = cases.rules()
    assert (rule["touchpoint_id"], rule["score_max"], rule["enabled"], rule["updated_by"]) == (
        "web",
        4,
        False,
        "adam",
    )
    assert [(e["actor"], e["action"], e["subject"], e["detail"]) for e in audit.entries()] == [
        ("adam", "case rule added", "1", "nps · all · all · 0–6 · comment required · 24 h / 168 h"),
        ("adam", "case rule changed", "1", "nps · web · all · 0–4 · any answer · 48 h / 168 h"),
        ("adam", "case rule disabled", "1", ""),
    ]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"score_max": "11"}, "score_max", "Highest score: 11 is outside the scale of nps (0–10)."),
        ({"score_min": "7"}, "score_min", "Lowest score: 7 is above the highest score, 6."),
        ({"score_min": "low"}, "score_min", "Lowest score: “low” is not a number."),
        (
            {"metric_id": "fcr"},
            "metric_id",
            "Metric: there is no survey metric “fcr” (ratios have no answers).",
        ),
        ({"segment_id": "mars"}, "segment_id", "Segment: there is no segment “mars”."),
    ],
    ids=["band-above-the-scale", "band-upside-down", "not-a-number", "a-ratio", "unknown-segment"],
)
def test_a_wrong_rule_names_its_field_and_stores_nothing(state, values, field, message):
    assert case_rules.save_rule(ADMIN, None, {**NPS_0_6, **values}) == Invalid(field, message)
    assert cases.rules() == [] and audit.entries() == []


def test_a_route_to_an_unknown_owner_is_refused_and_a_known_one_replaces_its_scope(state):
    """An owner not in the catalogue is named and nothing stored; Ben for NPS at Website, then Ana for
    the same scope: one route, Ana's; removed, it is gone (and removing it again says so)."""
    wrong = case_rules.set_route(ADMIN, {**NPS_0_6, "touchpoint_id": "web", "assignee": "owner:zed"})
    assert wrong == Invalid("assignee", "Assignee: there is no owner “zed”.")
    assert case_rules.set_route(ADMIN, {**NPS_0_6, "assignee": ""}) == Invalid(
        "assignee", "Assignee: choose who gets these cases."
    )
    assert cases.routes() == []
    assert case_rules.set_route(ADMIN, {**NPS_0_6, "touchpoint_id": "web", "assignee": "owner:ben"}) == Saved(
        "Route #1 saved.", 1
    )
    assert (
        case_rules.set_route(ADMIN, {**NPS_0_6, "touchpoint_id": "web", "assignee": "owner:ana"}).subject_id
        == 1
    )
    (route,) = cases.routes()
    assert (route["touchpoint_id"], route["segment_id"], route["assignee_id"]) == ("web", None, "ana")
    assert case_rules.remove_route(ADMIN, 1).message.startswith("Route #1 removed")
    assert case_rules.remove_route(ADMIN, 1) == Refused(
        "Nothing changed: there is no route #1 (removed already?)."
    )
    assert [e["action"] for e in audit.entries()] == [
        "case route set",
        "case route set",
        "case route removed",
    ]


def test_an_admin_adds_moves_and_disables_causes_in_their_order(state):
    """Three causes at Website in the order added; the third moved up twice is first, and once more
    stays there; disabled it keeps its place, marked off, and a case no longer offers it."""
    ids = [
        case_rules.add_cause(ADMIN, "web", cause).subject_id for cause in ("Slow pages", "Login", "Prices")
    ]
    assert case_rules.add_cause(ADMIN, "web", "  ") == Invalid(
        "root_cause", "Root cause: give the cause in at most 120 characters."
    )
    assert case_rules.add_cause(ADMIN, "moon", "Gravity") == Invalid(
        "touchpoint_id", "Touchpoint: choose the touchpoint."
    )
    assert case_rules.move_cause(ADMIN, ids[2], -1) == Saved("Root cause moved up.", ids[2])
    assert case_rules.move_cause(ADMIN, ids[2], -1) == Saved("Root cause moved up.", ids[2])
    assert case_rules.move_cause(ADMIN, ids[2], -1) == Saved("That cause is already at the top.", ids[2])
    assert case_rules.enable_cause(ADMIN, ids[2], False).subject_id == ids[2]
    listed = case_rules.causes("web")
    assert [(c["cause"], c["sort_order"], c["enabled"]) for c in listed] == [
        ("Prices", 1, False),
        ("Slow pages", 2, True),
        ("Login", 3, True),
    ]
    assert [c["cause"] for c in cases.causes("web")] == ["Slow pages", "Login"]  # what a case offers
    assert case_rules.move_cause(ADMIN, 999, 1) == Refused("Nothing changed: There is no root cause 999.")
    actions = [e["action"] for e in audit.entries()]
    assert actions == ["root cause added"] * 3 + ["root cause moved"] * 2 + ["root cause disabled"]
