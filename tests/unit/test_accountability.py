"""Accountability: the owner board and metric plans on small hand-made frames (counts worked by hand),
the effect windows by calendar, and a commitment's measured effect on the tiny warehouse."""

from datetime import date

import pandas as pd
import pytest

import config
from components.commitments.badges import effect_reason
from data.state import commitments
from queries.accountability import (
    EFFECT_WINDOW_DAYS,
    commitment_effect,
    effect_windows,
    metric_plans,
    owner_board,
)
from tests import tiny_warehouse as tiny

TODAY = date(2026, 11, 20)

OWNERS = pd.DataFrame(
    [
        ("ana", "Ana Silva", "VP Customer Experience"),
        ("ben", "Ben Okafor", "Head of Service"),
        ("cy", "Cy Young", "Analyst"),  # owns nothing and has promised nothing
    ],
    columns=["owner_id", "name", "title"],
)

CARD = pd.DataFrame(
    [
        ("nps", "ana", "off_track"),  # two open commitments → has a plan
        ("csat", "ana", "off_track"),  # only done and dropped ones → no plan
        ("pilot", "ana", "on_track"),
        ("effort", "ben", "at_risk"),  # no open commitment, but not off track → not flagged
        ("fcr", "ben", "off_track"),  # open commitments → has a plan
        ("aht", None, "off_track"),  # nobody owns it, nothing planned
    ],
    columns=["metric_id", "owner_id", "status"],
)


def commitment(commitment_id, metric_id, owner_id, status, due_on, completed_on=None) -> dict:
    """One row with every column of the state store's commitments table."""
    row = dict.fromkeys(commitments.COLUMNS)
    row.update(
        commitment_id=commitment_id,
        metric_id=metric_id,
        owner_id=owner_id,
        status=status,
        title=f"commitment {commitment_id}",
        description="",
        kind="action",
        start_on=date(2026, 10, 1),
        due_on=date.fromisoformat(due_on),
        completed_on=date.fromisoformat(completed_on) if completed_on else None,
        progress=100 if status == "done" else 0,
        version=1,
    )
    return row


def register(rows) -> pd.DataFrame:
    return commitments.with_deadlines(pd.DataFrame(rows, columns=commitments.COLUMNS), TODAY)


REGISTER_ROWS = [
    commitment(1, "nps", "ana", "in_progress", "2026-12-01"),  # open
    commitment(2, "nps", "ana", "planned", "2026-11-19"),  # open, overdue
    commitment(3, "csat", "ana", "done", "2026-11-10", "2026-11-10"),  # on time (on the due date)
    commitment(4, "csat", "ana", "done", "2026-11-10", "2026-11-12"),  # late
    commitment(5, "csat", "ana", "dropped", "2026-11-01"),  # counts for nothing
    commitment(6, "fcr", "ben", "planned", "2026-11-20"),  # open, due today: not overdue
    commitment(7, "fcr", "ben", "in_progress", "2026-11-02"),  # open, overdue
    commitment(8, "effort", "ben", "done", "2026-11-30", "2026-11-05"),  # on time (early)
]


def by_owner(board: pd.DataFrame) -> dict:
    return {row["name"]: row for row in board.to_dict("records")}


# --- with_deadlines on the hand-made register -----------------------------------------------------


def test_hand_made_register_deadlines():
    frame = register(REGISTER_ROWS).set_index("commitment_id")
    assert frame["overdue"].to_dict() == {
        1: False,
        2: True,
        3: False,
        4: False,
        5: False,
        6: False,
        7: True,
        8: False,
    }
    assert frame["on_time"].tolist()[2:4] == [True, False]
    assert bool(frame.loc[8, "on_time"]) is True
    assert frame["on_time"].isna().tolist() == [True, True, False, False, True, True, True, False]


def test_an_empty_register_still_selects_rows():
    """With no commitments at all, `overdue` is still a boolean column, so a page's sections filter
    rows (none) instead of selecting columns (the owner page once failed so)."""
    empty = register([])
    assert empty["overdue"].dtype == bool
    assert list(empty[empty["overdue"]].columns) == list(empty.columns)


# --- owner_board ----------------------------------------------------------------------------------


