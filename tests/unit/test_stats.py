"""KPI maths of DESIGN.md (queries/stats.py), every expected number worked by hand.

The expected values are literals with the arithmetic written beside them; nothing here calls the code
under test to compute an expectation. z = 1.96 exactly, as DESIGN.md writes it; t quantiles are
t-table values (cross-checked against scipy.stats.t, a different function from the code's stdtrit).
"""

import math

import numpy as np
import pytest
from scipy.stats import t as student_t
from scipy.stats import ttest_ind

from queries import stats

# --- NPS value and adjusted-Wald interval ---------------------------------------------------------


def test_nps_value_small_case():
    """NPS = 100·(P − D)/n on n = 10, P = 6, D = 2."""
    # 100·(6−2)/10 = 40
    assert float(stats.nps(6, 2, 10)) == pytest.approx(40.0, abs=1e-9)


def test_nps_interval_small_case():
    """Adjusted-Wald interval on n = 10, P = 6, D = 2."""
    low, high = stats.nps_interval(6, 2, 10)
    # n'=13, p=(6+.75)/13=0.519231, d=(2+.75)/13=0.211538, p−d=4/13=0.307692 → centre 30.7692
    # p+d−(p−d)² = 9.5/13 − 16/169 = 0.730769 − 0.094675 = 0.636095; /13 = 0.048930; √ = 0.221201
    # half = 1.96·100·0.221201 = 43.3556 → [30.7692−43.3556, 30.7692+43.3556] = [−12.5864, 74.1248]
    assert float(low) == pytest.approx(-12.5864, abs=1e-3)
    assert float(high) == pytest.approx(74.1248, abs=1e-3)


def test_nps_value_and_interval_larger_case():
    """NPS and its interval on n = 200, P = 100, D = 40."""
    # value 100·(100−40)/200 = 30
    assert float(stats.nps(100, 40, 200)) == pytest.approx(30.0, abs=1e-9)
    low, high = stats.nps_interval(100, 40, 200)
    # n'=203, p=100.75/203=0.496305, d=40.75/203=0.200739, p−d=60/203=0.295567 → centre 29.5567
    # p+d=141.5/203=0.697044, (p−d)²=0.087360 → 0.609685; /203=0.0030034; √=0.054803
    # half = 196·0.054803 = 10.7414 → [18.8153, 40.2980]
    assert float(low) == pytest.approx(18.8153, abs=1e-3)
    assert float(high) == pytest.approx(40.2980, abs=1e-3)


def test_nps_no_responses_is_nan():
    """n = 0: NaN value and NaN interval (not 0, not the adjusted-Wald prior)."""
    assert math.isnan(float(stats.nps(0, 0, 0)))
    low, high = stats.nps_interval(0, 0, 0)
    assert math.isnan(float(low))
    assert math.isnan(float(high))


def test_nps_all_promoters_clipped_at_100():
    """All 10 promoters: value 100; interval's top clipped at 100."""
    assert float(stats.nps(10, 0, 10)) == pytest.approx(100.0, abs=1e-9)
    low, high = stats.nps_interval(10, 0, 10)
    # p=10.75/13=0.826923, d=.75/13=0.057692, p−d=10/13 → centre 76.9231
    # p+d−(p−d)² = 11.5/13 − 100/169 = 0.884615 − 0.591716 = 0.292899; /13=0.022531; √=0.150102
    # half = 196·0.150102 = 29.4201 → [47.5030, 106.3431] → high clipped to 100
    assert float(low) == pytest.approx(47.5030, abs=1e-3)
    assert float(high) == pytest.approx(100.0, abs=1e-9)


def test_nps_all_detractors_clipped_at_minus_100():
    """All 10 detractors: value −100; interval's bottom clipped at −100."""
    assert float(stats.nps(0, 10, 10)) == pytest.approx(-100.0, abs=1e-9)
    low, high = stats.nps_interval(0, 10, 10)
    # mirror of all promoters: centre −76.9231 ± 29.4201 → [−106.3431, −47.5030] → low clipped to −100
    assert float(low) == pytest.approx(-100.0, abs=1e-9)
    assert float(high) == pytest.approx(-47.5030, abs=1e-3)


