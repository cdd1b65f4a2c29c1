-- Annotations in [$start, $end] that concern a metric (or all metrics) and a touchpoint (or all).
-- NULL $metric_id / $touchpoint_id match every annotation.
SELECT day, metric_id, touchpoint_id, title
FROM annotations
WHERE day BETWEEN $start AND $end
    AND ($metric_id IS NULL OR metric_id IS NULL OR metric_id = $metric_id)
    AND ($touchpoint_id IS NULL OR touchpoint_id IS NULL OR touchpoint_id = $touchpoint_id)
ORDER BY day
