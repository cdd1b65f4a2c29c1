"""Building warehouse snapshots: the schema, the derived rollup, and the atomic publish.

New data never edits the live file: a complete new file is written beside it, checked, and then
`os.replace`d over the live path, so readers see either the old snapshot or the new one, never a mix.
"""

import os
from collections.abc import Callable
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
SCHEMA = (HERE / "schema.sql").read_text()
ROLLUP = (HERE / "rollup.sql").read_text()

#: Tables of the contract the app reads; a snapshot missing any of them is refused.
REQUIRED_TABLES = (
    "owners",
    "touchpoints",
    "segments",
    "metrics",
    "targets",
    "annotations",
    "responses",
    "measurements",
    "daily_rollup",
)

# Each check returns offending rows; the message names the table and the column at fault.
FACT_CHECKS = (
    (
        "responses.metric_id names a metric that is not a survey metric in `metrics`",
        "SELECT DISTINCT r.metric_id FROM responses r LEFT JOIN metrics m USING (metric_id) "
        "WHERE m.metric_id IS NULL OR m.kind = 'ratio' LIMIT 5",
    ),
    (
        "measurements.metric_id names a metric that is not a ratio metric in `metrics`",
        "SELECT DISTINCT x.metric_id FROM measurements x LEFT JOIN metrics m USING (metric_id) "
        "WHERE m.metric_id IS NULL OR m.kind <> 'ratio' LIMIT 5",
    ),
    (
        "touchpoint_id not in `touchpoints`",
        "SELECT DISTINCT touchpoint_id FROM daily_rollup ANTI JOIN touchpoints USING (touchpoint_id) LIMIT 5",
    ),
    (
        "segment_id not in `segments`",
        "SELECT DISTINCT segment_id FROM daily_rollup ANTI JOIN segments USING (segment_id) LIMIT 5",
    ),
    (
        "responses.score outside the metric's scale_min..scale_max",
        "SELECT r.response_id, r.metric_id, r.score FROM responses r JOIN metrics m USING (metric_id) "
        "WHERE r.score < m.scale_min OR r.score > m.scale_max LIMIT 5",
    ),
    (
        "(response_id, metric_id) is not unique in `responses`",
        "SELECT response_id, metric_id FROM responses GROUP BY ALL HAVING count(*) > 1 LIMIT 5",
    ),
)


class SnapshotError(ValueError):
    """A snapshot that must not be published; the message says what is wrong and where."""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def build_rollup(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS daily_rollup")
    con.execute(ROLLUP)


def check_facts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Problems in the fact tables that the schema's constraints cannot express."""
    problems = []
    for message, sql in FACT_CHECKS:
        rows = con.execute(sql).fetchall()
        if rows:
            examples = "; ".join(", ".join(str(v) for v in row) for row in rows)
            problems.append(f"{message} (e.g. {examples})")
    return problems


def write_snapshot(live_path: Path, fill: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Write a complete new snapshot with `fill`, check it, and swap it in over `live_path`.

    On any failure the live file is untouched and the half-written file is removed.
    """
    live_path = Path(live_path)
    live_path.parent.mkdir(parents=True, exist_ok=True)
    new_path = live_path.with_name(f".{live_path.name}.{os.getpid()}.new")
    new_path.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(new_path))
        try:
            create_schema(con)
            fill(con)
            build_rollup(con)
            problems = check_facts(con)
            if problems:
                raise SnapshotError("; ".join(problems))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(new_path, live_path)
    except BaseException:
        new_path.unlink(missing_ok=True)
        Path(f"{new_path}.wal").unlink(missing_ok=True)
        raise