def test_nps_is_vectorised():
    """Arrays in, arrays out, element by element, NaN only where n = 0."""
    value = stats.nps(np.array([6, 100, 0]), np.array([2, 40, 0]), np.array([10, 200, 0]))
    # 40, 30 (as above), NaN
    assert value[:2] == pytest.approx([40.0, 30.0], abs=1e-9)
    assert math.isnan(value[2])
    low, high = stats.nps_interval(np.array([6, 100]), np.array([2, 40]), np.array([10, 200]))
    assert low == pytest.approx([-12.5864, 18.8153], abs=1e-3)
    assert high == pytest.approx([74.1248, 40.2980], abs=1e-3)


# --- Top-2-box: proportion and Wilson interval -----------------------------------------------------


def test_top2box_value():
    """Share in percent: 8 of 10 → 80."""
    # 100·8/10 = 80
    assert float(stats.proportion(8, 10)) == pytest.approx(80.0, abs=1e-9)
    assert math.isnan(float(stats.proportion(0, 0)))


def test_wilson_interval_8_of_10():
    """Wilson score interval on 8 of 10."""
    low, high = stats.wilson_interval(8, 10)
    # p=.8, z²=3.8416, denom=1+3.8416/10=1.38416
    # centre=(.8+3.8416/20)/1.38416=0.99208/1.38416=0.716738
    # half=1.96/1.38416·√(.8·.2/10 + 3.8416/400)=1.416021·√(0.016+0.009604)=1.416021·0.160012=0.226581
    # → [0.490157, 0.943319] → [49.0157, 94.3319] %
    assert float(low) == pytest.approx(49.0157, abs=1e-3)
    assert float(high) == pytest.approx(94.3319, abs=1e-3)


def test_wilson_interval_0_of_5_has_low_0():
    """Wilson on 0 of 5: the lower end is exactly 0 (not negative), upper 43.45 %."""
    low, high = stats.wilson_interval(0, 5)
    # p=0, denom=1+3.8416/5=1.76832, centre=(3.8416/10)/1.76832=0.217246
    # half=1.96/1.76832·√(3.8416/100)=1.108396·0.196=0.217246 → low 0, high 0.434491 → 43.4491 %
    assert float(low) == pytest.approx(0.0, abs=1e-9)
    assert float(low) >= 0.0
    assert float(high) == pytest.approx(43.4491, abs=1e-3)


def test_wilson_interval_no_responses_is_nan():
    """n = 0: NaN interval."""
    low, high = stats.wilson_interval(0, 0)
    assert math.isnan(float(low))
    assert math.isnan(float(high))


# --- Mean and t-interval from Σx and Σx² -----------------------------------------------------------


def test_mean_and_variance_from_sums():
    """Scores 2,4,4,5,7: Σ=22, Σx²=110 → mean 4.4, s² = 3.3."""
    # mean 22/5 = 4.4; s² = (110 − 22²/5)/4 = (110 − 96.8)/4 = 3.3
    assert float(stats.mean(22, 5)) == pytest.approx(4.4, abs=1e-9)
    assert float(stats.sample_variance(22, 110, 5)) == pytest.approx(3.3, abs=1e-9)


def test_mean_t_interval():
    """mean ± t(0.975, 4)·s/√n for scores 2,4,4,5,7."""
    # t-table: t(0.975, 4) = 2.776445 (checked against scipy.stats.t.ppf below)
    assert student_t.ppf(0.975, 4) == pytest.approx(2.776445, abs=1e-6)
    low, high = stats.mean_interval(22, 110, 5)
    # s/√n = √(3.3/5) = √0.66 = 0.812404; half = 2.776445·0.812404 = 2.255594
    # → [4.4 − 2.255594, 4.4 + 2.255594] = [2.144406, 6.655594]
    assert float(low) == pytest.approx(2.144406, abs=1e-4)
    assert float(high) == pytest.approx(6.655594, abs=1e-4)


def test_mean_single_response_has_value_but_no_interval():
    """n = 1: a mean (the score) but NaN interval and NaN variance."""
    # one score of 5: Σ=5, Σx²=25 → mean 5
    assert float(stats.mean(5, 1)) == pytest.approx(5.0, abs=1e-9)
    assert math.isnan(float(stats.sample_variance(5, 25, 1)))
    low, high = stats.mean_interval(5, 25, 1)
    assert math.isnan(float(low))
    assert math.isnan(float(high))


