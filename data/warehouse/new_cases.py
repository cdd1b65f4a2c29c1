"""The follow-up cases a publish opens: answers new in the live snapshot that a case rule picks.

As data/warehouse/events.py does for alerts, both snapshot files are attached read-only to one private
in-memory DuckDB; the state database's rules and routes come in as temporary tables, and new_cases.sql
does the matching: answers in any rule's band, minus those the previous snapshot held, the rule of the
most specific scope, the most specific route (the contract's SPECIFICITY, as targets), due times in
BEACON_TIMEZONE. data/state/cases.py stores what it finds.

A snapshot made before responses had respondent_ref is read with none.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

import config
from data.warehouse import contract

SQL = (Path(__file__).resolve().parent / "new_cases.sql").read_text()
LIVE, PREVIOUS = "live", "previous"
_HAS_COLUMN = (
    "SELECT count(*) FROM duckdb_columns() WHERE database_name = $db AND table_name = $table "
    "AND column_name = $column"
)
_HAS_TABLE = "SELECT count(*) FROM duckdb_tables() WHERE database_name = $db AND table_name = $table"
_RULES = """
CREATE TEMP TABLE case_rules_in (
    rule_id INTEGER, metric_id VARCHAR, touchpoint_id VARCHAR, segment_id VARCHAR, score_min DOUBLE,
    score_max DOUBLE, comment_required BOOLEAN, contact_hours INTEGER, resolve_hours INTEGER
)
"""
_ROUTES = """
CREATE TEMP TABLE case_routes_in (
    route_id INTEGER, metric_id VARCHAR, touchpoint_id VARCHAR, segment_id VARCHAR, assignee_kind VARCHAR,
    assignee_id VARCHAR
)
"""
RULE_COLUMNS = (
    "rule_id",
    "metric_id",
    "touchpoint_id",
    "segment_id",
    "score_min",
    "score_max",
    "comment_required",
    "contact_hours",
    "resolve_hours",
)
ROUTE_COLUMNS = ("route_id", "metric_id", "touchpoint_id", "segment_id", "assignee_kind", "assignee_id")


@dataclass
class Found:
    """What a publish opens: `batches(size)` yields the cases (dicts of new_cases.sql's columns, oldest
    answer first) `size` at a time while the snapshots stay attached, so a publish opening a million
    holds a batch, not all of them; and the live snapshot's owners and metrics as messages name them."""

    result: duckdb.DuckDBPyConnection
    owners: dict[str, dict]  # owner_id → {name, email}
    metrics: dict[str, dict]  # metric_id → {name, owner_id}
    first: bool  # no previous snapshot: the first publication's window applied

    def batches(self, size: int) -> Iterator[list[dict]]:
        columns = [column[0] for column in self.result.description]
        while rows := self.result.fetchmany(size):
            yield [dict(zip(columns, row, strict=True)) for row in rows]


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> int:
    return con.execute(sql, params).fetchone()[0]


def _responses_view(con: duckdb.DuckDBPyConnection, db: str, view: str) -> None:
    """`view` over `db`.responses, with respondent_ref NULL where the snapshot predates it. The names
    are this module's own (LIVE, PREVIOUS and the views), never input."""
    has_ref = _count(con, _HAS_COLUMN, {"db": db, "table": "responses", "column": "respondent_ref"})
    ref = "respondent_ref" if has_ref else "CAST(NULL AS VARCHAR)"
    con.execute(
        f"CREATE TEMP VIEW {view} AS SELECT response_id, metric_id, responded_at, touchpoint_id, "
        f"segment_id, score, comment, {ref} AS respondent_ref FROM {db}.responses"
    )


@contextmanager
def find(
    live_path: Path,
    previous_path: Path | None,
    rules: list[dict],
    routes: list[dict],
    window_hours: int | None = None,
) -> Iterator[Found]:
    """The cases that `rules` (enabled, as dicts of RULE_COLUMNS) open for answers of the snapshot at
    `live_path` that the one at `previous_path` (None or missing: a first publication) did not hold,
    routed by `routes` (ROUTE_COLUMNS). A first publication opens the answers within their rule's
    resolution time of the latest one, or within `window_hours` when given. A context: the snapshots
    stay attached until it ends. DuckDB may use BEACON_PUBLISH_MEMORY, spilling to a folder of its own."""
    with tempfile.TemporaryDirectory(prefix="beacon-cases-") as spill, duckdb.connect(":memory:") as con:
        con.execute("SET memory_limit = $limit", {"limit": config.PUBLISH_MEMORY})
        con.execute("SET temp_directory = $spill", {"spill": spill})
        if config.TIMEZONE:  # unset, DuckDB's zone is the server's, as Python's is
            con.execute("SET TimeZone = $zone", {"zone": config.TIMEZONE})
        con.execute("ATTACH $path AS live (READ_ONLY)", {"path": str(live_path)})
        _responses_view(con, LIVE, "live_responses")
        first = previous_path is None or not Path(previous_path).exists()
        if not first:
            con.execute("ATTACH $path AS previous (READ_ONLY)", {"path": str(previous_path)})
            first = not _count(con, _HAS_TABLE, {"db": PREVIOUS, "table": "responses"})
        if first:
            con.execute(
                "CREATE TEMP VIEW previous_responses AS SELECT CAST(NULL AS VARCHAR) AS response_id, "
                "CAST(NULL AS VARCHAR) AS metric_id, CAST(NULL AS DOUBLE) AS score WHERE false"
            )
        else:
            con.execute(
                "CREATE TEMP VIEW previous_responses AS SELECT response_id, metric_id, score "
                "FROM previous.responses"
            )
        con.execute("CREATE TEMP VIEW live_metrics AS SELECT metric_id, owner_id FROM live.metrics")
        con.execute(_RULES)
        con.execute(_ROUTES)
        if rules:
            con.executemany(
                "INSERT INTO case_rules_in VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[rule[column] for column in RULE_COLUMNS] for rule in rules],
            )
        if routes:
            con.executemany(
                "INSERT INTO case_routes_in VALUES (?, ?, ?, ?, ?, ?)",
                [[route[column] for column in ROUTE_COLUMNS] for route in routes],
            )
        owners = {
            owner_id: {"name": name, "email": email}
            for owner_id, name, email in con.execute(
                "SELECT owner_id, name, email FROM live.owners"
            ).fetchall()
        }
        metrics = {
            metric_id: {"name": name, "owner_id": owner_id}
            for metric_id, name, owner_id in con.execute(
                "SELECT metric_id, name, owner_id FROM live.metrics"
            ).fetchall()
        }
        weights = contract.SPECIFICITY
        result = con.execute(
            SQL,
            {
                "first": first,
                "window_hours": window_hours,
                "touchpoint_weight": weights["touchpoint_id"],
                "segment_weight": weights["segment_id"],
            },
        )
        yield Found(result, owners, metrics, first)
