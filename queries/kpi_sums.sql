-- Sufficient statistics per metric over [$start, $end] from the daily rollup, optionally broken down
-- by touchpoint and/or segment ($by_touchpoint, $by_segment), by calendar bucket ($grain: 'month' or
-- 'week'; NULL = the whole period), and filtered to one metric, touchpoint or segment (NULL = all).
-- A column not broken down comes back NULL. Ratio metrics also get their daily moments (days with
-- data, Σnum², Σnum·den, Σden² of each day's sums): days are the units of their standard error.
WITH daily AS (
    SELECT
        metric_id,
        CASE WHEN $by_touchpoint THEN touchpoint_id END AS touchpoint_id,
        CASE WHEN $by_segment THEN segment_id END AS segment_id,
        CAST(date_trunc($grain, day) AS DATE) AS bucket_start,
        day,
        sum(n) AS n,
        sum(score_sum) AS score_sum,
        sum(score_sum_sq) AS score_sum_sq,
        sum(promoters) AS promoters,
        sum(passives) AS passives,
        sum(detractors) AS detractors,
        sum(top2) AS top2,
        sum(numerator) AS numerator,
        sum(denominator) AS denominator
    FROM daily_rollup
    WHERE day BETWEEN $start AND $end
        AND ($metric_id IS NULL OR metric_id = $metric_id)
        AND ($touchpoint_id IS NULL OR touchpoint_id = $touchpoint_id)
        AND ($segment_id IS NULL OR segment_id = $segment_id)
    GROUP BY ALL
)
SELECT
    metric_id,
    touchpoint_id,
    segment_id,
    bucket_start,
    sum(n)::BIGINT AS n,
    sum(score_sum) AS score_sum,
    sum(score_sum_sq) AS score_sum_sq,
    sum(promoters)::BIGINT AS promoters,
    sum(passives)::BIGINT AS passives,
    sum(detractors)::BIGINT AS detractors,
    sum(top2)::BIGINT AS top2,
    sum(numerator) AS numerator,
    sum(denominator) AS denominator,
    count_if(denominator > 0)::BIGINT AS days,
    sum(numerator * numerator) AS numerator_sq,
    sum(numerator * denominator) AS numerator_denominator,
    sum(denominator * denominator) AS denominator_sq
FROM daily
GROUP BY ALL
