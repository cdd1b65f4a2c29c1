-- Whether the snapshot carries its publish log (files written before it existed do not).
SELECT count(*) > 0 AS present
FROM duckdb_tables()
WHERE database_name = 'warehouse' AND table_name = 'snapshot_log'
