-- How many responses gave each score, for one survey metric over [$start, $end_exclusive) and a slice:
-- from the per-day score histogram, so the cost follows the days and slices asked, not the responses.
-- distribution_raw.sql counts the same from raw responses (the reference for tests and benchmarks).
SELECT score, sum(answers)::BIGINT AS responses
FROM score_histogram
WHERE metric_id = $metric_id
    AND day >= $start AND day < $end_exclusive
    AND ($touchpoint_id IS NULL OR touchpoint_id = $touchpoint_id)
    AND ($segment_id IS NULL OR segment_id = $segment_id)
GROUP BY score
ORDER BY score
