-- Pages of verbatim comments, newest first (responded_at DESC, response_id), of one or more slices at
-- once (the wall asks every touchpoint's in one go), each slice with how many comments match in all.
-- A slice is the position-wise entries of $metric_ids, $touchpoint_ids (NULL = any), $starts and
-- $end_exclusives; $segment_id (NULL = any) and the score band $min_score..$max_score (NULL = any)
-- apply to every slice. The counts come from the rollup's comment counts, or with a band from
-- score_histogram (either way days × slices, not rows); comment_index
-- is read only for the days holding each slice's page ($offset .. $offset + $limit - 1), joined on
-- (metric_id, day) so that DuckDB's join filter reaches the index scan and its zone maps.
-- A slice with matching comments but none on its page gives one row of NULLs but its total.
-- verbatims_raw.sql gives the same from raw responses (the reference for tests and benchmarks).
WITH slices AS (
    SELECT
        unnest(range(len(CAST($metric_ids AS VARCHAR[])))) AS slice,
        unnest(CAST($metric_ids AS VARCHAR[])) AS metric_id,
        unnest(CAST($touchpoint_ids AS VARCHAR[])) AS touchpoint_id,
        unnest(CAST($starts AS DATE[])) AS start_day,
        unnest(CAST($end_exclusives AS DATE[])) AS end_day
),
daily AS (
    -- Without a score band the rollup's comment counts answer (a row per slice and day, not per score).
    SELECT s.slice, r.day, sum(r.comments) AS comments
    FROM slices AS s
    JOIN daily_rollup AS r
        ON r.metric_id = s.metric_id AND r.day >= s.start_day AND r.day < s.end_day
    WHERE $min_score IS NULL AND $max_score IS NULL
        AND r.comments > 0
        AND (s.touchpoint_id IS NULL OR r.touchpoint_id = s.touchpoint_id)
        AND ($segment_id IS NULL OR r.segment_id = $segment_id)
    GROUP BY ALL
    UNION ALL
    SELECT s.slice, h.day, sum(h.comments) AS comments
    FROM slices AS s
    JOIN score_histogram AS h
        ON h.metric_id = s.metric_id AND h.day >= s.start_day AND h.day < s.end_day
    WHERE ($min_score IS NOT NULL OR $max_score IS NOT NULL)
        AND h.comments > 0
        AND (s.touchpoint_id IS NULL OR h.touchpoint_id = s.touchpoint_id)
        AND ($segment_id IS NULL OR h.segment_id = $segment_id)
        AND ($min_score IS NULL OR h.score >= $min_score)
        AND ($max_score IS NULL OR h.score <= $max_score)
    GROUP BY ALL
),
counted AS (
    SELECT
        slice,
        day,
        comments,
        -- the slice's matching comments on later days: this day's come at these positions onwards
        coalesce(sum(comments) OVER (PARTITION BY slice ORDER BY day DESC
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer,
        sum(comments) OVER (PARTITION BY slice)::BIGINT AS matching
    FROM daily
),
page_days AS (
    SELECT c.slice, s.metric_id, s.touchpoint_id, c.day, c.newer
    FROM counted AS c
    JOIN slices AS s USING (slice)
    WHERE c.newer < $offset + $limit AND c.newer + c.comments > $offset
),
page AS (
    SELECT
        p.slice,
        i.responded_at,
        i.touchpoint_id,
        i.segment_id,
        i.score,
        i.comment,
        i.response_id,
        p.newer + row_number() OVER (
            PARTITION BY p.slice, p.day ORDER BY i.responded_at DESC, i.response_id
        ) - 1 AS position
    FROM page_days AS p
    JOIN comment_index AS i ON i.metric_id = p.metric_id AND i.day = p.day
    WHERE (p.touchpoint_id IS NULL OR i.touchpoint_id = p.touchpoint_id)
        AND ($segment_id IS NULL OR i.segment_id = $segment_id)
        AND ($min_score IS NULL OR i.score >= $min_score)
        AND ($max_score IS NULL OR i.score <= $max_score)
    QUALIFY position >= $offset AND position < $offset + $limit
)
SELECT t.slice, p.responded_at, p.touchpoint_id, p.segment_id, p.score, p.comment, t.matching
FROM (SELECT DISTINCT slice, matching FROM counted) AS t
LEFT JOIN page AS p USING (slice)
ORDER BY t.slice, p.responded_at DESC, p.response_id
