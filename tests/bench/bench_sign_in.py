"""Sign-in benchmark: what the checks in front of every request cost, and how long signing in takes.

    python -m tests.bench.bench_sign_in [--runs 2000]

In process, through Flask's test client over the tiny warehouse and a fresh SQLite state database, once
per sign-in mode (each in a process of its own: the mode is read at import):
* the session check alone: HEAD /session, which does nothing else (mode none: the cross-site and
  host checks only; mode local: also the session's lookup in the state database);
* /_dash-layout, the smallest Dash request;
* signing in (scrypt: the cost a guesser pays per password), a wrong password and an unknown
  username, which must take the same time so that timing does not tell which usernames exist.
Not a test: nothing is asserted.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.bench_foundation import percentile

PASSWORD = "correct horse battery"
ORIGIN = {"Origin": "http://localhost"}


def _timed(call, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure(mode: str, runs: int) -> dict:
    """Timings in ms, in this process, for `mode` (set in the environment before importing the app)."""
    import app
    from data.state import accounts

    client = app.server.test_client()
    figures = {}
    if mode == "local":
        accounts.add("ada", "Ada Admin", "admin", PASSWORD)
        figures["sign in"] = _timed(
            lambda: client.post("/signin", data={"username": "ada", "password": PASSWORD}, headers=ORIGIN), 20
        )
        figures["wrong password"] = _timed(
            lambda: client.post("/signin", data={"username": "ada", "password": "x" * 12}, headers=ORIGIN), 4
        )  # four: the fifth refusal would start the sign-in limit
        figures["unknown username"] = _timed(
            lambda: client.post("/signin", data={"username": "nobody", "password": "x" * 12}, headers=ORIGIN),
            4,
        )
        client.post("/signin", data={"username": "ada", "password": PASSWORD}, headers=ORIGIN)
    client.get("/_dash-layout")  # Dash sets itself up on its first request
    figures["session check"] = _timed(lambda: client.head("/session"), runs)
    figures["/_dash-layout"] = _timed(lambda: client.get("/_dash-layout"), runs // 4)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--mode", help=argparse.SUPPRESS)  # one mode's run, in a child process
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(measure(args.mode, args.runs)))
        return
    from tests.tiny_warehouse import build_tiny_warehouse

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        warehouse = Path(folder) / "tiny.duckdb"
        build_tiny_warehouse(warehouse)
        for mode in ("none", "local"):
            env = {
                **os.environ,
                "BEACON_AUTH": mode,
                "BEACON_SECRET_KEY": "b" * 48,
                "BEACON_WAREHOUSE": str(warehouse),
                "BEACON_STATE_URL": f"sqlite:///{Path(folder) / f'{mode}.db'}",
            }
            run = [
                sys.executable,
                "-m",
                "tests.bench.bench_sign_in",
                "--mode",
                mode,
                "--runs",
                str(args.runs),
            ]
            output = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
            results[mode] = json.loads(output.strip().splitlines()[-1])
    print(f"{'request':<20} {'mode':<6} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for mode, figures in results.items():
        for name, times in figures.items():
            print(
                f"{name:<20} {mode:<6} {len(times):>5} {percentile(times, 0.5):>8.2f} {percentile(times, 0.95):>8.2f}"
            )


if __name__ == "__main__":
    main()
