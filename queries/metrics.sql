-- The metric catalogue in display order, with each metric's owner.
SELECT
    m.metric_id,
    m.name,
    m.description,
    m.kind,
    m.unit,
    m.higher_is_better,
    m.scale_min,
    m.scale_max,
    m.owner_id,
    o.name AS owner_name,
    o.title AS owner_title,
    m.sort_order,
    m.min_sample
FROM metrics AS m
LEFT JOIN owners AS o USING (owner_id)
ORDER BY m.sort_order, m.metric_id
