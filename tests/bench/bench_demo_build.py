"""Demo build benchmark: `python -m data.demo` at each size, each build a fresh process, everything the
publish does included (rollup, checks, CHECKPOINT).

    python -m tests.bench.bench_demo_build [--sizes 1000000 10000000 100000000] [--out-dir /tmp]
                                           [--before /path/to/a/checkout] [--end 2026-11-23]

Prints one row per build: wall seconds, CPU seconds (user + system, every thread), the process's peak
resident memory and the file's size. `--before` builds the same sizes with another checkout's generator
(its own .venv), for a before/after table. The files are kept (`<out-dir>/demo-<size>.duckdb`, the
before's as `before-<size>.duckdb`). Not a test: the machine's other work moves the wall times.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else str(size)


def build(checkout: Path, out: Path, size: int, end: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of one `python -m data.demo` run in `checkout`."""
    python = checkout / ".venv" / "bin" / "python" if checkout != ROOT else Path(sys.executable)
    command = [str(python), "-m", "data.demo", "--out", str(out), "--responses", str(size), "--end", end]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=checkout, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own usage, not every child's so far
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: ru_maxrss in KB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000, 100_000_000])
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--before", type=Path, help="a checkout whose generator to measure too")
    parser.add_argument("--end", default="2026-11-23", help="last day of data (the same for every build)")
    args = parser.parse_args()

    runs = [("this", ROOT, "demo")]
    if args.before:
        runs.insert(0, ("before", args.before, "before"))
    print(
        f"{'generator':<9} | {'responses':>11} | {'wall s':>7} | {'CPU s':>7} | {'peak MB':>8} | {'file MB':>8}"
    )
    print("-" * 66)
    for size in args.sizes:
        for name, checkout, prefix in runs:
            out = args.out_dir / f"{prefix}-{label(size)}.duckdb"
            wall, cpu, peak = build(checkout, out, size, args.end)
            print(
                f"{name:<9} | {size:>11,} | {wall:>7.1f} | {cpu:>7.1f} | {peak:>8,.0f} | "
                f"{out.stat().st_size / 1e6:>8,.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
