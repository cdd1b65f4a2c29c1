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

#: The contract's tables, what is referred to before what refers to it (the order ingest loads them in).
CONTRACT_TABLES = (
    "owners",
    "touchpoints",
    "segments",
    "metrics",
    "targets",
    "annotations",
    "responses",
    "measurements",
)
#: Tables the app reads; a snapshot missing any of them is refused.
REQUIRED_TABLES = (*CONTRACT_TABLES, "daily_rollup")

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


def previous_path(live_path: Path) -> Path:
    """Where the snapshot before the live one is kept, for a rollback: beside it, `<name>.previous`."""
    return Path(live_path).with_name(f"{Path(live_path).name}.previous")


def _link_as(source: Path, target: Path) -> None:
    """Make `target` another name of `source`'s file, atomically (a link beside it, then a rename): no
    copy, and readers of either name are undisturbed."""
    held = target.with_name(f".{target.name}.{os.getpid()}.link")
    held.unlink(missing_ok=True)
    os.link(source, held)
    os.replace(held, target)


def write_snapshot(live_path: Path, fill: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Write a complete new snapshot with `fill`, check it, and swap it in over `live_path`; the
    snapshot it replaces is kept as `previous_path(live_path)`.

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
        if live_path.exists():
            _link_as(live_path, previous_path(live_path))
        os.replace(new_path, live_path)
    except BaseException:
        new_path.unlink(missing_ok=True)
        Path(f"{new_path}.wal").unlink(missing_ok=True)
        raise


def rollback(live_path: Path) -> None:
    """Put the previous snapshot back live. The one it replaces becomes the previous, so a rollback can
    itself be undone; each step is an atomic rename, so readers see one snapshot or the other."""
    live_path, previous = Path(live_path), previous_path(live_path)
    if not previous.exists():
        raise SnapshotError(f"There is no previous snapshot to roll back to: {previous} does not exist.")
    rolled_back = live_path.with_name(f".{live_path.name}.rolled-back")
    _link_as(live_path, rolled_back)
    os.replace(previous, live_path)
    os.replace(rolled_back, previous)
