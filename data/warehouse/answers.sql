-- Every KPI answer of a list of views in one statement: for each view's metric, every slice (touchpoint
-- or NULL = all × segment or NULL = all) with what a tile shows (DESIGN.md's KPI maths). Publishing a
-- snapshot runs it for the standard views into `kpi_answers` and the calendar months into
-- `kpi_monthly`; the query layer runs it for a view that is not published.
--
-- $views: one struct per (view, metric): the view's period_key and compare (NULL: no comparison), the
-- metric's own period and comparison (a metric declared measured less often than the view is shown at
-- its latest whole period, data.warehouse.cadence.measured_view), the day its target must be in force
-- on, and the labels of a moved period (NULL when not moved). $units: each unit's ratio multiplier and
-- ceiling (the contract's). t(0.975, df) comes from the snapshot's `t_quantiles` (df in hundredths up
-- to its last row), a Cornish–Fisher expansion beyond.
WITH views AS (
    SELECT unnest(CAST($views AS STRUCT(
        period_key VARCHAR, compare VARCHAR, metric_id VARCHAR, period_start DATE, period_end DATE,
        compare_start DATE, compare_end DATE, target_day DATE, measured_period VARCHAR, compare_label VARCHAR
    )[]), recursive := true)
),
units AS (
    SELECT unnest(CAST($units AS STRUCT(unit VARCHAR, multiplier DOUBLE, ceiling DOUBLE)[]), recursive := true)
),
sides AS (
    SELECT period_key, compare, metric_id, 'period' AS side, period_start AS first_day, period_end AS last_day
    FROM views
    UNION ALL
    SELECT period_key, compare, metric_id, 'comparison', compare_start, compare_end
    FROM views
    WHERE compare_start IS NOT NULL
),
-- Each day's sums of every slice: a ratio's standard error takes each day of the slice as a unit.
daily AS (
    SELECT
        metric_id,
        day,
        touchpoint_id,
        segment_id,
        sum(n) AS n,
        sum(score_sum) AS score_sum,
        sum(score_sum_sq) AS score_sum_sq,
        sum(promoters) AS promoters,
        sum(detractors) AS detractors,
        sum(top2) AS top2,
        sum(numerator) AS numerator,
        sum(denominator) AS denominator
    FROM daily_rollup
    WHERE metric_id IN (SELECT metric_id FROM views)
        AND day BETWEEN (SELECT min(first_day) FROM sides) AND (SELECT max(last_day) FROM sides)
    GROUP BY day, metric_id, CUBE (touchpoint_id, segment_id)
),
sums AS (
    SELECT
        s.period_key,
        s.compare,
        s.side,
        d.metric_id,
        d.touchpoint_id,
        d.segment_id,
        sum(d.n)::DOUBLE AS n,
        sum(d.score_sum) AS score_sum,
        sum(d.score_sum_sq) AS score_sum_sq,
        sum(d.promoters)::DOUBLE AS promoters,
        sum(d.detractors)::DOUBLE AS detractors,
        sum(d.top2)::DOUBLE AS top2,
        sum(d.numerator) AS numerator,
        sum(d.denominator) AS denominator,
        count_if(d.denominator > 0)::DOUBLE AS days,
        sum(d.numerator * d.numerator) AS numerator_sq,
        sum(d.numerator * d.denominator) AS numerator_denominator,
        sum(d.denominator * d.denominator) AS denominator_sq
    FROM sides AS s
    JOIN daily AS d ON d.metric_id = s.metric_id AND d.day BETWEEN s.first_day AND s.last_day
    GROUP BY ALL
),
t_table AS (
    SELECT max(hundredths) AS last_hundredths FROM t_quantiles
),
-- Terms of the Cornish–Fisher expansion of t(0.975, df) in powers of 1/df, z the normal quantile.
cornish_fisher AS (
    SELECT
        z,
        (z ^ 3 + z) / 4 AS g1,
        (5 * z ^ 5 + 16 * z ^ 3 + 3 * z) / 96 AS g2,
        (3 * z ^ 7 + 19 * z ^ 5 + 17 * z ^ 3 - 15 * z) / 384 AS g3,
        (79 * z ^ 9 + 776 * z ^ 7 + 1482 * z ^ 5 - 1920 * z ^ 3 - 945 * z) / 92160 AS g4
    FROM (SELECT 1.959963984540054::DOUBLE AS z)
),
-- A ratio's unscaled R and the residual Σ(numᵢ − R·denᵢ)² from the daily moments, clipped at 0.
ratios AS (
    SELECT
        s.*,
        m.kind,
        m.unit,
        m.scale_min,
        m.scale_max,
        coalesce(u.multiplier, 1) AS multiplier,
        u.ceiling,
        CASE WHEN s.denominator > 0 THEN s.numerator / s.denominator END AS r,
        greatest(
            s.numerator_sq - 2 * (s.numerator / nullif(s.denominator, 0)) * s.numerator_denominator
            + (s.numerator / nullif(s.denominator, 0)) ^ 2 * s.denominator_sq,
            0
        ) AS residual,
        CASE
            WHEN s.n >= 2 THEN greatest((s.score_sum_sq - s.score_sum ^ 2 / s.n) / (s.n - 1), 0)
        END AS variance
    FROM sums AS s
    JOIN metrics AS m USING (metric_id)
    LEFT JOIN units AS u ON u.unit = m.unit
),
-- Each side's value, 95% interval and (ratios) standard error on the unit's scale.
measured AS (
    SELECT
        x.*,
        CASE x.kind
            WHEN 'nps' THEN 100 * (x.promoters - x.detractors) / nullif(x.n, 0)
            WHEN 'top2box' THEN 100 * x.top2 / nullif(x.n, 0)
            WHEN 'mean' THEN x.score_sum / nullif(x.n, 0)
            ELSE x.multiplier * x.r
        END AS value,
        CASE
            WHEN x.kind = 'ratio' AND x.days >= 2 AND x.denominator > 0
                AND sqrt(x.residual / (x.days * (x.days - 1))) / (x.denominator / x.days) > 0
                THEN x.multiplier * sqrt(x.residual / (x.days * (x.days - 1))) / (x.denominator / x.days)
        END AS standard_error,
        CASE
            WHEN x.n >= 2 AND x.n - 1 > t_table.last_hundredths / 100
                THEN cf.z + cf.g1 / (x.n - 1) + cf.g2 / (x.n - 1) ^ 2 + cf.g3 / (x.n - 1) ^ 3
                    + cf.g4 / (x.n - 1) ^ 4
            ELSE q.t
        END * sqrt(x.variance / x.n) AS mean_half
    FROM ratios AS x
    CROSS JOIN t_table
    CROSS JOIN cornish_fisher AS cf
    LEFT JOIN t_quantiles AS q ON x.n >= 2 AND q.hundredths = (x.n - 1) * 100
),
intervals AS (
    SELECT
        m.*,
        CASE m.kind
            WHEN 'nps' THEN greatest(-100, least(100, 100 * (p - d) - 1.96 * 100 * sqrt((p + d - (p - d) ^ 2) / (m.n + 3))))
            WHEN 'top2box' THEN 100 * greatest(0, least(1, (share + 1.96 ^ 2 / (2 * m.n)) / (1 + 1.96 ^ 2 / m.n)
                - 1.96 / (1 + 1.96 ^ 2 / m.n) * sqrt(share * (1 - share) / m.n + 1.96 ^ 2 / (4 * m.n ^ 2))))
            WHEN 'mean' THEN CASE WHEN mean_half IS NOT NULL THEN greatest(value - mean_half, m.scale_min) END
            ELSE CASE WHEN standard_error IS NOT NULL THEN greatest(value - 1.96 * standard_error, 0) END
        END AS low,
        CASE m.kind
            WHEN 'nps' THEN greatest(-100, least(100, 100 * (p - d) + 1.96 * 100 * sqrt((p + d - (p - d) ^ 2) / (m.n + 3))))
            WHEN 'top2box' THEN 100 * greatest(0, least(1, (share + 1.96 ^ 2 / (2 * m.n)) / (1 + 1.96 ^ 2 / m.n)
                + 1.96 / (1 + 1.96 ^ 2 / m.n) * sqrt(share * (1 - share) / m.n + 1.96 ^ 2 / (4 * m.n ^ 2))))
            WHEN 'mean' THEN CASE WHEN mean_half IS NOT NULL THEN least(value + mean_half, m.scale_max) END
            ELSE CASE WHEN standard_error IS NOT NULL THEN least(value + 1.96 * standard_error, m.ceiling) END
        END AS high
    FROM (
        SELECT
            *,
            CASE WHEN n > 0 THEN (promoters + 0.75) / (n + 3) END AS p,
            CASE WHEN n > 0 THEN (detractors + 0.75) / (n + 3) END AS d,
            CASE WHEN n > 0 THEN top2 / n END AS share
        FROM measured
    ) AS m
),
-- Every slice of every view's metric, with data or not.
grid AS (
    SELECT v.*, t.touchpoint_id, s.segment_id
    FROM views AS v
    CROSS JOIN (SELECT touchpoint_id FROM touchpoints UNION ALL SELECT NULL) AS t
    CROSS JOIN (SELECT segment_id FROM segments UNION ALL SELECT NULL) AS s
),
-- The most specific target in force on the target day: touchpoint+segment > touchpoint > segment >
-- neither (the contract's SPECIFICITY, bound); among equals the latest period_start.
picked AS (
    SELECT g.period_key, g.compare, g.metric_id, g.touchpoint_id, g.segment_id, t.target, t.tolerance
    FROM grid AS g
    JOIN targets AS t
        ON t.metric_id = g.metric_id
        AND (t.touchpoint_id IS NULL OR t.touchpoint_id = g.touchpoint_id)
        AND (t.segment_id IS NULL OR t.segment_id = g.segment_id)
        AND g.target_day BETWEEN t.period_start AND t.period_end
    QUALIFY row_number() OVER (
        PARTITION BY g.period_key, g.compare, g.metric_id, g.touchpoint_id, g.segment_id
        ORDER BY (t.touchpoint_id IS NOT NULL)::INT * $touchpoint_weight
            + (t.segment_id IS NOT NULL)::INT * $segment_weight DESC,
            t.period_start DESC, t.period_end DESC, t.target DESC, t.tolerance DESC
    ) = 1
),
joined AS (
    SELECT
        g.*,
        m.kind,
        m.higher_is_better,
        m.min_sample,
        m.scale_min,
        m.scale_max,
        c.side IS NOT NULL OR b.side IS NOT NULL AS has_data,
        coalesce(c.n, 0) AS n,
        coalesce(c.days, 0) AS days,
        c.value,
        c.low,
        c.high,
        c.standard_error,
        c.promoters,
        c.detractors,
        c.top2,
        c.score_sum,
        c.variance,
        CASE WHEN g.compare IS NOT NULL THEN coalesce(b.n, 0) END AS previous_n,
        b.value AS previous_value,
        b.standard_error AS previous_standard_error,
        b.promoters AS previous_promoters,
        b.detractors AS previous_detractors,
        b.top2 AS previous_top2,
        b.score_sum AS previous_score_sum,
        b.variance AS previous_variance,
        p.target,
        p.tolerance
    FROM grid AS g
    JOIN metrics AS m USING (metric_id)
    LEFT JOIN intervals AS c
        ON c.side = 'period' AND c.period_key = g.period_key AND c.compare IS NOT DISTINCT FROM g.compare
        AND c.metric_id = g.metric_id AND c.touchpoint_id IS NOT DISTINCT FROM g.touchpoint_id
        AND c.segment_id IS NOT DISTINCT FROM g.segment_id
    LEFT JOIN intervals AS b
        ON b.side = 'comparison' AND b.period_key = g.period_key AND b.compare IS NOT DISTINCT FROM g.compare
        AND b.metric_id = g.metric_id AND b.touchpoint_id IS NOT DISTINCT FROM g.touchpoint_id
        AND b.segment_id IS NOT DISTINCT FROM g.segment_id
    LEFT JOIN picked AS p
        ON p.period_key = g.period_key AND p.compare IS NOT DISTINCT FROM g.compare
        AND p.metric_id = g.metric_id AND p.touchpoint_id IS NOT DISTINCT FROM g.touchpoint_id
        AND p.segment_id IS NOT DISTINCT FROM g.segment_id
),
-- Each change's difference, its standard error and the critical value it must pass (DESIGN.md's tests;
-- a standard error of 0 makes any difference real). Welch's degrees of freedom are fractional: t is
-- interpolated in 1/df between the table's neighbouring hundredths.
tests AS (
    SELECT
        j.*,
        CASE
            WHEN j.kind <> 'ratio' AND (j.n < j.min_sample OR coalesce(j.previous_n, 0) < j.min_sample) THEN FALSE
            WHEN j.kind = 'ratio' THEN j.standard_error IS NOT NULL AND j.previous_standard_error IS NOT NULL
            WHEN j.kind = 'mean' THEN j.n >= 2 AND j.previous_n >= 2
            ELSE j.n > 0 AND j.previous_n > 0
        END AS comparable,
        CASE j.kind
            WHEN 'nps' THEN (j.promoters / j.n - j.detractors / j.n)
                - (j.previous_promoters / nullif(j.previous_n, 0) - j.previous_detractors / nullif(j.previous_n, 0))
            WHEN 'top2box' THEN j.top2 / j.n - j.previous_top2 / nullif(j.previous_n, 0)
            WHEN 'mean' THEN j.score_sum / j.n - j.previous_score_sum / nullif(j.previous_n, 0)
            ELSE j.value - j.previous_value
        END AS difference,
        CASE j.kind
            WHEN 'nps' THEN sqrt(
                (j.promoters / j.n + j.detractors / j.n - (j.promoters / j.n - j.detractors / j.n) ^ 2) / j.n
                + (j.previous_promoters / j.previous_n + j.previous_detractors / j.previous_n
                    - (j.previous_promoters / j.previous_n - j.previous_detractors / j.previous_n) ^ 2)
                    / j.previous_n
            )
            WHEN 'top2box' THEN sqrt(
                (j.top2 + j.previous_top2) / (j.n + j.previous_n)
                * (1 - (j.top2 + j.previous_top2) / (j.n + j.previous_n)) * (1 / j.n + 1 / j.previous_n)
            )
            WHEN 'mean' THEN sqrt(j.variance / j.n + j.previous_variance / j.previous_n)
            ELSE sqrt(j.standard_error ^ 2 + j.previous_standard_error ^ 2)
        END AS change_error,
        CASE
            WHEN j.kind = 'mean' AND j.n >= 2 AND j.previous_n >= 2
                AND j.variance / j.n + j.previous_variance / j.previous_n > 0
                THEN (j.variance / j.n + j.previous_variance / j.previous_n) ^ 2
                    / ((j.variance / j.n) ^ 2 / (j.n - 1) + (j.previous_variance / j.previous_n) ^ 2 / (j.previous_n - 1))
        END AS welch_df
    FROM joined AS j
),
critical AS (
    SELECT
        t.*,
        CASE
            WHEN t.kind <> 'mean' OR t.welch_df IS NULL THEN 1.96
            WHEN t.welch_df > tt.last_hundredths / 100
                THEN cf.z + cf.g1 / t.welch_df + cf.g2 / t.welch_df ^ 2 + cf.g3 / t.welch_df ^ 3
                    + cf.g4 / t.welch_df ^ 4
            WHEN q1.t IS NULL THEN q0.t
            ELSE q0.t + (q1.t - q0.t) * (1 / t.welch_df - 100 / q0.hundredths)
                / (100 / q1.hundredths - 100 / q0.hundredths)
        END AS critical_value
    FROM tests AS t
    CROSS JOIN t_table AS tt
    CROSS JOIN cornish_fisher AS cf
    LEFT JOIN t_quantiles AS q0 ON q0.hundredths = floor(t.welch_df * 100)::BIGINT
    LEFT JOIN t_quantiles AS q1 ON q1.hundredths = floor(t.welch_df * 100)::BIGINT + 1
)
SELECT
    period_key,
    compare,
    metric_id,
    touchpoint_id,
    segment_id,
    period_start,
    period_end,
    has_data,
    n,
    days,
    value,
    low,
    high,
    target,
    tolerance,
    CASE
        WHEN value IS NULL THEN 'no_data'
        WHEN kind <> 'ratio' AND n < min_sample THEN 'insufficient'
        WHEN target IS NULL THEN 'no_target'
        -- Rounded so that a value equal to its target up to floating-point noise meets it.
        WHEN round(CASE WHEN higher_is_better THEN target - value ELSE value - target END, 9) <= 0 THEN 'on_track'
        WHEN round(CASE WHEN higher_is_better THEN target - value ELSE value - target END, 9) <= tolerance
            THEN 'at_risk'
        ELSE 'off_track'
    END AS status,
    CASE
        WHEN value IS NOT NULL AND target IS NOT NULL AND low IS NOT NULL AND high IS NOT NULL
            THEN low > target OR high < target
    END AS gap_clear,
    previous_value,
    previous_n,
    value - previous_value AS change,
    CASE
        WHEN compare IS NULL OR NOT comparable THEN NULL
        WHEN change_error > 0 THEN abs(difference) > critical_value * change_error
        ELSE difference <> 0
    END AS change_significant,
    measured_period,
    compare_label,
    CASE WHEN measured_period IS NOT NULL THEN period_start END AS measured_start,
    CASE WHEN measured_period IS NOT NULL THEN period_end END AS measured_end,
    CASE WHEN measured_period IS NOT NULL THEN compare_start END AS compare_start,
    CASE WHEN measured_period IS NOT NULL THEN compare_end END AS compare_end
FROM critical
