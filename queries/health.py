"""Data health, in the users' words: how fresh each metric's data is, how many rows each table holds,
and which snapshot is live (and which one it replaced).

The contract has no cadence column, so each metric's expected cadence is inferred from its own data:
the typical (median) gap between consecutive days with data over the `CADENCE_WINDOW_DAYS` up to its
latest day. A metric is late when the warehouse's as-of date is more than its cadence plus
`GRACE_DAYS` past its latest day. `freshness` is that rule, pure; the rest reads the warehouse.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

import config
from data.warehouse import previous_path
from queries.runner import memoised, run, snapshot_version

#: Days of history, back from each metric's latest day, that its typical cadence is inferred from.
CADENCE_WINDOW_DAYS = 180
#: Days a metric's data may be late beyond its cadence before it counts as late.
GRACE_DAYS = 1
#: The cadence assumed when a metric has fewer than two days with data in its window: daily, the
#: rollup's own grain, until its data show a slower rhythm.
ASSUMED_CADENCE_DAYS = 1
#: Freshness words, worst first.
FRESHNESS = ("late", "no_data", "fresh")


def typical_cadence(days) -> int | None:
    """The median gap in whole days between consecutive distinct days in `days`, rounded up (a gap of
    1.5 days is not met by data every day); None with fewer than two distinct days."""
    distinct = pd.Series(pd.to_datetime(pd.Series(list(days), dtype="object")).dt.normalize().unique())
    if len(distinct) < 2:
        return None
    gaps = distinct.sort_values().diff().dropna().dt.days
    return max(1, math.ceil(gaps.median()))


def freshness_status(latest_day: date | None, cadence_days: int, as_of: date | None) -> str:
    """'fresh', 'late' or 'no_data': late when `as_of` is more than cadence + grace days after the latest
    day with data."""
    if latest_day is None or as_of is None or pd.isna(latest_day):
        return "no_data"
    age = (pd.Timestamp(as_of) - pd.Timestamp(latest_day)).days
    return "late" if age > cadence_days + GRACE_DAYS else "fresh"


def freshness(days: pd.DataFrame, metric_ids, as_of: date | None) -> pd.DataFrame:
    """Each metric of `metric_ids` (in that order) with its freshness, from `days` (metric_id, day: the
    days with data; any history, only the window before each metric's latest day counts).

    Columns: metric_id, latest_day (date or None), cadence_days, cadence_assumed (fewer than two days
    with data in the window), age_days (from the latest day to `as_of`; NA without data), late_after_days
    (cadence + grace), freshness ('fresh', 'late', 'no_data').
    """
    days = days.assign(day=pd.to_datetime(days["day"]).dt.normalize())
    rows = []
    for metric_id in metric_ids:
        own = days.loc[days["metric_id"] == metric_id, "day"]
        latest = own.max() if len(own) else None
        window = own[own >= latest - pd.Timedelta(days=CADENCE_WINDOW_DAYS)] if latest is not None else own
        cadence = typical_cadence(window)
        cadence_days = ASSUMED_CADENCE_DAYS if cadence is None else cadence
        latest_day = latest.date() if latest is not None else None
        age = (as_of - latest_day).days if latest_day is not None and as_of is not None else pd.NA
        rows.append(
            {
                "metric_id": metric_id,
                "latest_day": latest_day,
                "cadence_days": cadence_days,
                "cadence_assumed": cadence is None,
                "age_days": age,
                "late_after_days": cadence_days + GRACE_DAYS,
                "freshness": freshness_status(latest_day, cadence_days, as_of),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "metric_id",
            "latest_day",
            "cadence_days",
            "cadence_assumed",
            "age_days",
            "late_after_days",
            "freshness",
        ],
    )
    frame["age_days"] = frame["age_days"].astype("Int64")
    return frame


def latest_data_day() -> date | None:
    """The warehouse's as-of date (its latest data day), None when it holds no data yet."""
    as_of = run("as_of").iloc[0]["as_of"]
    return None if pd.isna(as_of) else pd.Timestamp(as_of).date()


@memoised
def data_freshness(as_of: date | None) -> pd.DataFrame:
    """`freshness` of every metric of the catalogue (in its order) against `as_of`, with the catalogue's
    columns (name, owner...) alongside."""
    catalogue = run("metrics")
    days = run("data_days", window_days=CADENCE_WINDOW_DAYS)
    return catalogue.merge(freshness(days, catalogue["metric_id"], as_of), on="metric_id")


def row_counts() -> pd.DataFrame:
    """Rows per table of the contract and the daily rollup: table_name, part ('catalogue', 'facts',
    'derived'), row_count."""
    return run("row_counts").drop(columns="position")


@dataclass(frozen=True)
class Publish:
    """One row of the warehouse's publish log (snapshot_log)."""

    published_at: datetime
    source: str
    mode: str
    rows_added: int
    duplicates_skipped: int
    #: Each file loaded: {"path", "table", "rows", "added", "skipped"} (what the log holds of them).
    files: list = field(default_factory=list)


@dataclass(frozen=True)
class SnapshotFile:
    """A warehouse file on disk: its path, identity, size and last modification (business time)."""

    path: str
    version: str
    size_bytes: int
    modified: datetime


@dataclass(frozen=True)
class SnapshotInfo:
    """The live snapshot and the one it replaced, as far as the file and its publish log tell."""

    live: SnapshotFile
    #: The replaced snapshot kept beside the live one for a rollback; None when there is none.
    kept: SnapshotFile | None
    #: False for files written before the publish log existed.
    has_log: bool
    #: Publishes the log records in all.
    publishes: int
    current: Publish | None
    previous: Publish | None


def _files(text) -> list:
    """The log's JSON list of files; an unreadable one is shown as no files rather than failing."""
    try:
        files = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        return []
    return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []


def _publish(row) -> Publish:
    return Publish(
        published_at=pd.Timestamp(row.published_at).to_pydatetime(),
        source=row.source,
        mode=row.mode,
        rows_added=int(row.rows_added),
        duplicates_skipped=int(row.duplicates_skipped),
        files=_files(row.files),
    )


def _file(path: Path) -> SnapshotFile | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    zone = ZoneInfo(config.TIMEZONE) if config.TIMEZONE else None
    modified = datetime.fromtimestamp(stat.st_mtime, zone).replace(tzinfo=None, microsecond=0)
    return SnapshotFile(str(path), snapshot_version(path), stat.st_size, modified)


def snapshot_info() -> SnapshotInfo:
    """The live warehouse file (path, identity, size, modification time in BEACON_TIMEZONE), the
    replaced one kept for a rollback, and the last two publishes of its log, newest first."""
    live = Path(config.WAREHOUSE)
    has_log = bool(run("has_snapshot_log").iloc[0]["present"])
    log = run("snapshot_log") if has_log else pd.DataFrame()
    publishes = [_publish(row) for row in log.itertuples(index=False)]
    return SnapshotInfo(
        live=_file(live),
        kept=_file(previous_path(live)),
        has_log=has_log,
        publishes=int(log["publishes"].iloc[0]) if len(log) else 0,
        current=publishes[0] if publishes else None,
        previous=publishes[1] if len(publishes) > 1 else None,
    )
