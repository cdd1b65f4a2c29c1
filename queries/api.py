"""What pages ask the warehouse, in the users' words: the catalogue, the view, and KPIs for it."""

from datetime import date, timedelta
from functools import cache

import pandas as pd

from data.warehouse import answers
from queries import kpi
from queries.cadence import metric_cadences
from queries.catalogue import metrics, touchpoints
from queries.periods import View, resolve_view
from queries.runner import WarehouseError, memoised, run, run_text, sql_text

#: Calendar buckets a trend may use.
GRAINS = ("month", "week")

#: Breakdown dimensions a page may ask for, and the column each one groups by.
BREAKDOWNS = {"touchpoint": "touchpoint_id", "segment": "segment_id"}


def _catalogue(metric_id: str | None) -> pd.DataFrame:
    catalogue = metrics()
    return catalogue if metric_id is None else catalogue[catalogue["metric_id"] == metric_id]


def sums_params(metric_id, touchpoint_id, segment_id, by=(), grain=None, rest_of_segment=False) -> dict:
    """The parameters of kpi_sums.sql (and kpi_sums_raw.sql)."""
    return {
        **_slice_params(by, metric_id, touchpoint_id, segment_id),
        "grain": grain,
        "rest_of_segment": rest_of_segment,
    }


def data_range() -> tuple[date, date]:
    """The first and the latest data dates in the warehouse."""
    row = run("as_of").iloc[0]
    if pd.isna(row["as_of"]):
        raise WarehouseError("The warehouse holds no data yet. Load some with `python -m data.ingest PATH`.")
    return pd.Timestamp(row["first_day"]).date(), pd.Timestamp(row["as_of"]).date()


def as_of() -> date:
    """The latest data date in the warehouse."""
    return data_range()[1]


def view(period: str | None = None, compare: str | None = None) -> View:
    """The reporting view a URL asks for (default: quarter to date vs the previous full quarter)."""
    return resolve_view(period, compare, as_of())


#: Columns saying when a row is shown at its own cadence's latest whole period instead of the view's
#: (None otherwise): that period's label ("Q3 2026"), the compared period's label,
#: and the first and last days of both.
MEASURED_COLUMNS = [
    "measured_period",
    "compare_label",
    "measured_start",
    "measured_end",
    "compare_start",
    "compare_end",
]


@memoised
def kpis(
    view: View,
    by: tuple[str, ...] = (),
    metric_id: str | None = None,
    touchpoint_id: str | None = None,
    segment_id: str | None = None,
    sums: str = "answers",
) -> pd.DataFrame:
    """One row per metric (and per touchpoint and/or segment in `by`) with everything a tile shows.

    Columns: the catalogue's, the slice's touchpoint_id and segment_id (the filter's when not broken
    down; None = all), n (NA for ratio metrics), value, low, high, target, tolerance, status,
    gap_clear, previous_value, previous_n, change, change_significant, and MEASURED_COLUMNS. Without
    `by` every metric of the catalogue appears, `no_data` when it has no rows; with `by`, the slices
    with data in either period. A metric the catalogue declares measured less often than the view can
    hold (quarterly data in a quarter to date) is shown at its latest whole period
    (queries.cadence.measured_view).
    A standard view is one lookup of the answers published with the snapshot; any other view runs
    the same statement (data/warehouse/answers.sql) for just that view. `sums="kpi_sums"` or
    `sums="kpi_sums_raw"` computes the same in pandas from the rollup or from raw facts: the reference
    (tests and benchmarks only).
    """
    _check_breakdowns(by)
    if sums == "answers":
        return _answers(view, by, metric_id, touchpoint_id, segment_id)
    frame = _view_kpis(view, by, metric_id, touchpoint_id, segment_id, sums).assign(
        **dict.fromkeys(MEASURED_COLUMNS)
    )
    # Every metric of the catalogue that may move, even one with no rows in the view's own periods.
    for metric in _catalogue(metric_id)["metric_id"]:
        shown = _shown_view(view, metric)
        if shown is view:
            continue
        rows = _view_kpis(shown, by, metric, touchpoint_id, segment_id, sums).assign(
            measured_period=shown.period.label,
            compare_label=shown.comparison.label,
            measured_start=shown.period.start,
            measured_end=shown.period.end,
            compare_start=shown.comparison.start,
            compare_end=shown.comparison.end,
        )
        frame = pd.concat([frame[frame["metric_id"] != metric], rows], ignore_index=True)
    keys = [BREAKDOWNS[b] for b in by]
    return frame.sort_values(["sort_order", *keys], ignore_index=True)


