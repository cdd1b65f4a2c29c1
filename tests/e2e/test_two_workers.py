"""Commitment saves under two gunicorn worker processes writing to one SQLite state database at once.

A real save request is recorded from Chromium on the owner page, then replayed many times at once
against the server, for different commitments (every save lands) and for the same version of one
commitment (one save lands, the other is refused with the winner's change).
"""

import json
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from data.state import commitments, database
from tests.browser import PATIENCE_SECONDS, beacon_server, open_page

OWNER = "ben"
COUNT = 24


def _values(title: str) -> dict:
    return {
        "metric_id": "csat",
        "touchpoint_id": None,
        "segment_id": None,
        "owner_id": OWNER,
        "title": title,
        "description": "",
        "kind": "action",
        "start_on": date(2026, 11, 2),
        "due_on": date(2026, 12, 18),
        "status": "planned",
        "progress": 0,
        "completed_on": None,
        "expected_value": None,
    }


@pytest.fixture(scope="module")
def two_workers(tiny_warehouse_path, tmp_path_factory):
    """A two-worker server over its own state database holding COUNT planned commitments."""
    url = f"sqlite:///{tmp_path_factory.mktemp('two-workers') / 'database.db'}"
    database.migrate(url)
    ids = [commitments.create(_values(f"Parallel {n}"), "setup", url=url) for n in range(COUNT)]
    with beacon_server(tiny_warehouse_path, workers=2, extra_env={"BEACON_STATE_URL": url}) as base:
        yield base, url, ids


def _recorded_save(browser, base: str) -> dict:
    """The body of the owner page's save request, as the browser sends it."""
    page = open_page(browser, f"{base}/owner/{OWNER}")
    bodies = []
    page.on(
        "request",
        lambda r: (
            "_dash-update-component" in r.url
            and "owner-edit-save" in (r.post_data or "")
            and bodies.append(r.post_data)
        ),
    )
    card = page.locator(".commitment-card").first
    progress = card.locator("input[inputmode=numeric]")
    progress.fill(
        str((int(progress.input_value()) + 5) % 100)
    )  # a change: the same value again saves nothing
    card.locator("button", has_text="Save").click()
    card.locator(".in-place-message", has_text="Saved").wait_for()
    assert page.problems == []
    page.context.close()
    return json.loads(bodies[0])


def _retarget(body, commitment_id: int, version: int, progress: int):
    """The recorded body, for another commitment, version and progress."""
    if isinstance(body, str):  # changedPropIds name the triggering button as a JSON string
        return re.sub(r'"commitment":\d+', f'"commitment":{commitment_id}', body)
    if isinstance(body, list):
        return [_retarget(item, commitment_id, version, progress) for item in body]
    if not isinstance(body, dict):
        return body
    changed = {key: _retarget(value, commitment_id, version, progress) for key, value in body.items()}
    if "commitment" in changed:
        changed["commitment"] = commitment_id
    kind = changed.get("id", {}).get("type") if isinstance(changed.get("id"), dict) else None
    if kind == "owner-edit-version" and "value" in changed:
        changed["value"] = version
    if kind == "owner-edit-progress" and "value" in changed:
        changed["value"] = str(progress)
    return changed


def _post(base: str, body: dict) -> str:
    request = urllib.request.Request(
        f"{base}/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": base},  # as the page sends it
    )
    with urllib.request.urlopen(request, timeout=PATIENCE_SECONDS) as response:
        assert response.status == 200
        return json.dumps(json.loads(response.read()), ensure_ascii=False)


def test_saves_of_different_commitments_at_once_all_land(two_workers, browser):
    """COUNT saves in flight together across two worker processes: every one is stored, none is lost
    to a locked database."""
    base, url, ids = two_workers
    recorded = _recorded_save(browser, base)
    versions = commitments.register(url=url).set_index("commitment_id")["version"]
    targets = [cid for cid in ids if versions[cid] == 1]  # all but the one saved while recording
    assert len(targets) == COUNT - 1
    bodies = [_retarget(recorded, cid, 1, 10 + n) for n, cid in enumerate(targets)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda body: _post(base, body), bodies))
    assert all("Saved · version 2" in answer for answer in answers), answers[:2]
    stored = commitments.register(url=url).set_index("commitment_id")
    for n, cid in enumerate(targets):
        assert (stored.loc[cid, "progress"], stored.loc[cid, "version"]) == (10 + n, 2)


def test_two_saves_of_one_version_at_once_one_lands_one_is_refused(two_workers, browser):
    """Two people save the same version of one commitment at the same moment: exactly one save lands;
    the other is told who changed what, and nothing is overwritten."""
    base, url, ids = two_workers
    recorded = _recorded_save(browser, base)
    cid = ids[0]
    version = commitments.get(cid, url=url)["version"]
    bodies = [_retarget(recorded, cid, version, progress) for progress in (61, 62)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda body: _post(base, body), bodies))
    saved = [answer for answer in answers if f"Saved · version {version + 1}" in answer]
    refused = [answer for answer in answers if "someone else changed this commitment" in answer]
    assert (len(saved), len(refused)) == (1, 1), answers
    row = commitments.get(cid, url=url)
    assert row["version"] == version + 1
    assert row["progress"] in (61, 62)
    assert f'"{row["progress"]}%"' in refused[0]  # the refusal shows the winner's progress
