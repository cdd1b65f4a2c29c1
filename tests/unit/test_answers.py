"""The KPI answers published with a snapshot (data/warehouse/answers.sql) equal the reference path
(pandas over the raw facts, queries.kpis(..., sums="kpi_sums_raw")) on every slice: of the tiny
warehouse and of a small demo, for standard views (looked up) and a view that is not published
(computed by the same statement)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

import config
import queries
from data.demo.generator import build_demo
from data.warehouse.answers import T_TABLE_LAST_DF, t_quantiles
from queries.periods import Period, View, resolve_view
from tests.tiny_warehouse import AS_OF, build_tiny_warehouse

NUMBERS = [
    "n",
    "days",
    "value",
    "low",
    "high",
    "target",
    "tolerance",
    "previous_value",
    "previous_n",
    "change",
]
EXACT = ["metric_id", "touchpoint_id", "segment_id", "status", "gap_clear", "change_significant"]
MEASURED = [
    "measured_period",
    "compare_label",
    "measured_start",
    "measured_end",
    "compare_start",
    "compare_end",
]
BREAKDOWNS = [(), ("touchpoint",), ("segment",), ("touchpoint", "segment")]
DEMO_END = date(2026, 11, 23)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_warehouse(tmp_path_factory.mktemp("tiny") / "cx.duckdb")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "cx.duckdb"
    build_demo(path, responses=30_000, end=DEMO_END, seed=11)
    return path


def _plain(series: pd.Series) -> list:
    return [None if pd.isna(value) else value for value in series.astype(object)]


def assert_same_answers(published: pd.DataFrame, reference: pd.DataFrame, label) -> None:
    assert len(published) == len(reference), label
    published, reference = published.reset_index(drop=True), reference.reset_index(drop=True)
    for column in NUMBERS:
        np.testing.assert_allclose(
            published[column].astype(float).to_numpy(),
            reference[column].astype(float).to_numpy(),
            rtol=1e-9,
            atol=1e-12,
            err_msg=f"{label} {column}",
        )
    for column in EXACT + MEASURED:
        assert _plain(published[column]) == _plain(reference[column]), (label, column)
    assert published["n"].dtype == reference["n"].dtype == "Int64"
    assert published["change_significant"].dtype == reference["change_significant"].dtype == "boolean"


def every_slice(view: View, filters) -> None:
    """Each filter's one slice (every metric), and each breakdown (the slices with data)."""
    asked = [((), filters_) for filters_ in filters] + [(by, (None, None)) for by in BREAKDOWNS[1:]]
    for by, (touchpoint_id, segment_id) in asked:
        kwargs = {"touchpoint_id": touchpoint_id, "segment_id": segment_id}
        assert_same_answers(
            queries.kpis(view, by, **kwargs),
            queries.kpis(view, by, sums="kpi_sums_raw", **kwargs),
            (view.period.key, view.compare, by, touchpoint_id, segment_id),
        )


def every_filter() -> list[tuple]:
    """No filter, each touchpoint, each segment and each cell: every slice a page can ask."""
    touchpoints = list(queries.touchpoints()["touchpoint_id"])
    segments = list(queries.segments()["segment_id"])
    return (
        [(None, None)]
        + [(t, None) for t in touchpoints]
        + [(None, s) for s in segments]
        + [(t, s) for t in touchpoints for s in segments]
    )


def test_t_quantile_table_by_hand():
    """t(0.975, 1) = tan(0.475π) = 12.7062…, t(0.975, 2) = 4.30265… (√(2/(p(2−p)) − 2) with two-tailed
    p = 0.05: √(2/0.0975 − 2) = 4.302653), t(0.975, 10) = 2.228139 from a printed table."""
    table = t_quantiles().set_index("hundredths")["t"]
    assert table[100] == pytest.approx(np.tan(0.475 * np.pi), rel=1e-12)
    assert table[200] == pytest.approx(np.sqrt(2 / 0.0975 - 2), rel=1e-12)
    assert table[1000] == pytest.approx(2.228139, abs=1e-6)
    assert table.index.max() == T_TABLE_LAST_DF * 100


