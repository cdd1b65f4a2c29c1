-- KPI per calendar bucket with data over [$start, $end] with the catalogue's columns: the published
-- calendar months of `kpi_monthly`, or any buckets computed by data/warehouse/answers.sql (the query
-- layer then puts that statement under the same name). One slice, $touchpoint_id × $segment_id
-- (NULL = all), or every touchpoint and/or segment ($by_touchpoint, $by_segment) within those filters.
SELECT
    m.*,
    o.name AS owner_name,
    o.title AS owner_title,
    a.bucket_start,
    a.bucket_end,
    a.touchpoint_id,
    a.segment_id,
    a.n,
    a.days,
    a.value,
    a.low,
    a.high,
    a.target,
    a.tolerance
FROM kpi_monthly AS a
JOIN metrics AS m USING (metric_id)
LEFT JOIN owners AS o USING (owner_id)
WHERE a.has_data
    AND a.bucket_end >= $start
    AND a.bucket_start <= $end
    AND ($metric_id IS NULL OR a.metric_id = $metric_id)
    AND CASE
        WHEN $by_touchpoint THEN a.touchpoint_id IS NOT NULL AND coalesce(a.touchpoint_id = $touchpoint_id, TRUE)
        ELSE a.touchpoint_id IS NOT DISTINCT FROM $touchpoint_id
    END
    AND CASE
        WHEN $by_segment THEN a.segment_id IS NOT NULL AND coalesce(a.segment_id = $segment_id, TRUE)
        ELSE a.segment_id IS NOT DISTINCT FROM $segment_id
    END
ORDER BY m.sort_order, m.metric_id, a.touchpoint_id, a.segment_id, a.bucket_start
