-- The warehouse contract of DESIGN.md: table and column names are fixed, customers load their data in it.
-- Catalogue tables carry keys and foreign keys; the fact tables are checked by the build (data.warehouse)
-- instead of row-by-row foreign keys, which would make 10 M-row loads crawl.

CREATE TABLE owners (
    owner_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    email VARCHAR NOT NULL
);

CREATE TABLE touchpoints (
    touchpoint_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    journey_stage VARCHAR NOT NULL,
    stage_order INTEGER NOT NULL,
    channel VARCHAR NOT NULL
);

CREATE TABLE segments (
    segment_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    description VARCHAR
);

CREATE TABLE metrics (
    metric_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    description VARCHAR,
    kind VARCHAR NOT NULL CHECK (kind IN ('nps', 'top2box', 'mean', 'ratio')),
    unit VARCHAR NOT NULL CHECK (unit IN ('pts', '%', 's', 'score', 'per1000')),
    higher_is_better BOOLEAN NOT NULL,
    scale_min DOUBLE,
    scale_max DOUBLE,
    owner_id VARCHAR REFERENCES owners (owner_id),
    sort_order INTEGER NOT NULL,
    min_sample INTEGER NOT NULL DEFAULT 30 CHECK (min_sample >= 1),
    -- How often the metric is measured; NULL: Beacon infers it from the periods that have data.
    cadence VARCHAR CHECK (cadence IN ('daily', 'weekly', 'monthly', 'quarterly')),
    -- Survey kinds need their scale; NPS is 0-10 by definition.
    CHECK (kind = 'ratio' OR (scale_min IS NOT NULL AND scale_max IS NOT NULL AND scale_min < scale_max)),
    CHECK (kind <> 'nps' OR (scale_min = 0 AND scale_max = 10))
);

CREATE TABLE targets (
    metric_id VARCHAR NOT NULL REFERENCES metrics (metric_id),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    target DOUBLE NOT NULL,
    tolerance DOUBLE NOT NULL CHECK (tolerance >= 0),
    touchpoint_id VARCHAR REFERENCES touchpoints (touchpoint_id),
    segment_id VARCHAR REFERENCES segments (segment_id),
    CHECK (period_end >= period_start)
);

CREATE TABLE annotations (
    day DATE NOT NULL,
    metric_id VARCHAR REFERENCES metrics (metric_id),
    touchpoint_id VARCHAR REFERENCES touchpoints (touchpoint_id),
    title VARCHAR NOT NULL
);

CREATE TABLE responses (
    response_id VARCHAR NOT NULL,
    metric_id VARCHAR NOT NULL,
    responded_at TIMESTAMP NOT NULL,
    touchpoint_id VARCHAR NOT NULL,
    segment_id VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    comment VARCHAR
);

CREATE TABLE measurements (
    metric_id VARCHAR NOT NULL,
    day DATE NOT NULL,
    touchpoint_id VARCHAR NOT NULL,
    segment_id VARCHAR NOT NULL,
    numerator DOUBLE NOT NULL CHECK (numerator >= 0),
    denominator DOUBLE NOT NULL CHECK (denominator >= 0)
);

-- Derived: one row per publish of this warehouse, newest last, carried forward from snapshot to snapshot
-- (data.ingest, the demo generator). The /data page reads it; a file without it still serves.
CREATE TABLE snapshot_log (
    published_at TIMESTAMP NOT NULL,
    source VARCHAR NOT NULL,      -- what published it: "ingest", "demo", "rollback"...
    mode VARCHAR NOT NULL,        -- "append", "replace", "build"
    files VARCHAR NOT NULL,       -- JSON list of {"path", "table", "rows", "added", "skipped"}
    rows_added BIGINT NOT NULL,
    duplicates_skipped BIGINT NOT NULL
);
