"""Review pack render time: `python -m data.review_pack` on the demo warehouse (config.WAREHOUSE, or
BEACON_WAREHOUSE), start to finish (the server's start, the page drawn, the PDF), and the print alone
against a server already running, as the scorecard's download does it. Prints a table.

    .venv/bin/python -m tests.bench.bench_review_pack [--period 2026-Q4] [--runs 3]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import config
from data.review_pack import beacon, page_count, query_string, render_pack
from tests.browser import ROOT


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", default="2026-Q4")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "pack.pdf"
        command = [sys.executable, "-m", "data.review_pack", "--period", args.period, "--out", str(out)]
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        rows.append(("command (server start + print)", times, page_count(out.read_bytes())))
        with beacon() as url:
            times = []
            for _ in range(args.runs + 1):
                started = time.perf_counter()
                pdf = render_pack(url, query_string(args.period, None, None, False), None)
                times.append(time.perf_counter() - started)
            rows.append(("render_pack, first (cold server)", times[:1], page_count(pdf)))
            rows.append(("render_pack, warm server", times[1:], page_count(pdf)))
    print(f"Review pack, {args.period}, warehouse {config.WAREHOUSE}")
    print(f"{'what':<36}{'runs':>5}{'median s':>10}{'max s':>8}{'pages':>7}")
    for what, values, pages in rows:
        print(f"{what:<36}{len(values):>5}{statistics.median(values):>10.2f}{max(values):>8.2f}{pages:>7}")


if __name__ == "__main__":
    main()