def test_owner_board_counts_per_owner():
    """ana: open 1 and 2, overdue 2, done 3 on time and 4 late, dropped 5 ignored;
    ben: open 6 (due today) and 7 (overdue), done 8 early; cy: nothing at all."""
    board = owner_board(CARD, register(REGISTER_ROWS), OWNERS)
    rows = by_owner(board)
    assert list(board["name"]) == ["Ana Silva", "Ben Okafor", "Cy Young", "No owner"]
    counts = ["open", "overdue", "done_on_time", "done_late"]
    assert [rows["Ana Silva"][c] for c in counts] == [2, 1, 1, 1]
    assert [rows["Ben Okafor"][c] for c in counts] == [2, 1, 1, 0]
    assert [rows["Cy Young"][c] for c in counts] == [0, 0, 0, 0]
    assert [rows["No owner"][c] for c in counts] == [0, 0, 0, 0]


def test_owner_board_metrics_and_no_plan_per_owner():
    rows = by_owner(owner_board(CARD, register(REGISTER_ROWS), OWNERS))
    ana, ben, cy = rows["Ana Silva"], rows["Ben Okafor"], rows["Cy Young"]
    assert (ana["owner_id"], ana["title"]) == ("ana", "VP Customer Experience")
    assert ana["metric_ids"] == ["nps", "csat", "pilot"]
    assert ana["statuses"] == ["off_track", "off_track", "on_track"]
    assert ana["no_plan_ids"] == ["csat"]  # its done and dropped commitments are not a plan
    assert ben["metric_ids"] == ["effort", "fcr"]
    assert ben["no_plan_ids"] == []
    assert (cy["metric_ids"], cy["no_plan_ids"]) == ([], [])


def test_metrics_without_an_owner_get_a_no_owner_row():
    rows = by_owner(owner_board(CARD, register(REGISTER_ROWS), OWNERS))
    nobody = rows["No owner"]
    assert pd.isna(nobody["owner_id"])
    assert nobody["title"] == ""
    assert nobody["metric_ids"] == ["aht"]
    assert nobody["statuses"] == ["off_track"]
    assert nobody["no_plan_ids"] == ["aht"]


def test_no_no_owner_row_when_every_metric_has_an_owner():
    card = CARD[CARD["metric_id"] != "aht"]
    board = owner_board(card, register(REGISTER_ROWS), OWNERS)
    assert list(board["name"]) == ["Ana Silva", "Ben Okafor", "Cy Young"]
    assert board["owner_id"].notna().all()


def test_owner_board_with_no_commitments_at_all():
    board = owner_board(CARD, register([]), OWNERS)
    rows = by_owner(board)
    assert int(board[["open", "overdue", "done_on_time", "done_late"]].to_numpy().sum()) == 0
    assert rows["Ana Silva"]["no_plan_ids"] == ["nps", "csat"]
    assert rows["Ben Okafor"]["no_plan_ids"] == ["fcr"]
    assert rows["No owner"]["no_plan_ids"] == ["aht"]


# --- metric_plans ---------------------------------------------------------------------------------


def test_metric_plans_counts_open_commitments_and_flags_no_plan():
    plans = metric_plans(CARD, register(REGISTER_ROWS)).set_index("metric_id")
    assert plans["open_commitments"].to_dict() == {
        "nps": 2,
        "csat": 0,
        "pilot": 0,
        "effort": 0,
        "fcr": 2,
        "aht": 0,
    }
    assert plans["no_plan"].to_dict() == {
        "nps": False,
        "csat": True,
        "pilot": False,
        "effort": False,
        "fcr": False,
        "aht": True,
    }
    # The card's own columns and order are kept.
    assert list(plans.index) == list(CARD["metric_id"])
    assert plans.loc["aht", "status"] == "off_track"


@pytest.mark.parametrize(
    ("status", "completed_on", "no_plan"),
    [
        ("planned", None, False),
        ("in_progress", None, False),
        ("done", "2026-11-10", True),
        ("dropped", None, True),
    ],
)
def test_only_planned_or_in_progress_counts_as_a_plan(status, completed_on, no_plan):
    card = pd.DataFrame([("nps", "ana", "off_track")], columns=["metric_id", "owner_id", "status"])
    rows = register([commitment(1, "nps", "ana", status, "2026-11-30", completed_on)])
    assert bool(metric_plans(card, rows).loc[0, "no_plan"]) is no_plan


def test_a_plan_for_another_metric_does_not_count():
    card = pd.DataFrame([("nps", "ana", "off_track")], columns=["metric_id", "owner_id", "status"])
    rows = register([commitment(1, "csat", "ana", "planned", "2026-11-30")])
    plans = metric_plans(card, rows)
    assert plans.loc[0, "open_commitments"] == 0
    assert bool(plans.loc[0, "no_plan"]) is True


