"""Alert detection benchmark: how long a publish spends finding its alerts (data.warehouse.events.detect,
then alerts.record_publication's write into a fresh SQLite state database), on demo warehouses.

    python -m tests.bench.bench_alert_detect [--responses 10000000 100000000] [--runs 3]

For each size, the previous snapshot is the demo to --end (/tmp/beacon-bench-{responses}.duckdb, as
bench_publish leaves it) and the new one the same demo to a day later (…-next.duckdb); each is built
with `python -m data.demo` only when missing (its own alerts go to a throwaway state database). Not a
test: nothing is asserted. Prints Markdown.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build(path: Path, responses: int, end: date, state: str) -> float | None:
    """Build the demo at `path` unless it is there; the seconds taken, None when it was there."""
    if path.exists():
        return None
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "data.demo",
            "--out",
            str(path),
            "--responses",
            str(responses),
            "--end",
            str(end),
        ],
        cwd=ROOT,
        env={**os.environ, "BEACON_STATE_URL": state},
        check=True,
    )
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, nargs="+", default=[10_000_000])
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="beacon-bench-alerts-"))
    state = f"sqlite:///{folder / 'state.db'}"
    os.environ["BEACON_STATE_URL"] = state
    # Imported after the state URL is set: config reads it once.
    from data.state import alerts, database
    from data.warehouse.events import detect

    database.migrate()
    rows = []
    for size in args.responses:
        previous = Path(tempfile.gettempdir()) / f"beacon-bench-{size}.duckdb"
        live = previous.with_name(f"beacon-bench-{size}-next.duckdb")
        built = [
            build(previous, size, args.end, state),
            build(live, size, args.end + timedelta(days=1), state),
        ]
        for path, seconds in zip((previous, live), built, strict=True):
            if seconds is not None:
                print(f"built {path} in {seconds:.0f} s", flush=True)
        times = []
        for _run in range(args.runs):
            started = time.perf_counter()
            publication = detect(live, previous)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        # The same pair, recorded: what a publish's CLI adds after the swap (detect + one transaction).
        recorded = alerts.record_publication(live, previous)
        record_seconds = time.perf_counter() - started
        size_gb = live.stat().st_size / 1e9
        rows.append(
            (
                size,
                size_gb,
                min(times),
                statistics.median(times),
                record_seconds,
                len(publication.statuses),
                recorded,
            )
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; {args.runs} runs each; peak RSS {peak_mb:.0f} MB\n"
    )
    print("| responses | snapshot | detect min | detect p50 | record (detect + write) | slices | events |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, size_gb, fastest, median, record_seconds, slices, found in rows:
        print(
            f"| {size:,} | {size_gb:.2f} GB | {fastest:.2f} s | {median:.2f} s | {record_seconds:.2f} s "
            f"| {slices} | {found} |"
        )


if __name__ == "__main__":
    main()
