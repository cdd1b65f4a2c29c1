"""Page benchmark: server time of each Dash callback, cold and warm, against bare DuckDB time for the
same SQL, and the time to the first full render of the scorecard in headless Chromium.

    python -m tests.bench.bench_pages [--warehouse PATH] [--responses 10000000] [--runs 15]

A real gunicorn server (one worker, as in production) and a real Chromium: server time is read from
the browser's timing of each `_dash-update-component` request (request sent to first response
byte, on loopback). "cold" = the first request for those arguments (nothing cached), taken with a
different period each run; "warm" = the same view reloaded. Not a test: nothing is asserted.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import config
from tests.bench.bench_foundation import percentile, timings
from tests.browser import beacon_server, chromium

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
# Page, its URL, and what shows once it has fully rendered.
PAGES = {
    "scorecard": ("/", ".kpi-tile"),
    "metric (survey)": ("/metric/tnps", ".verbatim"),
    "metric (ratio)": ("/metric/aht", "#metric-by-segment .trace.bars .point"),
    "journey": ("/journey", "#journey-heatmap .crosstab-cell"),
    "touchpoint": ("/touchpoint/contact_centre", ".kpi-tile"),
    "segments": ("/segments", ".crosstab"),
    "segment": ("/segment/smb", ".crosstab"),
}


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


def main() -> None:
    args = warehouse_arguments(__doc__, runs=15)

    state = {"BEACON_STATE_URL": f"sqlite:///{Path(tempfile.mkdtemp()) / 'state.db'}"}
    with beacon_server(args.warehouse, extra_env=state) as base, chromium() as browser:
        cold, warm, renders = time_pages(browser, base, PAGES, args.runs)

    bare = bare_duckdb_times(args.runs)
    print(f"warehouse: {args.warehouse} ({args.warehouse.stat().st_size / 1e6:.0f} MB)")
    print_callback_table(cold, warm)
    print()
    for label, (p50, p95) in bare.items():
        print(f"bare DuckDB, {label:<56} | p50 {p50:>7.1f} ms | p95 {p95:>7.1f} ms")
    print(
        f"first full render of / in Chromium (warm server) | p50 {statistics.median(renders['scorecard']):.0f} ms | p95 {percentile(renders['scorecard'], 0.95):.0f} ms"
    )


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


def bare_duckdb_times(runs: int) -> dict:
    """The SQL behind the scorecard and the metric page's heaviest callbacks, uncached, in process."""
    import queries
    from queries.api import sums_params
    from queries.runner import run_uncached

    view = queries.view()
    period = {"start": view.period.start, "end": view.period.end}
    comparison = {"start": view.comparison.start, "end": view.comparison.end}
    end_exclusive = {"start": view.period.start, "end_exclusive": view.period.end + timedelta(days=1)}

    def scorecard_sql():
        run_uncached("kpi_sums", {**period, **sums_params(None, None, None)})
        run_uncached("kpi_sums", {**comparison, **sums_params(None, None, None)})
        run_uncached("kpi_sums", {**period, **sums_params(None, None, None, grain="month")})
        run_uncached("targets", {"metric_id": None})
        run_uncached("metrics")

    def breakdown_sql():
        for by in (("touchpoint",), ("segment",), ("touchpoint", "segment")):
            run_uncached("kpi_sums", {**period, **sums_params("tnps", None, None, by)})
            run_uncached("kpi_sums", {**comparison, **sums_params("tnps", None, None, by)})

    def journey_sql():
        for by, metric in ((("touchpoint",), None), (("touchpoint", "segment"), "tnps")):
            run_uncached("kpi_sums", {**period, **sums_params(metric, None, None, by)})
            run_uncached("kpi_sums", {**comparison, **sums_params(metric, None, None, by)})

    def segments_sql():
        for by in ((), ("segment",)):
            run_uncached("kpi_sums", {**period, **sums_params(None, None, None, by)})
            run_uncached("kpi_sums", {**comparison, **sums_params(None, None, None, by)})

    def verbatims_sql():
        params = {"metric_ids": ["tnps"], "touchpoint_ids": [None], "segment_id": None, "min_score": None}
        params |= {"starts": [end_exclusive["start"]], "end_exclusives": [end_exclusive["end_exclusive"]]}
        run_uncached("verbatims", {**params, "max_score": None, "limit": 10, "offset": 0})

    return {
        label: timings(action, runs)
        for label, action in (
            ("scorecard SQL (2 periods + 12-month trend + catalogue)", scorecard_sql),
            ("metric breakdowns SQL (3 breakdowns x 2 periods)", breakdown_sql),
            ("verbatims SQL (one page, newest first)", verbatims_sql),
            ("journey SQL (all metrics by touchpoint, cells, 2 periods)", journey_sql),
            ("segments SQL (all metrics, by segment, 2 periods)", segments_sql),
        )
    }


if __name__ == "__main__":
    main()