@pytest.mark.parametrize(
    ("touchpoint_id", "segment_id", "no_plan"),
    [
        (None, "smb", True),  # a plan for small businesses only
        ("web", None, True),  # a plan for one touchpoint only
        ("web", "smb", True),
        (None, None, False),  # a plan for all customers at every touchpoint covers the metric
    ],
)
def test_only_a_plan_for_everyone_covers_a_metric_off_track_for_everyone(touchpoint_id, segment_id, no_plan):
    """NPS is off track for all customers; a scoped plan is an open commitment on it, but leaves the
    metric on the board's "off track with no plan" list."""
    card = pd.DataFrame([("nps", "ana", "off_track")], columns=["metric_id", "owner_id", "status"])
    scoped = {**commitment(1, "nps", "ana", "in_progress", "2026-11-30"), "touchpoint_id": touchpoint_id}
    scoped["segment_id"] = segment_id
    plans = metric_plans(card, register([scoped]))
    assert plans.loc[0, "open_commitments"] == 1
    assert bool(plans.loc[0, "no_plan"]) is no_plan
    board = owner_board(card, register([scoped]), OWNERS)
    assert by_owner(board)["Ana Silva"]["no_plan_ids"] == (["nps"] if no_plan else [])


def test_a_scoped_plan_beside_a_plan_for_everyone_still_covers():
    card = pd.DataFrame([("nps", "ana", "off_track")], columns=["metric_id", "owner_id", "status"])
    scoped = {**commitment(1, "nps", "ana", "planned", "2026-11-30"), "segment_id": "smb"}
    everyone = commitment(2, "nps", "ana", "planned", "2026-11-30")
    plans = metric_plans(card, register([scoped, everyone]))
    assert (plans.loc[0, "open_commitments"], bool(plans.loc[0, "no_plan"])) == (2, False)


# --- effect windows -------------------------------------------------------------------------------


