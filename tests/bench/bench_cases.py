"""Case creation at publish: how long data.state.cases.record_cases takes to open ≥ 100 000 follow-up
cases (the demo's rules and routes, data/demo/cases.py) in a fresh state database.

    python -m tests.bench.bench_cases [--responses 2000000] [--new-cases 100000] [--postgres]

The live snapshot is the demo (`python -m data.demo`, built once into /tmp/beacon-bench-cases/); the
previous one is a copy of it without its latest answers, as many as it takes for --new-cases of them
to fall in a rule's band, so the publish finds that many new detractors. Each run is a fresh process
(its peak RSS is the run's) against a fresh state database: SQLite, and PostgreSQL with --postgres
when it is installed. Prints Markdown. Not a test: nothing is asserted.

One run on the 2-core machine (nice -n 10, 3 December 2026), demo of 2 000 000 answers, 660 306 new:

| state database | cases opened | seconds | cases/s | peak RSS |
|---|---:|---:|---:|---:|
| SQLite | 100,000 | 5.6 | 17,901 | 656 MB |
| PostgreSQL | 100,000 | 25.5 | 3,918 | 678 MB |

(Each case is one row in `cases` and one in `case_history`; the peak is mostly DuckDB's matching.)
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
FOLDER = Path("/tmp/beacon-bench-cases")
END = date(2026, 12, 1)

# The answers some demo rule's band holds, by metric (data/demo/cases.py RULES; rNPS for Enterprise
# reaches 8): what decides how far back the previous snapshot must stop.
_IN_A_BAND = """
    (metric_id IN ('tnps', 'rnps') AND score <= 6) OR (metric_id = 'rnps' AND segment_id = 'enterprise'
    AND score <= 8) OR (metric_id IN ('csat', 'accessibility_csat') AND score <= 2)
    OR (metric_id = 'ces' AND score >= 6)
"""


def build_pair(responses: int, new_cases: int) -> tuple[Path, Path, int]:
    """(live, previous, answers the previous lacks), built when missing."""
    FOLDER.mkdir(exist_ok=True)
    live = FOLDER / f"live-{responses}.duckdb"
    previous = FOLDER / f"previous-{responses}-{new_cases}.duckdb"
    if not live.exists():
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "data.demo", "--out", str(live), "--responses", str(responses),
             "--end", END.isoformat(), "--seed", "42"],
            cwd=ROOT, check=True, env={"PATH": "/usr/bin:/bin", "BEACON_STATE_URL": "sqlite:///" + str(FOLDER / "throwaway.db")},
        )  # fmt: skip
        print(f"built {live} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if not previous.exists():
        shutil.copyfile(live, previous)
        with duckdb.connect(str(previous)) as con:
            (cutoff,) = con.execute(
                f"SELECT responded_at FROM responses WHERE {_IN_A_BAND} "
                "ORDER BY responded_at DESC LIMIT 1 OFFSET $n",
                {"n": new_cases - 1},
            ).fetchone()
            con.execute("DELETE FROM responses WHERE responded_at >= $cutoff", {"cutoff": cutoff})
            con.execute("CHECKPOINT")
    with duckdb.connect(str(live), read_only=True) as con:
        con.execute("ATTACH $path AS previous (READ_ONLY)", {"path": str(previous)})
        (fresh,) = con.execute(
            "SELECT (SELECT count(*) FROM responses) - (SELECT count(*) FROM previous.responses)"
        ).fetchone()
    return live, previous, fresh


def child(live: str, previous: str, url: str) -> None:
    """One run, in this fresh process: prints its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    from data.demo import cases as demo
    from data.state import cases, database

    database.migrate(url)
    demo._seed_setup(url, cases.catalogue_of(Path(live)))
    started = time.perf_counter()
    with database.writing(url) as connection:
        opened = cases.record_cases(connection, Path(live), Path(previous), "bench")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cases": opened.count, "seconds": seconds, "rss_mb": peak}))


def run(live: Path, previous: Path, url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_cases", "--child", str(live), str(previous), url],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_cases", description=__doc__)
    parser.add_argument("--responses", type=int, default=2_000_000)
    parser.add_argument("--new-cases", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("LIVE", "PREVIOUS", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    live, previous, fresh = build_pair(args.responses, args.new_cases)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(("SQLite", run(live, previous, f"sqlite:///{folder}/state.db")))
        if args.postgres:
            sys.path.insert(0, str(ROOT))
            from deploy.postgres import Cluster, programs

            if programs() is not None:
                cluster = Cluster(Path(tempfile.mkdtemp(prefix="beacon-pg-")))
                cluster.start()
                try:
                    cluster.create_database("bench_cases")
                    rows.append(("PostgreSQL", run(live, previous, cluster.url("bench_cases"))))
                finally:
                    cluster.stop("immediate")
                    shutil.rmtree(cluster.folder, ignore_errors=True)
    print(
        f"Case creation at publish: demo of {args.responses:,} answers, {fresh:,} of them new "
        f"(the previous snapshot stops before its latest {args.new_cases:,} answers in a rule's band)\n"
    )
    print("| state database | cases opened | seconds | cases/s | peak RSS |")
    print("|---|---:|---:|---:|---:|")
    for name, figures in rows:
        print(
            f"| {name} | {figures['cases']:,} | {figures['seconds']:.1f} | "
            f"{figures['cases'] / figures['seconds']:,.0f} | {figures['rss_mb']:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
