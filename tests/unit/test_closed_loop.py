"""Closed-loop figures (queries/closed_loop.py over data.state.cases.in_period, drawn by
components/closed_loop.py and the wall's cases slide) on the six cases of tests/loop_cases.py, whose
values are worked by hand there."""

import math
from datetime import date, datetime

import pandas as pd
import pytest

import config
from components.closed_loop import loop_card, owner_loop
from components.wall import cases_body
from data.state import cases, database
from queries.closed_loop import FIGURES, loop_figures, with_owners
from tests.components_tree import text, with_class
from tests.loop_cases import hand_cases, store_cases
from views.wall_settings import SlideSpec, WallSettingError, parse_wall_settings

BASE, NOW = datetime(2026, 11, 10), datetime(2026, 11, 20, 12)
METRICS = pd.DataFrame({"metric_id": ["nps", "effort"], "owner_id": ["ana", "ben"]})


def frame() -> pd.DataFrame:
    found = pd.DataFrame(hand_cases(BASE, NOW))
    for column in ("responded_at", "contact_due_at", "contacted_at", "resolve_due_at"):
        found[column] = pd.to_datetime(found[column])
    return found


def figures(by=None, cases_frame=None) -> pd.DataFrame:
    return loop_figures(with_owners(frame() if cases_frame is None else cases_frame, METRICS), NOW, by)


def test_all_cases_share_on_time_over_cases_due_or_done_with_wilson_interval():
    row = figures().iloc[0]
    assert (row.n, row.due, row.on_time) == (6, 5, 3)  # case 3 is not due yet: left out
    assert row.share == pytest.approx(60.0)
    # Wilson, 3 of 5: centre (0.6 + 1.96²/10)/(1 + 1.96²/5) = 0.55655, half 0.32583
    assert (row.low, row.high) == (pytest.approx(23.072, abs=1e-3), pytest.approx(88.238, abs=1e-3))


def test_median_hours_to_first_contact_over_contacted_cases():
    row = figures().iloc[0]
    assert row.contacted == 4
    assert row.median_hours == pytest.approx(25.0)  # 10, 24, 26, 30


def test_backlog_counts_open_cases_and_overdue_ones_once():
    row = figures().iloc[0]
    assert (row.backlog, row.overdue) == (5, 2)  # the resolved case is not open; #4 and #6 are late


def test_root_causes_ranked_by_count_then_name_without_the_uncaused():
    assert figures().iloc[0].causes == [("Long wait", 3), ("Bill unclear", 2)]
    effort = figures("metric_id").set_index("metric_id").loc["effort"]
    assert effort.causes == [("Bill unclear", 1), ("Long wait", 1)]


def test_per_metric_per_touchpoint_and_per_owner():
    by_metric = figures("metric_id").set_index("metric_id")
    nps = by_metric.loc["nps"]
    assert (nps.n, nps.due, nps.on_time, nps.backlog, nps.overdue) == (4, 3, 1, 3, 1)
    assert nps.share == pytest.approx(100 / 3)
    assert (nps.low, nps.high) == (pytest.approx(6.149, abs=1e-3), pytest.approx(79.235, abs=1e-3))
    assert nps.median_hours == pytest.approx(20.0)
    by_touchpoint = figures("touchpoint_id").set_index("touchpoint_id")
    web, shop = by_touchpoint.loc["web"], by_touchpoint.loc["shop"]
    assert (web.n, web.due, web.on_time, web.backlog, web.overdue, web.median_hours) == (3, 3, 2, 2, 0, 26.0)
    assert (shop.n, shop.due, shop.on_time, shop.backlog, shop.overdue, shop.median_hours) == (
        3,
        2,
        1,
        3,
        2,
        24.0,
    )
    by_owner = figures("owner_id").set_index("owner_id")
    assert list(by_owner.index) == ["ana", "ben"]
    assert by_owner.loc["ben"].on_time == 2 and by_owner.loc["ben"].share == pytest.approx(100.0)


def test_no_cases_give_zero_counts_and_no_share():
    row = figures(cases_frame=frame().iloc[0:0]).iloc[0]
    assert (row.n, row.due, row.backlog, row.overdue, row.causes) == (0, 0, 0, 0, [])
    assert math.isnan(row.share) and math.isnan(row.low) and math.isnan(row.median_hours)
    assert figures("metric_id", frame().iloc[0:0]).empty


