-- One page of verbatim comments, newest first, with the total that match ($min_score..$max_score is
-- the score band; NULL = any). Timestamps compared as ranges so the scan prunes by time.
SELECT
    responded_at,
    touchpoint_id,
    segment_id,
    score,
    comment,
    count(*) OVER () AS matching
FROM responses
WHERE metric_id = $metric_id
    AND responded_at >= $start AND responded_at < $end_exclusive
    AND comment IS NOT NULL
    AND ($touchpoint_id IS NULL OR touchpoint_id = $touchpoint_id)
    AND ($segment_id IS NULL OR segment_id = $segment_id)
    AND ($min_score IS NULL OR score >= $min_score)
    AND ($max_score IS NULL OR score <= $max_score)
ORDER BY responded_at DESC, response_id
LIMIT $limit OFFSET $offset
