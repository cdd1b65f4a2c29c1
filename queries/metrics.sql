-- The metric catalogue in display order, with each metric's owner. Every column of `metrics`, so the
-- contract's optional ones (cadence) come along when the warehouse has them.
SELECT
    m.*,
    o.name AS owner_name,
    o.title AS owner_title
FROM metrics AS m
LEFT JOIN owners AS o USING (owner_id)
ORDER BY m.sort_order, m.metric_id