def test_effect_windows_by_calendar():
    """28 days before 1 Mar 2026 is 1 Feb (February 2026 has 28 days); 28 days after 10 Apr is 8 May."""
    before, after = effect_windows(date(2026, 3, 1), date(2026, 4, 10))
    assert (before.start, before.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (after.start, after.end) == (date(2026, 4, 11), date(2026, 5, 8))
    assert before.days == after.days == EFFECT_WINDOW_DAYS == 28
    assert (before.key, after.key) == ("before", "after")


def test_effect_windows_across_a_year_end():
    before, after = effect_windows(date(2026, 1, 10), date(2026, 12, 20))
    assert (before.start, before.end) == (date(2025, 12, 13), date(2026, 1, 9))
    assert (after.start, after.end) == (date(2026, 12, 21), date(2027, 1, 17))


# --- commitment_effect on the tiny warehouse ------------------------------------------------------


def done(
    start_on, completed_on, metric_id="nps", touchpoint_id="web", segment_id="smb", status="done"
) -> dict:
    return {
        "metric_id": metric_id,
        "touchpoint_id": touchpoint_id,
        "segment_id": segment_id,
        "status": status,
        "start_on": start_on,
        "completed_on": completed_on,
    }


@pytest.mark.parametrize("status", ["planned", "in_progress", "dropped"])
def test_effect_is_none_unless_done(tiny_warehouse, status):
    commitment_row = done(date(2026, 8, 20), None, status=status)
    assert commitment_effect(commitment_row, tiny.AS_OF) is None


def test_effect_is_none_for_done_without_a_completion_date(tiny_warehouse):
    assert commitment_effect(done(date(2026, 8, 20), None), tiny.AS_OF) is None


def test_effect_needs_the_whole_after_window_in_the_data(tiny_warehouse):
    """Completed 1 Nov: the window after runs to 29 Nov, past the data's 20 Nov."""
    effect = commitment_effect(done(date(2026, 10, 1), date(2026, 11, 1)), tiny.AS_OF)
    assert effect.verdict == "too_little_data"
    assert effect.after.end == date(2026, 11, 29)
    assert "29 Nov 2026" in effect_reason(effect)
    assert "20 Nov 2026" in effect_reason(effect)
    assert effect.change is None


def test_effect_moved_worked_by_hand(tiny_warehouse):
    """NPS at web/smb. Before 23 Jul–19 Aug holds the 10 August scores: 2 promoters, 5 detractors →
    −30. After 1–28 Oct holds the 15 October scores: 6 promoters, 2 detractors → +40. Change +70;
    z = 0.7 / √((0.8 − 0.4²)/10 + (0.7 − 0.3²)/10) = 0.7 / √0.125 = 1.98 > 1.96 → significant."""
    effect = commitment_effect(done(date(2026, 8, 20), date(2026, 9, 30)), tiny.AS_OF)
    assert (effect.before.start, effect.before.end) == (date(2026, 7, 23), date(2026, 8, 19))
    assert (effect.after.start, effect.after.end) == (date(2026, 10, 1), date(2026, 10, 28))
    assert effect.verdict == "moved"
    assert effect.value_before == pytest.approx(-30.0)
    assert effect.value_after == pytest.approx(40.0)
    assert effect.change == pytest.approx(70.0)
    assert effect.better is True


def test_effect_no_change_worked_by_hand(tiny_warehouse):
    """NPS on every touchpoint and segment. Before 23 Jul–19 Aug: −30 as above. After 15 Oct–11 Nov
    holds web/smb on 15 Oct and shop/ent on 2 Nov: 7 promoters, 3 detractors of 14 → +28.57.
    z = 0.5857 / √((0.7143 − 0.2857²)/14 + 0.061) = 0.5857 / 0.3259 = 1.80 < 1.96 → noise."""
    row = done(date(2026, 8, 20), date(2026, 10, 14), touchpoint_id=None, segment_id=None)
    effect = commitment_effect(row, tiny.AS_OF)
    assert effect.verdict == "no_change"
    assert effect.value_before == pytest.approx(-30.0)
    assert effect.value_after == pytest.approx(100 * 4 / 14)
    assert effect.change == pytest.approx(100 * 4 / 14 + 30)
    assert effect.better is None
    assert effect.reason == "within_noise" and "noise" in effect_reason(effect)


def test_effect_with_too_few_responses(tiny_warehouse):
    """Pilot NPS needs 30 responses a window; it has 2 (1 Nov) after and none before."""
    row = done(date(2026, 10, 1), date(2026, 10, 22), metric_id="pilot", touchpoint_id=None, segment_id=None)
    effect = commitment_effect(row, tiny.AS_OF)
    assert effect.verdict == "too_little_data"
    assert (effect.reason, effect.reason_values) == ("fewer_than_before_after", {"min": 30})
    assert "30" in effect_reason(effect)
    assert effect.change is None


def test_effect_of_a_ratio_metric_is_tested_on_its_days(tmp_path, monkeypatch):
    """FCR at shop/smb, done 29 Aug–2 Sep. Before (1–28 Aug): days (80, 100), (82, 100), (78, 100) →
    80 %, residuals 0, 2, −2 → SE √(8/6)/100 = 1.1547 pp. After (3–30 Sep): (90, 100), (92, 100),
    (88, 100) → 90 %, the same SE. z = 10/√(2·1.1547²) = 6.12 → moved, for the better. With one day
    after instead, no interval: too little data, not "moved"."""
    before = [
        ("fcr", date(2026, 8, day), "shop", "smb", num, 100.0) for day, num in ((5, 80), (6, 82), (7, 78))
    ]
    after = [
        ("fcr", date(2026, 9, day), "shop", "smb", num, 100.0) for day, num in ((10, 90), (11, 92), (12, 88))
    ]
    path = tiny.build_tiny_warehouse(tmp_path / "cx.duckdb", [*before, *after])
    monkeypatch.setattr(config, "WAREHOUSE", path)
    row = done(date(2026, 8, 29), date(2026, 9, 2), metric_id="fcr", touchpoint_id="shop", segment_id="smb")
    effect = commitment_effect(row, tiny.AS_OF)
    assert (effect.verdict, effect.better) == ("moved", True)
    assert (effect.value_before, effect.value_after) == pytest.approx((80.0, 90.0))
    one_day = tiny.build_tiny_warehouse(tmp_path / "one-day.duckdb", [*before, after[0]])
    monkeypatch.setattr(config, "WAREHOUSE", one_day)
    effect = commitment_effect(row, tiny.AS_OF)
    assert effect.verdict == "too_little_data"
    assert effect.reason == "few_days" and "days" in effect_reason(effect)
