"""The query layer end to end on the hand-made tiny warehouse: SQL, rollup, maths, targets, status."""

import pandas as pd
import pytest

import queries
from tests import tiny_warehouse as tiny

pytestmark = pytest.mark.usefixtures("tiny_warehouse")


def by_metric(frame):
    return frame.set_index("metric_id")


def test_default_view_is_quarter_to_date_against_previous_full_quarter():
    view = queries.view()
    assert view.as_of == tiny.AS_OF
    assert (view.period.start.isoformat(), view.period.end.isoformat()) == ("2026-10-01", "2026-11-20")
    assert (view.comparison.start.isoformat(), view.comparison.end.isoformat()) == (
        "2026-07-01",
        "2026-09-30",
    )


def test_scorecard_values_worked_by_hand():
    """Every metric appears, in catalogue order, with values and statuses worked on paper."""
    card = queries.scorecard(queries.view())
    assert list(card["metric_id"]) == ["nps", "csat", "effort", "fcr", "aht", "pilot"]
    rows = by_metric(card)
    # NPS: web/smb 6 promoters 2 detractors of 10, shop/ent 1 and 1 of 4 → 100·(7−3)/14.
    assert rows.loc["nps", "n"] == 14
    assert rows.loc["nps", "value"] == pytest.approx(100 * 4 / 14)
    # Short of 45 by 16.4, more than the tolerance of 10.
    assert rows.loc["nps", "status"] == "off_track"
    assert rows.loc["csat", "value"] == pytest.approx(80.0)
    assert rows.loc["effort", "value"] == pytest.approx(4.4)
    # Ratio of sums 91/102, not the 70 % average of the daily ratios.
    assert rows.loc["fcr", "value"] == pytest.approx(100 * 91 / 102)
    assert rows.loc["fcr", "status"] == "on_track"
    assert rows.loc["aht", "value"] == pytest.approx(400.0)
    assert rows.loc["aht", "status"] == "no_target"
    assert rows.loc["pilot", "status"] == "insufficient"
    assert rows.loc["pilot", "n"] == 2
    assert rows.loc["fcr", "n"] is pd.NA  # a ratio counts cases, not sampled answers: no n


def test_ratio_intervals_take_days_as_units_worked_by_hand():
    """FCR days (1, 2), (90, 100): R = 91/102; residuals numᵢ − R·denᵢ = ∓0.784314, Σ² = 1.230296;
    /(2·1) → √0.615148 = 0.784314; / mean den 51 → SE 1.53787 pp; ± 3.01423 → [86.2015, 92.2299],
    which excludes the target 85: clearly above. AHT days (3000, 10), (9000, 20): R = 400 s, residuals
    ∓1000 → √(2e6/2) = 1000 / 15 = 66.6667 s; ± 130.667 → [269.333, 530.667]."""
    rows = by_metric(queries.scorecard(queries.view()))
    assert (rows.loc["fcr", "low"], rows.loc["fcr", "high"]) == pytest.approx((86.2015, 92.2299), abs=1e-3)
    assert bool(rows.loc["fcr", "gap_clear"])
    assert (rows.loc["aht", "low"], rows.loc["aht", "high"]) == pytest.approx((269.333, 530.667), abs=1e-3)


def test_scorecard_change_and_significance_worked_by_hand():
    """NPS 28.57 now vs −30 in Q3: z = 0.586/√(0.633/14 + 0.61/10) = 1.80 < 1.96, within noise."""
    rows = by_metric(queries.scorecard(queries.view()))
    assert rows.loc["nps", "previous_value"] == pytest.approx(-30.0)
    assert rows.loc["nps", "change"] == pytest.approx(100 * 4 / 14 + 30)
    significant = rows.loc["nps", "change_significant"]
    assert significant is not pd.NA and not significant
    assert rows.loc["fcr", "change_significant"] is pd.NA  # no FCR in Q3: nothing to compare


