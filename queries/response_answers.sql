-- Every answer of one response (a survey can rate several metrics at once): the answer a follow-up
-- case is about and the others given with it. The day's bounds let DuckDB skip the row groups of
-- other days (its zone maps on responded_at) instead of reading every answer ever given.
SELECT metric_id, responded_at, touchpoint_id, segment_id, score, comment
FROM responses
WHERE response_id = $response_id
    AND responded_at >= CAST($day AS DATE) - INTERVAL 1 DAY
    AND responded_at < CAST($day AS DATE) + INTERVAL 2 DAY
ORDER BY metric_id
