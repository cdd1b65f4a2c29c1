"""Page benchmark, two trees side by side: every page's callbacks, their server time cold and warm against
the bare DuckDB time of the very statements they ran, and the worker's memory after every page.

    python -m tests.bench.bench_pages [--warehouse data/cx.duckdb] [--before /work/wt/before] [--tree .]
                                      [--runs 5] [--warm 3] [--pages scorecard 'metric (NPS)' ...]

In each run, for each page and each tree in turn (the order alternating run by run), a fresh gunicorn
worker of that tree over the same warehouse file, through tests/bench/gunicorn_bench.py, which logs every
request's server time (WSGI call to last byte) and every SQL statement with its parameters. Once it has
started (and answered its own first page, as Beacon's gunicorn.conf.py has it do), a headless Chromium
opens the page for the run's period compared year on year ("cold": a fresh process, a view never asked;
each run asks another period), then `--warm` times more, the same URL ("warm"). After all runs, with the
servers gone, each cold request's statements are re-run, same SQL and parameters, on a plain DuckDB
connection attached to the warehouse read-only as the runner does ("bare"). Last, one fresh worker per
tree visits every page, and its resident memory is read after each.

The quality bars (DESIGN.md): cold ≤ 2× bare, warm p95 ≤ 150 ms; worker ≤ 600 MB at 100 M.
Not a test: nothing is asserted. Prints Markdown.
"""

import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from tests.bench.side_by_side import (
    RequestLog,
    arguments,
    children,
    in_turn,
    markdown,
    p50,
    pages,
    percentile,
    periods,
    rss_mb,
    seeded_state,
    temporary_log,
    tree_server,
    trees,
    visit,
)
from tests.browser import chromium

WARM_P95_MS = 150
COLD_OVER_BARE = 2
WORKER_MB = 600
STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon", "/healthz")
# Dash's own requests, alike on every page: in each visit's sum, not in the table of callbacks.
FRAMEWORK = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash")


class Samples:
    """One tree's measurements: by (page, request) the cold samples (ms, statements) and the warm ms;
    by page the per-visit sums."""

    def __init__(self):
        self.cold = defaultdict(list)  # (page, request) -> [(ms, [(sql, params, seconds)])]
        self.warm = defaultdict(list)  # (page, request) -> [ms]
        self.warm_sql = defaultdict(int)  # (page, request) -> warm requests that still ran SQL
        self.cold_visits = defaultdict(list)  # page -> [sum of ms]
        self.warm_visits = defaultdict(list)
        self.bare = {}  # id(statements) -> bare ms

    def add(self, page: str, requests: list[dict], cold: bool) -> None:
        total = 0.0
        for request in requests:
            if request["path"].startswith(STATIC):
                continue
            ms = request["seconds"] * 1000
            total += ms
            if request["path"].startswith(FRAMEWORK):
                continue
            name = request["callback"] or f"{request['method']} {request['path']}"
            if cold:
                self.cold[(page, name)].append((ms, request["sql"]))
            else:
                self.warm[(page, name)].append(ms)
                self.warm_sql[(page, name)] += bool(request["sql"])
        (self.cold_visits if cold else self.warm_visits)[page].append(total)


