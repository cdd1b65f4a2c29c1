"""Building warehouse snapshots: the schema, the derived rollup, and the atomic publish.

New data never edits the live file: a complete new file is written beside it, checked, and then
`os.replace`d over the live path, so readers see either the old snapshot or the new one, never a mix.
Publishers take turns: each holds a lock beside the live file (`<name>.lock`) from before it reads the
live snapshot until its own is live, so each builds on the one published before it.
"""

import errno
import fcntl
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from data.warehouse import contract
from data.warehouse.answers import ANSWER_TABLES, publish_answers
from data.warehouse.derived import DERIVED_TABLES, build_derived

HERE = Path(__file__).resolve().parent
SCHEMA = contract.schema_sql()
ROLLUP = (HERE / "rollup.sql").read_text()

#: The contract's tables, what is referred to before what refers to it (the order ingest loads them in).
CONTRACT_TABLES = tuple(contract.TABLES)
#: One row naming this snapshot: a random id drawn when it is published. Hosts hold copies of one
#: snapshot under different inodes, and a rollback brings an old file back: cached answers are keyed on
#: this id (queries/runner.py), which every copy shares and no other publish ever draws. A file made
#: before it existed is named by its inode and times instead.
SNAPSHOT_ID_TABLE = "snapshot_id"
WRITE_SNAPSHOT_ID = "CREATE OR REPLACE TABLE snapshot_id AS SELECT $id::VARCHAR AS snapshot_id"
#: Tables the app reads; a snapshot missing any of them is refused.
REQUIRED_TABLES = (*CONTRACT_TABLES, "daily_rollup", *ANSWER_TABLES, *DERIVED_TABLES)
_COUNTED = contract.sql_list(contract.COUNTED_KINDS)
_RESPONSE_KEY = ", ".join(contract.TABLES["responses"].key)

# Each check returns offending rows; the message names the table and the column at fault. The fact
# tables' references and key are not in the schema (see contract.Table.fact): they are checked here.
FACT_CHECKS = (
    (
        "responses.metric_id names a metric that is not a survey metric in `metrics`",
        "SELECT DISTINCT r.metric_id FROM responses r LEFT JOIN metrics m USING (metric_id) "
        f"WHERE m.metric_id IS NULL OR m.kind IN ({_COUNTED}) LIMIT 5",
    ),
    (
        "measurements.metric_id names a metric that is not a ratio metric in `metrics`",
        "SELECT DISTINCT x.metric_id FROM measurements x LEFT JOIN metrics m USING (metric_id) "
        f"WHERE m.metric_id IS NULL OR m.kind NOT IN ({_COUNTED}) LIMIT 5",
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
        f"({_RESPONSE_KEY}) is not unique in `responses`",
        f"SELECT {_RESPONSE_KEY} FROM responses GROUP BY ALL HAVING count(*) > 1 LIMIT 5",
    ),
)


class SnapshotError(ValueError):
    """A snapshot that must not be published; the message says what is wrong and where."""


class NothingNew(Exception):
    """Raised by a `fill` whose snapshot would hold what the live one holds: nothing is published, so
    the previous snapshot kept for a rollback stays the one it was."""


def _quiet(_message: str) -> None:
    """Where publishing's notes go when nobody asked for them."""


def shown(path: Path | str) -> str:
    """A file name as it is safe to print: as it is, or quoted with its line breaks, escape and other
    invisible characters written out (as Python writes a string), so no name can forge a line of the
    report or drive the terminal."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def build_rollup(con: duckdb.DuckDBPyConnection) -> None:
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


#: The catalogue's tables and their key columns, as `catalogue_ids` reads them.
CATALOGUE_KEYS = contract.CATALOGUE_KEYS


def catalogue_ids(path: Path) -> tuple[dict[str, set[str]], date | None]:
    """The ids of each catalogue table of the snapshot at `path`, by kind (`CATALOGUE_KEYS`), and its
    latest data day: what a command checks a warehouse by without the app's query layer."""
    with duckdb.connect(str(path), read_only=True) as con:
        ids = {
            kind: set(con.execute("SELECT * FROM query_table($table)", {"table": table}).df()[column])
            for kind, (table, column) in CATALOGUE_KEYS.items()
        }
        (latest,) = con.execute("SELECT max(day) FROM daily_rollup").fetchone()
    return ids, latest


def previous_path(live_path: Path) -> Path:
    """Where the snapshot before the live one is kept, for a rollback: beside it, `<name>.previous`."""
    return Path(live_path).with_name(f"{Path(live_path).name}.previous")


def lock_path(live_path: Path) -> Path:
    """The publish lock of a warehouse: beside it, `<name>.lock`, there only while a publish runs."""
    return Path(live_path).with_name(f"{Path(live_path).name}.lock")


@contextmanager
def publishing(live_path: Path, wait: bool = True, notice: Callable[[str], None] = _quiet) -> Iterator[None]:
    """Hold the publish lock of `live_path`: wait for the publisher holding it (saying so through
    `notice`), or, with `wait=False`, refuse at once with a SnapshotError."""
    path = lock_path(live_path)
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                os.close(handle)
                raise SnapshotError(
                    f"another publish to {shown(live_path)} is under way (it holds {shown(path)}); "
                    "run again when it has finished."
                ) from None
            notice(f"Waiting for another publish to {shown(live_path)} to finish (it holds {shown(path)})…")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except BaseException:
                os.close(handle)
                raise
        # The holder before removed the file as it let go: a lock on a removed file guards nothing.
        try:
            same = os.stat(path).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(handle)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(handle)


