"""From sufficient statistics to what a tile shows: value, interval, target, status and change.

Pure functions of DataFrames (no I/O), so every rule is unit-tested on frames built by hand.
"""

import numpy as np
import pandas as pd

from data.warehouse.contract import SPECIFICITY
from queries import stats

SUMS = [
    "n",
    "score_sum",
    "score_sum_sq",
    "promoters",
    "passives",
    "detractors",
    "top2",
    "numerator",
    "denominator",
    # A ratio metric's daily moments: days with data, Σnumᵢ², Σnumᵢ·denᵢ, Σdenᵢ² of each day's sums.
    "days",
    "numerator_sq",
    "numerator_denominator",
    "denominator_sq",
]

#: The daily moments of ratio metrics, as stats.ratio_standard_error takes them (after Σnum, Σden).
_RATIO_MOMENTS = [
    "numerator",
    "denominator",
    "numerator_sq",
    "numerator_denominator",
    "denominator_sq",
    "days",
]

#: Every status word, worst first: the order a summary strip lists them in.
STATUSES = ("off_track", "at_risk", "insufficient", "on_track", "no_target", "no_data")

# Target specificity, DESIGN.md: touchpoint+segment beats touchpoint beats segment beats neither (the
# contract's rule, which cases' rules and routes follow too).
_TOUCHPOINT_WEIGHT, _SEGMENT_WEIGHT = SPECIFICITY["touchpoint_id"], SPECIFICITY["segment_id"]


def ratio_standard_error(frame: pd.DataFrame) -> np.ndarray:
    """Each row's ratio standard error on the unit's scale (DESIGN.md: days are the units); NaN for
    survey rows and for fewer than two days with data."""
    moments = [frame[column].to_numpy(dtype=float) for column in _RATIO_MOMENTS]
    scale = stats.ratio_scale(frame["unit"].to_numpy())
    return np.where(frame["kind"].to_numpy() == "ratio", scale * stats.ratio_standard_error(*moments), np.nan)


def add_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `value`, `low` and `high` (the 95% interval)."""
    kind = frame["kind"].to_numpy()
    n = frame["n"].to_numpy(dtype=float)
    nps_low, nps_high = stats.nps_interval(frame["promoters"], frame["detractors"], n)
    top2_low, top2_high = stats.wilson_interval(frame["top2"], n)
    mean_low, mean_high = stats.mean_interval(frame["score_sum"], frame["score_sum_sq"], n)
    ratio_low, ratio_high = stats.ratio_interval(
        *(frame[column].to_numpy(dtype=float) for column in _RATIO_MOMENTS), frame["unit"].to_numpy()
    )
    choose = [kind == "nps", kind == "top2box", kind == "mean"]
    value = np.select(
        choose,
        [
            stats.nps(frame["promoters"], frame["detractors"], n),
            stats.proportion(frame["top2"], n),
            stats.mean(frame["score_sum"], n),
        ],
        default=stats.ratio(frame["numerator"], frame["denominator"], frame["unit"].to_numpy()),
    )
    # A mean's t-interval can overrun a short scale for small n; the scale bounds what is possible.
    mean_low = np.maximum(mean_low, frame["scale_min"].to_numpy(dtype=float))
    mean_high = np.minimum(mean_high, frame["scale_max"].to_numpy(dtype=float))
    return frame.assign(
        value=value,
        low=np.select(choose, [nps_low, top2_low, mean_low], default=ratio_low),
        high=np.select(choose, [nps_high, top2_high, mean_high], default=ratio_high),
    )


def pick_targets(slices: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Add `target` and `tolerance`: the most specific target row matching each slice.

    `slices` has metric_id, touchpoint_id, segment_id (None = all) and, optionally, `target_day`:
    then only target rows whose period contains that day apply. `targets` has the contract's columns.
    """
    columns = [
        "metric_id",
        "touchpoint_id",
        "segment_id",
        *(["target_day"] if "target_day" in slices else []),
    ]
    keys = slices[columns].reset_index(drop=True)
    keys["slice"] = keys.index
    candidates = keys.merge(targets, on="metric_id", suffixes=("", "_target"))
    scoped_touchpoint = candidates["touchpoint_id_target"].notna()
    scoped_segment = candidates["segment_id_target"].notna()
    applies = (~scoped_touchpoint | (candidates["touchpoint_id_target"] == candidates["touchpoint_id"])) & (
        ~scoped_segment | (candidates["segment_id_target"] == candidates["segment_id"])
    )
    if "target_day" in candidates:
        day = pd.to_datetime(candidates["target_day"])
        applies &= (pd.to_datetime(candidates["period_start"]) <= day) & (
            day <= pd.to_datetime(candidates["period_end"])
        )
    candidates = candidates[applies.fillna(False).astype(bool)].assign(
        specificity=_TOUCHPOINT_WEIGHT * scoped_touchpoint + _SEGMENT_WEIGHT * scoped_segment
    )
    best = (
        # Ties (two rows of one scope and start) go to the same row as answers.sql's ranked join.
        candidates.sort_values(["slice", "specificity", "period_start", "period_end", "target", "tolerance"])
        .drop_duplicates("slice", keep="last")
        .set_index("slice")
    )
    chosen = best.reindex(keys["slice"])
    return slices.assign(
        target=chosen["target"].to_numpy(dtype=float), tolerance=chosen["tolerance"].to_numpy(dtype=float)
    )