def main() -> None:
    parser = arguments(__doc__, runs=5)
    parser.add_argument("--warm", type=int, default=3, help="warm visits of each page per run (default 3)")
    parser.add_argument("--bare-repeats", type=int, default=5, help="re-runs of each statement set (median)")
    parser.add_argument(
        "--budget-minutes", type=float, default=90, help="no run starts after this (default 90)"
    )
    parser.add_argument("--pages", nargs="+", metavar="LABEL", help="only these pages (default every one)")
    args = parser.parse_args()
    measured, site, keys = trees(args), pages(args.warehouse), periods(args.warehouse)
    site = [page for page in site if not args.pages or page.label in args.pages]
    if args.runs > len(keys) - 1:
        parser.error(f"at most {len(keys) - 1} runs: the warehouse has that many periods")
    results = {tree.label: Samples() for tree in measured}
    started = time.monotonic()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        states = {}
        for number, tree in enumerate(measured):
            (Path(folder) / str(number)).mkdir()
            states[tree] = seeded_state(tree, args.warehouse, Path(folder) / str(number))
        for run in range(args.runs):
            if run and time.monotonic() - started > args.budget_minutes * 60:
                print(f"--budget-minutes {args.budget_minutes:g} spent: {run} runs done of {args.runs}")
                args.runs = run
                break
            for page in site:  # each page by both trees one after the other: the same machine for both
                for tree in in_turn(measured, run):
                    one_page(browser, tree, args, states[tree], page, keys[run], results[tree.label])
            print(f"run {run + 1}/{args.runs} done ({time.monotonic() - started:.0f} s)", flush=True)
        memory = {tree: every_page(browser, tree, args, states[tree], site, keys[0]) for tree in measured}
    for samples in results.values():
        time_bare(args.warehouse, samples, args.bare_repeats)

    print()
    print(describe(args, measured, keys[: args.runs], load, time.monotonic() - started))
    for tree in measured:
        print(f"\n### Callbacks, {tree.label}\n")
        print(callback_table(results[tree.label]))
    print("\n### Pages (sum of each visit's requests; callbacks run in parallel, so not the wait)\n")
    print(page_table(measured, results, [page.label for page in site]))
    print(f"\n### Worker memory (one worker; bar ≤ {WORKER_MB} MB at 100 M)\n")
    print(
        "Resident MB of a fresh worker at start and after each page (its default view, then another period).\n"
    )
    rows = [["at start", *(memory[tree][0] for tree in measured)]]
    rows += [[page.label, *(memory[tree][i + 1] for tree in measured)] for i, page in enumerate(site)]
    print(markdown(["worker, after visiting", *(tree.label for tree in measured)], rows))


def one_page(browser, tree, args, state_url: str, page, period: str, samples: Samples) -> None:
    """A fresh worker of `tree`: `page` once cold for `period`, then `args.warm` times warm."""
    log = temporary_log()
    try:
        with tree_server(tree, args.warehouse, state_url, log) as (base, _master):
            requests = RequestLog(log)
            requests.new_requests()  # the worker's own start-up
            url = f"{base}{page.path}?period={period}&compare=yoy"
            visit(browser, url, page.ready)
            samples.add(page.label, requests.new_requests(), cold=True)
            for _ in range(args.warm):
                visit(browser, url, page.ready)
                samples.add(page.label, requests.new_requests(), cold=False)
    finally:
        log.unlink(missing_ok=True)


def every_page(browser, tree, args, state_url: str, site, period: str) -> list[float]:
    """A fresh worker of `tree` visiting every page, each for its default view and for `period`: the
    worker's resident memory (MB) at start and after each page."""
    with tree_server(tree, args.warehouse, state_url) as (base, master):
        (worker,) = children(master)
        memory = [rss_mb(worker)]
        for page in site:
            for query in ("", f"?period={period}&compare=yoy"):
                visit(browser, f"{base}{page.path}{query}", page.ready)
            memory.append(rss_mb(worker))
    return memory


