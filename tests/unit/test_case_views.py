"""Who may see and act on a follow-up case (auth.may_see_cases, auth.case_refusal), and the queue's
filters, lateness and order (views/cases.py), on hand-made cases."""

from datetime import datetime

import pytest

import auth
import config
from data.state import cases as store
from data.state import database
from tests.loop_cases import store_cases
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


@pytest.fixture
def five_cases(tmp_path, monkeypatch):
    """Five hand-made cases in a real state database, one late for contact, one for resolution."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    monkeypatch.setattr(config, "STATE_URL", url)
    database.migrate(url)
    store_cases(
        url,
        [
            _case(1, "new", datetime(2026, 11, 21, 9), datetime(2026, 11, 26, 9), score=2.0),  # contact late
            _case(2, "contacted", datetime(2026, 11, 21, 9), datetime(2026, 11, 22, 9)),  # resolution late
            _case(
                3, "new", datetime(2026, 11, 23, 9), datetime(2026, 11, 28, 9), metric_id="csat"
            ),  # in time
            _case(4, "resolved", datetime(2026, 11, 20, 9), datetime(2026, 11, 21, 9)),  # done: never late
            _case(
                5,
                "reopened",
                datetime(2026, 11, 22, 11),
                datetime(2026, 11, 29, 9),
                assignee_kind="account",
                assignee_id="desk.lead",
                score=6.0,
            ),
        ],
    )


def _ids(params: dict, rows_per_page: int = 100) -> list[int]:
    return [row["case_id"] for row in cases.queue(params, NOW, NAMES, rows_per_page).rows]


def test_the_queue_knows_what_is_late_and_puts_the_soonest_due_first(five_cases):
    shown = cases.queue({}, NOW, NAMES)
    late = {row["case_id"]: row["late"] for row in shown.rows}
    assert late == {1: "contact", 2: "resolution", 3: "", 4: "", 5: ""}
    assert shown.totals == {"total": 5, "open": 4, "overdue": 2} and shown.count == 5
    # Due next: 1 (contact, 21st), 2 (resolution, 22nd 09:00), 5 (contact, 22nd 11:00), 3, then 4 (none).
    assert _ids({}) == [1, 2, 5, 3, 4]
    assert _ids({"status": "open", "overdue": "1"}) == [1, 2]
    assert _ids({"assignee": "account:desk.lead"}) == [5]
    assert _ids({"metric": "csat"}) == [3]
    # By status: waiting for contact (new, then reopened), contacted, resolved; ties by what is due next.
    assert _ids({"sort": "status"}) == [1, 3, 5, 2, 4]
    # Highest score first; reversed, the tie-break reverses too (latest due first), resolved ones last.
    assert _ids({"sort": "-score"}) == [5, 3, 2, 4, 1]
    # By assignee's name: Ana Silva before desk.lead; highest first reverses it.
    assert _ids({"sort": "-assignee"})[0] == 5
    assert next(row["assignee_name"] for row in shown.rows if row["case_id"] == 5) == "desk.lead"
    with pytest.raises(ValueError, match="There is no metric “mood” to filter by"):
        cases.queue({"metric": "mood"}, NOW, NAMES)
    with pytest.raises(
        ValueError, match="The queue sorts by due, responded, score, status, metric, assignee"
    ):
        cases.queue({"sort": "colour"}, NOW, NAMES)
    with pytest.raises(ValueError, match="“boss” is not an assignee to filter by"):
        cases.queue({"assignee": "boss"}, NOW, NAMES)


def test_the_queue_comes_in_pages_that_the_url_names(five_cases):
    """Two to a page: three pages in the queue's order; a page past the last is named, not empty."""
    first, last = cases.queue({}, NOW, NAMES, 2), cases.queue({"page": "3"}, NOW, NAMES, 2)
    assert (first.page, first.pages, first.count, [row["case_id"] for row in first.rows]) == (1, 3, 5, [1, 2])
    assert (last.page, [row["case_id"] for row in last.rows]) == (3, [4])
    with pytest.raises(ValueError, match="The queue has 3 pages of these cases, not 4"):
        cases.queue({"page": "4"}, NOW, NAMES, 2)
    with pytest.raises(ValueError, match="“0” is not a page of the queue"):
        cases.queue({"page": "0"}, NOW, NAMES, 2)
    # The CSV's rows: every case the filters keep, whatever the page.
    assert list(cases.queue_rows({"status": "open", "page": "2"}, NOW, NAMES)["case_id"]) == [1, 2, 5, 3]
    assert cases.owner_cases("ana", NOW) == {"open": 3, "overdue": 2}


@pytest.mark.parametrize("status", ["new", "contacted", "reopened", "resolved"])
def test_what_is_late_in_the_queue_is_what_the_case_page_says(status):
    """The store's next due time and the case page's late_for agree, before and after each due time."""
    contact, resolve = datetime(2026, 11, 21, 9), datetime(2026, 11, 26, 9)
    due = store.next_due(status, contact, resolve)
    for now in (datetime(2026, 11, 20), datetime(2026, 11, 22), datetime(2026, 11, 27)):
        assert bool(cases.late_for(status, contact, resolve, now)) == (due is not None and due < now)
