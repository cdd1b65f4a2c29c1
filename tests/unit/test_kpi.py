"""Values, targets, status and change of a tile (queries/kpi.py) on small frames built by hand.

Expected numbers are literals worked on paper (arithmetic in the comments); z = 1.96 exactly.
"""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from queries import kpi

NAN = float("nan")

_DEFAULTS = {
    "kind": "nps",
    "unit": "pts",
    "scale_min": NAN,
    "scale_max": NAN,
    "min_sample": 30,
    "higher_is_better": True,
    "n": 0.0,
    "score_sum": 0.0,
    "score_sum_sq": 0.0,
    "promoters": 0.0,
    "passives": 0.0,
    "detractors": 0.0,
    "top2": 0.0,
    "numerator": 0.0,
    "denominator": 0.0,
    "days": 0.0,
    "numerator_sq": 0.0,
    "numerator_denominator": 0.0,
    "denominator_sq": 0.0,
}


def frame(*rows):
    """A KPI frame: one dict per row, the columns kpi.py reads filled with neutral defaults."""
    return pd.DataFrame([{**_DEFAULTS, **row} for row in rows])


# --- status ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45.0, "on_track"),  # above target 40
        (40.0, "on_track"),  # exactly at target: shortfall 0
        (37.0, "at_risk"),  # short by 3 ≤ 5
        (35.0, "at_risk"),  # short by exactly the tolerance 5
        (34.9, "off_track"),  # short by 5.1 > 5
        (10.0, "off_track"),  # short by 30
    ],
)
def test_status_higher_is_better(value, expected):
    """Higher is better, target 40, tolerance 5, enough responses."""
    assert kpi.status([value], [100], ["nps"], [30], [40.0], [5.0], [True]).tolist() == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (250.0, "on_track"),  # below target 300 (faster is better)
        (300.0, "on_track"),  # exactly at target
        (320.0, "at_risk"),  # over by 20 ≤ 30
        (330.0, "at_risk"),  # over by exactly the tolerance 30
        (330.1, "off_track"),  # over by 30.1 > 30
        (400.0, "off_track"),  # over by 100
    ],
)
def test_status_lower_is_better(value, expected):
    """Lower is better (handle time in s), target 300, tolerance 30; a ratio, so n is irrelevant."""
    assert kpi.status([value], [0], ["ratio"], [30], [300.0], [30.0], [False]).tolist() == [expected]


def test_status_tolerance_edge_survives_float_noise():
    """0.3 − 0.1 is 0.19999999999999998 in floats; a shortfall equal to tolerance 0.2 is still at_risk."""
    # higher is better: shortfall = 0.3 − 0.1 = 0.2 = tolerance → at_risk
    assert kpi.status([0.1], [100], ["mean"], [30], [0.3], [0.2], [True]).tolist() == ["at_risk"]
    # value equal to target up to noise: 0.1 + 0.2 vs 0.3 → on_track
    assert kpi.status([0.1 + 0.2], [100], ["mean"], [30], [0.3], [0.0], [False]).tolist() == ["on_track"]


