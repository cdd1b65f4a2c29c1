"""Running the SQL files of this folder against the live warehouse snapshot, with memoised results.

One read-only DuckDB instance per process and snapshot version, opened lazily (so after any fork),
and a fresh cursor per query: DuckDB refuses one connection shared across threads. The snapshot is
attached to a private in-memory instance rather than opened by path, because DuckDB caches instances
by path and would keep serving the replaced file; this way a new snapshot is seen at once while
in-flight queries finish on the old one.

A request (a page, a callback) is pinned to the snapshot live when its first query ran: all its
queries read that one, so a publish halfway through never gives one answer from two snapshots, and
results are memoised under that snapshot's own id (`SNAPSHOT_ID_TABLE`), which every host's copy
shares and no other publish draws.
"""

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path

import duckdb
import pandas as pd
from flask import g, has_app_context, has_request_context

import config
from data.warehouse.snapshot import REQUIRED_TABLES, SNAPSHOT_ID_TABLE
from queries.cache import ResultCache

SQL_DIR = Path(__file__).resolve().parent

#: Memoised query results (queries/cache.py), set up by `init_cache`. Outside a Flask app context
#: (command line, unit tests) queries simply run uncached.
result_cache = ResultCache()

_FIX = (
    "Build the demo data with `make demo` (or `python -m data.demo`), "
    "or load your own with `python -m data.ingest PATH`."
)


class WarehouseError(RuntimeError):
    """The warehouse cannot be read; the message says what is wrong and the command that fixes it."""


@dataclass(frozen=True)
class _Snapshot:
    pid: int
    version: str  # the file's (snapshot_version): tells that another file has been swapped in
    identity: str  # the snapshot's own: the memo keys'
    connection: duckdb.DuckDBPyConnection


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
# A snapshot other than the live one, for what runs inside `pinned` (warming a snapshot not yet live).
_pinned: ContextVar[_Snapshot | None] = ContextVar("pinned_snapshot", default=None)
_REQUEST_SNAPSHOT = "beacon_snapshot"  # the request's pinned snapshot, on flask.g


def init_cache(server=None) -> None:
    """Memoise results in this process, shared through Redis when BEACON_CACHE_URL names one."""
    result_cache.configure(config.CACHE_URL, config.CACHE_ENTRIES, config.CACHE_TIMEOUT)


def snapshot_version(path: Path | None = None) -> str:
    """Identity of the live snapshot file: it changes whenever ingest swaps a new file in."""
    path = Path(path or config.WAREHOUSE)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarehouseError(f"No warehouse file at {path}. {_FIX}") from None
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """A private instance with the snapshot at `path` attached read-only, checked to have every table."""
    connection = duckdb.connect(":memory:", config={"memory_limit": config.DUCKDB_MEMORY_LIMIT})
    try:
        connection.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(path)})
    except duckdb.Error as error:
        connection.close()
        raise WarehouseError(
            f"The warehouse file {path} cannot be read as a DuckDB database ({error}). {_FIX}"
        ) from error
    present = {
        row[0]
        for row in connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'warehouse'"
        ).fetchall()
    }
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        connection.close()
        raise WarehouseError(f"The warehouse file {path} lacks the table(s) {', '.join(missing)}. {_FIX}")
    return connection


def _opened(path: Path, version: str) -> _Snapshot:
    connection = _open(path)
    named = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'warehouse' AND table_name = $table",
        {"table": SNAPSHOT_ID_TABLE},
    ).fetchone()[0]
    # The id is read through the file just attached, so it names the snapshot the queries will read.
    identity = (
        connection.execute("SELECT snapshot_id FROM warehouse.snapshot_id").fetchone()[0]
        if named
        else f"file-{version}"
    )
    return _Snapshot(os.getpid(), version, identity, connection)


def _live() -> _Snapshot:
    """The live snapshot, reopened after a fork or when a new snapshot file has been swapped in."""
    global _snapshot
    version = snapshot_version()
    with _lock:
        snapshot = _snapshot
        if snapshot is None or snapshot.pid != os.getpid() or snapshot.version != version:
            snapshot = _opened(Path(config.WAREHOUSE), version)
            _snapshot = snapshot
        return snapshot


def _current() -> _Snapshot:
    """The snapshot this query reads: the pinned one, else the request's (the live one when its first
    query ran), else the live one."""
    snapshot = _pinned.get()
    if snapshot is not None:
        return snapshot
    if not has_request_context():
        return _live()
    snapshot = g.get(_REQUEST_SNAPSHOT)
    if snapshot is None:
        snapshot = _live()
        setattr(g, _REQUEST_SNAPSHOT, snapshot)
    return snapshot


def snapshot_identity() -> str:
    """The id of the snapshot this request reads (for keys of what is derived from it elsewhere)."""
    return _current().identity


@contextmanager
def pinned(path: Path) -> Iterator[str]:
    """Every query inside reads the snapshot at `path` (one not yet live, say), memoised under its id,
    which it yields."""
    snapshot = _opened(Path(path), snapshot_version(path))
    token = _pinned.set(snapshot)
    try:
        yield snapshot.identity
    finally:
        _pinned.reset(token)
        snapshot.connection.close()


@cache
def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


def run_uncached(
    name: str, params: dict | None = None, snapshot: _Snapshot | None = None, text: str | None = None
) -> pd.DataFrame:
    """Run queries/<name>.sql (or `text`) with its $named parameters bound; the result fully materialised."""
    snapshot = snapshot or _current()
    cursor = snapshot.connection.cursor()
    try:
        cursor.execute("USE warehouse")
        return cursor.execute(text or sql_text(name), params or {}).df()
    except (duckdb.CatalogException, duckdb.BinderException, duckdb.IOException) as error:
        # A table or column of the contract is missing or unreadable; anything else is a bug and is raised.
        raise WarehouseError(
            f"The warehouse does not match Beacon's contract ({type(error).__name__}: {error}). {_FIX}"
        ) from error
    finally:
        cursor.close()


def _cached(name: str, arguments, compute):
    """compute(snapshot), memoised on `name`, `arguments` and the snapshot's id (a new snapshot
    invalidates everything at once). Uncached outside a Flask app context."""
    snapshot = _current()
    if not has_app_context():
        return compute(snapshot)
    key = f"{snapshot.identity}:{name}:{json.dumps(arguments, sort_keys=True, default=str)}"
    return result_cache.get_or_build(key, lambda: compute(snapshot))


def run(name: str, **params) -> pd.DataFrame:
    """`run_uncached`, memoised on the query name, its parameters and the snapshot version."""
    return _cached(name, params, lambda snapshot: run_uncached(name, params, snapshot))


def run_text(name: str, text: str, **params) -> pd.DataFrame:
    """`run` of a statement composed from SQL files (a lookup over the answers statement, when a view
    is not published), memoised on `name` and its parameters."""
    # The text is part of the key: two statements may share a name and their parameters.
    arguments = {"params": params, "text": hashlib.sha256(text.encode()).hexdigest()}
    return _cached(name, arguments, lambda snapshot: run_uncached(name, params, snapshot, text))


def memoised(function):
    """Memoise a function of the warehouse's content on its (JSON-able) arguments and the snapshot
    version, like `run`: KPI frames assembled from several queries, or figures drawn from them, whose
    assembly costs more than the SQL. Results must be picklable and are returned as copies.
    """

    @wraps(function)
    def memoised_function(*args, **kwargs):
        # Module and name: two pages may each have a memoised `_page`.
        name = f"{function.__module__}.{function.__qualname__}"
        return _cached(name, [args, kwargs], lambda _snapshot: function(*args, **kwargs))

    return memoised_function
