"""Ingest benchmark: the 10 M-response demo exported to Parquet, loaded by `data.ingest` into a new
warehouse, then loaded again (every row a duplicate, nothing added).

    python -m tests.bench.bench_ingest [--warehouse PATH] [--responses 10000000]

The export is made once beside the demo warehouse (one Parquet file per table). Times are wall-clock,
checks and rollup included; peak resident memory is this process's (ingest runs in it). Not a test.
"""

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from data.warehouse.ingest import TABLES, ingest
from tests.bench.single_tree import ensure_warehouse


def export(warehouse: Path, folder: Path) -> None:
    """Every contract table of `warehouse` as `folder/<table>.parquet`, unless already there."""
    if all((folder / f"{table}.parquet").exists() for table in TABLES):
        return
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in TABLES:
            # Table names come from the fixed TABLES tuple; COPY cannot bind a table name.
            statement = "COPY " + table + " TO $path (FORMAT parquet)"
            con.execute(statement, {"path": str(folder / f"{table}.parquet")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse", type=Path, default=Path(tempfile.gettempdir()) / "beacon-bench-10000000.duckdb"
    )
    parser.add_argument("--responses", type=int, default=10_000_000)
    args = parser.parse_args()
    ensure_warehouse(args.warehouse, args.responses)
    folder = args.warehouse.with_name(f"{args.warehouse.stem}-parquet")
    export(args.warehouse, folder)
    size = sum(path.stat().st_size for path in folder.iterdir()) / 1e6

    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "cx.duckdb"
        print(
            f"{'run':<34} | {'rows in files':>13} | {'added':>11} | {'skipped':>11} | {'seconds':>7} | {'rows/s':>10}"
        )
        print("-" * 98)
        for label in ("into an empty warehouse", "again: every row a duplicate"):
            started = time.perf_counter()
            summary = ingest([folder], target)
            seconds = time.perf_counter() - started
            rows = sum(source.rows for source in summary.sources)
            print(
                f"{label:<34} | {rows:>13,} | {summary.added:>11,} | {summary.skipped:>11,} | {seconds:>7.1f} | "
                f"{rows / seconds:>10,.0f}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Parquet files: {folder} ({size:.0f} MB); peak resident memory of the ingest process: {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