def test_most_specific_target_wins_in_breakdowns():
    view = queries.view()
    cells = queries.breakdown(view, "nps", "cell").set_index(["touchpoint_id", "segment_id"])
    assert cells.loc[("web", "smb"), "target"] == 50.0  # touchpoint + segment
    assert cells.loc[("web", "smb"), "status"] == "off_track"  # 40 is 10 short, tolerance 5
    by_touchpoint = queries.breakdown(view, "nps", "touchpoint").set_index("touchpoint_id")
    assert by_touchpoint.loc["web", "target"] == 35.0  # touchpoint
    assert by_touchpoint.loc["web", "status"] == "on_track"
    assert by_touchpoint.loc["shop", "target"] == 45.0  # no shop target: the general one
    assert by_touchpoint.loc["shop", "status"] == "insufficient"  # n 4 < min_sample 5
    smb = by_metric(queries.scorecard(view, segment_id="smb"))
    assert smb.loc["nps", "target"] == 38.0  # segment
    assert smb.loc["nps", "status"] == "on_track"
    assert smb.loc["csat", "status"] == "no_data"


def test_period_without_data_gives_no_data_not_errors():
    rows = by_metric(queries.scorecard(queries.view("2026-Q1")))
    assert set(rows["status"]) == {"no_data"}
    assert rows["value"].isna().all()


def test_rollup_equals_raw_facts_on_every_slice():
    view = queries.view("t365")
    for by in [(), ("touchpoint",), ("segment",), ("touchpoint", "segment")]:
        rollup = queries.kpis(view, by, sums="kpi_sums")
        raw = queries.kpis(view, by, sums="kpi_sums_raw")
        assert rollup[["metric_id", "n", "value", "low", "high", "status"]].equals(
            raw[["metric_id", "n", "value", "low", "high", "status"]]
        ), by


def test_catalogue_queries():
    assert list(queries.touchpoints()["touchpoint_id"]) == ["web", "shop"]  # journey order
    assert set(queries.segments()["segment_id"]) == {"smb", "ent"}
    assert set(queries.owners()["owner_id"]) == {"ana", "ben"}
    metrics = queries.metrics().set_index("metric_id")
    assert metrics.loc["nps", "owner_name"] == "Ana Silva"
    assert metrics["owner_name"].isna().sum() == 1  # aht has no owner


def test_unknown_breakdown_is_refused():
    with pytest.raises(ValueError, match="channel"):
        queries.kpis(queries.view(), ("channel",))


def test_segment_against_the_rest_worked_by_hand():
    """smb NPS 40 (P 6, D 2 of 10) vs the rest, ent 0 (P 1, D 1 of 4): the rest has fewer answers than
    NPS's minimum sample of 5, so no verdict (it would be z = 0.4/√(0.064 + 0.125) = 0.92, noise)."""
    rows = queries.segment_comparison(queries.view()).set_index(["metric_id", "segment_id"])
    assert rows.loc[("nps", "smb"), "value"] == pytest.approx(40.0)
    assert rows.loc[("nps", "smb"), "rest_value"] == pytest.approx(0.0)
    assert rows.loc[("nps", "smb"), "differs_significantly"] is pd.NA
    assert rows.loc[("fcr", "smb"), "differs_significantly"] is pd.NA  # no FCR outside smb: no rest


def test_movers_are_real_changes_only():
    """On the tiny warehouse NPS at web/smb moved +70 points (40 vs −30), z = 0.7/√(0.064 + 0.061) = 1.98."""
    improved, worsened = queries.movers(queries.view(), "nps")
    # Var Q4 = 0.64/10, Var Q3 = (0.2 + 0.5 − 0.09)/10 = 0.061: just significant.
    assert list(zip(improved["touchpoint_id"], improved["segment_id"], strict=True)) == [("web", "smb")]
    assert improved["change"].iloc[0] == pytest.approx(70.0)
    assert worsened.empty