def test_mean_interval_reads_t_from_the_table_by_hand(tiny, monkeypatch):
    """Effort in Q4 at shop/smb: 2, 4, 4, 5, 7 → mean 4.4, s² = 3.3, t(0.975, 4) = 2.776445 (a printed
    table): 4.4 ± 2.776445·√(3.3/5) = 2.144405 to 6.655595. (Means over more than the table's df, where
    the Cornish–Fisher expansion takes over, are held to the reference in the demo tests below.)"""
    monkeypatch.setattr(config, "WAREHOUSE", tiny)
    row = queries.kpis(queries.view("2026-Q4"), metric_id="effort").iloc[0]
    assert (row["value"], row["low"], row["high"]) == (
        pytest.approx(4.4),
        pytest.approx(2.144405, abs=1e-6),
        pytest.approx(6.655595, abs=1e-6),
    )


@pytest.mark.parametrize(
    ("period", "compare"), [("2026-Q4", "prev"), ("2026-Q4", "yoy"), ("2026-10", "prev"), ("t365", "yoy")]
)
def test_tiny_published_answers_equal_the_reference(tiny, monkeypatch, period, compare):
    monkeypatch.setattr(config, "WAREHOUSE", tiny)
    every_slice(resolve_view(period, compare, AS_OF), every_filter())


def test_tiny_answers_of_a_view_not_published_equal_the_reference(tiny, monkeypatch):
    """A view as of an earlier day is not published: the same statement computes it."""
    monkeypatch.setattr(config, "WAREHOUSE", tiny)
    every_slice(resolve_view("2026-Q4", "prev", date(2026, 11, 10)), every_filter())


@pytest.mark.parametrize(
    ("period", "compare", "as_of"),
    [
        ("2026-Q4", "prev", DEMO_END),
        ("2026-Q3", "yoy", DEMO_END),
        ("2026-10", "prev", DEMO_END),
        ("2025", "prev", DEMO_END),
        ("t90", "yoy", DEMO_END),
        ("t30", "prev", date(2026, 9, 14)),  # not published
    ],
)
def test_demo_answers_equal_the_reference_on_every_slice(demo, monkeypatch, period, compare, as_of):
    monkeypatch.setattr(config, "WAREHOUSE", demo)
    every_slice(resolve_view(period, compare, as_of), [(None, None), ("mobile_app", None), (None, "smb")])


def _month_view(month: pd.Timestamp, end: date) -> View:
    """A month clipped to `end`, compared with nothing: the reference for one month of a trend."""
    last = min((month + pd.offsets.MonthEnd(0)).date(), end)
    period = Period(f"{month:%Y-%m}", "", month.date(), last)
    return View(period, period, "none", end)


@pytest.mark.parametrize("grain_end", [DEMO_END, date(2026, 8, 31), date(2026, 9, 14)])
def test_demo_monthly_trend_equals_the_reference_months(demo, monkeypatch, grain_end):
    """Published months (ending at a month's end or the latest data day) and computed ones (ending on
    another day) each equal that month's KPI from the raw facts, target included."""
    monkeypatch.setattr(config, "WAREHOUSE", demo)
    trend = queries.trend(date(2026, 1, 1), grain_end, "month", touchpoint_id="mobile_app")
    for month, rows in trend.groupby("bucket_start"):
        reference = queries.kpis(
            _month_view(month, grain_end), touchpoint_id="mobile_app", sums="kpi_sums_raw"
        )
        reference = reference[reference["metric_id"].isin(rows["metric_id"])]
        for column in ("n", "value", "low", "high", "target", "tolerance"):
            np.testing.assert_allclose(
                rows[column].astype(float).to_numpy(),
                reference[column].astype(float).to_numpy(),
                rtol=1e-9,
                err_msg=f"{month} {column}",
            )
        assert set(rows["bucket_end"].dt.date) == {min((month + pd.offsets.MonthEnd(0)).date(), grain_end)}


