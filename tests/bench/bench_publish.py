"""Publish benchmark, two trees side by side: building the demo warehouse (with whatever a tree publishes
along with it: answers, derived tables) at given sizes, its time, peak memory and snapshot size, and
the rows and size of every table in the snapshot.

    python -m tests.bench.bench_publish [--responses 1000000 10000000] [--warehouse /tmp/beacon-bench-{responses}.duckdb]
                                        [--before /work/wt/before] [--tree .] [--runs 1]

Each build is the tree's own `python -m data.demo --out PATH --responses N --end DATE`, run from that
tree (its code, not this one's), the trees in turn (alternating run by run). While it runs, the resident
memory of the process and all its children is read from /proc every 0.1 s: the peak of that sum is
"peak RSS" (and the main process's own high-water mark, VmHWM, is shown beside it). A build is stopped
when it passes --max-minutes or its memory passes --max-memory-mb (the old generator holds everything in
memory: ~200 MB per million responses), and reported as such.

The new tree's build is left at --warehouse (`{responses}` replaced by the size), for bench_pages and
bench_render; the old tree's goes next to it with `.before` and is deleted after measuring unless
--keep-before. Quality bars (issue 16): 10 M demo with its answers ≤ 60 s; 100 M ≤ 10 min in ≤ 4 GB.
Not a test: nothing is asserted. Prints Markdown.
"""

import os
import subprocess
import tempfile
import time
from contextlib import suppress
from pathlib import Path

import duckdb

from tests.bench.side_by_side import arguments, descendants, in_turn, markdown, p50, rss_mb, trees

BARS = {10_000_000: (60, None), 100_000_000: (600, 4096)}  # responses -> (seconds, MB)


def main() -> None:
    parser = arguments(
        __doc__, runs=1, warehouse=Path(tempfile.gettempdir()) / "beacon-bench-{responses}.duckdb"
    )
    parser.add_argument(
        "--responses", type=int, nargs="+", default=[1_000_000], help="sizes (default 1000000)"
    )
    parser.add_argument("--end", default="2026-11-23", help="last day of data, the same for every build")
    parser.add_argument("--max-minutes", type=float, default=30, help="a build taking longer is stopped")
    parser.add_argument(
        "--max-memory-mb", type=float, default=0.85 * total_memory_mb(), help="a build using more is stopped"
    )
    parser.add_argument("--keep-before", action="store_true", help="keep the old tree's builds")
    args = parser.parse_args()
    measured = trees(args)
    started, load = time.monotonic(), os.getloadavg()[0]
    builds, tables = [], {}
    for size in args.responses:
        out = Path(str(args.warehouse).format(responses=size))
        for run in range(args.runs):
            for tree in in_turn(measured, run):
                path = out if tree is measured[-1] else out.with_name(out.name + ".before")
                result = build(tree, path, size, args)
                print(f"{tree.label}, {size:,} responses, run {run + 1}: {result['outcome']}", flush=True)
                builds.append((size, tree, result))
                if result["outcome"] == "built" and run == args.runs - 1:
                    tables[(size, tree.label)] = table_sizes(path)
                if tree is not measured[-1] and not args.keep_before:
                    path.unlink(missing_ok=True)

    print("\n## Demo build and publish, side by side\n")
    print(f"* trees: {', '.join(f'{tree.label} `{tree.path}`' for tree in measured)}")
    print(
        f"* `python -m data.demo --responses N --end {args.end}`, {args.runs} run(s) each; load average at start "
        f"{load:.2f}, at end {os.getloadavg()[0]:.2f}; {time.monotonic() - started:.0f} s in all"
    )
    print(
        f"* bars: {', '.join(f'{n:,}: ≤ {s} s' + (f' in ≤ {mb} MB' if mb else '') for n, (s, mb) in BARS.items())}\n"
    )
    print(build_table(measured, builds, args.responses))
    for size in args.responses:
        built = [tree for tree in measured if (size, tree.label) in tables]
        if not built:
            continue
        print(f"\n### Tables in the snapshot, {size:,} responses (MB ≈ the storage blocks of its columns)\n")
        names = sorted({name for tree in built for name in tables[(size, tree.label)]})
        rows = [
            [name, *(value for tree in built for value in tables[(size, tree.label)].get(name, ["–", "–"]))]
            for name in names
        ]
        headers = [f"{what}, {tree.label}" for tree in built for what in ("rows", "MB")]
        print(markdown(["table", *headers], rows))