def test_only_open_cases_not_yet_due_leave_the_share_without_n():
    row = figures(cases_frame=frame().iloc[[2]]).iloc[0]
    assert (row.n, row.due, row.backlog, row.overdue) == (1, 0, 1, 0)
    assert math.isnan(row.share)


# --- data/state/cases.py: in_period -------------------------------------------------------------------


@pytest.fixture
def state_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    monkeypatch.setattr(config, "STATE_URL", url)
    database.migrate(url)
    return url


def test_in_period_reads_the_period_s_answers_without_words_or_references(state_url):
    rows = hand_cases(BASE, NOW)
    rows[0] = {**rows[0], "responded_at": datetime(2026, 11, 9, 23, 59)}  # the day before
    rows[1] = {**rows[1], "responded_at": datetime(2026, 11, 30, 23, 59)}  # the last day, included
    store_cases(state_url, rows)
    found = cases.in_period(date(2026, 11, 10), date(2026, 11, 30), state_url)
    assert list(found.columns) == list(cases.LOOP_COLUMNS)
    assert list(found["case_id"]) == [3, 4, 5, 6, 2]
    assert "cause_note" not in found and "respondent_ref" not in found
    smb = cases.in_period(
        date(2026, 11, 10), date(2026, 11, 30), state_url, segment_id="smb", metric_id="nps"
    )
    assert list(smb["case_id"]) == [3, 4]
    row = loop_figures(found, NOW).iloc[0]
    assert (row.n, row.due, row.on_time) == (5, 4, 2)  # case 1 (on time) is outside the period


def test_version_changes_with_the_cases(state_url):
    before = cases.version(state_url)
    store_cases(state_url, hand_cases(BASE, NOW))
    assert cases.version(state_url) != before


# --- the builders -------------------------------------------------------------------------------------


def test_card_says_each_figure_with_its_n():
    card = loop_card(figures().iloc[0].to_dict(), "November 2026", "/cases?metric=nps")
    shown = text(card)
    assert "6 cases from answers in November 2026" in shown
    assert "60%" in shown and "3 of n = 5 due · 95%\u00a0CI 23% to 88%" in shown
    assert "25.0 h" in shown and "n = 4 contacted" in shown
    assert "2 overdue · of n = 6" in shown
    assert [text(c) for c in with_class(card, "loop-cause")] == ["Long wait", "Bill unclear"]
    assert card.to_plotly_json()["props"]["data-share"] == "60.0000"


def test_card_without_cases_says_dash_and_why():
    empty = figures(cases_frame=frame().iloc[0:0]).iloc[0].to_dict()
    assert (
        text(loop_card(empty, "November 2026"))
        == "— no follow-up cases from answers in November 2026 (n = 0)."
    )
    not_due = figures(cases_frame=frame().iloc[[2]]).iloc[0].to_dict()
    shown = text(loop_card(not_due, "November 2026"))
    assert (
        "—" in shown and "no first contact due yet (n = 0)" in shown and "none contacted yet (n = 0)" in shown
    )
    assert "— no root cause chosen yet" in shown


def test_owner_line_counts_and_none():
    ben = figures("owner_id").set_index("owner_id").loc["ben"].to_dict()
    assert text(owner_loop(ben)) == "2 cases · 100% contacted on time (n = 2) · 2 open, 1 overdue"
    assert text(owner_loop(None)) == "Cases: — none in this period"


def test_wall_slide_counts_and_causes_only():
    body = cases_body(figures().iloc[0].to_dict(), "November 2026")
    shown = text(body)
    values = [text(v) for v in with_class(body, "wall-loop-value")]
    assert values == ["5", "2", "60%", "25.0 h"]
    assert "Long wait" in shown and "CRM-SECRET" not in shown and "Private words" not in shown
    assert with_class(body, "is-bad")  # overdue cases are red


def test_figures_columns_are_declared():
    assert list(figures().columns) == list(FIGURES)


def test_wall_accepts_a_cases_slide_and_refuses_a_keyed_one():
    assert parse_wall_settings({"slides": "scorecard,cases"}).slides == (
        SlideSpec("scorecard"),
        SlideSpec("cases"),
    )
    with pytest.raises(WallSettingError, match="cases"):
        parse_wall_settings({"slides": "cases:web"})