#: What a publish writes beside the live file before it is done (see write_snapshot, _link_as, rollback);
#: found under the lock, they are left by a publish that was killed.
_LEFTOVER_ENDINGS = (".new", ".new.wal", ".new.tmp", ".link", ".rolled-back")


def _remove_leftovers(live_path: Path, notice: Callable[[str], None]) -> None:
    """Remove what a killed publish left beside the live file; only call it holding the lock."""
    leftovers = [
        path
        for path in sorted(live_path.parent.glob(f".{live_path.name}.*"))
        if path.name.endswith(_LEFTOVER_ENDINGS)
    ]
    for path in leftovers:
        if path.is_dir():  # DuckDB's spill folder
            shutil.rmtree(path)
        else:
            path.unlink()
    if leftovers:
        notice(
            f"Removed what an interrupted publish left in {shown(live_path.parent)}: "
            f"{', '.join(shown(path.name) for path in leftovers)}."
        )


def _no_space(error: BaseException) -> bool:
    """Whether writing failed for want of disk space (DuckDB says so only in its message)."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(error, duckdb.Error) and os.strerror(errno.ENOSPC) in str(error)


def _link_as(source: Path, target: Path) -> None:
    """Make `target` another name of `source`'s file, atomically (a link beside it, then a rename): no
    copy, and readers of either name are undisturbed."""
    held = target.with_name(f".{target.name}.{os.getpid()}.link")
    held.unlink(missing_ok=True)
    os.link(source, held)
    os.replace(held, target)


def _swap(complete: Path, live_path: Path) -> None:
    if live_path.exists():
        _link_as(live_path, previous_path(live_path))
    os.replace(complete, live_path)


def swap_in(complete: Path, live_path: Path, notice: Callable[[str], None] = _quiet) -> None:
    """Put the complete snapshot file `complete` (a copy made beside `live_path`, on the same file
    system) live, keeping the one it replaces as the previous, under the publish lock: how a snapshot
    published elsewhere reaches an app host (deploy/prod.py). Readers see one snapshot or the other."""
    live_path = Path(live_path)
    with publishing(live_path, True, notice):
        _swap(Path(complete), live_path)


def write_snapshot(
    live_path: Path,
    fill: Callable[[duckdb.DuckDBPyConnection], None],
    wait: bool = True,
    notice: Callable[[str], None] = _quiet,
    memory_limit: str | None = None,
) -> bool:
    """Write a complete new snapshot with `fill`, check it, and swap it in over `live_path`; the
    snapshot it replaces is kept as `previous_path(live_path)`. True when published; False when `fill`
    raised NothingNew.

    It holds the publish lock throughout (see `publishing`), so `fill` reads the live file only after
    any earlier publish is done; it first removes what a killed publish left. On any failure the live
    file is untouched and the half-written file is removed. DuckDB keeps to `memory_limit` (None: its
    default, 80% of the machine's), spilling beyond it to `<new file>.tmp` beside the snapshot.
    """
    live_path = Path(live_path)
    live_path.parent.mkdir(parents=True, exist_ok=True)
    with publishing(live_path, wait, notice):
        _remove_leftovers(live_path, notice)
        new_path = live_path.with_name(f".{live_path.name}.{os.getpid()}.new")
        try:
            con = duckdb.connect(str(new_path), config={"memory_limit": memory_limit or "80%"})
            try:
                create_schema(con)
                fill(con)
                build_rollup(con)
                problems = check_facts(con)
                if problems:
                    raise SnapshotError("; ".join(problems))
                # Only from facts that passed: a bad file is refused before this costly part.
                publish_answers(con)
                build_derived(con)
                con.execute(WRITE_SNAPSHOT_ID, {"id": str(uuid.uuid4())})
                con.execute("CHECKPOINT")
            finally:
                con.close()
            _swap(new_path, live_path)
        except BaseException as error:
            new_path.unlink(missing_ok=True)
            Path(f"{new_path}.wal").unlink(missing_ok=True)
            if isinstance(error, NothingNew):
                return False
            if _no_space(error):
                raise SnapshotError(
                    f"no space left on the device ({shown(live_path.parent)}): the new snapshot needs about as "
                    f"much free space as {shown(live_path.name)} takes, plus the new data."
                ) from error
            raise
    return True


def rollback(live_path: Path, wait: bool = True, notice: Callable[[str], None] = _quiet) -> None:
    """Put the previous snapshot back live. The one it replaces becomes the previous, so a rollback can
    itself be undone; each step is an atomic rename, so readers see one snapshot or the other. It takes
    the publish lock as a publish does."""
    live_path, previous = Path(live_path), previous_path(live_path)
    # Checked before the lock: a publish never takes the previous snapshot away, it only makes one.
    if not previous.exists():
        raise SnapshotError(f"There is no previous snapshot to roll back to: {previous} does not exist.")
    with publishing(live_path, wait, notice):
        _remove_leftovers(live_path, notice)
        rolled_back = live_path.with_name(f".{live_path.name}.rolled-back")
        _link_as(live_path, rolled_back)
        os.replace(previous, live_path)
        os.replace(rolled_back, previous)