def total_memory_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def build(tree, path: Path, size: int, args) -> dict:
    """One demo build by `tree`'s own code; its seconds, peak memory and file size, and how it ended."""
    path.unlink(missing_ok=True)
    command = [
        tree.python(),
        "-m",
        "data.demo",
        "--out",
        str(path),
        "--responses",
        str(size),
        "--end",
        args.end,
    ]
    env = {**os.environ, "PYTHONPATH": str(tree.path)}
    with tempfile.TemporaryFile(mode="w+") as output:
        began = time.perf_counter()
        process = subprocess.Popen(command, cwd=tree.path, env=env, stdout=output, stderr=subprocess.STDOUT)
        peak, high_water, outcome = 0.0, 0.0, None
        while process.poll() is None:
            peak = max(peak, sum(rss_mb(pid) for pid in [process.pid, *descendants(process.pid)]))
            high_water = max(high_water, high_water_mb(process.pid))
            if time.perf_counter() - began > args.max_minutes * 60:
                outcome = f"stopped after {args.max_minutes:g} min"
            elif peak > args.max_memory_mb:
                outcome = f"stopped at {peak:,.0f} MB"
            if outcome:
                for pid in [*descendants(process.pid), process.pid]:
                    os.kill(pid, 9)
                process.wait()
                break
            with suppress(subprocess.TimeoutExpired):  # wait on the build itself: its exit ends the wait
                process.wait(timeout=0.1)
        seconds = time.perf_counter() - began
        if outcome is None:
            outcome = "built" if process.returncode == 0 else f"failed (exit {process.returncode})"
        if process.returncode not in (0, None) and outcome.startswith("failed"):
            output.seek(0)
            print(output.read()[-2000:])
    return {
        "outcome": outcome,
        "seconds": seconds,
        "peak_mb": peak,
        "high_water_mb": high_water,
        "file_mb": path.stat().st_size / 1e6 if path.exists() else float("nan"),
    }


def high_water_mb(pid: int) -> float:
    """The process's own peak resident memory so far (VmHWM), 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def build_table(measured, builds: list, sizes: list[int]) -> str:
    rows = []
    for size in sizes:
        seconds_bar, memory_bar = BARS.get(size, (None, None))
        for tree in measured:
            mine = [result for n, t, result in builds if n == size and t is tree]
            built = [result for result in mine if result["outcome"] == "built"]
            outcomes = sorted({result["outcome"] for result in mine})
            seconds = p50(r["seconds"] for r in built)
            peak = max((r["peak_mb"] for r in mine), default=float("nan"))
            rows.append(
                [
                    size,
                    tree.label,
                    ", ".join(outcomes),
                    seconds,
                    peak,
                    max((r["high_water_mb"] for r in mine), default=float("nan")),
                    p50(r["file_mb"] for r in built),
                    "–" if seconds_bar is None or not built else "✓" if seconds <= seconds_bar else "✗",
                    "–" if memory_bar is None else "✓" if built and peak <= memory_bar else "✗",
                ]
            )
    return markdown(
        [
            "responses",
            "tree",
            "outcome",
            "build s (p50)",
            "peak RSS MB (with children)",
            "main VmHWM MB",
            "snapshot MB",
            "time bar",
            "memory bar",
        ],
        rows,
    )


def table_sizes(path: Path) -> dict[str, list]:
    """Each table's rows and the storage blocks its columns occupy (partly filled blocks shared between
    small tables count for each, so small tables read high)."""
    with duckdb.connect(str(path), read_only=True) as con:
        (block_size,) = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
        names = [
            row[0]
            for row in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()
        ]
        rows = {}
        for name in names:
            (count,) = con.execute("SELECT count(*) FROM query_table($name)", {"name": name}).fetchone()
            (blocks,) = con.execute(
                """
                SELECT count(DISTINCT block) FROM (
                    SELECT block_id AS block FROM pragma_storage_info($name) WHERE block_id >= 0
                    UNION ALL
                    SELECT unnest(additional_block_ids) FROM pragma_storage_info($name)
                )
                """,
                {"name": name},
            ).fetchone()
            rows[name] = [count, blocks * block_size / 1e6]
    return rows


if __name__ == "__main__":
    main()