def status(value, n, kind, min_sample, target, tolerance, higher_is_better) -> np.ndarray:
    """The status word of each KPI (DESIGN.md), direction-aware; arrays in, array of words out."""
    value, n, target, tolerance = (np.asarray(a, dtype=float) for a in (value, n, target, tolerance))
    higher = np.asarray(higher_is_better, dtype=bool)
    # Rounded so that a value equal to its target up to floating-point noise meets it.
    shortfall = np.round(np.where(higher, target - value, value - target), 9)
    return np.select(
        [
            np.isnan(value),
            (np.asarray(kind) != "ratio") & (n < np.asarray(min_sample, dtype=float)),
            np.isnan(target),
            shortfall <= 0,
            shortfall <= tolerance,
        ],
        ["no_data", "insufficient", "no_target", "on_track", "at_risk"],
        default="off_track",
    )


def add_status(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `status` and `gap_clear`: whether the gap to target is beyond noise, i.e. the 95% interval
    excludes the target (every kind). NA when there is no value, target or interval.
    """
    words = status(
        frame["value"],
        frame["n"],
        frame["kind"],
        frame["min_sample"],
        frame["target"],
        frame["tolerance"],
        frame["higher_is_better"],
    )
    value, low, high, target = (frame[c].to_numpy(dtype=float) for c in ("value", "low", "high", "target"))
    with np.errstate(invalid="ignore"):
        clear = (low > target) | (high < target)
    known = ~np.isnan(value) & ~np.isnan(target) & ~np.isnan(low) & ~np.isnan(high)
    return frame.assign(status=words, gap_clear=pd.array(np.where(known, clear, None), dtype="boolean"))


def without_thin_values(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every figure drawn from fewer answers than the metric's minimum sample blanked:
    what a screen in a public place may show. The count (n) and the status stay, so the screen still
    says "too little data". Ratio metrics count every case (no sample of people) and are never blanked."""
    survey = frame["kind"].ne("ratio")
    thin = survey & (frame["n"].astype(float).fillna(0) < frame["min_sample"])
    masks = {column: thin for column in ("value", "low", "high", "gap_clear") if column in frame}
    if "previous_n" in frame:
        # A change is only as good as the thinner of its two periods.
        thin_before = survey & (frame["previous_n"].astype(float).fillna(0) < frame["min_sample"])
        for column in ("previous_value", "change", "change_significant"):
            masks[column] = thin | thin_before
    return frame.assign(**{column: frame[column].mask(mask) for column, mask in masks.items()})


def add_change(current: pd.DataFrame, previous: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Add `previous_value`, `previous_n`, `change` and `change_significant`.

    `current` has values and sums; `previous` has the comparison period's sums and values. The verdict
    is NA ("too little data to compare") when either period has no interval, or, for survey metrics,
    fewer answers than the metric's minimum sample: a test on a handful of answers means nothing.
    """
    carried = [*SUMS, "value", "standard_error"]
    before = previous.assign(standard_error=ratio_standard_error(previous))[[*keys, *carried]]
    both = current.assign(standard_error=ratio_standard_error(current)).merge(
        before.rename(columns={c: f"{c}_before" for c in carried}), on=keys, how="left"
    )
    kind = both["kind"].to_numpy()
    minimum = both["min_sample"].to_numpy(dtype=float)
    thin = (kind != "ratio") & (
        (both["n"].fillna(0).to_numpy(dtype=float) < minimum)
        | (both["n_before"].fillna(0).to_numpy(dtype=float) < minimum)
    )
    significant = np.select(
        [thin, kind == "nps", kind == "top2box", kind == "mean"],
        [
            np.nan,
            stats.nps_change_significant(
                both["promoters"], both["detractors"], both["n"],
                both["promoters_before"], both["detractors_before"], both["n_before"],
            ),
            stats.proportion_change_significant(both["top2"], both["n"], both["top2_before"], both["n_before"]),
            stats.mean_change_significant(
                both["score_sum"], both["score_sum_sq"], both["n"],
                both["score_sum_before"], both["score_sum_sq_before"], both["n_before"],
            ),
        ],
        default=stats.ratio_change_significant(
            both["value"], both["standard_error"], both["value_before"], both["standard_error_before"]
        ),
    )  # fmt: skip
    return current.assign(
        previous_value=both["value_before"].to_numpy(dtype=float),
        previous_n=both["n_before"].to_numpy(dtype=float),
        change=both["value"].to_numpy(dtype=float) - both["value_before"].to_numpy(dtype=float),
        change_significant=pd.array(np.where(np.isnan(significant), None, significant == 1), dtype="boolean"),
    )


def score_bands(
    kind: str, scale_min: float, scale_max: float, higher_is_better: bool
) -> dict[str, tuple[str, float, float]]:
    """Score bands of a survey metric, worst answers first: {"worst" | "middle" | "best": (label,
    lowest, highest score)}.

    NPS has its detractors, passives and promoters; other scales their two worst, middle and two best
    scores, which are the low ones when lower is better (customer effort).
    """
    if kind == "nps":
        return {
            "worst": ("Detractors (0–6)", 0, 6),
            "middle": ("Passives (7–8)", 7, 8),
            "best": ("Promoters (9–10)", 9, 10),
        }
    bottom = (scale_min, scale_min + 1)
    middle = (scale_min + 2, scale_max - 2)
    top = (scale_max - 1, scale_max)
    worst, best = (bottom, top) if higher_is_better else (top, bottom)
    return {
        "worst": (f"Worst two ({_scores(*worst)})", *worst),
        "middle": (f"Middle ({_scores(*middle)})", *middle),
        "best": (f"Best two ({_scores(*best)})", *best),
    }


def _scores(lowest: float, highest: float) -> str:
    """'1–2', or '3' for a band of one score."""
    return f"{lowest:g}" if lowest == highest else f"{lowest:g}–{highest:g}"


def add_difference_from_rest(segments: pd.DataFrame, rest: pd.DataFrame) -> pd.DataFrame:
    """Add `rest_value` and `differs_significantly`: each segment against all *other* customers.

    A segment is part of "all customers", so it is tested against the rest (all minus the segment, its
    sums in `rest` per metric and segment) as two independent samples, with the same tests as a change
    between periods (`add_change`, the rest standing in for the earlier period).
    """
    keys = ["metric_id", "segment_id"]
    catalogue = segments[[*keys, "kind", "unit", "scale_min", "scale_max"]]
    rest = add_values(catalogue.merge(rest[[*keys, *SUMS]], on=keys, how="left").fillna({c: 0 for c in SUMS}))
    compared = add_change(segments.drop(columns=["change_significant"]), rest, keys)
    return segments.assign(
        rest_value=compared["previous_value"].to_numpy(),
        differs_significantly=compared["change_significant"].array,
    )
