"""Commitments benchmark: the time to save an edit, in the store and through the owner page, and the
server time of the accountability pages (board, owner page, register) on the 10 M demo.

    python -m tests.bench.bench_commitments [--warehouse PATH] [--responses 10000000] [--runs 20]

The store is timed in process on a fresh SQLite file, one writer and then two processes writing at
once. The pages are timed as tests/bench/bench_pages.py does: gunicorn with two workers, as in
production, Chromium's timing of each `_dash-update-component` request (request sent to first response
byte), over a state database seeded with the demo commitments. Not a test: nothing is asserted.
"""

import statistics
import tempfile
import time
from datetime import date
from multiprocessing import get_context
from pathlib import Path

from playwright.sync_api import expect

from data.demo.commitments import seed_commitments
from data.state import commitments, database
from tests.bench.bench_foundation import percentile
from tests.bench.single_tree import callback_name, print_callback_table, time_pages, warehouse_arguments
from tests.browser import beacon_server, chromium

PAGES = {
    "owners board": ("/owners", ".owner-card"),
    "owner page": ("/owner/reka_szabo", ".commitment-card"),
    "register": ("/commitments", ".commitment-register"),
}
CATALOGUE = commitments.Catalogue(frozenset({"nps"}), frozenset(), frozenset(), frozenset({"owner"}))


def _draft(title: str) -> dict:
    clean, errors = commitments.validate(
        {
            "metric_id": "nps",
            "owner_id": "owner",
            "title": title,
            "start_on": "2026-11-02",
            "due_on": "2026-12-18",
        },
        CATALOGUE,
        date(2026, 11, 25),
    )
    assert not errors, errors
    return clean


def _save_edits(url: str, runs: int) -> list[float]:
    """ms per `commitments.update` of one commitment, `runs` times in a row."""
    draft = _draft("Benchmark")
    commitment_id, version, samples = commitments.create(draft, "bench", url=url), 1, []
    for run in range(runs):
        started = time.perf_counter()
        version = commitments.update(
            commitment_id, version, {**draft, "progress": run % 100}, "bench", "", url
        )
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def store_rows(runs: int) -> list[tuple[str, list[float]]]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'database.db'}"
        database.migrate(url)
        alone = _save_edits(url, runs)
        with get_context("spawn").Pool(2) as pool:
            together = [ms for samples in pool.starmap(_save_edits, [(url, runs)] * 2) for ms in samples]
        for n in range(2000):
            commitments.create(_draft(f"Commitment {n}"), "bench", url=url)
        listing = []
        for _ in range(runs):
            started = time.perf_counter()
            commitments.register(url=url)
            listing.append((time.perf_counter() - started) * 1000)
    return [
        ("save an edit (store, one writer)", alone),
        ("save an edit (store, two processes at once)", together),
        ("read the register (2 000 commitments)", listing),
    ]


def save_in_place(browser, base: str, runs: int) -> list[float]:
    """Server ms of the owner page's save callback: type a progress, click Save, `runs` times."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    samples = []

    def on_finished(request):
        if "_dash-update-component" in request.url and "owner-edit-message" in callback_name(request):
            timing = request.timing
            samples.append(timing["responseStart"] - timing["requestStart"])

    page.on("requestfinished", on_finished)
    page.goto(f"{base}/owner/reka_szabo")
    card = page.locator(".commitment-card").first
    card.wait_for(timeout=60_000)
    message = card.locator(".in-place-message")
    for run in range(runs):
        before = message.inner_text()
        card.locator("input[inputmode=numeric]").fill(str(10 + run % 80))
        card.locator("button", has_text="Save").click()
        expect(message).not_to_have_text(before, timeout=10_000)
    page.close()
    return samples


def main() -> None:
    args = warehouse_arguments(__doc__, runs=20)
    import queries  # after the warehouse is chosen

    rows = store_rows(args.runs * 5)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'database.db'}"
        seed_commitments(url, queries.as_of())
        with (
            beacon_server(args.warehouse, workers=2, extra_env={"BEACON_STATE_URL": url}) as base,
            chromium() as browser,
        ):
            cold, warm, _renders = time_pages(browser, base, PAGES, args.runs)
            rows.append(
                ("save an edit (owner page callback, server)", save_in_place(browser, base, args.runs))
            )

    print(f"warehouse: {args.warehouse} ({args.warehouse.stat().st_size / 1e6:.0f} MB)")
    print(f"{'what':<48} | {'n':>4} | {'p50 ms':>7} | {'p95 ms':>7}")
    print("-" * 76)
    for label, samples in rows:
        print(
            f"{label:<48} | {len(samples):>4} | {statistics.median(samples):>7.1f} | {percentile(samples, 0.95):>7.1f}"
        )
    print()
    print_callback_table(cold, warm)


if __name__ == "__main__":
    main()
