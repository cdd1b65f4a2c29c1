"""Data health, in the users' words: how fresh each metric's data is, how many rows each table holds,
and which snapshot is live (and which one it replaced).

A metric is late when, its cadence's `GRACE_DAYS` after the end of the period following its latest period with data
(queries.cadence), it still has nothing newer. `freshness` is that rule, pure; the rest reads the
warehouse.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

import config
from data.warehouse.snapshot import previous_path
from queries.cadence import CADENCE_WINDOW_DAYS, cadences, late_after_days
from queries.catalogue import metrics
from queries.runner import memoised, run, snapshot_version

#: Freshness words, worst first.
FRESHNESS = ("late", "no_data", "fresh")


def freshness_status(latest_day: date | None, cadence: str, as_of: date | None) -> str:
    """'fresh', 'late' or 'no_data' of a metric last seen on `latest_day`, on the day `as_of`."""
    if latest_day is None or as_of is None or pd.isna(latest_day):
        return "no_data"
    return "late" if (as_of - latest_day).days > late_after_days(latest_day, cadence) else "fresh"


def freshness(days: pd.DataFrame, catalogue: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    """Each metric of `catalogue` (in that order) with its freshness on the day `as_of`.

    Columns: metric_id, cadence, cadence_source, latest_day (date or None), age_days (from the latest
    day to `as_of`; NA without data), late_after_days (NA without data), freshness.
    """
    frame = cadences(days, catalogue)
    has_data = frame["latest_day"].notna() & (as_of is not None)
    frame["age_days"] = pd.array(
        [(as_of - day).days if ok else None for day, ok in zip(frame["latest_day"], has_data, strict=True)],
        dtype="Int64",
    )
    frame["late_after_days"] = pd.array(
        [
            late_after_days(day, cadence) if day is not None else None
            for day, cadence in zip(frame["latest_day"], frame["cadence"], strict=True)
        ],
        dtype="Int64",
    )
    frame["freshness"] = [
        freshness_status(day, cadence, as_of)
        for day, cadence in zip(frame["latest_day"], frame["cadence"], strict=True)
    ]
    return frame


def latest_data_day() -> date | None:
    """The warehouse's as-of date (its latest data day), None when it holds no data yet."""
    as_of = run("as_of").iloc[0]["as_of"]
    return None if pd.isna(as_of) else pd.Timestamp(as_of).date()


@memoised
def data_freshness(as_of: date | None) -> pd.DataFrame:
    """`freshness` of every metric of the catalogue (in its order) against `as_of`, with the catalogue's
    columns (name, owner...) alongside."""
    catalogue = metrics()
    days = run("data_days", window_days=CADENCE_WINDOW_DAYS)
    return catalogue.merge(freshness(days, catalogue, as_of), on="metric_id", suffixes=("_declared", ""))


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