def time_bare(warehouse: Path, samples: Samples, repeats: int) -> None:
    """Each cold request's statements again, same SQL and parameters, on a plain connection that attaches
    the warehouse read-only as queries/runner.py does: the median of `repeats` runs of the set, in ms."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(warehouse)})
    con.execute("USE warehouse")
    for requests in samples.cold.values():
        for _ms, statements in requests:
            if not statements:
                continue
            times = []
            for _ in range(repeats):
                began = time.perf_counter()
                for sql, params, _seconds in statements:
                    (con.execute(sql) if params is None else con.execute(sql, params)).df()
                times.append((time.perf_counter() - began) * 1000)
            samples.bare[id(statements)] = statistics.median(times)
    con.close()


def mark(ok: bool | None) -> str:
    return "–" if ok is None else "✓" if ok else "✗"


def callback_table(samples: Samples) -> str:
    rows = []
    for key in sorted(set(samples.cold) | set(samples.warm), key=lambda k: (k[0], k[1])):
        cold = samples.cold.get(key, [])
        cold_ms = [ms for ms, _ in cold]
        warm_ms = samples.warm.get(key, [])
        with_sql = [(ms, statements) for ms, statements in cold if statements]
        bare = p50(samples.bare[id(statements)] for _, statements in with_sql)
        in_server = p50(sum(s for *_, s in statements) * 1000 for _, statements in with_sql)
        ratio = p50(cold_ms) / bare if bare == bare and bare > 0 else float("nan")
        rows.append(
            [
                key[0],
                f"`{key[1][:60]}`",
                len(cold_ms),
                p50(cold_ms),
                percentile(cold_ms, 0.95),
                p50(warm_ms),
                percentile(warm_ms, 0.95),
                max((len(statements) for _, statements in cold), default=0),
                in_server,
                bare,
                ratio,
                mark(None if ratio != ratio else ratio <= COLD_OVER_BARE),
                mark(None if not warm_ms else percentile(warm_ms, 0.95) <= WARM_P95_MS),
                f"{samples.warm_sql.get(key, 0)}/{len(warm_ms)}",
            ]
        )
    return markdown(
        [
            "page",
            "request",
            "n",
            "cold p50 ms",
            "cold p95",
            "warm p50",
            "warm p95",
            "SQL stmts (max)",
            "SQL in server",
            "bare DuckDB",
            "cold/bare",
            f"≤ {COLD_OVER_BARE}× bare",
            f"warm p95 ≤ {WARM_P95_MS}",
            "warm with SQL",
        ],
        rows,
    )


def page_table(measured, results: dict, labels: list[str]) -> str:
    rows = []
    for label in labels:
        for tree in measured:
            samples = results[tree.label]
            cold, warm = samples.cold_visits[label], samples.warm_visits[label]
            # Bare per visit: the sum over the visit's requests is not kept, so sum the callbacks' p50s.
            bare = sum(
                p50(samples.bare[id(s)] for _, s in samples.cold[key] if s)
                for key in samples.cold
                if key[0] == label and any(s for _, s in samples.cold[key])
            )
            rows.append(
                [
                    label,
                    tree.label,
                    p50(cold),
                    percentile(cold, 0.95),
                    p50(warm),
                    percentile(warm, 0.95),
                    bare,
                    p50(cold) / bare if bare else float("nan"),
                ]
            )
    return markdown(
        ["page", "tree", "cold p50 ms", "cold p95", "warm p50", "warm p95", "bare (Σ p50)", "cold/bare"], rows
    )


def describe(args, measured, asked: list[str], load: float, seconds: float) -> str:
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        (responses,) = con.execute("SELECT count(*) FROM responses").fetchone()
    lines = [
        "## Page callbacks, side by side",
        "",
        f"* warehouse: `{args.warehouse}`, {responses:,} responses, {args.warehouse.stat().st_size / 1e6:,.0f} MB",
        f"* trees: {', '.join(f'{tree.label} `{tree.path}`' for tree in measured)}",
        f"* {args.runs} runs per tree and page (a fresh worker each), cold periods {', '.join(asked)} (compare yoy), "
        f"{args.warm} warm visits per page per run; bare re-run {args.bare_repeats}× (median)",
        f"* load average at start {load:.2f}, at end {os.getloadavg()[0]:.2f}; {seconds:.0f} s in all",
        "* ms are server time (WSGI call to last byte); `SQL in server` = the statements' time inside the",
        "  callback, `bare` = the same statements on a plain connection; `warm with SQL` = warm requests",
        "  that still ran SQL (not answered from the cache)",
        "* peer (issue 16, not measured here): Apache Superset 6.1 over the same DuckDB file, ~200 ms per chart",
        "  cold and ~60 ms warm",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
