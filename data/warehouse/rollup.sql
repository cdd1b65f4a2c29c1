-- The derived daily rollup: one row per (metric, day, touchpoint, segment) with every sum the KPI maths
-- needs, so any period and any slice is computed without touching raw rows, and how many of its answers
-- came with a comment (what the pages count comments by). Sorted by day so that
-- DuckDB's zone maps skip what a date range excludes.
CREATE OR REPLACE TABLE daily_rollup AS
WITH survey AS (
    SELECT
        r.metric_id,
        CAST(r.responded_at AS DATE) AS day,
        r.touchpoint_id,
        r.segment_id,
        count(*) AS n,
        sum(r.score) AS score_sum,
        sum(r.score * r.score) AS score_sum_sq,
        count_if(r.score >= 9) AS promoters,
        count_if(r.score >= 7 AND r.score < 9) AS passives,
        count_if(r.score <= 6) AS detractors,
        count_if(r.score >= m.scale_max - 1) AS top2,
        0.0 AS numerator,
        0.0 AS denominator,
        count(r.comment) AS comments
    FROM responses AS r
    JOIN metrics AS m USING (metric_id)
    GROUP BY ALL
),
operational AS (
    SELECT
        metric_id,
        day,
        touchpoint_id,
        segment_id,
        0 AS n,
        0.0 AS score_sum,
        0.0 AS score_sum_sq,
        0 AS promoters,
        0 AS passives,
        0 AS detractors,
        0 AS top2,
        sum(numerator) AS numerator,
        sum(denominator) AS denominator,
        0 AS comments
    FROM measurements
    GROUP BY ALL
)
SELECT * FROM survey
UNION ALL
SELECT * FROM operational
ORDER BY day, metric_id, touchpoint_id, segment_id;
