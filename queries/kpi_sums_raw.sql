-- The same statistics as kpi_sums.sql straight from the raw facts: the reference that tests and
-- benchmarks hold the rollup against. Pages never use it. Ratio metrics' daily moments come from each
-- day's sums of the measurements, as in kpi_sums.sql; $rest_of_segment as there.
WITH survey AS (
    SELECT
        r.metric_id,
        CASE WHEN $by_touchpoint THEN r.touchpoint_id END AS touchpoint_id,
        CASE WHEN $rest_of_segment THEN s.segment_id WHEN $by_segment THEN r.segment_id END AS segment_id,
        CAST(date_trunc($grain, CAST(r.responded_at AS DATE)) AS DATE) AS bucket_start,
        count(*)::BIGINT AS n,
        sum(r.score) AS score_sum,
        sum(r.score * r.score) AS score_sum_sq,
        count_if(r.score >= 9) AS promoters,
        count_if(r.score >= 7 AND r.score < 9) AS passives,
        count_if(r.score <= 6) AS detractors,
        count_if(r.score >= m.scale_max - 1) AS top2,
        0.0 AS numerator,
        0.0 AS denominator,
        0 AS days,
        0.0 AS numerator_sq,
        0.0 AS numerator_denominator,
        0.0 AS denominator_sq
    FROM responses AS r
    JOIN metrics AS m USING (metric_id)
    LEFT JOIN segments AS s ON $rest_of_segment AND s.segment_id <> r.segment_id
    WHERE CAST(r.responded_at AS DATE) BETWEEN $start AND $end
        AND ($metric_id IS NULL OR r.metric_id = $metric_id)
        AND ($touchpoint_id IS NULL OR r.touchpoint_id = $touchpoint_id)
        AND ($segment_id IS NULL OR r.segment_id = $segment_id)
        AND (NOT $rest_of_segment OR s.segment_id IS NOT NULL)
    GROUP BY ALL
),
operational_days AS (
    SELECT
        x.metric_id,
        CASE WHEN $by_touchpoint THEN x.touchpoint_id END AS touchpoint_id,
        CASE WHEN $rest_of_segment THEN s.segment_id WHEN $by_segment THEN x.segment_id END AS segment_id,
        CAST(date_trunc($grain, x.day) AS DATE) AS bucket_start,
        x.day,
        sum(x.numerator) AS numerator,
        sum(x.denominator) AS denominator
    FROM measurements AS x
    LEFT JOIN segments AS s ON $rest_of_segment AND s.segment_id <> x.segment_id
    WHERE x.day BETWEEN $start AND $end
        AND ($metric_id IS NULL OR x.metric_id = $metric_id)
        AND ($touchpoint_id IS NULL OR x.touchpoint_id = $touchpoint_id)
        AND ($segment_id IS NULL OR x.segment_id = $segment_id)
        AND (NOT $rest_of_segment OR s.segment_id IS NOT NULL)
    GROUP BY ALL
),
operational AS (
    SELECT
        metric_id,
        touchpoint_id,
        segment_id,
        bucket_start,
        0 AS n,
        0.0 AS score_sum,
        0.0 AS score_sum_sq,
        0 AS promoters,
        0 AS passives,
        0 AS detractors,
        0 AS top2,
        sum(numerator) AS numerator,
        sum(denominator) AS denominator,
        count_if(denominator > 0) AS days,
        sum(numerator * numerator) AS numerator_sq,
        sum(numerator * denominator) AS numerator_denominator,
        sum(denominator * denominator) AS denominator_sq
    FROM operational_days
    GROUP BY ALL
)
SELECT * FROM survey
UNION ALL
SELECT * FROM operational