def _shown_view(view: View, metric_id: str) -> View:
    """The view a metric is shown at: `view` itself, or its latest whole period with data when the
    catalogue declares it measured less often than `view` can hold (data.warehouse.answers.shown_view,
    the one rule the published answers follow too)."""
    (metric,) = _metric_cadences(metric_id) or [answers.MetricCadence(metric_id, None, None)]
    return answers.shown_view(view, metric) or view


def _check_breakdowns(by) -> None:
    unknown = set(by) - BREAKDOWNS.keys()
    if unknown:
        raise ValueError(f"Breakdowns are by {' and '.join(BREAKDOWNS)}, not {', '.join(sorted(unknown))}.")


@cache
def _published_views(first_day: date, as_of: date) -> frozenset[View]:
    """The views whose answers a snapshot with these data days publishes."""
    return frozenset(answers.standard_views(first_day, as_of))


def _published(view: View) -> bool:
    """Whether the live snapshot holds `view`'s answers (a standard view as of its latest data day)."""
    return view in _published_views(*data_range())


def _metric_cadences(metric_id: str | None) -> list[answers.MetricCadence]:
    """What decides the period each metric (or the one) is shown at, in the live snapshot."""
    known = metric_cadences()
    if metric_id is not None:
        known = known[known["metric_id"] == metric_id]
    return [
        answers.MetricCadence(
            row.metric_id, row.cadence if row.cadence_source == "declared" else None, row.latest_day
        )
        for row in known.itertuples()
    ]


def _lookup(name: str, views: list[dict] | None, **params) -> pd.DataFrame:
    """queries/<name>.sql over the published table of that name, or (`views` given) over the answers
    statement computing just those views."""
    if views is None:
        return run(name, **params)
    source = answers.BUCKETS if name == "kpi_monthly" else answers.ANSWERS
    text = f"WITH {name} AS ({source})\n{sql_text(name)}"
    return run_text(f"{name}_computed", text, **params, **answers.statement_params(views))


def _slice_params(by, metric_id, touchpoint_id, segment_id) -> dict:
    return {
        "metric_id": metric_id,
        "touchpoint_id": touchpoint_id,
        "segment_id": segment_id,
        "by_touchpoint": "touchpoint" in by,
        "by_segment": "segment" in by,
    }


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """A lookup's frame with the dtypes pages read: n a nullable integer (NA for ratio metrics, which
    count no answers), verdicts nullable booleans, missing ids and dates None, dates as dates."""
    typed = {"n": frame["n"].astype("Int64").mask(frame["kind"] == "ratio")}
    for column in ("gap_clear", "change_significant"):
        if column in frame:
            typed[column] = frame[column].astype("boolean")
    for column in ("touchpoint_id", "segment_id", "measured_period", "compare_label"):
        if column in frame:
            typed[column] = frame[column].astype(object).where(frame[column].notna(), None)
    for column in ("measured_start", "measured_end", "compare_start", "compare_end"):
        if column in frame:
            days = pd.to_datetime(frame[column])
            typed[column] = pd.Series(
                [day.date() if not pd.isna(day) else None for day in days], index=frame.index, dtype=object
            )
    return frame.assign(**typed)


def _answers(view: View, by, metric_id, touchpoint_id, segment_id) -> pd.DataFrame:
    """`kpis` from the published answers, or from the answers statement for a view not published."""
    views = None if _published(view) else answers.view_rows(view, _metric_cadences(metric_id))
    frame = _lookup(
        "kpi_answers",
        views,
        period_key=view.period.key,
        compare=view.compare,
        **_slice_params(by, metric_id, touchpoint_id, segment_id),
    )
    return _typed(frame)


