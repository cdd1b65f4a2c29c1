"""Render benchmark, two trees side by side: the first full render in headless Chromium of `/`, the NPS
metric page, `/journey` and `/wall`, and the bytes each page costs a fresh browser.

    python -m tests.bench.bench_render [--warehouse data/cx.duckdb] [--before /work/wt/before] [--tree .]
                                       [--runs 10]

One gunicorn worker per tree, both up for the whole run, over the same warehouse file, each served with
its own gunicorn.conf.py; every page is opened once untimed first, so the servers answer from their caches
and what is timed is the network and the browser. Then, run by run, each page by the trees in turn
(the order alternating, so a busy machine hurts both alike), in a fresh browser context (nothing cached):
the time from navigation start to "ready" (the page's DOM-contract attributes on screen, no Dash
callback request in flight and no component loading, and still so 300 ms later: the moment it first
became so), and the bytes of the document and everything it fetched until the network fell idle: encoded (as sent, after
any compression) and decoded.

Quality bars (DESIGN.md, issue 16): every page ≤ 1.5 s p95 and ≤ 1.5 MB to a fresh browser; the metric
page within 1.3× of the scorecard's render. Not a test: nothing is asserted. Prints Markdown.
"""

import os
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from tests.bench.side_by_side import (
    arguments,
    in_turn,
    markdown,
    p50,
    pages,
    percentile,
    seeded_state,
    tree_server,
    trees,
    visit,
)
from tests.browser import chromium

RENDERED = ("scorecard", "metric (NPS)", "journey", "wall")
RENDER_P95_MS = 1500
PAGE_MB = 1.5
METRIC_OVER_SCORECARD = 1.3


def main() -> None:
    parser = arguments(__doc__, runs=10)
    parser.add_argument(
        "--budget-minutes", type=float, default=30, help="no run starts after this (default 30)"
    )
    args = parser.parse_args()
    measured = trees(args)
    site = [page for page in pages(args.warehouse) if page.label in RENDERED]
    results = {tree.label: defaultdict(list) for tree in measured}  # page -> [visit result]
    started, load = time.monotonic(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder, chromium() as browser, ExitStack() as servers:
        bases = {}
        for number, tree in enumerate(measured):
            (Path(folder) / str(number)).mkdir()
            state_url = seeded_state(tree, args.warehouse, Path(folder) / str(number))
            bases[tree], _master = servers.enter_context(tree_server(tree, args.warehouse, state_url))
            for page in site:  # fills the server's cache: the runs time the browser, not the SQL
                visit(browser, f"{bases[tree]}{page.path}", page.ready)
        for run in range(args.runs):
            if run and time.monotonic() - started > args.budget_minutes * 60:
                print(f"--budget-minutes {args.budget_minutes:g} spent: {run} runs done of {args.runs}")
                args.runs = run
                break
            for page in site:  # each page by both trees one after the other: the same machine for both
                for tree in in_turn(measured, run):
                    result = visit(browser, f"{bases[tree]}{page.path}", page.ready, measure_bytes=True)
                    results[tree.label][page.label].append(result)
            print(f"run {run + 1}/{args.runs} done ({time.monotonic() - started:.0f} s)", flush=True)

    print("\n## First full render in Chromium, side by side\n")
    print(f"* warehouse: `{args.warehouse}` ({args.warehouse.stat().st_size / 1e6:,.0f} MB)")
    print(f"* trees: {', '.join(f'{tree.label} `{tree.path}`' for tree in measured)}")
    print(
        f"* {args.runs} runs, a fresh browser context each (warm server); load average at start {load:.2f}, "
        f"at end {os.getloadavg()[0]:.2f}; {time.monotonic() - started:.0f} s in all"
    )
    print("* bytes: the median over runs of the document and every resource fetched, in MB\n")
    print(page_table(measured, results, site))
    print(f"\n### Metric page against the scorecard (bar ≤ {METRIC_OVER_SCORECARD}×)\n")
    print(ratio_table(measured, results, site))


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def page_table(measured, results: dict, site) -> str:
    rows = []
    for page in site:
        for tree in measured:
            visits = results[tree.label][page.label]
            ready = [v["ready_ms"] for v in visits]
            encoded = p50(v["encoded"] for v in visits) / 1e6
            largest = max(visits, key=lambda v: v["largest"][1])["largest"]
            rows.append(
                [
                    page.label,
                    tree.label,
                    p50(ready),
                    percentile(ready, 0.95),
                    mark(percentile(ready, 0.95) <= RENDER_P95_MS),
                    encoded,
                    p50(v["decoded"] for v in visits) / 1e6,
                    p50(v["transferred"] for v in visits) / 1e6,
                    mark(encoded <= PAGE_MB),
                    p50(v["requests"] for v in visits),
                    f"`{largest[0][:40]}` {largest[1] / 1e6:.2f} MB",
                ]
            )
    return markdown(
        [
            "page",
            "tree",
            "ready p50 ms",
            "ready p95",
            f"p95 ≤ {RENDER_P95_MS}",
            "encoded MB",
            "decoded MB",
            "on the wire MB (with headers)",
            f"≤ {PAGE_MB} MB",
            "requests",
            "largest (encoded)",
        ],
        rows,
    )


def ratio_table(measured, results: dict, site) -> str:
    scorecard, metric = site[0].label, site[1].label
    rows = []
    for tree in measured:
        ready = {label: [v["ready_ms"] for v in results[tree.label][label]] for label in (scorecard, metric)}
        by_p50 = p50(ready[metric]) / p50(ready[scorecard])
        by_p95 = percentile(ready[metric], 0.95) / percentile(ready[scorecard], 0.95)
        rows.append([tree.label, by_p50, by_p95, mark(by_p95 <= METRIC_OVER_SCORECARD)])
    return markdown(["tree", "metric / scorecard, p50", "p95", f"≤ {METRIC_OVER_SCORECARD}×"], rows)


if __name__ == "__main__":
    main()
