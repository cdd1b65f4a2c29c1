"""Who may see and act on a follow-up case (auth.may_see_cases, auth.case_refusal), and the queue's
filters, lateness and order (views/cases.py), on hand-made cases."""

from datetime import datetime

import pandas as pd
import pytest

import auth
from views import cases

CASE = {"assignee_kind": "account", "assignee_id": "desk.lead", "metric_id": "nps"}
NAMES = {
    "metric": {"nps": "Net promoter score", "csat": "Satisfaction"},
    "touchpoint": {"web": "Website", "shop": "Shop"},
    "segment": {"smb": "Small business", "ent": "Enterprise"},
    "owner": {"ana": "Ana Silva", "ben": "Ben Okafor"},
}
NOW = datetime(2026, 11, 22, 10)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (auth.User("Ada", auth.ADMIN, "ada"), True),
        (auth.User("Ana", auth.OWNER, "ana", "ana"), True),  # owns the metric
        (auth.User("Ben", auth.OWNER, "ben", "ben"), False),  # owns another metric
        (auth.User("Desk", auth.VIEWER, "desk.lead"), True),  # the assignee's account
        (auth.User("Vera", auth.VIEWER, "vera"), False),
        (auth.User("Lobby", auth.DISPLAY), False),
    ],
)
def test_the_assignee_the_metrics_owner_and_admins_act(user, allowed):
    refusal = auth.case_refusal(user, CASE, metric_owner_id="ana")
    assert (refusal is None) == allowed
    if not allowed:
        assert (
            refusal == "Not saved: only the case's assignee, its metric's owner or an admin acts on a case."
        )


def test_an_owner_assigned_a_case_acts_on_it():
    ben = auth.User("Ben", auth.OWNER, "ben", "ben")
    assert auth.case_refusal(ben, {**CASE, "assignee_kind": "owner", "assignee_id": "ben"}, "ana") is None


@pytest.mark.parametrize(
    ("role", "viewers_read_comments", "sees"),
    [
        (auth.ADMIN, False, True),
        (auth.OWNER, False, True),
        (auth.VIEWER, True, True),
        (auth.VIEWER, False, False),
        (auth.DISPLAY, True, False),
    ],
)
def test_cases_are_seen_where_comments_may_be(role, viewers_read_comments, sees):
    assert auth.may_see_cases(auth.User("Someone", role), viewers_read_comments) is sees


def _case(case_id, status, contact_due, resolve_due, **more):
    return {
        "case_id": case_id,
        "status": status,
        "metric_id": "nps",
        "touchpoint_id": "web",
        "segment_id": "smb",
        "assignee_kind": "owner",
        "assignee_id": "ana",
        "score": 3.0,
        "responded_at": datetime(2026, 11, 19, 9),
        "contact_due_at": contact_due,
        "resolve_due_at": resolve_due,
        **more,
    }


def test_the_queue_knows_what_is_late_and_puts_the_soonest_due_first(monkeypatch):
    rows = [
        _case(1, "new", datetime(2026, 11, 21, 9), datetime(2026, 11, 26, 9)),  # contact 25 h late
        _case(2, "contacted", datetime(2026, 11, 21, 9), datetime(2026, 11, 22, 9)),  # resolution late
        _case(3, "new", datetime(2026, 11, 23, 9), datetime(2026, 11, 28, 9), metric_id="csat"),  # in time
        _case(4, "resolved", datetime(2026, 11, 20, 9), datetime(2026, 11, 21, 9)),  # done: never late
        _case(
            5,
            "reopened",
            datetime(2026, 11, 22, 11),
            datetime(2026, 11, 29, 9),
            assignee_kind="account",
            assignee_id="desk.lead",
        ),
    ]
    monkeypatch.setattr(cases.cases, "register", lambda: rows)
    frame = cases.register(NOW, NAMES)
    late = dict(zip(frame["case_id"], frame["late"], strict=True))
    assert late == {1: "contact", 2: "resolution", 3: "", 4: "", 5: ""}
    assert cases.open_and_overdue(frame) == (4, 2)
    # Due next: 1 (contact, 21st), 2 (resolution, 22nd 09:00), 5 (contact, 22nd 11:00), 3, then 4 (none).
    assert list(cases.filtered(frame, {}, NAMES)["case_id"]) == [1, 2, 5, 3, 4]
    assert list(cases.filtered(frame, {"status": "open", "overdue": "1"}, NAMES)["case_id"]) == [1, 2]
    assert list(cases.filtered(frame, {"assignee": "account:desk.lead"}, NAMES)["case_id"]) == [5]
    assert list(cases.filtered(frame, {"metric": "csat"}, NAMES)["case_id"]) == [3]
    # Reversed, the tie-break reverses too: resolved, contacted, reopened, then the new ones latest due first.
    assert list(cases.filtered(frame, {"sort": "-status"}, NAMES)["case_id"]) == [4, 2, 5, 3, 1]
    with pytest.raises(ValueError, match="There is no metric “mood” to filter by"):
        cases.filtered(frame, {"metric": "mood"}, NAMES)
    with pytest.raises(
        ValueError, match="The queue sorts by due, responded, score, status, metric, assignee"
    ):
        cases.filtered(frame, {"sort": "colour"}, NAMES)
    assert (
        isinstance(frame, pd.DataFrame)
        and frame.loc[frame["case_id"] == 5, "assignee_name"].item() == "desk.lead"
    )