def test_status_insufficient_sample_for_survey_kinds_only():
    """n < min_sample → insufficient for nps/top2box/mean; a ratio counts every case and gets a status."""
    words = kpi.status(
        value=[10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
        n=[29, 29, 29, 30, 0, 29],
        kind=["nps", "top2box", "mean", "nps", "ratio", "ratio"],
        min_sample=[30, 30, 30, 30, 30, 30],
        target=[40.0] * 6,
        tolerance=[5.0] * 6,
        higher_is_better=[True] * 6,
    )
    # 29 < 30 → insufficient ×3; n = 30 is enough → 10 short of 40 by 30 > 5 → off_track;
    # ratios ignore n → off_track
    assert words.tolist() == [
        "insufficient",
        "insufficient",
        "insufficient",
        "off_track",
        "off_track",
        "off_track",
    ]


def test_status_no_data_and_no_target():
    """NaN value → no_data (even with a small n); NaN target → no_target."""
    words = kpi.status(
        value=[NAN, NAN, 42.0, 42.0],
        n=[0, 0, 100, 0],
        kind=["nps", "ratio", "nps", "ratio"],
        min_sample=[30, 30, 30, 30],
        target=[40.0, 40.0, NAN, NAN],
        tolerance=[5.0, 5.0, NAN, NAN],
        higher_is_better=[True, True, True, True],
    )
    assert words.tolist() == ["no_data", "no_data", "no_target", "no_target"]


# --- pick_targets ----------------------------------------------------------------------------------


def _targets():
    return pd.DataFrame(
        {
            "metric_id": ["nps", "nps", "nps", "nps"],
            "period_start": [date(2026, 1, 1)] * 4,
            "period_end": [date(2026, 12, 31)] * 4,
            "target": [10.0, 20.0, 30.0, 40.0],
            "tolerance": [1.0, 2.0, 3.0, 4.0],
            "touchpoint_id": [None, None, "web", "web"],
            "segment_id": [None, "smb", None, "smb"],
        }
    )


def test_pick_targets_most_specific_wins():
    """touchpoint+segment (40) beats touchpoint (30) beats segment (20) beats all (10)."""
    slices = pd.DataFrame(
        {
            "metric_id": ["nps", "nps", "nps", "nps"],
            "touchpoint_id": ["web", "web", "shop", "shop"],
            "segment_id": ["smb", "ent", "smb", "ent"],
        }
    )
    picked = kpi.pick_targets(slices, _targets())
    # web/smb: all four apply → 40; web/ent: all, web → 30; shop/smb: all, smb → 20; shop/ent: all → 10
    assert picked["target"].tolist() == [40.0, 30.0, 20.0, 10.0]
    assert picked["tolerance"].tolist() == [4.0, 3.0, 2.0, 1.0]


def test_pick_targets_scoped_target_does_not_apply_to_the_all_slice():
    """A touchpoint-scoped target is not the target of 'all touchpoints' (nor segment-scoped of all segments)."""
    slices = pd.DataFrame(
        {
            "metric_id": ["nps", "nps", "nps"],
            "touchpoint_id": [None, None, "web"],
            "segment_id": [None, "smb", None],
        }
    )
    picked = kpi.pick_targets(slices, _targets())
    # all/all → only the unscoped 10; all/smb → segment 20 (not web+smb 40);
    # web/all → touchpoint 30 (not web+smb 40, which needs segment smb)
    assert picked["target"].tolist() == [10.0, 20.0, 30.0]


def test_pick_targets_no_match_is_nan():
    """A metric with no target row gets NaN target and tolerance; other columns and order are kept."""
    slices = pd.DataFrame(
        {
            "metric_id": ["csat", "nps"],
            "touchpoint_id": [None, None],
            "segment_id": [None, None],
            "name": ["CSAT", "NPS"],
        },
        index=[7, 3],
    )
    picked = kpi.pick_targets(slices, _targets())
    assert math.isnan(picked["target"].iloc[0])
    assert math.isnan(picked["tolerance"].iloc[0])
    assert picked["target"].iloc[1] == 10.0
    assert picked["name"].tolist() == ["CSAT", "NPS"]
    assert list(picked.index) == [7, 3]


def test_pick_targets_period_must_contain_target_day():
    """With target_day, only target rows whose period contains the day apply."""
    targets = pd.DataFrame(
        {
            "metric_id": ["nps", "nps", "nps"],
            "period_start": [date(2026, 1, 1), date(2026, 7, 1), date(2026, 7, 1)],
            "period_end": [date(2026, 6, 30), date(2026, 12, 31), date(2026, 9, 30)],
            "target": [10.0, 15.0, 99.0],
            "tolerance": [1.0, 1.5, 9.0],
            "touchpoint_id": [None, None, "web"],
            "segment_id": [None, None, None],
        }
    )
    slices = pd.DataFrame(
        {
            "metric_id": ["nps", "nps", "nps", "nps"],
            "touchpoint_id": [None, None, "web", None],
            "segment_id": [None, None, None, None],
            "target_day": [date(2026, 3, 31), date(2026, 11, 23), date(2026, 11, 23), date(2027, 1, 5)],
        }
    )
    picked = kpi.pick_targets(slices, targets)
    # 2026-03-31 → H1 row 10; 2026-11-23 → H2 row 15; web on 2026-11-23 → the web row ended 09-30,
    # so the unscoped H2 row 15; 2027-01-05 → no row covers it → NaN
    assert picked["target"].iloc[:3].tolist() == [10.0, 15.0, 15.0]
    assert math.isnan(picked["target"].iloc[3])


# --- add_values ------------------------------------------------------------------------------------


def _values_frame():
    return frame(
        # 0: NPS n=10, P=6, D=2
        {"kind": "nps", "scale_min": 0, "scale_max": 10, "n": 10, "promoters": 6, "passives": 2, "detractors": 2},
        # 1: top-2-box 8 of 10 on a 1–5 scale
        {"kind": "top2box", "unit": "%", "scale_min": 1, "scale_max": 5, "n": 10, "top2": 8},
        # 2: mean of 2,4,4,5,7 on a 1–7 scale
        {"kind": "mean", "unit": "score", "scale_min": 1, "scale_max": 7, "n": 5, "score_sum": 22, "score_sum_sq": 110},
        # 3: mean of 1,7 on a 1–7 scale (t-interval overruns the scale)
        {"kind": "mean", "unit": "score", "scale_min": 1, "scale_max": 7, "n": 2, "score_sum": 8, "score_sum_sq": 50},
        # 4: mean of a single 5
        {"kind": "mean", "unit": "score", "scale_min": 1, "scale_max": 7, "n": 1, "score_sum": 5, "score_sum_sq": 25},
        # 5: NPS with no responses
        {"kind": "nps", "scale_min": 0, "scale_max": 10, "n": 0},
        # 6–9: ratios in %, per1000, s, and with a zero denominator
        {"kind": "ratio", "unit": "%", "numerator": 91, "denominator": 102},
        {"kind": "ratio", "unit": "per1000", "numerator": 3, "denominator": 1200},
        {"kind": "ratio", "unit": "s", "numerator": 5400, "denominator": 30, "higher_is_better": False},
        {"kind": "ratio", "unit": "%", "numerator": 0, "denominator": 0},
    )  # fmt: skip


def test_add_values_value_per_kind():
    """value of each kind: NPS points, top-2-box %, mean, ratio of sums scaled by unit; NaN when empty."""
    out = kpi.add_values(_values_frame())
    expected = [
        40.0,  # 100·(6−2)/10
        80.0,  # 100·8/10
        4.4,  # 22/5
        4.0,  # 8/2
        5.0,  # 5/1
        NAN,  # n = 0
        89.2157,  # 100·91/102 (ratio of sums)
        2.5,  # 1000·3/1200
        180.0,  # 5400/30
        NAN,  # 0/0
    ]
    assert out["value"].tolist() == pytest.approx(expected, abs=1e-3, nan_ok=True)


def test_add_values_intervals_per_kind():
    """low/high: adjusted Wald, Wilson, t (clipped to the scale), NaN for n ≤ 1 and for k < 2 days."""
    out = kpi.add_values(_values_frame())
    expected_low = [
        -12.5864,  # NPS: 30.7692 − 43.3556 (see test_stats)
        49.0157,  # Wilson 8/10: 0.490157
        2.144406,  # 4.4 − 2.776445·√(3.3/5) = 4.4 − 2.255594
        1.0,  # 4 − 12.7062·√((50−32)/1/2) = 4 − 12.7062·3 = −34.119 → clipped to scale_min 1
        NAN,  # n = 1
        NAN,  # n = 0
        NAN,  # ratios without daily moments (k = 0 days): no interval
        NAN,
        NAN,
        NAN,
    ]
    expected_high = [
        74.1248,  # 30.7692 + 43.3556
        94.3319,  # Wilson 8/10: 0.943319
        6.655594,  # 4.4 + 2.255594
        7.0,  # 4 + 38.119 = 42.119 → clipped to scale_max 7
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
        NAN,
    ]
    assert out["low"].tolist() == pytest.approx(expected_low, abs=1e-3, nan_ok=True)
    assert out["high"].tolist() == pytest.approx(expected_high, abs=1e-3, nan_ok=True)


def test_add_values_keeps_input_columns():
    """add_values adds columns and leaves the input frame untouched."""
    source = _values_frame()
    out = kpi.add_values(source)
    assert list(out.columns) == [*source.columns, "value", "low", "high"]
    assert "value" not in source.columns


# --- add_status ------------------------------------------------------------------------------------


def test_add_status_words_and_gap_clear():
    """Status per row, and gap_clear: the interval excludes the target, for every kind."""
    rows = frame(
        # 0: NPS 40 in [−12.59, 74.12], target 45 ± 10, min_sample 10 → short 5 → at_risk; 45 inside → not clear
        {"kind": "nps", "n": 10, "promoters": 6, "passives": 2, "detractors": 2, "min_sample": 10},
        # 1: NPS 30 in [18.82, 40.30], target 45 ± 10 → short 15 → off_track; 45 > 40.30 → clear
        {"kind": "nps", "n": 200, "promoters": 100, "passives": 60, "detractors": 40},
        # 2: same as row 0 but min_sample 30 → insufficient; gap still judged → not clear
        {"kind": "nps", "n": 10, "promoters": 6, "passives": 2, "detractors": 2},
        # 3: top-2-box 80 in [49.02, 94.33], target 75 ± 5, min_sample 10 → on_track; not clear
        {"kind": "top2box", "unit": "%", "scale_min": 1, "scale_max": 5, "n": 10, "top2": 8, "min_sample": 10},
        # 4: ratio 89.2157 % over days (45, 51), (46, 51): residuals ∓0.5, SE = √(0.5/2)/51 = 0.98039 pp
        #    → [87.2941, 91.1373]; target 90 ± 2 → short 0.784 → at_risk; 90 inside → not clear
        {"kind": "ratio", "unit": "%", "numerator": 91, "denominator": 102, "days": 2,
         "numerator_sq": 4141, "numerator_denominator": 4641, "denominator_sq": 5202},
        # 5: ratio 180 s lower-is-better, target 180 → on_track; no daily moments → no interval, unknown
        {"kind": "ratio", "unit": "s", "numerator": 5400, "denominator": 30, "higher_is_better": False},
        # 6: mean of a single 5, min_sample 1, target 4 → on_track; no interval → gap unknown
        {"kind": "mean", "unit": "score", "scale_min": 1, "scale_max": 7, "n": 1, "score_sum": 5,
         "score_sum_sq": 25, "min_sample": 1},
        # 7: NPS with no responses → no_data, unknown
        {"kind": "nps", "n": 0},
        # 8: ratio with no target → no_target, unknown
        {"kind": "ratio", "unit": "%", "numerator": 91, "denominator": 102},
        # 9: NPS 30 in [18.82, 40.30], target 15 ± 5 → on_track; 15 < 18.82 → clear (above target)
        {"kind": "nps", "n": 200, "promoters": 100, "passives": 60, "detractors": 40},
    )  # fmt: skip
    rows = kpi.add_values(rows).assign(
        target=[45.0, 45.0, 45.0, 75.0, 90.0, 180.0, 4.0, 45.0, NAN, 15.0],
        tolerance=[10.0, 10.0, 10.0, 5.0, 2.0, 30.0, 1.0, 10.0, NAN, 5.0],
    )
    out = kpi.add_status(rows)
    assert out["status"].tolist() == [
        "at_risk",
        "off_track",
        "insufficient",
        "on_track",
        "at_risk",
        "on_track",
        "on_track",
        "no_data",
        "no_target",
        "on_track",
    ]
    assert str(out["gap_clear"].dtype) == "boolean"
    assert out["low"].iloc[4] == pytest.approx(87.2941, abs=1e-3)
    assert out["high"].iloc[4] == pytest.approx(91.1373, abs=1e-3)
    assert out["gap_clear"].tolist() == [False, True, False, False, False, pd.NA, pd.NA, pd.NA, pd.NA, True]


# --- add_change ------------------------------------------------------------------------------------


def test_add_change_values_and_significance():
    """previous_value, previous_n, change and the significance flag per kind; NA without an interval or
    a comparison. (Every row meets its minimum sample of 1; thin periods are tested below.)"""
    current = frame(
        {"metric_id": "nps_big", "kind": "nps", "n": 200, "promoters": 120, "detractors": 20, "value": 50.0},
        {"metric_id": "nps_small", "kind": "nps", "n": 50, "promoters": 25, "detractors": 10, "value": 30.0},
        {"metric_id": "csat", "kind": "top2box", "n": 100, "top2": 80, "value": 80.0},
        {"metric_id": "csat_pool", "kind": "top2box", "n": 20, "top2": 9, "value": 45.0},
        {"metric_id": "ces", "kind": "mean", "n": 4, "score_sum": 8, "score_sum_sq": 18, "value": 2.0},
        {"metric_id": "ces_welch", "kind": "mean", "n": 5, "score_sum": 22, "score_sum_sq": 110, "value": 4.4},
        {"metric_id": "fcr", "kind": "ratio", "unit": "%", "numerator": 91, "denominator": 102, "value": 89.2157},
        {"metric_id": "new", "kind": "nps", "n": 40, "promoters": 20, "detractors": 5, "value": 37.5},
        {"metric_id": "was_empty", "kind": "nps", "n": 40, "promoters": 20, "detractors": 5, "value": 37.5},
    ).assign(min_sample=1)  # fmt: skip
    previous = frame(
        {"metric_id": "was_empty", "kind": "nps", "n": 0, "value": NAN},
        {"metric_id": "nps_big", "kind": "nps", "n": 200, "promoters": 80, "detractors": 60, "value": 10.0},
        {"metric_id": "nps_small", "kind": "nps", "n": 50, "promoters": 22, "detractors": 11, "value": 22.0},
        {"metric_id": "csat", "kind": "top2box", "n": 100, "top2": 65, "value": 65.0},
        {"metric_id": "csat_pool", "kind": "top2box", "n": 10, "top2": 1, "value": 10.0},
        {"metric_id": "ces", "kind": "mean", "n": 4, "score_sum": 28, "score_sum_sq": 198, "value": 7.0},
        {"metric_id": "ces_welch", "kind": "mean", "n": 6, "score_sum": 39, "score_sum_sq": 257, "value": 6.5},
        {"metric_id": "fcr", "kind": "ratio", "unit": "%", "numerator": 80, "denominator": 100, "value": 80.0},
    )  # fmt: skip
    out = kpi.add_change(current, previous, ["metric_id"])
    assert out["metric_id"].tolist() == [
        "nps_big", "nps_small", "csat", "csat_pool", "ces", "ces_welch", "fcr", "new", "was_empty",
    ]  # fmt: skip
    assert out["previous_value"].tolist() == pytest.approx(
        [10.0, 22.0, 65.0, 10.0, 7.0, 6.5, 80.0, NAN, NAN], abs=1e-9, nan_ok=True
    )
    assert out["previous_n"].tolist() == pytest.approx(
        [200, 50, 100, 10, 4, 6, 0, NAN, 0], abs=1e-9, nan_ok=True
    )
    assert out["change"].tolist() == pytest.approx(
        [
            40.0,  # 50 − 10
            8.0,  # 30 − 22
            15.0,  # 80 − 65
            35.0,  # 45 − 10
            -5.0,  # 2 − 7
            -2.1,  # 4.4 − 6.5
            9.2157,  # 89.2157 − 80
            NAN,  # no previous row
            NAN,  # previous value NaN
        ],
        abs=1e-3,
        nan_ok=True,
    )
    assert str(out["change_significant"].dtype) == "boolean"
    assert out["change_significant"].tolist() == [
        True,  # NPS z = .4/√(.45/200 + .69/200) = 5.298
        False,  # NPS z = .08/√(.61/50 + .6116/50) = 0.512
        True,  # pooled .725: z = .15/√(.725·.275·.02) = 2.375
        False,  # pooled 10/30: z = .35/√(.3333·.6667·.15) = 1.917
        True,  # Welch t = −5/√(.1667+.1667) = −8.66, df 6, crit 2.447
        False,  # Welch t = −2.1/√(.66+.116667) = −2.383, df 5.404, crit 2.514
        pd.NA,  # ratio without daily moments: no interval, no verdict
        pd.NA,  # no comparison row
        pd.NA,  # comparison had n = 0
    ]


def _ratio_days(metric_id, days, unit="%", **extra):
    """A ratio row from its days' (numerator, denominator) pairs, with the moments the rollup sums."""
    numerators, denominators = zip(*days, strict=True)
    return {
        "metric_id": metric_id, "kind": "ratio", "unit": unit, "numerator": sum(numerators),
        "denominator": sum(denominators), "days": len(days),
        "numerator_sq": sum(x * x for x in numerators),
        "numerator_denominator": sum(x * y for x, y in days),
        "denominator_sq": sum(y * y for y in denominators), **extra,
    }  # fmt: skip


def test_ratio_interval_from_days_not_from_a_daily_average():
    """Days (8, 10), (3, 5), (6, 15): R = 17/30 = 56.6667 % (the daily ratios average 60 %).
    Residuals numᵢ − R·denᵢ: 2.33333, 0.16667, −2.5 → Σ² = 11.72222; /(3·2) = 1.953704; √ = 1.397750;
    / mean den 10 → SE 0.139775 → 13.9775 pp; half 1.96·13.9775 = 27.3959 → [29.2708, 84.0626]."""
    out = kpi.add_values(frame(_ratio_days("fcr", [(8, 10), (3, 5), (6, 15)]), _ratio_days("one", [(8, 10)])))
    assert out["value"].iloc[0] == pytest.approx(56.6667, abs=1e-3)
    assert out["low"].iloc[0] == pytest.approx(29.2708, abs=1e-3)
    assert out["high"].iloc[0] == pytest.approx(84.0626, abs=1e-3)
    # k = 1: a value (80 %) but no interval
    assert out["value"].iloc[1] == pytest.approx(80.0)
    assert math.isnan(out["low"].iloc[1]) and math.isnan(out["high"].iloc[1])


def test_ratio_change_significance_uses_both_days_based_errors():
    """Noisy: 56.6667 % (SE 13.9775 pp) vs days (9, 10), (7, 10): 80 %, residuals ±1 → SE √(2/2)/10 =
    10 pp; z = −23.3333/√(13.9775² + 10²) = −23.3333/17.1864 = −1.358 → within noise.
    Tight: days (50, 100), (52, 100), (48, 100) = 50 %, residuals 0, 2, −2 → SE √(8/6)/100 = 1.1547 pp,
    vs (40, 100), (41, 100), (39, 100) = 40 %, the same SE: z = 10/1.63299 = 6.12 → significant.
    One day before: no interval → no verdict."""
    current = frame(
        _ratio_days("noisy", [(8, 10), (3, 5), (6, 15)], value=56.6667),
        _ratio_days("tight", [(50, 100), (52, 100), (48, 100)], value=50.0),
        _ratio_days("one_day_before", [(50, 100), (52, 100)], value=51.0),
    )
    previous = frame(
        _ratio_days("noisy", [(9, 10), (7, 10)], value=80.0),
        _ratio_days("tight", [(40, 100), (41, 100), (39, 100)], value=40.0),
        _ratio_days("one_day_before", [(40, 100)], value=40.0),
    )
    out = kpi.add_change(current, previous, ["metric_id"])
    assert out["change"].tolist() == pytest.approx([-23.3333, 10.0, 11.0], abs=1e-3)
    assert out["change_significant"].tolist() == [False, True, pd.NA]


def test_no_verdict_on_a_change_when_either_period_is_under_the_minimum_sample():
    """NPS 50 → 10 on n = 200 each is significant (z = 5.298) with min_sample 30, but with min_sample
    250 neither period qualifies, and with n = 20 now (same shares) the current one does not."""
    big = {"kind": "nps", "n": 200, "promoters": 120, "detractors": 20, "value": 50.0}
    current = frame(
        {"metric_id": "enough", **big},
        {"metric_id": "thin_both", **big, "min_sample": 250},
        {"metric_id": "thin_now", **big, "n": 20, "promoters": 12, "detractors": 2},
    )
    before = {"kind": "nps", "n": 200, "promoters": 80, "detractors": 60, "value": 10.0}
    previous = frame(*({"metric_id": m, **before} for m in ("enough", "thin_both", "thin_now")))
    out = kpi.add_change(current, previous, ["metric_id"])
    assert out["change"].tolist() == pytest.approx([40.0, 40.0, 40.0])
    assert out["change_significant"].tolist() == [True, pd.NA, pd.NA]


def test_add_change_does_not_mutate_and_keeps_index():
    """The result keeps current's index and rows; the inputs are not modified."""
    current = frame(
        {"metric_id": "nps", "kind": "nps", "n": 200, "promoters": 120, "detractors": 20, "value": 50.0}
    )
    current.index = [5]
    previous = frame(
        {"metric_id": "nps", "kind": "nps", "n": 200, "promoters": 80, "detractors": 60, "value": 10.0}
    )
    out = kpi.add_change(current, previous, ["metric_id"])
    assert list(out.index) == [5]
    assert out["change"].tolist() == [40.0]  # 50 − 10
    assert "change" not in current.columns
    assert np.isclose(previous["value"].iloc[0], 10.0)


# --- score bands ----------------------------------------------------------------------------------


def test_score_bands_put_the_best_answers_where_the_metric_is_good():
    """Customer effort (1–7, lower is better): 1–2 are the best answers, 6–7 the worst; CSAT (1–5,
    higher is better) the other way round, its middle a single score."""
    effort = kpi.score_bands("mean", 1, 7, False)
    assert effort == {
        "worst": ("Worst two (6–7)", 6, 7),
        "middle": ("Middle (3–5)", 3, 5),
        "best": ("Best two (1–2)", 1, 2),
    }
    assert kpi.score_bands("top2box", 1, 5, True) == {
        "worst": ("Worst two (1–2)", 1, 2),
        "middle": ("Middle (3)", 3, 3),
        "best": ("Best two (4–5)", 4, 5),
    }
    assert kpi.score_bands("nps", 0, 10, True)["worst"] == ("Detractors (0–6)", 0, 6)
