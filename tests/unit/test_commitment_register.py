"""The register's filters and sort (views.commitments.filtered) on a register built by hand."""

from datetime import date

import pytest

from tests.commitment_rows import commitment_row, hand_register
from views.commitments import filtered, owner_sections, register_params

TODAY = date(2026, 11, 25)
LABELS = {
    "owner": {"ana": "Ana Silva", "ben": "Ben Okafor"},
    "metric": {"nps": "Net promoter score", "csat": "Satisfaction"},
    "touchpoint": {"web": "Website", "shop": "Shop"},
    "segment": {"smb": "Small business"},
}
REGISTER = hand_register(
    TODAY,
    # 1: Ana's NPS action in progress, due 20 Nov → 5 days overdue.
    commitment_row(commitment_id=1, title="Call back", progress=40),
    # 2: Ben's, planned on CSAT at the shop, due in December.
    commitment_row(
        commitment_id=2, title="Apologise", owner_id="ben", metric_id="csat", touchpoint_id="shop",
        status="planned", progress=0, due_on=date(2026, 12, 10),
    ),
    # 3: Ana's, done on time.
    commitment_row(
        commitment_id=3, title="Brief the team", status="done", progress=100,
        due_on=date(2026, 11, 30), completed_on=date(2026, 11, 12),
    ),
    # 4: Ben's on NPS, dropped.
    commitment_row(commitment_id=4, title="Add a chat", owner_id="ben", status="dropped", progress=10),
)  # fmt: skip


def ids(params: dict) -> list[int]:
    return filtered(REGISTER, register_params(params), LABELS)["commitment_id"].tolist()


def test_without_filters_every_commitment_shows_soonest_due_first():
    """Due 20 Nov (1 and 4: by title, "Add a chat" first), 30 Nov, then 10 Dec."""
    assert ids({}) == [4, 1, 3, 2]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"owner": "ben"}, [4, 2]),
        ({"metric": "nps"}, [4, 1, 3]),
        ({"touchpoint": "shop"}, [2]),
        ({"status": "open"}, [1, 2]),
        ({"status": "done"}, [3]),
        ({"overdue": "1"}, [1]),
        ({"owner": "ana", "status": "open"}, [1]),
        ({"segment": "smb"}, []),
    ],
)
def test_filters_keep_the_rows_they_name(params, expected):
    assert ids(params) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", [4, 2, 3, 1]),
        ("-progress", [3, 1, 4, 2]),
        ("status", [1, 2, 3, 4]),  # in progress, planned, done, dropped
        ("owner", [1, 3, 4, 2]),  # Ana's by due date, then Ben's
        ("-due_on", [2, 3, 1, 4]),
    ],
)
def test_sort_orders_by_the_column_either_way(sort, expected):
    assert ids({"sort": sort}) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"owner": "cy"}, "There is no owner “cy” to filter by."),
        ({"status": "late"}, "There is no status “late” to filter by."),
        (
            {"sort": "colour"},
            "The register sorts by title, metric, owner, status, progress, due_on, not “colour”.",
        ),
    ],
)
def test_an_unknown_filter_or_sort_is_refused_in_words(params, message):
    with pytest.raises(ValueError) as refused:
        ids(params)
    assert str(refused.value) == message


def test_register_params_keep_only_the_registers_own():
    assert register_params({"owner": "ana", "sort": "-title", "period": "q4"}) == {
        "owner": "ana", "metric": None, "touchpoint": None, "segment": None, "status": None,
        "overdue": None, "sort": "-title",
    }  # fmt: skip


def test_an_owners_sections_put_overdue_first_and_leave_out_empty_ones():
    """Ana's: 1 overdue, none open, 3 done; Ben's: 2 open, 4 dropped. Closed work latest due first."""
    ana = REGISTER[REGISTER["owner_id"] == "ana"]
    ben = REGISTER[REGISTER["owner_id"] == "ben"]
    assert [(title, rows["commitment_id"].tolist()) for title, rows in owner_sections(ana)] == [
        ("Overdue", [1]),
        ("Done", [3]),
    ]
    assert [(title, rows["commitment_id"].tolist()) for title, rows in owner_sections(ben)] == [
        ("Open", [2]),
        ("Dropped", [4]),
    ]
    [(title, done)] = owner_sections(REGISTER.assign(status="done", overdue=False))
    assert (title, done["due_on"].tolist()) == ("Done", sorted(REGISTER["due_on"], reverse=True))
