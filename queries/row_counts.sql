-- Rows in each table of the warehouse contract and in the derived daily rollup, in the order the data
-- page lists them: the catalogue, then the facts, then what ingest derives from them.
SELECT 1 AS position, 'owners' AS table_name, 'catalogue' AS part, count(*) AS row_count FROM owners
UNION ALL SELECT 2, 'touchpoints', 'catalogue', count(*) FROM touchpoints
UNION ALL SELECT 3, 'segments', 'catalogue', count(*) FROM segments
UNION ALL SELECT 4, 'metrics', 'catalogue', count(*) FROM metrics
UNION ALL SELECT 5, 'targets', 'catalogue', count(*) FROM targets
UNION ALL SELECT 6, 'annotations', 'catalogue', count(*) FROM annotations
UNION ALL SELECT 7, 'responses', 'facts', count(*) FROM responses
UNION ALL SELECT 8, 'measurements', 'facts', count(*) FROM measurements
UNION ALL SELECT 9, 'daily_rollup', 'derived', count(*) FROM daily_rollup
ORDER BY position
