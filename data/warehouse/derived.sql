-- Tables derived from raw responses at publish, so verbatims and score distributions cost what the
-- days and slices asked cost, not what the responses number. Each is sorted by metric and day so that
-- DuckDB's zone maps skip every row group outside the metric and dates a query asks.

-- How many answers gave each score, and how many of those came with a comment, per day and slice.
CREATE OR REPLACE TABLE score_histogram AS
SELECT
    metric_id,
    CAST(responded_at AS DATE) AS day,
    touchpoint_id,
    segment_id,
    score,
    count(*) AS answers,
    count(comment) AS comments
FROM responses
GROUP BY ALL
ORDER BY metric_id, day, touchpoint_id, segment_id, score;

-- Every comment, newest first within each metric and day: a page of verbatims reads only its days.
CREATE OR REPLACE TABLE comment_index AS
SELECT
    metric_id,
    CAST(responded_at AS DATE) AS day,
    responded_at,
    touchpoint_id,
    segment_id,
    score,
    response_id,
    comment
FROM responses
WHERE comment IS NOT NULL
ORDER BY metric_id, day DESC, responded_at DESC, response_id;
