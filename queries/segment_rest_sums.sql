-- For each metric and segment over [$start, $end]: the sufficient statistics of all *other* customers
-- (everyone minus the segment), what a segment is tested against. Taken day by day, so ratio metrics
-- get the rest's own daily moments (a difference of squares is not the square of a difference).
WITH cells AS (
    SELECT
        metric_id,
        segment_id,
        day,
        sum(n) AS n,
        sum(score_sum) AS score_sum,
        sum(score_sum_sq) AS score_sum_sq,
        sum(promoters) AS promoters,
        sum(passives) AS passives,
        sum(detractors) AS detractors,
        sum(top2) AS top2,
        sum(numerator) AS numerator,
        sum(denominator) AS denominator
    FROM daily_rollup
    WHERE day BETWEEN $start AND $end
    GROUP BY ALL
),
everyone AS (
    SELECT
        metric_id,
        day,
        sum(n) AS n,
        sum(score_sum) AS score_sum,
        sum(score_sum_sq) AS score_sum_sq,
        sum(promoters) AS promoters,
        sum(passives) AS passives,
        sum(detractors) AS detractors,
        sum(top2) AS top2,
        sum(numerator) AS numerator,
        sum(denominator) AS denominator
    FROM cells
    GROUP BY ALL
),
rest AS (
    SELECT
        s.metric_id,
        s.segment_id,
        e.n - coalesce(c.n, 0) AS n,
        e.score_sum - coalesce(c.score_sum, 0) AS score_sum,
        e.score_sum_sq - coalesce(c.score_sum_sq, 0) AS score_sum_sq,
        e.promoters - coalesce(c.promoters, 0) AS promoters,
        e.passives - coalesce(c.passives, 0) AS passives,
        e.detractors - coalesce(c.detractors, 0) AS detractors,
        e.top2 - coalesce(c.top2, 0) AS top2,
        e.numerator - coalesce(c.numerator, 0) AS numerator,
        e.denominator - coalesce(c.denominator, 0) AS denominator
    FROM (SELECT DISTINCT metric_id, segment_id FROM cells) AS s
    JOIN everyone AS e USING (metric_id)
    LEFT JOIN cells AS c ON c.metric_id = s.metric_id AND c.segment_id = s.segment_id AND c.day = e.day
)
SELECT
    metric_id,
    segment_id,
    sum(n)::BIGINT AS n,
    sum(score_sum) AS score_sum,
    sum(score_sum_sq) AS score_sum_sq,
    sum(promoters)::BIGINT AS promoters,
    sum(passives)::BIGINT AS passives,
    sum(detractors)::BIGINT AS detractors,
    sum(top2)::BIGINT AS top2,
    sum(numerator) AS numerator,
    sum(denominator) AS denominator,
    count_if(denominator > 0)::BIGINT AS days,
    sum(numerator * numerator) AS numerator_sq,
    sum(numerator * denominator) AS numerator_denominator,
    sum(denominator * denominator) AS denominator_sq
FROM rest
GROUP BY ALL
