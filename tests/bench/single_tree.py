"""What the single-tree benchmarks share (bench_commitments, bench_wall, bench_ingest): a demo warehouse
built when missing, and the server time of each Dash callback as the browser times it (request sent to
first response byte, on loopback), cold (a different period each run) and warm (the same view again).
The side-by-side benchmarks of issue 16 (bench_pages, bench_render, bench_publish) use side_by_side.py.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import config
from tests.bench.bench_foundation import percentile

ROOT = Path(__file__).resolve().parents[2]
COLD_PERIODS = [
    "2026-Q3",
    "2026-Q2",
    "2026-Q1",
    "2025-Q4",
    "2025-Q3",
    "2025-Q2",
    "2025-Q1",
    "t30",
    "t90",
    "t365",
]
COLD_PERIODS += [
    "2026-10",
    "2026-09",
    "2026-08",
    "2026-07",
    "2026-06",
    "2026-05",
    "2026-04",
    "2026-03",
    "2026",
]


def ensure_warehouse(path: Path, responses: int) -> None:
    """Build the demo warehouse at `path` with `responses` survey responses unless it exists."""
    if not path.exists():
        command = [sys.executable, "-m", "data.demo", "--out", str(path), "--responses", str(responses)]
        subprocess.run(command, cwd=ROOT, check=True)


def callback_name(request) -> str:
    """A readable name for a Dash callback request: its output ids."""
    try:
        output = json.loads(request.post_data)["output"]
    except (TypeError, ValueError, KeyError):
        return "?"
    names = []
    for part in output.strip(".").split("..."):
        component = part.rsplit(".", 1)[0]
        names.append(
            component if not component.startswith("{") else json.loads(component).get("type", component)
        )
    return "+".join(dict.fromkeys(names))


def warehouse_arguments(doc: str, runs: int) -> argparse.Namespace:
    """The command line of a page benchmark (--warehouse, --responses, --runs), with the warehouse
    built when missing and the query layer pointed at it."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--warehouse", type=Path, default=Path(tempfile.gettempdir()) / "beacon-bench-10000000.duckdb"
    )
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=runs)
    args = parser.parse_args()
    ensure_warehouse(args.warehouse, args.responses)
    config.WAREHOUSE = args.warehouse
    return args


def time_pages(browser, base: str, pages: dict, runs: int) -> tuple[dict, dict, dict]:
    """Visit each page `runs` times cold (a different period each time) and `runs` times warm (its
    default view again); returns the callbacks' server ms cold and warm by (page, callback), and each
    page's warm render times."""
    cold, warm, renders = defaultdict(list), defaultdict(list), defaultdict(list)
    for label, (path, ready) in pages.items():
        for run in range(runs):
            period = COLD_PERIODS[run % len(COLD_PERIODS)]
            visit_and_record(browser, f"{base}{path}?period={period}&compare=yoy", ready, cold, label)
        # One untimed visit first: the default view was not among the cold ones, so it fills the cache.
        visit_and_record(browser, f"{base}{path}", ready, defaultdict(list), label)
        for _run in range(runs):
            renders[label].append(visit_and_record(browser, f"{base}{path}", ready, warm, label))
    return cold, warm, renders


def print_callback_table(cold: dict, warm: dict) -> None:
    print(
        f"{'page':<16} | {'callback (outputs)':<44} | {'cold p50':>8} | {'cold p95':>8} | {'warm p50':>8} | {'warm p95':>8}"
    )
    print("-" * 108)
    for key in sorted(set(cold) | set(warm)):
        c, w = cold.get(key, [float("nan")]), warm.get(key, [float("nan")])
        print(
            f"{key[0]:<16} | {key[1][:44]:<44} | {statistics.median(c):>8.1f} | {percentile(c, 0.95):>8.1f} | "
            f"{statistics.median(w):>8.1f} | {percentile(w, 0.95):>8.1f}"
        )


def visit_and_record(browser, url, ready, into, label) -> float:
    """Open `url` in a fresh context, wait until `ready` shows; collect the server time (request sent to
    first response byte) of every callback into `into`. Returns ms from navigation to the render."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    records = []

    def on_finished(request):
        if "_dash-update-component" in request.url:
            timing = request.timing
            records.append((callback_name(request), timing["responseStart"] - timing["requestStart"]))

    page.on("requestfinished", on_finished)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    rendered = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("networkidle")
    for name, server_ms in records:
        into[(label, name)].append(server_ms)
    context.close()
    return rendered
