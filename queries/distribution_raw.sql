-- How many responses gave each score, for one survey metric over [$start, $end] and a slice.
SELECT score, count(*)::BIGINT AS responses
FROM responses
WHERE metric_id = $metric_id
    AND responded_at >= $start AND responded_at < $end_exclusive
    AND ($touchpoint_id IS NULL OR touchpoint_id = $touchpoint_id)
    AND ($segment_id IS NULL OR segment_id = $segment_id)
GROUP BY score
ORDER BY score
