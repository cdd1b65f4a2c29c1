-- Sufficient statistics per metric over [$start, $end] from the daily rollup, optionally broken down
-- by touchpoint and/or segment ($by_touchpoint, $by_segment), by calendar bucket ($grain: 'month' or
-- 'week'; NULL = the whole period), and filtered to one metric, touchpoint or segment (NULL = all).
-- A column not broken down comes back NULL. Ratio metrics also get their daily moments (days with
-- data, Σnum², Σnum·den, Σden² of each day's sums): days are the units of their standard error.
-- $rest_of_segment: instead, per segment the sums of all *other* customers (what a segment is tested
-- against), each rollup row counted for every segment it is not in, so the rest's days have their own
-- daily sums (a difference of squares is not the square of a difference).
WITH daily AS (
    SELECT
        r.metric_id,
        CASE WHEN $by_touchpoint THEN r.touchpoint_id END AS touchpoint_id,
        CASE WHEN $rest_of_segment THEN s.segment_id WHEN $by_segment THEN r.segment_id END AS segment_id,
        CAST(date_trunc($grain, r.day) AS DATE) AS bucket_start,
        r.day,
        sum(r.n) AS n,
        sum(r.score_sum) AS score_sum,
        sum(r.score_sum_sq) AS score_sum_sq,
        sum(r.promoters) AS promoters,
        sum(r.passives) AS passives,
        sum(r.detractors) AS detractors,
        sum(r.top2) AS top2,
        sum(r.numerator) AS numerator,
        sum(r.denominator) AS denominator
    FROM daily_rollup AS r
    LEFT JOIN segments AS s ON $rest_of_segment AND s.segment_id <> r.segment_id
    WHERE r.day BETWEEN $start AND $end
        AND ($metric_id IS NULL OR r.metric_id = $metric_id)
        AND ($touchpoint_id IS NULL OR r.touchpoint_id = $touchpoint_id)
        AND ($segment_id IS NULL OR r.segment_id = $segment_id)
        AND (NOT $rest_of_segment OR s.segment_id IS NOT NULL)
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
