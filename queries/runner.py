"""Running the SQL files of this folder against the live warehouse snapshot, with memoised results.

One read-only DuckDB instance per process and snapshot version, opened lazily (so after any fork),
and a fresh cursor per query: DuckDB refuses one connection shared across threads. The snapshot is
attached to a private in-memory instance rather than opened by path, because DuckDB caches instances
by path and would keep serving the replaced file; this way a new snapshot is seen at once while
in-flight queries finish on the old one.
"""

import json
import os
import threading
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path

import duckdb
import pandas as pd
from flask import has_app_context
from flask_caching import Cache

import config
from data.warehouse.snapshot import REQUIRED_TABLES

SQL_DIR = Path(__file__).resolve().parent

#: Memoised query results; bound to the Flask server by `init_cache`. Outside a Flask app context
#: (command line, unit tests) queries simply run uncached.
result_cache = Cache()

_FIX = (
    "Build the demo data with `make demo` (or `python -m data.demo`), "
    "or load your own with `python -m data.ingest PATH`."
)


class WarehouseError(RuntimeError):
    """The warehouse cannot be read; the message says what is wrong and the command that fixes it."""


@dataclass(frozen=True)
class _Snapshot:
    pid: int
    version: str
    connection: duckdb.DuckDBPyConnection


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def init_cache(server) -> None:
    """Memoise results in-process, or in Redis when BEACON_CACHE_URL names one (scale-out)."""
    settings = {"CACHE_DEFAULT_TIMEOUT": config.CACHE_TIMEOUT, "CACHE_KEY_PREFIX": "beacon:"}
    if config.CACHE_URL:
        settings |= {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config.CACHE_URL}
    else:
        settings |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    result_cache.init_app(server, config=settings)


def snapshot_version(path: Path | None = None) -> str:
    """Identity of the live snapshot file: it changes whenever ingest swaps a new file in."""
    path = Path(path or config.WAREHOUSE)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarehouseError(f"No warehouse file at {path}. {_FIX}") from None
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def _open(path: Path) -> duckdb.DuckDBPyConnection:
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


def _current() -> _Snapshot:
    """The open snapshot, reopened after a fork or when a new snapshot file has been swapped in."""
    global _snapshot
    version = snapshot_version()
    with _lock:
        snapshot = _snapshot
        if snapshot is None or snapshot.pid != os.getpid() or snapshot.version != version:
            snapshot = _Snapshot(os.getpid(), version, _open(Path(config.WAREHOUSE)))
            _snapshot = snapshot
        return snapshot


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
    """compute(snapshot), memoised on `name`, `arguments` and the snapshot version (a new snapshot
    invalidates everything at once). Uncached outside a Flask app context."""
    snapshot = _current()
    if not has_app_context():
        return compute(snapshot)
    key = f"{snapshot.version}:{name}:{json.dumps(arguments, sort_keys=True, default=str)}"
    result = result_cache.get(key)
    if result is None:
        result = compute(snapshot)
        result_cache.set(key, result)
    return result


def run(name: str, **params) -> pd.DataFrame:
    """`run_uncached`, memoised on the query name, its parameters and the snapshot version."""
    return _cached(name, params, lambda snapshot: run_uncached(name, params, snapshot))


def run_text(name: str, text: str, **params) -> pd.DataFrame:
    """`run` of a statement composed from SQL files (a lookup over the answers statement, when a view
    is not published), memoised on `name` and its parameters."""
    return _cached(name, params, lambda snapshot: run_uncached(name, params, snapshot, text))


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
