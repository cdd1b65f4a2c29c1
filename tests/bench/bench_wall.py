"""Wall benchmark: server time of the wall's callbacks, and the memory of a wall left rotating for a while.

    python -m tests.bench.bench_wall [--warehouse PATH] [--responses 10000000] [--runs 15] [--soak-minutes 30]

As tests/bench/bench_pages.py does: a real gunicorn server (one worker) over a temporary state database
seeded with the demo commitments, and a real headless Chromium; server time is the browser's timing of
each `_dash-update-component` request (request sent to first response byte, on loopback).

1. Callback timing. The page render of `/wall` (all five kinds of slide) "cold", a different period
   each run so nothing is cached, and "warm", the same URL again; then one wall with `refresh=2` left
   open for 20 s, so its `refresh` callback (re-reading the deck, sending nothing when it is unchanged)
   runs about ten times warm.
2. Soak. A fresh server and one 1920x1080 page at `/wall?dwell=2&refresh=5&...` for `--soak-minutes`.
   Every minute, after a forced garbage collection (Chrome DevTools Protocol): the page's JS heap used,
   its live DOM nodes and event listeners (Performance.getMetrics), the elements in the document, and
   the resident memory of the gunicorn master and of each worker (VmRSS in /proc). Every callback
   request of the soak is counted, with those answered with an HTTP error or failed outright. Every
   minute a commitment is retitled, so the wall replaces its whole deck once a minute as well as
   receiving "unchanged" refreshes.

Not a test: nothing is asserted.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from data.demo.commitments import seed_commitments
from data.state import commitments
from tests.bench.bench_foundation import percentile
from tests.bench.side_by_side import children, rss_mb
from tests.bench.single_tree import (
    COLD_PERIODS,
    callback_name,
    print_callback_table,
    visit_and_record,
    warehouse_arguments,
)
from tests.browser import beacon_server, chromium

SLIDES = "scorecard,journey,movers,commitments,touchpoints"
READY = ".wall-slide"  # the deck is on screen
REFRESH_SECONDS = 2
REFRESH_WATCH_SECONDS = 20
SOAK_URL = f"/wall?dwell=2&refresh=5&slides={SLIDES}"
# A period none of the cold runs asks for: the warm-up visit opens the warehouse without caching theirs.
WARM_UP_PERIOD = "2024"


def soak_arguments() -> argparse.Namespace:
    """The soak's own option, taken off the command line before bench_pages' parser reads the rest."""
    parser = argparse.ArgumentParser(add_help=False, usage=argparse.SUPPRESS)
    group = parser.add_argument_group("soak run (besides the options below)")
    group.add_argument(
        "--soak-minutes", type=float, default=30, help="how long one wall rotates (default 30)"
    )
    args, rest = parser.parse_known_args()
    if {"-h", "--help"} & set(rest):
        parser.print_help()
        print()
    sys.argv[1:] = rest
    return args


def main() -> None:
    soak = soak_arguments()
    args = warehouse_arguments(__doc__, runs=15)
    import queries  # after the warehouse is chosen

    with tempfile.TemporaryDirectory() as folder:
        state_url = f"sqlite:///{Path(folder) / 'state.db'}"
        seed_commitments(state_url, queries.as_of())
        env = {"BEACON_STATE_URL": state_url}
        with beacon_server(args.warehouse, extra_env=env) as base, chromium() as browser:
            cold, warm = time_wall(browser, base, args.runs)
        print(f"warehouse: {args.warehouse} ({args.warehouse.stat().st_size / 1e6:.0f} MB)")
        print_callback_table(cold, warm)
        print(flush=True)
        with beacon_server(args.warehouse, extra_env=env) as base, chromium() as browser:
            soak_run(browser, base, soak.soak_minutes, state_url)


def time_wall(browser, base: str, runs: int) -> tuple[dict, dict]:
    """Server ms by (what, callback): the wall's render cold and warm, then its refresh callback warm."""
    cold, warm = defaultdict(list), defaultdict(list)
    visit_and_record(
        browser,
        f"{base}/wall?slides={SLIDES}&period={WARM_UP_PERIOD}&compare=yoy",
        "#wall-root",
        defaultdict(list),
        "",
    )
    for run in range(runs):
        period = COLD_PERIODS[run % len(COLD_PERIODS)]
        visit_and_record(
            browser, f"{base}/wall?slides={SLIDES}&period={period}&compare=yoy", READY, cold, "wall"
        )
    url = f"{base}/wall?slides={SLIDES}"
    visit_and_record(browser, url, READY, defaultdict(list), "wall")  # fills the cache for the warm runs
    for _run in range(runs):
        visit_and_record(browser, url, READY, warm, "wall")

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log = CallbackLog(page)
    page.goto(f"{base}/wall?refresh={REFRESH_SECONDS}&slides={SLIDES}")
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_timeout(REFRESH_WATCH_SECONDS * 1000)
    page.close()
    for name, samples in log.server_ms.items():
        warm[(f"wall, refresh={REFRESH_SECONDS}", name)].extend(samples)
    return cold, warm