def test_mean_no_responses_is_nan():
    """n = 0: NaN mean and NaN interval."""
    assert math.isnan(float(stats.mean(0, 0)))
    low, high = stats.mean_interval(0, 0, 0)
    assert math.isnan(float(low))
    assert math.isnan(float(high))


# --- Ratio of sums ---------------------------------------------------------------------------------


def test_ratio_is_ratio_of_sums_not_average_of_daily_ratios():
    """Day 1: 1/2, day 2: 90/100 → 100·91/102 = 89.22 %, not mean(50 %, 90 %) = 70 %."""
    # ratio of sums: 100·(1+90)/(2+100) = 100·91/102 = 89.2157
    # average of daily ratios (wrong): (100·1/2 + 100·90/100)/2 = (50 + 90)/2 = 70
    value = float(stats.ratio(1 + 90, 2 + 100, "%"))
    assert value == pytest.approx(89.2157, abs=1e-3)
    assert value != pytest.approx(70.0, abs=1.0)


@pytest.mark.parametrize(
    ("numerator", "denominator", "unit", "expected"),
    [
        (91, 102, "%", 89.2157),  # 100·91/102 = 89.2157
        (3, 1200, "per1000", 2.5),  # 1000·3/1200 = 2.5
        (5400, 30, "s", 180.0),  # 1·5400/30 = 180
        (7, 2, "score", 3.5),  # 1·7/2 = 3.5 (any other unit: no scaling)
    ],
)
def test_ratio_unit_scaling(numerator, denominator, unit, expected):
    """% ×100, per1000 ×1000, anything else ×1."""
    assert float(stats.ratio(numerator, denominator, unit)) == pytest.approx(expected, abs=1e-3)


def test_ratio_vectorised_over_units():
    """One call over rows of different units scales each row by its own unit."""
    value = stats.ratio(np.array([91, 3, 5400]), np.array([102, 1200, 30]), np.array(["%", "per1000", "s"]))
    assert value == pytest.approx([89.2157, 2.5, 180.0], abs=1e-3)


def test_ratio_zero_denominator_is_nan():
    """Σdenominator = 0 → NaN (no division by zero, no inf)."""
    assert math.isnan(float(stats.ratio(5, 0, "%")))
    assert math.isnan(float(stats.ratio(0, 0, "s")))


# --- Ratio standard error (days are the units) -----------------------------------------------------
# Days (8, 10), (3, 5), (6, 15): Σnum = 17, Σden = 30, R = 0.566667 (the daily ratios .8, .6, .4 average
# .6: the two differ). Moments: Σnum² = 64+9+36 = 109, Σnum·den = 80+15+90 = 185, Σden² = 100+25+225 = 350.
THREE_DAYS = (17, 30, 109, 185, 350, 3)


def test_ratio_standard_error_worked_by_hand():
    """Residuals numᵢ − R·denᵢ = 2.33333, 0.16667, −2.5; Σ² = 5.44444+0.02778+6.25 = 11.72222
    (= 109 − 2·0.566667·185 + 0.321111·350); /(k(k−1) = 6) = 1.953704; √ = 1.397750; / mean den 10
    → SE(R) = 0.139775."""
    assert float(stats.ratio_standard_error(*THREE_DAYS)) == pytest.approx(0.139775, abs=1e-6)


def test_ratio_interval_is_scaled_like_the_ratio():
    """In %: 56.6667 ± 1.96·13.9775 = 56.6667 ± 27.3959 → [29.2708, 84.0626]; in ‰ ten times that."""
    low, high = stats.ratio_interval(*THREE_DAYS, "%")
    assert (float(low), float(high)) == pytest.approx((29.2708, 84.0626), abs=1e-3)
    low, high = stats.ratio_interval(*THREE_DAYS, "per1000")
    assert (float(low), float(high)) == pytest.approx((292.708, 840.626), abs=1e-2)


def test_ratio_with_one_day_has_no_standard_error():
    """k = 1: k(k−1) = 0, so no interval (NaN), whatever the day holds; k = 0 likewise."""
    assert math.isnan(float(stats.ratio_standard_error(8, 10, 64, 80, 100, 1)))
    assert math.isnan(float(stats.ratio_standard_error(0, 0, 0, 0, 0, 0)))


