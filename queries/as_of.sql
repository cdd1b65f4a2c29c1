-- The latest data date: every period ends on or before it.
SELECT max(day) AS as_of FROM daily_rollup
