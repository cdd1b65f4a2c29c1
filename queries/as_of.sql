-- The first and the latest data dates: every period ends on or before `as_of`.
SELECT min(day) AS first_day, max(day) AS as_of FROM daily_rollup