class CallbackLog:
    """Every `_dash-update-component` request of a page: server ms by callback, and those that failed."""

    def __init__(self, page):
        self.server_ms = defaultdict(list)
        self.http_errors = []  # (status, callback)
        self.failures = []  # (network error, callback)
        self.page_errors = []
        page.on("requestfinished", self._finished)
        page.on("response", self._response)
        page.on("requestfailed", self._failed)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", lambda m: m.type == "error" and self.page_errors.append(m.text))

    @staticmethod
    def _callback(request) -> bool:
        return "_dash-update-component" in request.url

    def _finished(self, request):
        if self._callback(request):
            timing = request.timing
            self.server_ms[callback_name(request)].append(timing["responseStart"] - timing["requestStart"])

    def _response(self, response):
        if self._callback(response.request) and response.status >= 400:
            self.http_errors.append((response.status, callback_name(response.request)))

    def _failed(self, request):
        if self._callback(request):
            self.failures.append((request.failure, callback_name(request)))

    def requests(self) -> int:
        return sum(len(samples) for samples in self.server_ms.values()) + len(self.failures)


def edit_a_commitment(state_url: str, minute: int) -> None:
    """Retitle the commitment due soonest, as an owner would: the commitments slide changes, so the next
    refresh sends the whole deck anew, not just "unchanged"."""
    register = commitments.register(state_url)
    row = register[register["status"].isin(commitments.OPEN_STATUSES)].sort_values("due_on").iloc[0]
    stored = commitments.get(int(row["commitment_id"]), state_url)
    title = stored["title"].split(" · edit ")[0]
    values = {field: stored[field] for field in commitments.FIELDS} | {"title": f"{title} · edit {minute}"}
    commitments.update(stored["commitment_id"], stored["version"], values, "Soak", "", state_url)


def soak_run(browser, base: str, minutes: float, state_url: str) -> None:
    """One wall rotating for `minutes`, a commitment edited every minute; prints a line of memory every
    minute and a summary."""
    master = gunicorn_master()
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    log = CallbackLog(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(f"{base}{SOAK_URL}")
    page.wait_for_selector(READY, timeout=60_000)
    started = time.monotonic()

    print(f"soak: {SOAK_URL} at 1920x1080 for {minutes:g} min (gunicorn master pid {master})")
    print(
        f"{'minute':>6} | {'JS heap MB':>10} | {'DOM nodes':>9} | {'elements':>8} | {'listeners':>9} | "
        f"{'master MB':>9} | {'worker RSS MB':<14} | {'callbacks':>9} | {'failed':>6}"
    )
    print("-" * 108)
    samples = []
    for minute in range(int(minutes) + 1):
        page.wait_for_timeout(max(0.0, started + minute * 60 - time.monotonic()) * 1000)
        sample = sample_memory(page, cdp, master)
        edit_a_commitment(state_url, minute)
        samples.append(sample)
        workers = ", ".join(f"{mb:.0f}" for mb in sample["workers"].values()) or "-"
        failed = len(log.http_errors) + len(log.failures)
        print(
            f"{minute:>6} | {sample['heap_mb']:>10.1f} | {sample['nodes']:>9} | {sample['elements']:>8} | "
            f"{sample['listeners']:>9} | {sample['master_mb']:>9.0f} | {workers:<14} | "
            f"{log.requests():>9} | {failed:>6}",
            flush=True,
        )
    page.close()

    first, last = samples[0], samples[-1]
    worker_start, worker_end = sum(first["workers"].values()), sum(last["workers"].values())
    print(
        f"start -> end ({len(samples) - 1} min): JS heap {first['heap_mb']:.1f} -> {last['heap_mb']:.1f} MB "
        f"({last['heap_mb'] - first['heap_mb']:+.1f}), DOM nodes {first['nodes']} -> {last['nodes']} "
        f"({last['nodes'] - first['nodes']:+d}), worker RSS {worker_start:.0f} -> {worker_end:.0f} MB "
        f"({worker_end - worker_start:+.0f}), master RSS {first['master_mb']:.0f} -> {last['master_mb']:.0f} MB"
    )
    if first["workers"].keys() != last["workers"].keys():
        print(f"worker pids changed: {sorted(first['workers'])} -> {sorted(last['workers'])}")
    print(
        f"callback requests: {log.requests()}, HTTP errors: {len(log.http_errors)}, "
        f"failed: {len(log.failures)}, browser errors: {len(log.page_errors)}"
    )
    for problem in [*log.http_errors, *log.failures, *log.page_errors][:10]:
        print(f"  {problem}")
    for name, ms in sorted(log.server_ms.items()):
        print(
            f"soak server ms, {name[:60]:<60} | n {len(ms):>5} | p50 {statistics.median(ms):>7.1f} | "
            f"p95 {percentile(ms, 0.95):>7.1f}"
        )


def sample_memory(page, cdp, master: int) -> dict:
    """The page's memory after a full garbage collection, and the server processes' resident memory."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "heap_mb": metrics["JSHeapUsedSize"] / 2**20,
        "nodes": int(metrics["Nodes"]),
        "listeners": int(metrics["JSEventListeners"]),
        "elements": page.evaluate("document.getElementsByTagName('*').length"),
        "master_mb": rss_mb(master),
        "workers": {pid: rss_mb(pid) for pid in children(master)},
    }


def gunicorn_master() -> int:
    """The gunicorn that beacon_server started: this process's child running gunicorn (one at a time)."""
    for pid in children(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"gunicorn" in command:
            return pid
    raise RuntimeError("no gunicorn process started by this benchmark")


if __name__ == "__main__":
    main()
