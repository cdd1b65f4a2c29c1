"""What a publish changed: the events found by comparing a new snapshot with the one it replaced.

Both snapshot files are read read-only, attached to one private DuckDB instance. Each is read at its own
default view (the quarter to date against the previous quarter, as of its own latest data day), for all
customers and each single-dimension slice (a touchpoint, or a segment; not their crossings):

* `status_worsened` / `status_recovered`: the status moved along on_track > at_risk > off_track and the
  gap to target is now clear (the 95% interval excludes the target: DESIGN.md's "clear" gap), so a
  value wandering across a line inside its own interval says nothing; a slice without a status on
  either side (insufficient, no_data, no_target) is not compared.
* `significant_change`: the change against the comparison period is significant now and was not
  before, or its sign flipped.
* `late_data`: a metric late (data.warehouse.cadence.late_after_days) on the new snapshot's as-of
  and not on the previous one's.

A first publication (no previous file, or one without answers) yields statuses only, no events.
"""

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pandas as pd

from data.warehouse.cadence import CADENCE_WINDOW_DAYS, cadences, late_after_days
from data.warehouse.periods import quarter_of, resolve_view
from data.warehouse.snapshot import SNAPSHOT_ID_TABLE, previous_path

#: Statuses that are a judgement against a target, best first; the others are never compared.
RATED = ("on_track", "at_risk", "off_track")
KINDS = ("status_worsened", "status_recovered", "significant_change", "late_data")

# The statements name their database by an alias this module chooses (LIVE or PREVIOUS), never by input.
LIVE, PREVIOUS = "live", "previous"
_SLICES = """
SELECT metric_id, coalesce(touchpoint_id, '') AS touchpoint_id, coalesce(segment_id, '') AS segment_id,
    status, value, low, high, n, days, target, tolerance, gap_clear, change, change_significant, measured_period,
    compare_label
FROM {db}.kpi_answers
WHERE period_key = $period_key AND compare = 'prev' AND (touchpoint_id IS NULL OR segment_id IS NULL)
ORDER BY metric_id, touchpoint_id NULLS FIRST, segment_id NULLS FIRST
"""
_AS_OF = "SELECT max(day) FROM {db}.daily_rollup"
# Each metric's distinct days with data in the window before its own latest day (as queries/data_days.sql).
_DATA_DAYS = """
WITH latest AS (SELECT metric_id, max(day) AS latest_day FROM {db}.daily_rollup GROUP BY metric_id)
SELECT DISTINCT r.metric_id, r.day FROM {db}.daily_rollup AS r JOIN latest USING (metric_id)
WHERE r.day >= latest.latest_day - CAST($window_days AS INTEGER)
"""
_CATALOGUE = """
SELECT m.metric_id, m.name AS metric_name, m.unit, m.kind, m.higher_is_better, m.cadence, m.owner_id,
    o.name AS owner_name, o.email AS owner_email
FROM {db}.metrics AS m LEFT JOIN {db}.owners AS o USING (owner_id)
"""
_SNAPSHOT_ID = "SELECT snapshot_id FROM {db}.snapshot_id"
#: Each catalogue table's names by id, one fixed statement each (names are never formatted into SQL).
_NAMES = {
    ("touchpoints", "touchpoint_id"): "SELECT touchpoint_id, name FROM {db}.touchpoints",
    ("segments", "segment_id"): "SELECT segment_id, name FROM {db}.segments",
}
_HAS_TABLE = "SELECT count(*) FROM duckdb_tables() WHERE database_name = $db AND table_name = $table"


@dataclass(frozen=True)
class Publication:
    """What one publish showed and changed: `statuses` are the slice_statuses rows of the new snapshot
    (metric_id, touchpoint_id, segment_id as "" for all customers, period_key, status, facts), `events`
    the events found (kind, dedupe_key, facts, metric_id, touchpoint_id, segment_id: None for all)."""

    snapshot_id: str
    previous_id: str | None
    as_of: date | None
    events: list[dict] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)


