-- The follow-up cases a publish opens (data/warehouse/new_cases.py): answers new in the live snapshot
-- that an enabled case rule picks, each with the rule, its assignee and its due times.
--
-- Read from the temporary tables and views new_cases.py makes: live_responses / previous_responses
-- (the two snapshots' answers), live_metrics (metric → owner), case_rules_in and case_routes_in (the
-- state database's enabled rules and routes).
--
-- $first: no previous snapshot to compare with: only answers within their rule's resolution time of
-- the snapshot's latest answer are opened, so a first install does not open years of cases
-- ($window_hours, when not NULL, instead of each rule's: the demo's seed reaches further back).
-- $touchpoint_weight, $segment_weight: the contract's SPECIFICITY (the most specific match wins, as
-- for targets: touchpoint and segment > touchpoint > segment > neither).
WITH
-- Filter first: only answers inside some rule's band can become cases, in either snapshot.
live_banded AS (
    SELECT r.*
    FROM live_responses AS r
    WHERE EXISTS (
        SELECT 1 FROM case_rules_in AS u
        WHERE u.metric_id = r.metric_id AND r.score BETWEEN u.score_min AND u.score_max
    )
),
previous_banded AS (
    SELECT p.response_id, p.metric_id
    FROM previous_responses AS p
    WHERE EXISTS (
        SELECT 1 FROM case_rules_in AS u
        WHERE u.metric_id = p.metric_id AND p.score BETWEEN u.score_min AND u.score_max
    )
),
-- Then the anti-join: answers the previous snapshot did not hold.
fresh AS (
    SELECT l.* FROM live_banded AS l ANTI JOIN previous_banded AS p USING (response_id, metric_id)
),
-- The rules of the most specific scope that applies to each answer decide (a rule for billing
-- overrides the metric's general rule there, band and all).
scoped AS (
    SELECT f.*, u.rule_id, u.score_min, u.score_max, u.comment_required, u.contact_hours, u.resolve_hours
    FROM fresh AS f
    JOIN case_rules_in AS u
        ON u.metric_id = f.metric_id
        AND (u.touchpoint_id IS NULL OR u.touchpoint_id = f.touchpoint_id)
        AND (u.segment_id IS NULL OR u.segment_id = f.segment_id)
    QUALIFY rank() OVER (
        PARTITION BY f.response_id, f.metric_id
        ORDER BY (u.touchpoint_id IS NOT NULL)::INT * $touchpoint_weight
            + (u.segment_id IS NOT NULL)::INT * $segment_weight DESC
    ) = 1
),
matched AS (
    SELECT *
    FROM scoped
    WHERE score BETWEEN score_min AND score_max
        AND (NOT comment_required OR nullif(trim(comment), '') IS NOT NULL)
    QUALIFY row_number() OVER (PARTITION BY response_id, metric_id ORDER BY rule_id) = 1
),
windowed AS (
    SELECT m.*
    FROM matched AS m
    WHERE NOT $first
        OR m.responded_at >= (SELECT max(responded_at) FROM live_responses)
            - to_hours(coalesce($window_hours, m.resolve_hours))
),
-- The most specific route wins; none: the metric's owner.
routed AS (
    SELECT w.*, o.assignee_kind, o.assignee_id
    FROM windowed AS w
    LEFT JOIN case_routes_in AS o
        ON o.metric_id = w.metric_id
        AND (o.touchpoint_id IS NULL OR o.touchpoint_id = w.touchpoint_id)
        AND (o.segment_id IS NULL OR o.segment_id = w.segment_id)
    QUALIFY row_number() OVER (
        PARTITION BY w.response_id, w.metric_id
        ORDER BY (o.touchpoint_id IS NOT NULL)::INT * $touchpoint_weight
            + (o.segment_id IS NOT NULL)::INT * $segment_weight DESC NULLS LAST,
            o.route_id
    ) = 1
)
SELECT
    r.response_id,
    r.rule_id,
    r.metric_id,
    r.touchpoint_id,
    r.segment_id,
    r.respondent_ref,
    r.score,
    r.responded_at,
    coalesce(r.assignee_kind, CASE WHEN m.owner_id IS NOT NULL THEN 'owner' END) AS assignee_kind,
    coalesce(r.assignee_id, m.owner_id) AS assignee_id,
    -- Hours elapsed in the session's time zone (BEACON_TIMEZONE): across a clock change, 48 hours stay 48.
    CAST(CAST(r.responded_at AS TIMESTAMPTZ) + to_hours(r.contact_hours) AS TIMESTAMP) AS contact_due_at,
    CAST(CAST(r.responded_at AS TIMESTAMPTZ) + to_hours(r.resolve_hours) AS TIMESTAMP) AS resolve_due_at
FROM routed AS r
LEFT JOIN live_metrics AS m USING (metric_id)
ORDER BY r.responded_at, r.response_id, r.metric_id
