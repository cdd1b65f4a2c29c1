-- One page of verbatim comments, newest first, with how many match in all ($min_score..$max_score is
-- the score band; NULL = any). The count and the page are separate scans of the same filter, so only
-- one page of comment text is ever held, not every matching comment.
WITH matching AS NOT MATERIALIZED (
    SELECT response_id, responded_at, touchpoint_id, segment_id, score, comment
    FROM responses
    WHERE metric_id = $metric_id
        AND responded_at >= $start AND responded_at < $end_exclusive
        AND comment IS NOT NULL
        AND ($touchpoint_id IS NULL OR touchpoint_id = $touchpoint_id)
        AND ($segment_id IS NULL OR segment_id = $segment_id)
        AND ($min_score IS NULL OR score >= $min_score)
        AND ($max_score IS NULL OR score <= $max_score)
)
SELECT
    responded_at,
    touchpoint_id,
    segment_id,
    score,
    comment,
    (SELECT count(*) FROM matching) AS matching
FROM matching
ORDER BY responded_at DESC, response_id
LIMIT $limit OFFSET $offset