def _alias(db: str) -> str:
    """`db` if it is one of this module's own aliases; anything else is refused before it reaches SQL."""
    if db not in (LIVE, PREVIOUS):
        raise ValueError(f"not an attached snapshot: {db!r}")
    return db


def _has_table(con: duckdb.DuckDBPyConnection, db: str, table: str) -> bool:
    return con.execute(_HAS_TABLE, {"db": db, "table": table}).fetchone()[0] > 0


def _identity(con: duckdb.DuckDBPyConnection, db: str, path: Path) -> str:
    """The snapshot's own id; a file made before ids existed is named by its inode and times, as the
    query layer names it (queries/runner.py)."""
    if _has_table(con, db, SNAPSHOT_ID_TABLE):
        return con.execute(_SNAPSHOT_ID.format(db=_alias(db))).fetchone()[0]
    stat = os.stat(path)
    return f"file-{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def snapshot_identity(path: Path) -> str:
    """The id of the snapshot at `path`: what record_publication checks before detecting anything."""
    with duckdb.connect(":memory:") as con:
        con.execute("ATTACH $path AS live (READ_ONLY)", {"path": str(path)})
        return _identity(con, LIVE, Path(path))


def as_json(value):
    """A value as JSON keeps it: dates as ISO text, numpy scalars as Python ones, NaN/NA as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _link(metric_id: str, touchpoint_id: str, segment_id: str) -> str:
    """The metric page at this slice's default view (no period: the quarter to date)."""
    query = urlencode(
        {key: value for key, value in (("touchpoint", touchpoint_id), ("segment", segment_id)) if value}
    )
    return f"/metric/{metric_id}" + (f"?{query}" if query else "")


def _slices(con: duckdb.DuckDBPyConnection, db: str, as_of: date) -> dict[tuple, dict]:
    rows = con.execute(_SLICES.format(db=db), {"period_key": quarter_of(as_of)}).df()
    return {
        (row["metric_id"], row["touchpoint_id"], row["segment_id"]): {k: as_json(v) for k, v in row.items()}
        for row in rows.to_dict("records")
    }


def _late(con: duckdb.DuckDBPyConnection, db: str, as_of: date, catalogue: pd.DataFrame) -> dict[str, dict]:
    """The metrics late on `as_of`, with their latest day, cadence and the days they may be late."""
    days = con.execute(_DATA_DAYS.format(db=db), {"window_days": CADENCE_WINDOW_DAYS}).df()
    late = {}
    for row in cadences(days, catalogue[["metric_id", "cadence"]]).to_dict("records"):
        latest = row["latest_day"]
        if latest is None:
            continue
        allowed = late_after_days(latest, row["cadence"])
        if (as_of - latest).days > allowed:
            late[row["metric_id"]] = {
                "latest_day": latest.isoformat(),
                "cadence": row["cadence"],
                "age_days": (as_of - latest).days,
                "late_after_days": allowed,
            }
    return late


def _names(con: duckdb.DuckDBPyConnection, table: str, key: str) -> dict[str, str]:
    return dict(con.execute(_NAMES[(table, key)].format(db=LIVE)).fetchall())


def _event(kind: str, facts: dict, snapshot_id: str) -> dict:
    metric, touchpoint, segment = facts["metric_id"], facts["touchpoint_id"], facts["segment_id"]
    return {
        "kind": kind,
        "dedupe_key": f"{kind}:{metric}:{touchpoint or '*'}:{segment or '*'}:{snapshot_id}",
        "facts": facts,
        "metric_id": metric,
        "touchpoint_id": touchpoint,
        "segment_id": segment,
    }


def _compared(now: dict, before: dict | None) -> list[str]:
    """The kinds of status event one slice's answers before and now make."""
    kinds = []
    if before is None or now["status"] not in RATED:
        return kinds
    # A status that crossed a line inside its own interval is noise, however it reads: only one whose
    # gap to target is clear (the 95% interval excludes the target) alerts.
    if before["status"] in RATED and now["status"] != before["status"] and now["gap_clear"] is True:
        worse = RATED.index(now["status"]) > RATED.index(before["status"])
        kinds.append("status_worsened" if worse else "status_recovered")
    if now["change_significant"] is True and now["change"] is not None:
        flipped = before["change"] is not None and (now["change"] > 0) != (before["change"] > 0)
        if before["change_significant"] is not True or flipped:
            kinds.append("significant_change")
    return kinds