def _view_kpis(view: View, by, metric_id, touchpoint_id, segment_id, sums) -> pd.DataFrame:
    """`kpis` for exactly the view's period and comparison, whatever each metric's cadence."""
    keys = ["metric_id", *(BREAKDOWNS[b] for b in by)]
    params = sums_params(metric_id, touchpoint_id, segment_id, by)
    not_keys = ["bucket_start", *(c for c in BREAKDOWNS.values() if c not in keys)]
    current = run(sums, start=view.period.start, end=view.period.end, **params).drop(columns=not_keys)
    previous = run(sums, start=view.comparison.start, end=view.comparison.end, **params).drop(
        columns=not_keys
    )

    catalogue = _catalogue(metric_id)
    slices = pd.concat([current[keys], previous[keys]]).drop_duplicates() if by else catalogue[["metric_id"]]

    def with_values(sums_frame: pd.DataFrame) -> pd.DataFrame:
        frame = catalogue.merge(slices, on="metric_id").merge(sums_frame, on=keys, how="left")
        frame[kpi.SUMS] = frame[kpi.SUMS].fillna(0)
        return kpi.add_values(frame)

    frame = kpi.add_change(with_values(current), with_values(previous), keys)
    for column, value in (("touchpoint_id", touchpoint_id), ("segment_id", segment_id)):
        if column not in keys:
            frame[column] = value
    frame["target_day"] = pd.Timestamp(view.period.end)
    frame = kpi.add_status(kpi.pick_targets(frame, run("targets", metric_id=metric_id)))
    frame["n"] = frame["n"].astype("Int64").mask(frame["kind"] == "ratio")
    return frame.sort_values(["sort_order", *keys[1:]], ignore_index=True)


def scorecard(view: View, segment_id: str | None = None, touchpoint_id: str | None = None) -> pd.DataFrame:
    """Every metric's KPI for the view, optionally for one segment or touchpoint."""
    return kpis(view, segment_id=segment_id, touchpoint_id=touchpoint_id)


def touchpoint_scorecard(view: View, touchpoint_id: str, segment_id: str | None = None) -> pd.DataFrame:
    """The KPIs of the metrics measured at a touchpoint (by anyone, in the view), for one segment or all."""
    measured = kpis(view, ("touchpoint",))
    here = set(measured.loc[measured["touchpoint_id"] == touchpoint_id, "metric_id"])
    card = scorecard(view, segment_id=segment_id, touchpoint_id=touchpoint_id)
    return card[card["metric_id"].isin(here)]


def voice_metric(card: pd.DataFrame):
    """The survey metric with the most answers in a KPI frame, whose comments speak for its slice; None
    when the frame has no survey metric."""
    surveys = card[card["kind"] != "ratio"].sort_values("n", ascending=False)
    return surveys.iloc[0] if len(surveys) else None


def breakdown(
    view: View, metric_id: str, by: str, segment_id: str | None = None, touchpoint_id: str | None = None
) -> pd.DataFrame:
    """One metric's KPI per touchpoint or per segment (`by`), or per cell (`by="cell"`)."""
    dimensions = tuple(BREAKDOWNS) if by == "cell" else (by,)
    return kpis(view, dimensions, metric_id=metric_id, segment_id=segment_id, touchpoint_id=touchpoint_id)


@memoised
def trend(
    start: date,
    end: date,
    grain: str = "month",
    metric_id: str | None = None,
    touchpoint_id: str | None = None,
    segment_id: str | None = None,
) -> pd.DataFrame:
    """KPI per calendar month or week (`grain`) over [start, end], with the target in force each bucket.

    One row per metric and bucket that has data: bucket_start, bucket_end (clipped to `end`), n,
    value, low, high, target, tolerance. Buckets are whole calendar months/weeks clipped to the range.
    Whole months ending at a month's end or the latest data day are looked up in the published months.
    """
    return _buckets(start, end, grain, metric_id, touchpoint_id, segment_id, by=())


