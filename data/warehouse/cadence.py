"""How often each metric is measured: its cadence, `daily`, `weekly`, `monthly` or `quarterly`.

The catalogue may declare it (the optional `metrics.cadence`); otherwise it is inferred from the spacing
of the calendar periods that have data, not of days: data every day of each released quarter is still
only as fresh as its quarter, which is why a catalogue can say so.
Pure, so publishing a snapshot uses it too; the query layer adds each metric's cadence from the live
snapshot (queries.cadence.metric_cadences).
"""

from datetime import date, timedelta

import pandas as pd

from data.warehouse import contract
from data.warehouse.periods import Period, View, year_earlier

#: The calendar period (pandas frequency) each cadence delivers data for.
_CALENDAR_PERIOD = {"daily": "D", "weekly": "W-SUN", "monthly": "M", "quarterly": "Q"}
#: The contract's cadences, finest first, with their calendar periods (a new one needs its period here).
CADENCES = {cadence: _CALENDAR_PERIOD[cadence] for cadence in contract.CADENCES}
#: Days of history, back from each metric's latest day, that its cadence is inferred from.
CADENCE_WINDOW_DAYS = 400
#: Days a metric's data may be late beyond its cadence before it counts as late: a day for daily data,
#: up to a month for a quarterly survey whose results are released after the quarter closes.
GRACE_DAYS = {"daily": 1, "weekly": 2, "monthly": 7, "quarterly": 31}
#: The cadence assumed when a metric has too little data to infer one: daily, the rollup's own grain.
ASSUMED_CADENCE = "daily"


def infer_cadence(days) -> str | None:
    """The finest cadence whose calendar periods with data follow one another without a gap (the
    median step between consecutive periods with data is one period); the coarsest when none does;
    None with fewer than two distinct days."""
    distinct = pd.to_datetime(pd.Series(list(days), dtype="object")).dt.normalize().drop_duplicates()
    if len(distinct) < 2:
        return None
    for cadence, frequency in CADENCES.items():
        periods = pd.PeriodIndex(distinct, freq=frequency).unique().sort_values()
        steps = pd.Series(periods.asi8).diff().dropna()
        if len(steps) and steps.median() <= 1:
            return cadence
    return "quarterly"


def period_bounds(day: date, cadence: str) -> tuple[date, date]:
    """The first and last day of the calendar period of `cadence` containing `day`."""
    period = pd.Period(day, freq=CADENCES[cadence])
    return period.start_time.date(), period.end_time.date()


def late_after_days(latest_day: date, cadence: str) -> int:
    """Days after `latest_day` beyond which a metric is late: the next period's data is due by that
    period's end, plus the grace days."""
    _start, end = period_bounds(latest_day, cadence)
    _next_start, next_end = period_bounds(end + timedelta(days=1), cadence)
    return (next_end - latest_day).days + GRACE_DAYS[cadence]


def cadences(days: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Each metric of `catalogue` (metric_id, cadence: declared or None) with its `cadence`,
    `cadence_source` ('declared', 'inferred' or 'assumed') and `latest_day`, from `days` (metric_id,
    day: the days with data; only the window before each metric's latest day counts)."""
    days = days.assign(day=pd.to_datetime(days["day"]).dt.normalize())
    rows = []
    for metric_id, declared in zip(catalogue["metric_id"], catalogue["cadence"], strict=True):
        own = days.loc[days["metric_id"] == metric_id, "day"]
        latest = own.max() if len(own) else None
        if isinstance(declared, str) and declared in CADENCES:
            cadence, source = declared, "declared"
        else:
            window = (
                own[own >= latest - pd.Timedelta(days=CADENCE_WINDOW_DAYS)] if latest is not None else own
            )
            inferred = infer_cadence(window)
            cadence, source = (inferred, "inferred") if inferred else (ASSUMED_CADENCE, "assumed")
        rows.append((metric_id, cadence, source, latest.date() if latest is not None else None))
    return pd.DataFrame(rows, columns=["metric_id", "cadence", "cadence_source", "latest_day"])


def _period(day: date, cadence: str) -> Period:
    """The calendar period of `cadence` containing `day`, named as people say it."""
    start, end = period_bounds(day, cadence)
    label = {
        "daily": f"{start.day} {start:%b %Y}",
        "weekly": f"Week of {start.day} {start:%b %Y}",
        "monthly": f"{start:%b %Y}",
        "quarterly": f"Q{(start.month - 1) // 3 + 1} {start.year}",
    }[cadence]
    return Period(cadence, label, start, end)


def holds_a_whole_period(period: Period, cadence: str) -> bool:
    """Whether `period` contains at least one whole calendar period of `cadence`."""
    start, end = period_bounds(period.start, cadence)
    first_whole = period.start if start == period.start else end + timedelta(days=1)
    return period_bounds(first_whole, cadence)[1] <= period.end


def measured_view(view: View, cadence: str, latest_day: date | None = None) -> View | None:
    """The view a metric of `cadence` is shown at when `view` is too short to hold one whole period of
    it (quarterly data in a quarter-to-date view): its latest whole period ending by the view's end
    and holding data (none after `latest_day`, its latest day with data), against the one before (or
    the same period a year earlier); None when the view holds one."""
    if view.compare not in ("prev", "yoy") or holds_a_whole_period(view.period, cadence):
        return None
    latest = _period(view.period.end, cadence)
    if latest.end > view.period.end:
        latest = _period(latest.start - timedelta(days=1), cadence)
    if latest_day is not None and not pd.isna(latest_day) and latest_day < latest.start:
        # Not released yet (a survey published after its quarter closes): the last one that was.
        latest = _period(latest_day, cadence)
    if view.compare == "yoy":
        compared = _period(year_earlier(latest.start), cadence)
    else:
        compared = _period(latest.start - timedelta(days=1), cadence)
    return View(latest, compared, view.compare, view.as_of)
