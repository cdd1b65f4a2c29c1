-- Each metric's distinct days with data over the $window_days days up to and including its own latest
-- day: what queries.cadence infers each metric's cadence from, and queries.health its freshness.
WITH latest AS (
    SELECT metric_id, max(day) AS latest_day
    FROM daily_rollup
    GROUP BY metric_id
)
SELECT DISTINCT r.metric_id, r.day
FROM daily_rollup AS r
JOIN latest USING (metric_id)
WHERE r.day >= latest.latest_day - CAST($window_days AS INTEGER)
ORDER BY r.metric_id, r.day