def _buckets(start, end, grain, metric_id, touchpoint_id, segment_id, by) -> pd.DataFrame:
    """`trend`'s rows, of one slice or of every touchpoint and/or segment in `by` (within the filters)."""
    if grain not in GRAINS:
        raise ValueError(f"Trends are by {' or '.join(GRAINS)}, not {grain}.")
    start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    latest = as_of()
    whole_months = (
        grain == "month"
        and start.day == 1
        and (end == latest or (end < latest and (end + timedelta(days=1)).day == 1))
    )
    views = None
    if not whole_months:
        ids = [metric.metric_id for metric in _metric_cadences(metric_id)]
        views = answers.bucket_rows(start, end, grain, ids)
    frame = _lookup(
        "kpi_monthly",
        views,
        start=start,
        end=end,
        **_slice_params(by, metric_id, touchpoint_id, segment_id),
    )
    return _typed(frame).assign(
        bucket_start=pd.to_datetime(frame["bucket_start"]).astype("datetime64[us]"),
        bucket_end=pd.to_datetime(frame["bucket_end"]).astype("datetime64[us]"),
    )


def annotations(start: date, end: date, metric_id: str | None = None, touchpoint_id: str | None = None):
    """Annotations (day, metric_id, touchpoint_id, title) in [start, end] for a metric and touchpoint."""
    return run("annotations", start=start, end=end, metric_id=metric_id, touchpoint_id=touchpoint_id)


def _time_range(view: View, metric_id: str) -> dict:
    """The instants a metric's raw answers are read over: the period it is shown at (`_shown_view`)."""
    period = _shown_view(view, metric_id).period
    return {"start": period.start, "end_exclusive": period.end + timedelta(days=1)}


@memoised
def distribution(
    view: View, metric_id: str, touchpoint_id: str | None = None, segment_id: str | None = None
) -> pd.DataFrame:
    """Responses per score of a survey metric in the view's period, each score with its band (from the
    score histogram: `distribution_raw` counts the same from raw responses)."""
    counts = run(
        "distribution",
        metric_id=metric_id,
        touchpoint_id=touchpoint_id,
        segment_id=segment_id,
        **_time_range(view, metric_id),
    )
    metric = _catalogue(metric_id).iloc[0]
    bands = kpi.score_bands(
        metric["kind"], metric["scale_min"], metric["scale_max"], metric["higher_is_better"]
    )
    band_of = {
        score: band for band, (_label, low, high) in bands.items() for score in range(int(low), int(high) + 1)
    }
    return counts.assign(band=counts["score"].map(lambda score: band_of.get(int(score))))


@memoised
def verbatims(
    view: View,
    metric_id: str,
    touchpoint_id: str | None = None,
    segment_id: str | None = None,
    band: str | None = None,
    page: int = 1,
    page_size: int = 10,
) -> tuple[pd.DataFrame, int]:
    """One page of verbatim comments, newest first, and how many match in all (also past the last page)."""
    metric = _catalogue(metric_id).iloc[0]
    bands = kpi.score_bands(
        metric["kind"], metric["scale_min"], metric["scale_max"], metric["higher_is_better"]
    )
    _label, min_score, max_score = bands.get(band, (None, None, None))
    ((frame, total),) = _comment_pages(
        view, [(metric_id, touchpoint_id)], segment_id, min_score, max_score, page, page_size
    )
    return frame, total


@memoised
def latest_comments(
    view: View, voices: list[tuple[str, str]], segment_id: str | None = None, count: int = 3
) -> list[pd.DataFrame]:
    """The `count` latest comments of each (metric_id, touchpoint_id) in `voices`, in one query: what
    `verbatims(view, metric_id, touchpoint_id, segment_id, page_size=count)` shows, for many at once."""
    pages = _comment_pages(view, voices, segment_id, None, None, 1, count)
    return [frame for frame, _total in pages]


def _comment_pages(view, slices, segment_id, min_score, max_score, page, page_size):
    """(page of comments, matching total) of each (metric_id, touchpoint_id) in `slices`, in one query."""
    if not slices:
        return []
    ranges = [_time_range(view, metric_id) for metric_id, _touchpoint_id in slices]
    found = run(
        "verbatims",
        metric_ids=[metric_id for metric_id, _touchpoint_id in slices],
        touchpoint_ids=[touchpoint_id for _metric_id, touchpoint_id in slices],
        starts=[time_range["start"] for time_range in ranges],
        end_exclusives=[time_range["end_exclusive"] for time_range in ranges],
        segment_id=segment_id,
        min_score=min_score,
        max_score=max_score,
        limit=page_size,
        offset=(max(page, 1) - 1) * page_size,
    )
    pages = []
    for position in range(len(slices)):
        rows = found[found["slice"] == position]
        total = int(rows["matching"].iloc[0]) if len(rows) else 0
        # A slice whose page is past its last comment comes as one row of NULLs carrying its total.
        comments = rows[rows["responded_at"].notna()].drop(columns=["slice", "matching"])
        pages.append((comments.reset_index(drop=True), total))
    return pages


