-- Every target row in force on $day; the most specific one per slice is chosen in queries.kpi.
SELECT metric_id, touchpoint_id, segment_id, target, tolerance, period_start, period_end
FROM targets
WHERE $day BETWEEN period_start AND period_end
