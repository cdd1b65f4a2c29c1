-- The last two publishes of this warehouse, newest first (the log is kept newest last), with how many
-- publishes it records in all. Only run when has_snapshot_log.sql says the table is there.
SELECT
    published_at,
    source,
    mode,
    files,
    rows_added,
    duplicates_skipped,
    count(*) OVER () AS publishes
FROM snapshot_log
ORDER BY rowid DESC
LIMIT 2
