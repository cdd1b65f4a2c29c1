"""KPI maths of DESIGN.md: values, 95% intervals and significance tests.

Every function is vectorised: it takes NumPy arrays (or scalars) of sufficient statistics, the sums
the daily rollup carries, and returns arrays, with NaN where a number cannot be computed (n = 0, or
too few responses for an interval). Nothing here knows about tables or pages.
"""

import numpy as np
from scipy.special import stdtrit

from data.warehouse.contract import UNITS

#: The 95% normal quantile, as DESIGN.md writes it.
Z95 = 1.96

#: Multiplier of a ratio metric's Σnumerator/Σdenominator by unit (the contract's).
RATIO_SCALE = {name: unit.multiplier for name, unit in UNITS.items()}
#: What a ratio in each unit cannot pass (a share: 100 %).
RATIO_CEILING = {name: unit.ceiling for name, unit in UNITS.items() if unit.ceiling is not None}


def _arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def _divide(numerator, denominator):
    """numerator / denominator, NaN where the denominator is 0."""
    numerator, denominator = _arrays(numerator, denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def nps(promoters, detractors, n):
    """Net promoter score in points: 100·(P − D)/n."""
    promoters, detractors = _arrays(promoters, detractors)
    return 100 * _divide(promoters - detractors, n)


def nps_interval(promoters, detractors, n):
    """Adjusted-Wald 95% interval for NPS (n' = n+3, P' = P+¾, D' = D+¾), clipped to ±100."""
    promoters, detractors, n = _arrays(promoters, detractors, n)
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = 100 * (p - d)
    half = Z95 * 100 * np.sqrt((p + d - (p - d) ** 2) / n_adj)
    empty = n <= 0
    low = np.where(empty, np.nan, np.clip(centre - half, -100, 100))
    high = np.where(empty, np.nan, np.clip(centre + half, -100, 100))
    return low, high


def proportion(count, n):
    """A share in percent: 100·count/n (top-2-box)."""
    return 100 * _divide(count, n)


def wilson_interval(count, n):
    """Wilson score 95% interval for a proportion, in percent."""
    count, n = _arrays(count, n)
    safe_n = np.where(n > 0, n, 1)
    p = count / safe_n
    z2 = Z95**2
    denominator = 1 + z2 / safe_n
    centre = (p + z2 / (2 * safe_n)) / denominator
    half = Z95 / denominator * np.sqrt(p * (1 - p) / safe_n + z2 / (4 * safe_n**2))
    empty = n <= 0
    return (
        np.where(empty, np.nan, 100 * np.clip(centre - half, 0, 1)),
        np.where(empty, np.nan, 100 * np.clip(centre + half, 0, 1)),
    )


def mean(score_sum, n):
    return _divide(score_sum, n)


def sample_variance(score_sum, score_sum_sq, n):
    """Unbiased variance from Σx and Σx²; NaN for n < 2. Clipped at 0 against rounding."""
    score_sum, score_sum_sq, n = _arrays(score_sum, score_sum_sq, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (score_sum_sq - score_sum**2 / n) / (n - 1)
    return np.where(n >= 2, np.maximum(variance, 0), np.nan)


def mean_interval(score_sum, score_sum_sq, n):
    """mean ± t(0.975, n−1)·s/√n; NaN for n < 2."""
    score_sum, score_sum_sq, n = _arrays(score_sum, score_sum_sq, n)
    centre = mean(score_sum, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stdtrit(np.maximum(n - 1, 1), 0.975) * np.sqrt(sample_variance(score_sum, score_sum_sq, n) / n)
    return centre - half, centre + half


def ratio_scale(unit):
    """The multiplier of Σnumerator/Σdenominator for each unit (100 for %, 1000 for ‰, else 1)."""
    return np.vectorize(lambda u: RATIO_SCALE.get(u, 1.0), otypes=[float])(unit)


def ratio(numerator, denominator, unit):
    """Ratio of sums (never an average of daily ratios), scaled for the unit."""
    return ratio_scale(unit) * _divide(numerator, denominator)


def ratio_standard_error(numerator, denominator, numerator_sq, cross, denominator_sq, days):
    """Standard error of R = Σnumᵢ/Σdenᵢ (unscaled), days being the units (DESIGN.md):
    √(Σ(numᵢ − R·denᵢ)² / (k(k−1))) / mean(denᵢ) over the k days with data; NaN when k < 2.

    The daily sums come as moments, Σnumᵢ², Σnumᵢ·denᵢ (`cross`) and Σdenᵢ², so the residual sum is
    Σnum² − 2R·Σnum·den + R²·Σden², clipped at 0 against rounding.
    """
    numerator, denominator, numerator_sq, cross, denominator_sq, days = _arrays(
        numerator, denominator, numerator_sq, cross, denominator_sq, days
    )
    r = _divide(numerator, denominator)
    residual = np.maximum(numerator_sq - 2 * r * cross + r**2 * denominator_sq, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        standard_error = np.sqrt(residual / (days * (days - 1))) / (denominator / days)
    # No day-to-day variation at all (a feed spreading one total evenly over its days) says nothing
    # about the noise either: no error, rather than a certainty the data cannot give.
    return np.where((days >= 2) & (denominator > 0) & (standard_error > 0), standard_error, np.nan)


def ratio_interval(numerator, denominator, numerator_sq, cross, denominator_sq, days, unit):
    """R ± 1.96·SE(R), both scaled for the unit, within what a ratio of counts can be (not below 0, a
    share not above 100 %); NaN when k < 2."""
    scale = ratio_scale(unit)
    centre = ratio(numerator, denominator, unit)
    half = (
        Z95 * scale * ratio_standard_error(numerator, denominator, numerator_sq, cross, denominator_sq, days)
    )
    ceiling = np.vectorize(lambda u: RATIO_CEILING.get(u, np.inf), otypes=[float])(unit)
    return np.maximum(centre - half, 0), np.minimum(centre + half, ceiling)


# --- Significance of a change between two periods (two-sided, 95%) ---------------------------------


def _significant(difference, standard_error, critical, comparable):
    """|difference| > critical·se, with se = 0 meaning any difference is real; NaN if not comparable."""
    difference, standard_error, critical = _arrays(difference, standard_error, critical)
    with np.errstate(divide="ignore", invalid="ignore"):
        clear = np.where(standard_error > 0, np.abs(difference) > critical * standard_error, difference != 0)
    return np.where(comparable, clear.astype(float), np.nan)


def nps_change_significant(promoters_a, detractors_a, n_a, promoters_b, detractors_b, n_b):
    """Two-sample z for NPS with Var = p + d − (p−d)² per response; NaN where either n is 0."""
    promoters_a, detractors_a, n_a, promoters_b, detractors_b, n_b = _arrays(
        promoters_a, detractors_a, n_a, promoters_b, detractors_b, n_b
    )
    p_a, d_a = _divide(promoters_a, n_a), _divide(detractors_a, n_a)
    p_b, d_b = _divide(promoters_b, n_b), _divide(detractors_b, n_b)
    var_a = (p_a + d_a - (p_a - d_a) ** 2) / np.where(n_a > 0, n_a, 1)
    var_b = (p_b + d_b - (p_b - d_b) ** 2) / np.where(n_b > 0, n_b, 1)
    return _significant((p_a - d_a) - (p_b - d_b), np.sqrt(var_a + var_b), Z95, (n_a > 0) & (n_b > 0))


def proportion_change_significant(count_a, n_a, count_b, n_b):
    """Two-proportion z test with the pooled proportion; NaN where either n is 0."""
    count_a, n_a, count_b, n_b = _arrays(count_a, n_a, count_b, n_b)
    pooled = _divide(count_a + count_b, n_a + n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        standard_error = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    difference = _divide(count_a, n_a) - _divide(count_b, n_b)
    return _significant(difference, standard_error, Z95, (n_a > 0) & (n_b > 0))


def ratio_change_significant(value_a, standard_error_a, value_b, standard_error_b):
    """z = ΔR / √(SE_a² + SE_b²) for two ratios (values and SEs on the same scale); NaN without both SEs."""
    value_a, standard_error_a, value_b, standard_error_b = _arrays(
        value_a, standard_error_a, value_b, standard_error_b
    )
    comparable = ~np.isnan(standard_error_a) & ~np.isnan(standard_error_b)
    return _significant(value_a - value_b, np.hypot(standard_error_a, standard_error_b), Z95, comparable)


def mean_change_significant(sum_a, sum_sq_a, n_a, sum_b, sum_sq_b, n_b):
    """Welch's t test with Welch–Satterthwaite degrees of freedom; NaN where either n < 2."""
    sum_a, sum_sq_a, n_a, sum_b, sum_sq_b, n_b = _arrays(sum_a, sum_sq_a, n_a, sum_b, sum_sq_b, n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        v_a = sample_variance(sum_a, sum_sq_a, n_a) / n_a
        v_b = sample_variance(sum_b, sum_sq_b, n_b) / n_b
        dof = (v_a + v_b) ** 2 / (v_a**2 / (n_a - 1) + v_b**2 / (n_b - 1))
        critical = stdtrit(np.where(np.isfinite(dof) & (dof > 0), dof, 1), 0.975)
    difference = mean(sum_a, n_a) - mean(sum_b, n_b)
    return _significant(difference, np.sqrt(v_a + v_b), critical, (n_a >= 2) & (n_b >= 2))