@memoised
def monthly_history(
    end: date,
    months: int = 12,
    segment_id: str | None = None,
    touchpoint_id: str | None = None,
    by: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Every metric's n, value and target for each of the `months` calendar months ending with `end`'s,
    one row per metric and month, NaN where a month has no data (so sparklines keep their spacing).
    With `by=("touchpoint",)`, one row per metric, touchpoint (`touchpoint_id`) and month, in one lookup."""
    if set(by) - {"touchpoint"}:
        raise ValueError(
            f"Monthly histories are by touchpoint, not {', '.join(sorted(set(by) - {'touchpoint'}))}."
        )
    first = (pd.Timestamp(end).to_period("M") - (months - 1)).start_time
    found = _buckets(first.date(), end, "month", None, touchpoint_id, segment_id, by)
    keys = ["metric_id", *(["touchpoint_id"] if by else []), "bucket_start"]
    axes = [metrics()["metric_id"], *([touchpoints()["touchpoint_id"]] if by else [])]
    grid = pd.MultiIndex.from_product(
        [*axes, pd.date_range(first, periods=months, freq="MS")],
        names=keys,
    )
    monthly = found.set_index(keys)[["n", "value", "target"]].reindex(grid)
    # Each metric's kind and minimum sample ride along, so a public screen can blank thin months.
    return monthly.reset_index().merge(metrics()[["metric_id", "kind", "min_sample"]], on="metric_id")


def real_changes(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of a KPI frame whose change against the comparison period is real, split into
    (improvements, deteriorations) by each metric's direction. Real means significant at 95%
    (`kpi.add_change`, which gives no verdict on too little data), for every kind of metric: changes
    within noise, and thin slices, never appear."""
    real = frame[frame["change_significant"].fillna(False).astype(bool)]
    improved = (real["change"] > 0) == real["higher_is_better"].astype(bool)
    return real[improved], real[~improved]


def movers(
    view: View, metric_id: str, limit: int = 5, segment_id: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The largest real changes (`real_changes`) of one metric across touchpoint × segment cells (of one
    segment, when given): (improvements, deteriorations), largest first."""
    cells = breakdown(view, metric_id, "cell")
    if segment_id:
        cells = cells[cells["segment_id"].eq(segment_id)]
    ranked = cells.assign(size=cells["change"].abs()).sort_values("size", ascending=False)
    improved, worsened = real_changes(ranked)
    return improved.head(limit), worsened.head(limit)


@memoised
def segment_comparison(view: View) -> pd.DataFrame:
    """Every metric per segment, each with whether it differs significantly from the other customers."""
    # The rollup's pandas path: the test against the rest needs each segment's sums, which the
    # published answers do not carry.
    segments = kpis(view, ("segment",), sums="kpi_sums")
    # Each metric against the rest over the period it is shown at (a quarterly one at its quarter).
    start = segments["measured_start"].fillna(view.period.start)
    end = segments["measured_end"].fillna(view.period.end)
    rest = pd.concat(
        [
            run(
                "kpi_sums", start=first, end=last, **sums_params(None, None, None, rest_of_segment=True)
            ).merge(segments.loc[(start == first) & (end == last), ["metric_id"]].drop_duplicates())
            for first, last in set(zip(start, end, strict=True))
        ],
        ignore_index=True,
    )
    return kpi.add_difference_from_rest(segments, rest)


def response_answers(response_id: str, responded_at) -> pd.DataFrame:
    """Every answer of the response `response_id` given around `responded_at` (a follow-up case's answer
    and the others given with it): metric_id, responded_at, touchpoint_id, segment_id, score, comment."""
    return run("response_answers", response_id=response_id, day=pd.Timestamp(responded_at).date())