def test_ratio_interval_stays_within_what_a_ratio_can_be():
    """Complaints on days 0, 0, 3 per 1 000: R = 1 ‰; residuals −1, −1, 2 → √(6/6) = 1 / 1000 →
    SE 1 ‰; 1 ± 1.96 → −0.96 is clipped to 0. A share of 99 % of 100 a day over days 100, 98, 99 (SE
    0.57735 pp) reaches 100.13 %, clipped to 100."""
    low, high = stats.ratio_interval(3, 3000, 9, 3000, 3_000_000, 3, "per1000")
    assert (float(low), float(high)) == pytest.approx((0.0, 2.96), abs=1e-9)
    low, high = stats.ratio_interval(297, 300, 100**2 + 98**2 + 99**2, 100 * 297, 30_000, 3, "%")
    assert (float(low), float(high)) == pytest.approx((97.8684, 100.0), abs=1e-3)


def test_a_ratio_without_any_day_to_day_variation_has_no_error():
    """Days (50, 100), (50, 100): every residual is 0, so the SE would be 0 and every difference
    "real": instead there is no error, no interval and no verdict."""
    assert math.isnan(float(stats.ratio_standard_error(100, 200, 5000, 10_000, 20_000, 2)))


def test_ratio_change_z_worked_by_hand():
    """56.6667 % (SE 13.9775) vs 80 % (SE 10): z = 23.3333/√(195.371 + 100) = 23.3333/17.1864 = 1.358
    → within noise; 50 vs 40 with SE 1.1547 each: z = 10/1.63299 = 6.124 → significant; a missing
    SE → NaN (no verdict)."""
    flags = stats.ratio_change_significant(
        [56.6667, 50.0, 50.0], [13.9775, 1.1547, np.nan], [80.0, 40.0, 40.0], [10.0, 1.1547, 1.0]
    )
    assert flags[:2].tolist() == [0.0, 1.0]
    assert math.isnan(flags[2])


# --- Significance of a change ----------------------------------------------------------------------


def test_nps_change_clearly_significant():
    """NPS two-sample z: 50 vs 10 on n = 200 each."""
    # A: p=120/200=.6, d=20/200=.1, NPS .5, Var=.7−.25=.45 → /200 = .00225
    # B: p=80/200=.4, d=60/200=.3, NPS .1, Var=.7−.01=.69 → /200 = .00345
    # z = .4/√.0057 = .4/.075498 = 5.298 > 1.96 → significant
    assert float(stats.nps_change_significant(120, 20, 200, 80, 60, 200)) == 1.0


def test_nps_change_within_noise():
    """NPS two-sample z: 30 vs 22 on n = 50 each."""
    # A: p=.5, d=.2, NPS .3, Var=.7−.09=.61 → /50 = .0122
    # B: p=.44, d=.22, NPS .22, Var=.66−.0484=.6116 → /50 = .012232
    # z = .08/√.024432 = .08/.156307 = 0.512 < 1.96 → not significant
    assert float(stats.nps_change_significant(25, 10, 50, 22, 11, 50)) == 0.0


def test_nps_change_uses_trinomial_variance():
    """Near the edge: Var = p + d − (p−d)² gives z = 1.92 (not significant)."""
    # A: p=.30, d=.20, NPS .10, Var=.5−.01=.49;  B: p=.25, d=.35, NPS −.10, Var=.6−.01=.59
    # z = .2/√((.49+.59)/100) = .2/.103923 = 1.9245 < 1.96 → not significant.
    # (With the wrong Var p(1−p)+d(1−d): A .37, B .415 → z = .2/√.00785 = 2.257, "significant".)
    assert float(stats.nps_change_significant(30, 20, 100, 25, 35, 100)) == 0.0
    # Same shares on n = 200 each: z = 1.9245·√2 = 2.7217 > 1.96 → significant
    assert float(stats.nps_change_significant(60, 40, 200, 50, 70, 200)) == 1.0


def test_proportion_change_pooled_z():
    """Two-proportion pooled z: 80/100 vs 65/100 significant, 80/100 vs 72/100 not."""
    # pooled 145/200=.725; se=√(.725·.275·(1/100+1/100))=√.0039875=.063147; z=.15/.063147=2.375 > 1.96
    assert float(stats.proportion_change_significant(80, 100, 65, 100)) == 1.0
    # pooled 152/200=.76; se=√(.76·.24·.02)=√.003648=.060399; z=.08/.060399=1.3245 < 1.96
    assert float(stats.proportion_change_significant(80, 100, 72, 100)) == 0.0


