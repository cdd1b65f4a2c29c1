-- Target rows, optionally of one metric; which one applies to a slice on a day is chosen in queries.kpi.
SELECT metric_id, touchpoint_id, segment_id, target, tolerance, period_start, period_end
FROM targets
WHERE $metric_id IS NULL OR metric_id = $metric_id
