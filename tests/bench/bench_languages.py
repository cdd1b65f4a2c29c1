"""What a language costs: the scorecard rendered in Finnish and Persian against English, in one run.

    python -m tests.bench.bench_languages [--warehouse data/cx.duckdb] [--runs 20] [--languages en,fi,fa]

One gunicorn worker of this tree over the warehouse. Two measures, run by run with the languages in turn
(the order alternating, so a busy machine hurts each alike), after one untimed visit per language (the
server's caches filled, the catalogues loaded):

* server: the scorecard's page callback (the request that builds the whole page: every tile's words,
  numbers and dates in the language), recorded once in Chromium and sent again with the language's
  cookie; the time until its answer is read;
* browser: the first full render of `/?lang=xx` in a fresh Chromium context (nothing cached, so the
  Persian font and Bootstrap's RTL stylesheet count), from navigation start to "ready" as bench_render
  defines it.

Quality bar (issue 20): each language's p50 and p95 within 10% of English's (≤ 1.10×). Not a test:
nothing is asserted. Prints Markdown.
"""

import json
import os
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import i18n
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

BAR = 1.10


def record_page_callback(browser, base: str) -> bytes:
    """The body Chromium sends for the scorecard's page callback (the one whose output is the page)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        with page.expect_request(
            lambda r: "_dash-update-component" in r.url and "_pages_content" in (r.post_data or "")
        ) as sent:
            page.goto(f"{base}/")
        return sent.value.post_data.encode()
    finally:
        context.close()


def server_ms(base: str, body: bytes, code: str) -> float:
    """Milliseconds for the page callback in language `code`, answer read in full."""
    request = urllib.request.Request(
        f"{base}/_dash-update-component",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Origin": base,
            "Cookie": f"{i18n.COOKIE}={code}",
            "Accept-Language": code,
        },
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as answer:
        text = answer.read()
    elapsed = (time.perf_counter() - started) * 1000
    json.loads(text)  # a whole answer, not an error page
    return elapsed


def main() -> None:
    parser = arguments(__doc__, runs=20)
    parser.add_argument(
        "--languages", default="en,fi,fa", help="the first is the baseline (default en,fi,fa)"
    )
    args = parser.parse_args()
    codes = args.languages.split(",")
    tree = trees(args)[-1]  # this tree only: a language is measured against English in the same code
    scorecard = next(page for page in pages(args.warehouse) if page.label == "scorecard")
    server, browser_ms = defaultdict(list), defaultdict(list)
    started, load = time.monotonic(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        state_url = seeded_state(tree, args.warehouse, Path(folder))
        with tree_server(tree, args.warehouse, state_url) as (base, _master):
            body = record_page_callback(browser, base)
            for code in codes:  # untimed: caches filled, each catalogue loaded once
                server_ms(base, body, code)
                visit(browser, f"{base}/?lang={code}", scorecard.ready)
            for run in range(args.runs):
                for code in in_turn(codes, run):
                    server[code].append(server_ms(base, body, code))
                for code in in_turn(codes, run):
                    browser_ms[code].append(
                        visit(browser, f"{base}/?lang={code}", scorecard.ready)["ready_ms"]
                    )
                print(f"run {run + 1}/{args.runs} done ({time.monotonic() - started:.0f} s)", flush=True)

    print("\n## The scorecard in each language, side by side\n")
    print(
        f"* warehouse: `{args.warehouse}` ({args.warehouse.stat().st_size / 1e6:,.0f} MB); tree {tree.label}"
    )
    print(
        f"* {args.runs} runs; load average at start {load:.2f}, at end {os.getloadavg()[0]:.2f}; "
        f"{time.monotonic() - started:.0f} s in all\n"
    )
    print(table(codes, {"server: page callback": server, "browser: first full render": browser_ms}))


def table(codes: list[str], measures: dict[str, dict[str, list[float]]]) -> str:
    baseline = codes[0]
    rows = []
    for measure, samples in measures.items():
        base50, base95 = p50(samples[baseline]), percentile(samples[baseline], 0.95)
        for code in codes:
            ms50, ms95 = p50(samples[code]), percentile(samples[code], 0.95)
            ratio50, ratio95 = ms50 / base50, ms95 / base95
            ok = "✓" if code == baseline or max(ratio50, ratio95) <= BAR else "✗"
            rows.append([measure, code, ms50, ms95, f"{ratio50:.2f}×", f"{ratio95:.2f}×", ok])
    return markdown(
        [
            "measure",
            "language",
            "p50 ms",
            "p95 ms",
            f"p50 / {baseline}",
            f"p95 / {baseline}",
            f"≤ {BAR:.2f}×",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