def detect(live_path: Path, previous: Path | None = None) -> Publication:
    """The statuses of the snapshot at `live_path` and the events since `previous` (default: the one
    kept beside it for a rollback, `<name>.previous`)."""
    live_path = Path(live_path)
    previous = Path(previous) if previous is not None else previous_path(live_path)
    with duckdb.connect(":memory:") as con:
        con.execute("ATTACH $path AS live (READ_ONLY)", {"path": str(live_path)})
        snapshot_id = _identity(con, LIVE, live_path)
        (as_of,) = con.execute(_AS_OF.format(db=LIVE)).fetchone()
        if as_of is None:
            return Publication(snapshot_id, None, None)
        previous_id = before = None
        if previous.exists():
            con.execute("ATTACH $path AS previous (READ_ONLY)", {"path": str(previous)})
            previous_id = _identity(con, PREVIOUS, previous)
            (previous_as_of,) = con.execute(_AS_OF.format(db=PREVIOUS)).fetchone()
            if _has_table(con, PREVIOUS, "kpi_answers") and previous_as_of is not None:
                before = previous_as_of
        view = resolve_view(None, None, as_of)
        catalogue = con.execute(_CATALOGUE.format(db=LIVE)).df()
        metrics = {row["metric_id"]: row for row in catalogue.to_dict("records")}
        touchpoints, segments = (
            _names(con, "touchpoints", "touchpoint_id"),
            _names(con, "segments", "segment_id"),
        )
        now = _slices(con, LIVE, as_of)
        then = _slices(con, PREVIOUS, before) if before is not None else {}
        late_now = _late(con, LIVE, as_of, catalogue)
        late_then = _late(con, PREVIOUS, before, catalogue) if before is not None else {}

    statuses, events = [], []
    for (metric_id, touchpoint_id, segment_id), row in now.items():
        metric = metrics[metric_id]
        earlier = then.get((metric_id, touchpoint_id, segment_id))
        facts = {
            "metric_id": metric_id,
            "metric_name": metric["metric_name"],
            "unit": metric["unit"],
            "kind": metric["kind"],
            "higher_is_better": bool(metric["higher_is_better"]),
            "owner_id": as_json(metric["owner_id"]),
            "owner_name": as_json(metric["owner_name"]),
            "owner_email": as_json(metric["owner_email"]),
            "touchpoint_id": touchpoint_id or None,
            "touchpoint_name": touchpoints.get(touchpoint_id),
            "segment_id": segment_id or None,
            "segment_name": segments.get(segment_id),
            "period_key": view.period.key,
            "period_label": row["measured_period"] or view.period.label,
            "compare_label": row["compare_label"] or view.comparison.label,
            "as_of": as_of.isoformat(),
            **{
                key: row[key]
                for key in ("value", "low", "high", "n", "days", "target", "tolerance", "gap_clear", "status")
            },
            "previous_status": earlier["status"] if earlier else None,
            "change": row["change"],
            "change_significant": row["change_significant"],
            "link": _link(metric_id, touchpoint_id, segment_id),
        }
        statuses.append(
            {
                "metric_id": metric_id,
                "touchpoint_id": touchpoint_id,
                "segment_id": segment_id,
                "period_key": view.period.key,
                "status": row["status"],
                "facts": facts,
            }
        )
        if before is None:
            continue
        events += [_event(kind, facts, snapshot_id) for kind in _compared(row, earlier)]
        if not touchpoint_id and not segment_id and metric_id in late_now and metric_id not in late_then:
            events.append(_event("late_data", {**facts, **late_now[metric_id]}, snapshot_id))
    return Publication(snapshot_id, previous_id, as_of, events, statuses)
