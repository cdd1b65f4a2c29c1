"""KPI answers computed when a snapshot is published (answers.sql), so a page asking a standard view
does one indexed lookup instead of the maths.

`publish_answers` writes into the new snapshot: `t_quantiles` (the t distribution's 97.5% quantile the
statement reads), `kpi_answers` (every standard view as of the snapshot's latest data day: each
calendar month, quarter and year with data and the trailing 30/90/365 days, each against the previous
period and the same period a year earlier) and `kpi_monthly` (each calendar month, the last one to
date: what sparklines and trends show). The query layer runs the same statement for any other view,
with the same `statement_params`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy.special import stdtrit

from data.warehouse import contract
from data.warehouse.cadence import CADENCES, measured_view
from data.warehouse.periods import COMPARISONS, PeriodError, View, period_choices, resolve_view

ANSWERS = (Path(__file__).resolve().parent / "answers.sql").read_text()
#: The answers of calendar buckets (`bucket_rows`) as a trend reads them: `kpi_monthly`'s columns.
BUCKETS = (
    "SELECT metric_id, touchpoint_id, segment_id, CAST(period_key AS DATE) AS bucket_start, "
    "period_end AS bucket_end, has_data, n, days, value, low, high, target, tolerance FROM (" + ANSWERS + ")"
)
#: The published tables, each sorted by what a lookup filters on so DuckDB's zone maps skip the rest.
WRITE_ANSWERS = (
    "CREATE OR REPLACE TABLE kpi_answers AS SELECT * FROM (" + ANSWERS + ") "
    "ORDER BY period_key, compare, metric_id, touchpoint_id, segment_id"
)
WRITE_MONTHLY = (
    "CREATE OR REPLACE TABLE kpi_monthly AS " + BUCKETS + " "
    "ORDER BY touchpoint_id, segment_id, metric_id, bucket_start"
)

#: t(0.975, df) is tabulated for df = 1.00, 1.01, … up to T_TABLE_LAST_DF (the statement interpolates
#: Welch's fractional df between neighbours); beyond, a Cornish–Fisher expansion is accurate to 1e-12.
T_TABLE_STEPS_PER_DF = 100
T_TABLE_LAST_DF = 200

#: The tables a snapshot's answers live in.
ANSWER_TABLES = ("t_quantiles", "kpi_answers", "kpi_monthly")


@dataclass(frozen=True)
class MetricCadence:
    """What decides the period a metric is shown at: its declared cadence (None when the catalogue
    declares none: only a declared one moves a metric) and its latest day with data."""

    metric_id: str
    declared: str | None
    latest_day: date | None


def t_quantiles() -> pd.DataFrame:
    """The table of t(0.975, df): df in hundredths (`hundredths`), `t`."""
    hundredths = np.arange(T_TABLE_STEPS_PER_DF, T_TABLE_LAST_DF * T_TABLE_STEPS_PER_DF + 1)
    return pd.DataFrame(
        {"hundredths": hundredths.astype("int32"), "t": stdtrit(hundredths / T_TABLE_STEPS_PER_DF, 0.975)}
    )


def shown_view(view: View, metric: MetricCadence) -> View | None:
    """The view a metric is shown at when its declared cadence moves it off `view`; None when it does
    not move (data.warehouse.cadence.measured_view)."""
    if metric.declared not in CADENCES:
        return None
    return measured_view(view, metric.declared, metric.latest_day)


def view_rows(view: View, metrics: Iterable[MetricCadence]) -> list[dict]:
    """The statement's `$views` rows of one view: one per metric, at the period it is shown at."""
    rows = []
    for metric in metrics:
        moved = shown_view(view, metric)
        shown = moved or view
        rows.append(
            {
                "period_key": view.period.key,
                "compare": view.compare,
                "metric_id": metric.metric_id,
                "period_start": shown.period.start,
                "period_end": shown.period.end,
                "compare_start": shown.comparison.start,
                "compare_end": shown.comparison.end,
                "target_day": shown.period.end,
                "measured_period": moved.period.label if moved else None,
                "compare_label": moved.comparison.label if moved else None,
            }
        )
    return rows


def bucket_rows(start: date, end: date, grain: str, metric_ids: Iterable[str]) -> list[dict]:
    """The statement's `$views` rows of a trend: each calendar month or week (`grain`) over
    [start, end], keyed by its first day (ISO), summed over its days in the range, its target the one
    in force on its last day in the range; no comparison."""
    first = pd.Timestamp(start).to_period("M" if grain == "month" else "W-SUN").start_time.date()
    rows = []
    while first <= end:
        following = (
            (pd.Timestamp(first) + pd.offsets.MonthBegin(1)).date()
            if grain == "month"
            else first + timedelta(days=7)
        )
        last = min(following - timedelta(days=1), end)
        rows += [
            {
                "period_key": first.isoformat(),
                "compare": None,
                "metric_id": metric_id,
                "period_start": max(first, start),
                "period_end": last,
                "compare_start": None,
                "compare_end": None,
                "target_day": last,
                "measured_period": None,
                "compare_label": None,
            }
            for metric_id in metric_ids
        ]
        first = following
    return rows


def statement_params(views: list[dict]) -> dict:
    """The bound parameters of answers.sql for `views` (the contract's units and target specificity
    come along)."""
    units = [
        {"unit": name, "multiplier": unit.multiplier, "ceiling": unit.ceiling}
        for name, unit in contract.UNITS.items()
    ]
    return {
        "views": views,
        "units": units,
        "touchpoint_weight": contract.SPECIFICITY["touchpoint_id"],
        "segment_weight": contract.SPECIFICITY["segment_id"],
    }


def standard_views(first_day: date, as_of: date) -> list[View]:
    """Every view published as of `as_of`: each period a selector offers (period_choices) against each
    comparison the calendar has."""
    views = []
    for key, _label in period_choices(first_day, as_of):
        for compare in COMPARISONS:
            try:
                views.append(resolve_view(key, compare, as_of))
            except PeriodError:  # no period before year 1 to compare with
                continue
    return views


def metric_cadences(con: duckdb.DuckDBPyConnection) -> list[MetricCadence]:
    """Each metric's declared cadence and latest day with data in the snapshot being written."""
    rows = con.execute(
        "SELECT m.metric_id, m.cadence, max(r.day) FROM metrics AS m "
        "LEFT JOIN daily_rollup AS r USING (metric_id) GROUP BY ALL ORDER BY m.metric_id"
    ).fetchall()
    return [MetricCadence(metric_id, cadence, latest) for metric_id, cadence, latest in rows]


def publish_answers(con: duckdb.DuckDBPyConnection) -> None:
    """Write `t_quantiles`, `kpi_answers` and `kpi_monthly` into the snapshot `con` is writing (after
    its rollup), sorted by what a lookup filters on so DuckDB's zone maps skip the rest."""
    con.register("t_table", t_quantiles())
    con.execute("CREATE OR REPLACE TABLE t_quantiles AS SELECT * FROM t_table")
    con.unregister("t_table")
    first_day, as_of = con.execute("SELECT min(day), max(day) FROM daily_rollup").fetchone()
    metrics = metric_cadences(con)
    views, months = [], []
    if as_of is not None:
        views = [row for view in standard_views(first_day, as_of) for row in view_rows(view, metrics)]
        months = bucket_rows(first_day, as_of, "month", [metric.metric_id for metric in metrics])
    con.execute(WRITE_ANSWERS, statement_params(views))
    con.execute(WRITE_MONTHLY, statement_params(months))
