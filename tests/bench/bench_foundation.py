"""Foundation benchmark: demo build time and size, and the scorecard query set, rollup vs raw facts.

    python -m tests.bench.bench_foundation [--sizes 1000000 10000000] [--runs 20] [--dir /tmp]

Prints one table. Builds run as child processes (their peak memory is the child's); queries run in
this process against each built file. "cold" = uncached (every query hits DuckDB), "warm" = through
the Flask result cache as a page callback would. Not a test: no thresholds are asserted here.
"""

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import config
from tests.bench.side_by_side import percentile

ROOT = Path(__file__).resolve().parents[2]


def build(path: Path, responses: int) -> tuple[float, float]:
    """Seconds and peak child RSS (MB) to build a demo warehouse of `responses` survey responses."""
    path.unlink(missing_ok=True)
    started = time.perf_counter()
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
            "2026-11-23",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb


def timings(action, runs: int) -> tuple[float, float]:
    """(p50, p95) in milliseconds of `action()` over `runs` runs, after one untimed run."""
    action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def query_rows(runs: int) -> list[tuple[str, float, float]]:
    # Imported here so that config.WAREHOUSE is set first and the app's cache is this process's.
    import queries
    from app import server
    from queries.api import sums_params
    from queries.runner import result_cache, run_uncached

    view = queries.view()
    first_survey_metric = queries.metrics().query("kind != 'ratio'")["metric_id"].iloc[0]
    params = {"start": view.period.start, "end": view.period.end, **sums_params(None, None, None)}
    rows = [
        ("bare DuckDB: kpi_sums.sql, one period", *timings(lambda: run_uncached("kpi_sums", params), runs)),
        (
            "bare DuckDB: kpi_sums_raw.sql, one period",
            *timings(lambda: run_uncached("kpi_sums_raw", params), runs),
        ),
        ("scorecard from rollup, cold", *timings(lambda: queries.scorecard(view), runs)),
        ("scorecard from raw facts, cold", *timings(lambda: queries.kpis(view, sums="kpi_sums_raw"), runs)),
        (
            "touchpoint x segment cells, one metric, cold",
            *timings(lambda: queries.breakdown(view, first_survey_metric, "cell"), runs),
        ),
    ]
    with server.app_context():
        result_cache.clear()
        rows.append(("scorecard from rollup, warm (cached)", *timings(lambda: queries.scorecard(view), runs)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()

    print(f"{'responses':>12} | {'measure':<46} | {'p50 / value':>12} | {'p95':>9}")
    print("-" * 90)
    for size in args.sizes:
        path = args.dir / f"beacon-bench-{size}.duckdb"
        seconds, peak_mb = build(path, size)
        print(f"{size:>12,} | {'demo build (s)':<46} | {seconds:>12.1f} |")
        print(f"{size:>12,} | {'demo build peak memory (MB)':<46} | {peak_mb:>12.0f} |")
        print(f"{size:>12,} | {'warehouse file size (MB)':<46} | {path.stat().st_size / 1e6:>12.0f} |")
        config.WAREHOUSE = path
        for label, p50, p95 in query_rows(args.runs):
            print(f"{size:>12,} | {label + ' (ms)':<46} | {p50:>12.1f} | {p95:>9.1f}")
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{size:>12,} | {'this process peak memory (MB)':<46} | {rss_mb:>12.0f} |")


if __name__ == "__main__":
    main()