def test_weekly_trend_sums_each_week_in_the_range(tiny, monkeypatch):
    """Weeks are computed: the NPS week of 12 Oct 2026 holds the 10 answers of 15 Oct (NPS 40) at
    web/smb, its target that of Q4 at web/smb (50)."""
    monkeypatch.setattr(config, "WAREHOUSE", tiny)
    trend = queries.trend(date(2026, 10, 1), AS_OF, "week", "nps", "web", "smb")
    assert list(trend["bucket_start"].dt.date) == [date(2026, 10, 12)]
    row = trend.iloc[0]
    assert (row["n"], row["value"], row["target"], row["bucket_end"].date()) == (
        10,
        40.0,
        50.0,
        date(2026, 10, 18),
    )


def test_monthly_history_by_touchpoint_is_each_touchpoints_own(demo, monkeypatch):
    monkeypatch.setattr(config, "WAREHOUSE", demo)
    every = queries.monthly_history(DEMO_END, 6, by=("touchpoint",))
    assert len(every) == len(queries.metrics()) * len(queries.touchpoints()) * 6
    for touchpoint_id in ("mobile_app", "chat"):
        own = queries.monthly_history(DEMO_END, 6, touchpoint_id=touchpoint_id)
        mine = every[every["touchpoint_id"] == touchpoint_id].drop(columns="touchpoint_id")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), own.reset_index(drop=True))


def test_a_mean_metric_with_millions_of_answers_is_computed(tiny, tmp_path, monkeypatch):
    """Welch's degrees of freedom beyond the t table (here ~10⁸) take the expansion, with no overflow
    in the table's join; the interval and the change's verdict still equal the reference."""
    import shutil

    import duckdb

    big = shutil.copy(tiny, tmp_path / "big.duckdb")
    with duckdb.connect(str(big)) as con:  # the same answers in Q3 too, then ten million times over
        con.execute(
            "INSERT INTO daily_rollup SELECT * REPLACE (DATE '2026-07-20' AS day) FROM daily_rollup"
            " WHERE metric_id = 'effort'"
        )
        con.execute(
            "UPDATE daily_rollup SET n = n * 10000000, score_sum = score_sum * 10000000,"
            " score_sum_sq = score_sum_sq * 10000000 WHERE metric_id = 'effort'"
        )
    monkeypatch.setattr(config, "WAREHOUSE", big)
    view = resolve_view("2026-Q4", "prev", date(2026, 11, 10))  # not published: computed
    published = queries.kpis(view, metric_id="effort")
    assert published["n"].iloc[0] == published["previous_n"].iloc[0] == 50_000_000
    assert not published["change_significant"].iloc[0]  # the same answers: no real change
    assert_same_answers(published, queries.kpis(view, metric_id="effort", sums="kpi_sums"), "effort ×10⁷")


def test_two_targets_of_one_scope_and_start_go_to_the_same_row_on_both_paths(tiny, tmp_path, monkeypatch):
    """The contract lets two all-customer NPS targets start on 1 October; the later-ending one wins,
    in the answers statement as in the pandas reference."""
    import shutil

    import duckdb

    tied = shutil.copy(tiny, tmp_path / "tied.duckdb")
    with duckdb.connect(str(tied)) as con:
        con.execute(
            "INSERT INTO targets VALUES ('nps', DATE '2026-10-01', DATE '2027-03-31', 99.0, 2.0, NULL, NULL)"
        )
    monkeypatch.setattr(config, "WAREHOUSE", tied)
    view = resolve_view("2026-Q4", "prev", date(2026, 11, 10))  # not published: computed
    computed = queries.kpis(view, metric_id="nps")
    reference = queries.kpis(view, metric_id="nps", sums="kpi_sums")
    assert (computed["target"].iloc[0], computed["tolerance"].iloc[0]) == (99.0, 2.0)
    assert_same_answers(computed, reference, "tied targets")