def test_proportion_change_uses_pooled_proportion():
    """9/20 vs 1/10: pooled z = 1.917 (not significant); unpooled would say 2.394."""
    # pooled 10/30=.333333; se=√(.333333·.666667·(1/20+1/10))=√(.222222·.15)=√.033333=.182574
    # diff = .45 − .10 = .35; z = .35/.182574 = 1.917 < 1.96 → not significant
    # (unpooled se=√(.45·.55/20 + .1·.9/10)=√.021375=.146202 → z=2.394, would be "significant")
    assert float(stats.proportion_change_significant(9, 20, 1, 10)) == 0.0


def test_welch_t_not_significant_where_z_would_be():
    """Welch t on 2,4,4,5,7 vs 5,6,7,7,7,7: |t| = 2.383 < t(0.975, 5.40) = 2.514."""
    # A: Σ=22, Σx²=110, n=5, mean 4.4, s²=3.3, s²/n=.66
    # B: Σ=39, Σx²=257, n=6, mean 6.5, s²=(257−39²/6)/5=(257−253.5)/5=.7, s²/n=.116667
    # t = (4.4−6.5)/√(.66+.116667) = −2.1/.881287 = −2.3829
    # df = .776667²/(.66²/4 + .116667²/5) = .603211/(.1089+.002722) = .603211/.111622 = 5.4040
    # t(0.975, 5.404) = 2.5138 → |t| < crit → not significant. (z 1.96 or pooled df 9 → 2.262 would flag it.)
    a, b = [2, 4, 4, 5, 7], [5, 6, 7, 7, 7, 7]
    reference = ttest_ind(a, b, equal_var=False)  # independent check of the hand arithmetic above
    assert reference.statistic == pytest.approx(-2.3829, abs=1e-3)
    assert reference.df == pytest.approx(5.4040, abs=1e-3)
    assert student_t.ppf(0.975, 5.4040) == pytest.approx(2.5138, abs=1e-3)
    assert float(stats.mean_change_significant(22, 110, 5, 39, 257, 6)) == 0.0


def test_welch_t_clearly_significant():
    """Welch t on 1,2,2,3 vs 6,7,7,8: t = −8.66 on 6 df."""
    # A: Σ=8, Σx²=18, mean 2, s²=(18−16)/3=.666667, s²/n=.166667
    # B: Σ=28, Σx²=198, mean 7, s²=(198−196)/3=.666667, s²/n=.166667
    # t = −5/√.333333 = −8.660; df = .333333²/(2·.166667²/3) = .111111/.018519 = 6; t(0.975, 6) = 2.4469
    assert float(stats.mean_change_significant(8, 18, 4, 28, 198, 4)) == 1.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.nps_change_significant(0, 0, 0, 80, 60, 200),
        lambda: stats.nps_change_significant(120, 20, 200, 0, 0, 0),
        lambda: stats.proportion_change_significant(0, 0, 65, 100),
        lambda: stats.proportion_change_significant(80, 100, 0, 0),
        lambda: stats.mean_change_significant(0, 0, 0, 28, 198, 4),
        lambda: stats.mean_change_significant(8, 18, 4, 0, 0, 0),
        lambda: stats.mean_change_significant(5, 25, 1, 28, 198, 4),  # n = 1: no variance, no test
    ],
    ids=["nps-a", "nps-b", "prop-a", "prop-b", "mean-a", "mean-b", "mean-n1"],
)
def test_change_not_comparable_is_nan(call):
    """n = 0 on either side (or n < 2 for a mean) → NaN, not 'not significant'."""
    assert math.isnan(float(call()))


def test_significance_is_vectorised():
    """One call over several rows gives one flag (or NaN) per row."""
    flags = stats.nps_change_significant(
        np.array([120, 25, 0]),
        np.array([20, 10, 0]),
        np.array([200, 50, 0]),
        np.array([80, 22, 80]),
        np.array([60, 11, 60]),
        np.array([200, 50, 200]),
    )
    # z = 5.298 (significant), 0.512 (not), n_a = 0 (NaN) — worked above
    assert flags[:2].tolist() == [1.0, 0.0]
    assert math.isnan(flags[2])
