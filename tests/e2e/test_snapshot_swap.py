"""New warehouse snapshots swapped in under load: two gunicorn workers answer a loop of page requests
while `data.ingest` publishes one snapshot after another, with zero errors, and each worker moves to
the new data by itself (DESIGN.md: each app process notices the new file and reopens; in-flight queries
finish on the old one)."""

import json
import shutil
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from data.warehouse.ingest import ingest
from tests.browser import PATIENCE_SECONDS, beacon_server, open_page
from tests.tiny_warehouse import AS_OF

SWAPS = 6
# The tiny warehouse's Q4 handle time is 12 000 s over 30 contacts; each ingest adds a day before the
# as-of date of 3 000 s over 30 contacts, so after six Q4 is 30 000 s over 210 contacts.
SCORECARD = "/?period=2026-Q4"
HANDLE_TIME_AFTER = (12_000 + SWAPS * 3_000) / (30 + SWAPS * 30)


def _recorded_render(browser, base: str) -> str:
    """The body of the request that renders the scorecard, as the browser sends it."""
    page = open_page(browser, base + SCORECARD)
    bodies = []
    page.on(
        "request",
        lambda r: (
            "_dash-update-component" in r.url and "_pages_content" in (r.post_data or "") and bodies.append(r)
        ),
    )
    page.reload()
    page.wait_for_selector(".kpi-tile[data-metric-id=aht]")
    assert page.problems == []
    page.context.close()
    return bodies[0].post_data


def test_snapshots_swap_under_load_with_zero_errors(browser, tiny_warehouse_path, tmp_path):
    """Four threads render the scorecard non-stop on two workers while six ingests publish snapshots:
    every response is a 200, and after the last swap every answer shows the last snapshot's value."""
    live = tmp_path / "cx.duckdb"
    shutil.copy(tiny_warehouse_path, live)
    state = {"BEACON_STATE_URL": f"sqlite:///{tmp_path / 'state.db'}"}
    with beacon_server(live, workers=2, extra_env=state) as base:
        body = _recorded_render(browser, base).encode()
        statuses, errors, stop = [], [], threading.Event()
        answered = threading.Condition()

        def render() -> str:
            request = urllib.request.Request(
                f"{base}/_dash-update-component",
                data=body,
                headers={"Content-Type": "application/json", "Origin": base},
            )
            with urllib.request.urlopen(request, timeout=PATIENCE_SECONDS) as response:
                statuses.append(response.status)
                return response.read().decode()

        def loop():
            while not stop.is_set():
                try:
                    render()
                except Exception as error:  # any failure at all is what this test looks for
                    errors.append(repr(error))
                with answered:
                    answered.notify_all()

        def after_answers(count: int):
            """Until `count` more renders have been answered: every swap happens under requests, however
            slow the machine."""
            with answered:
                target = len(statuses) + len(errors) + count
                assert answered.wait_for(lambda: len(statuses) + len(errors) >= target, PATIENCE_SECONDS)

        with ThreadPoolExecutor(max_workers=4) as pool:
            for _ in range(4):
                pool.submit(loop)
            for swap in range(1, SWAPS + 1):
                after_answers(4)
                extract = tmp_path / f"measurements-{swap}.csv"
                extract.write_text(
                    "metric_id,day,touchpoint_id,segment_id,numerator,denominator\n"
                    f"aht,{AS_OF - timedelta(days=swap)},shop,smb,3000,30\n"
                )
                assert ingest([extract], live).added == 1
            after_answers(8)
            stop.set()

        assert errors == []
        assert len(statuses) > 20 and set(statuses) == {200}
        expected = repr(HANDLE_TIME_AFTER)
        for _ in range(6):  # several answers, so both workers are asked
            tile = json.loads(render())
            assert f'"data-value": "{expected}"' in json.dumps(tile), expected
