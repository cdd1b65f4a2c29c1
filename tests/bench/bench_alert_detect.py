"""Alert detection at publish: what recording a publish (data.state.alerts.record_publication) adds to
it, on demo warehouses of given sizes, each published twice so that the live file has a real previous.

    python -m tests.bench.bench_alert_detect [--responses 10000000 100000000]
        [--warehouse /tmp/beacon-bench-{responses}.duckdb] [--end 2026-11-23] [--runs 3]

For each size the demo is built (unless the live file and its `.previous` are both there) as a publish
sequence: `python -m data.demo --end END-1` then `--end END` over the same path, so `<file>.previous`
is the snapshot a day older, as `data.ingest` or a nightly demo build leaves it. Each run is a fresh
process (nothing of DuckDB or the state database warm in it; the files are in the OS cache after the
first) recording the publication into an empty SQLite state database: identity check, detection on both
snapshots (their kpi_answers, daily rollup, catalogue), the events and their outbox rows, the slice
statuses. `detect()` alone is then timed again in the same process, and the process's peak resident
memory (VmHWM) read. Detection reads published answers and the rollup, never raw rows, so its time
should stay flat from 10 M to 100 M.

DESIGN.md sets no bar of its own for detection; the publish it is part of has one (10 M demo with its
answers ≤ 60 s, 100 M ≤ 10 min in ≤ 4 GB). Not a test: nothing is asserted. Prints Markdown.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tests.bench.side_by_side import markdown

ROOT = Path(__file__).resolve().parents[2]


def high_water_mb(pid: str) -> float:
    """VmHWM of a process, in MB: its peak resident memory since its exec (ru_maxrss would also count
    what the forking parent held before the exec)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(live: Path, previous: Path, url: str) -> None:
    """One run, in a process of its own: prints its figures as JSON."""
    from data.state import alerts, database
    from data.warehouse import events

    database.migrate(url)
    started = time.perf_counter()
    found = alerts.record_publication(live, previous, url)
    recorded = time.perf_counter() - started
    started = time.perf_counter()
    publication = events.detect(live, previous)
    detected = time.perf_counter() - started
    figures = {
        "record_s": recorded,
        "detect_s": detected,
        "events": found,
        "slices": len(publication.statuses),
        "rss_mb": high_water_mb("self"),
    }
    print(json.dumps(figures))


def build(path: Path, responses: int, end: date, state_url: str) -> list[float]:
    """The two publishes (END-1, then END) of the demo at `path`; their wall-clock seconds."""
    seconds = []
    for last_day in (end - timedelta(days=1), end):
        command = [sys.executable, "-m", "data.demo", "--out", str(path), "--responses", str(responses)]
        started = time.perf_counter()
        subprocess.run(
            [*command, "--end", last_day.isoformat()],
            cwd=ROOT,
            check=True,
            env={**os.environ, "BEACON_STATE_URL": state_url},
            stdout=subprocess.DEVNULL,
        )
        seconds.append(time.perf_counter() - started)
    return seconds


def kpi_rows(path: Path) -> int:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM kpi_answers").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, nargs="+", default=[10_000_000])
    parser.add_argument(
        "--warehouse", default=str(Path(tempfile.gettempdir()) / "beacon-bench-{responses}.duckdb")
    )
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("LIVE", "PREVIOUS", "STATE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.child[2])
        return

    rows, builds = [], []
    with tempfile.TemporaryDirectory(prefix="beacon-bench-detect-") as scratch:
        for size in args.responses:
            live = Path(args.warehouse.format(responses=size))
            previous = live.with_name(live.name + ".previous")
            if not (live.exists() and previous.exists()):
                seconds = build(live, size, args.end, f"sqlite:///{scratch}/demo-{size}.db")
                builds.append((size, seconds))
            runs = []
            for run in range(args.runs):
                url = f"sqlite:///{scratch}/state-{size}-{run}.db"
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "tests.bench.bench_alert_detect",
                        "--child",
                        str(live),
                        str(previous),
                        url,
                    ],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(f"{size:,} responses, run {run + 1}: {runs[-1]}", file=sys.stderr, flush=True)
            record = [r["record_s"] for r in runs]
            detect = [r["detect_s"] for r in runs]
            rows.append(
                [
                    f"{size:,}",
                    live.stat().st_size / 1e6,
                    kpi_rows(live),
                    runs[0]["slices"],
                    runs[0]["events"],
                    statistics.median(record),
                    max(record),
                    statistics.median(detect),
                    max(r["rss_mb"] for r in runs),
                ]
            )

    print("\n## Alert detection at publish\n")
    print(
        f"* demo warehouses to {args.end} against their previous publish (to {args.end - timedelta(days=1)}); "
        f"{args.runs} run(s) each, a fresh process and an empty SQLite state database per run; "
        f"load average at end {os.getloadavg()[0]:.2f}"
    )
    print(
        "* record = record_publication (identity, detection, events + outbox, slice statuses); detect = detect() alone\n"
    )
    headers = [
        "responses",
        "snapshot MB",
        "kpi_answers rows",
        "slices",
        "events",
        "record p50 s",
        "record max s",
        "detect p50 s",
        "peak RSS MB",
    ]
    print(markdown(headers, rows))
    if builds:
        print("\n### Demo builds made for it (END-1, then END)\n")
        print(markdown(["responses", "first build s", "second build s"], [[f"{n:,}", *s] for n, s in builds]))


if __name__ == "__main__":
    main()
