"""Which period a metric measured less often than the view is shown at (queries/cadence.py), by hand."""

from datetime import date

from queries.cadence import holds_a_whole_period, measured_view
from queries.periods import Period, View, resolve_view

AS_OF = date(2026, 11, 23)


def spans(view: View) -> tuple:
    return (view.period.label, view.period.start, view.period.end), (
        view.comparison.label,
        view.comparison.start,
        view.comparison.end,
    )


def test_quarterly_data_in_a_quarter_to_date_shows_the_last_whole_quarter():
    """Q4 2026 to date (1 Oct–23 Nov) holds no whole quarter: Q3 2026 against Q2, or against Q3 2025."""
    shown = measured_view(resolve_view(None, "prev", AS_OF), "quarterly")
    assert spans(shown) == (
        ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30)),
        ("Q2 2026", date(2026, 4, 1), date(2026, 6, 30)),
    )
    yoy = measured_view(resolve_view(None, "yoy", AS_OF), "quarterly")
    assert spans(yoy)[1] == ("Q3 2025", date(2025, 7, 1), date(2025, 9, 30))
    assert shown.as_of == AS_OF


def test_a_view_holding_a_whole_period_is_left_alone():
    """A whole quarter, the year to date (Q1–Q3 whole) and a trailing 365 days hold a whole quarter;
    t30 (25 Oct–23 Nov) holds whole weeks; daily data fits any view."""
    for key in ("2026-Q3", "2026", "t365"):
        assert measured_view(resolve_view(key, "prev", AS_OF), "quarterly") is None, key
    assert measured_view(resolve_view("t30", "prev", AS_OF), "weekly") is None
    assert measured_view(resolve_view("2026-11", "prev", AS_OF), "daily") is None


def test_monthly_data_in_a_trailing_30_days_shows_the_last_whole_month():
    """25 Oct–23 Nov holds no whole calendar month: October 2026 against September."""
    shown = measured_view(resolve_view("t30", "prev", AS_OF), "monthly")
    assert spans(shown) == (
        ("Oct 2026", date(2026, 10, 1), date(2026, 10, 31)),
        ("Sep 2026", date(2026, 9, 1), date(2026, 9, 30)),
    )


def test_a_whole_month_ending_a_quarter_shows_that_quarter():
    """September 2026 (whole) holds no quarter; Q3 ends on its last day, so Q3 2026 is shown."""
    shown = measured_view(resolve_view("2026-09", "prev", AS_OF), "quarterly")
    assert spans(shown)[0] == ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30))


def test_commitment_windows_are_never_moved():
    """A commitment's before/after windows compare exactly what they say (compare="commitment")."""
    window = Period("after", "28 days after", date(2026, 10, 1), date(2026, 10, 28))
    assert measured_view(View(window, window, "commitment", AS_OF), "quarterly") is None


def test_holds_a_whole_period_at_the_edges():
    """1–30 Nov holds November; 2 Nov–30 Nov does not; 2 Nov–8 Nov holds the week 2–8 Nov (Mon–Sun)."""
    november = Period("m", "", date(2026, 11, 1), date(2026, 11, 30))
    assert holds_a_whole_period(november, "monthly")
    assert not holds_a_whole_period(Period("m", "", date(2026, 11, 2), date(2026, 11, 30)), "monthly")
    assert holds_a_whole_period(Period("w", "", date(2026, 11, 2), date(2026, 11, 8)), "weekly")


def test_the_demos_quarterly_enps_is_shown_at_its_last_whole_quarter(demo_warehouse):
    """The demo declares eNPS quarterly and releases a quarter only after it closes: in Q4 2026 to date
    it is shown at Q3 2026 against Q2 2026, with the numbers of that view, not as "no data"."""
    import queries

    view = queries.view()
    row = queries.scorecard(view).set_index("metric_id").loc["enps"]
    assert (row["measured_period"], row["cadence"]) == ("Q3 2026", "quarterly")
    assert row["compare_label"] == "Q2 2026"
    assert (row["measured_start"], row["measured_end"]) == (date(2026, 7, 1), date(2026, 9, 30))
    q3 = queries.scorecard(queries.view("2026-Q3")).set_index("metric_id").loc["enps"]
    assert row["status"] != "no_data"
    assert (row["value"], row["n"], row["change"]) == (q3["value"], q3["n"], q3["change"])
    # Every other metric stays in the view itself.
    others = queries.scorecard(view).query("metric_id != 'enps'")
    assert others["measured_period"].isna().all()


def test_the_quarterly_enps_answers_are_read_from_the_quarter_it_is_shown_at(demo_warehouse):
    """Its score distribution and verbatims in Q4 2026 to date are Q3 2026's, matching its tile's n."""
    import queries

    view, q3 = queries.view(), queries.view("2026-Q3")
    counts = queries.distribution(view, "enps")
    assert counts["responses"].sum() == queries.scorecard(view).set_index("metric_id").loc["enps", "n"] > 0
    assert counts.equals(queries.distribution(q3, "enps"))
    assert queries.verbatims(view, "enps")[1] == queries.verbatims(q3, "enps")[1]


def test_a_quarter_not_released_yet_shows_the_last_one_that_was():
    """On 10 Jan 2027 (Q1 to date) the last whole quarter is Q4 2026, but the survey's latest data is
    from 30 Sep (Q4 not yet released): Q3 2026 is shown, against Q2."""
    view = resolve_view(None, "prev", date(2027, 1, 10))
    shown = measured_view(view, "quarterly", latest_day=date(2026, 9, 30))
    assert spans(shown)[0] == ("Q3 2026", date(2026, 7, 1), date(2026, 9, 30))
    assert spans(shown)[1][0] == "Q2 2026"
    assert spans(measured_view(view, "quarterly", latest_day=date(2026, 12, 20)))[0][0] == "Q4 2026"


def test_a_moved_metric_is_compared_with_the_other_customers_over_its_own_quarter(demo_warehouse):
    """eNPS per segment in Q4 2026 to date is Q3's, and so is the rest it is tested against: the same
    as the segment comparison of Q3 2026 itself."""
    import queries

    shown = queries.segment_comparison(queries.view()).query("metric_id == 'enps'").set_index("segment_id")
    q3 = (
        queries.segment_comparison(queries.view("2026-Q3"))
        .query("metric_id == 'enps'")
        .set_index("segment_id")
    )
    assert len(shown) > 0
    assert shown["rest_value"].tolist() == q3.loc[shown.index, "rest_value"].tolist()
    assert shown["differs_significantly"].tolist() == q3.loc[shown.index, "differs_significantly"].tolist()


def test_the_kpi_csv_stamps_a_moved_metric_with_its_own_periods(demo_warehouse):
    """The scorecard CSV of Q4 2026 to date: eNPS rows say Q3 2026 against Q2 2026, the rest the view."""
    import io

    import pandas as pd

    import queries
    from components.kpi_table import kpi_csv

    view = queries.view()
    written = pd.read_csv(io.StringIO(kpi_csv(queries.scorecard(view), view))).set_index("metric_id")
    assert written.loc["enps", ["period_start", "period_end", "compare_start", "compare_end"]].tolist() == [
        "2026-07-01", "2026-09-30", "2026-04-01", "2026-06-30",
    ]  # fmt: skip
    assert written.loc["tnps", ["period_start", "compare_end"]].tolist() == [
        view.period.start.isoformat(),
        view.comparison.end.isoformat(),
    ]
