-- The KPI answers of one view ($period_key, $compare) with the catalogue's columns: published in
-- `kpi_answers` for the standard views, or computed by data/warehouse/answers.sql for any other (the
-- query layer then puts that statement under the same name). Slices: broken down by touchpoint and/or
-- segment ($by_touchpoint, $by_segment: the slices with data in either period, optionally of one
-- touchpoint or segment), else the one slice of $touchpoint_id × $segment_id (NULL = all), every metric.
SELECT
    m.*,
    o.name AS owner_name,
    o.title AS owner_title,
    a.touchpoint_id,
    a.segment_id,
    a.n,
    a.days,
    a.value,
    a.low,
    a.high,
    a.target,
    a.tolerance,
    a.status,
    a.gap_clear,
    a.previous_value,
    a.previous_n,
    a.change,
    a.change_significant,
    a.measured_period,
    a.compare_label,
    a.measured_start,
    a.measured_end,
    a.compare_start,
    a.compare_end
FROM kpi_answers AS a
JOIN metrics AS m USING (metric_id)
LEFT JOIN owners AS o USING (owner_id)
WHERE a.period_key = $period_key
    AND a.compare = $compare
    AND ($metric_id IS NULL OR a.metric_id = $metric_id)
    AND CASE
        WHEN $by_touchpoint THEN a.touchpoint_id IS NOT NULL AND coalesce(a.touchpoint_id = $touchpoint_id, TRUE)
        ELSE a.touchpoint_id IS NOT DISTINCT FROM $touchpoint_id
    END
    AND CASE
        WHEN $by_segment THEN a.segment_id IS NOT NULL AND coalesce(a.segment_id = $segment_id, TRUE)
        ELSE a.segment_id IS NOT DISTINCT FROM $segment_id
    END
    AND (a.has_data OR NOT ($by_touchpoint OR $by_segment))
ORDER BY m.sort_order, m.metric_id, a.touchpoint_id, a.segment_id
