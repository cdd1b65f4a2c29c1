"""The requests real users' browsers send, recorded once from Chromium for tests/bench/load.py to replay.

Each view is opened in a fresh browser context (nothing cached), and every request it makes is kept in
the order Chromium sent it: the page, its static files, Dash's layout and dependencies, and its callbacks
with their bodies as sent. The requests are grouped in *waves*: a request that Chromium sent only after
some request of the current wave had been answered (a chained callback, the statics after the page) starts
the next wave, so a replay fires each wave together, as the browser did, and the waves in turn.

The capture is kept in a JSON file and reused while the target answers the same callback graph
(`/_dash-dependencies`) and, where both the capture's and the target's source trees are known, they
are the same git tree: the bodies are only valid for the callbacks they were recorded against.
"""

import hashlib
import json
import subprocess
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.browser import PATIENCE_MS, chromium

# What a replay needs of a request's headers: the rest (user agent, cookies under no sign-in...) does not
# change what the server does.
KEPT_HEADERS = ("content-type", "accept", "x-csrftoken")
STATIC_PREFIXES = ("/assets/", "/vendor/", "/_dash-component-suites/", "/_favicon")
WALL_PATH = "/wall?refresh=30"
REFRESH_INPUT = "wall-refresh"
SAVE_INPUT = "owner-edit-save"
FORMAT = 2  # of the capture file: a capture of another format is taken anew
SAVED = "Saved · version"  # what the owner page says of a save that was made (pages/owner.py)


def target_identity(base: str, source: Path | None) -> dict:
    """What a capture must match to be replayed against `base`: its callback graph, and the git tree
    of its source (commit tree plus uncommitted changes) when the source is known."""
    with urllib.request.urlopen(f"{base}/_dash-dependencies", timeout=60) as response:
        identity = {"format": FORMAT, "dependencies": hashlib.sha256(response.read()).hexdigest()}
    if source is not None:

        def git(*args):
            return subprocess.run(["git", "-C", str(source), *args], capture_output=True, text=True).stdout

        changes = git("diff", "HEAD", "--", ".", ":!data")
        identity["tree"] = git("rev-parse", "HEAD^{tree}").strip() + (
            "+" + hashlib.sha256(changes.encode()).hexdigest()[:12] if changes else ""
        )
    return identity


def load_or_capture(file: Path, base: str, source: Path | None, with_save: bool) -> dict:
    """The capture in `file` when it matches the target (and holds a save when `with_save`), else a new
    one from Chromium, written to `file`."""
    identity = target_identity(base, source)
    if file.exists():
        kept = json.loads(file.read_text())
        if _same_target(kept.get("identity", {}), identity) and (kept.get("save") or not with_save):
            print(f"capture: reusing {file}", flush=True)
            return kept
        print(f"capture: {file} is from another target tree or lacks a save: capturing anew", flush=True)
    captured = capture(base, with_save)
    captured["identity"] = identity
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(captured, indent=1))
    print(f"capture: written to {file}", flush=True)
    return captured


def _same_target(kept: dict, identity: dict) -> bool:
    """The same callback graph, and the same tree where both know theirs (a --url target does not)."""
    shared = kept.keys() & identity.keys()
    return {"format", "dependencies"} <= shared and all(kept[key] == identity[key] for key in shared)


def capture(base: str, with_save: bool) -> dict:
    """{"views": {name: {"path", "waves": [[request, ...], ...]}}, "wall": {...}, "save": {...}}, each
    request {"method", "path", "headers", "body", "static", "redirect"}."""
    with chromium() as browser:
        scorecard = _record(browser, base, "/")
        ids = scorecard.pop("ids")
        metric = _record(browser, base, f"/metric/{ids['metric']}")
        ids |= metric.pop("ids")
        views = {"scorecard": scorecard, "metric": metric}
        for name, path in (
            ("touchpoint", f"/touchpoint/{ids['touchpoint']}"),
            ("owners", "/owners"),
            ("commitments", "/commitments"),
            ("segment", f"/segment/{ids['segment']}"),
        ):
            views[name] = _record(browser, base, path)
            ids[name] = views[name].pop("ids")
        wall = _record_wall(browser, base)
        captured = {"views": views, "wall": wall}
        if with_save:
            captured["save"] = _record_save(browser, base, ids["commitments"]["open_owner"])
    for name, view in {**views, "wall": wall["view"]}.items():
        counts = [len(wave) for wave in view["waves"]]
        print(
            f"capture: {name:<12} {view['path']:<28} {sum(counts):>3} requests in waves {counts}", flush=True
        )
    return captured


# The ids a view's page shows, for the next views to open: a tile's metric and owner, a breakdown's
# touchpoint and segment, the owner of an open commitment (the first shown).
IDS = """() => {
  const first = (selector, attribute) => {
    const element = document.querySelector(selector);
    return element ? element.getAttribute(attribute) : null;
  };
  return {
    metric: first('[data-metric-id][data-status]', 'data-metric-id'),
    owner: first('[data-owner-id]', 'data-owner-id'),
    touchpoint: first('[data-value][data-touchpoint-id]', 'data-touchpoint-id'),
    segment: first('[data-value][data-segment-id]', 'data-segment-id'),
    open_owner: first('[data-commitment-id][data-status=planned], [data-commitment-id][data-status=in_progress]',
      'data-owner-id'),
  };
}"""


class _Recorder:
    """Every request a page sends, in order, with the requests already answered when it was sent."""

    def __init__(self, page, base: str):
        self.base = base
        self.entries = []  # (request, indices of the requests answered before it was sent)
        self.index = {}  # id(request) -> position in entries
        self.answered = set()
        page.on("request", self._sent)
        page.on("requestfinished", self._answered)
        page.on("requestfailed", self._answered)

    def _sent(self, request):
        if request.url.startswith(self.base):
            self.index[id(request)] = len(self.entries)
            self.entries.append((request, frozenset(self.answered)))

    def _answered(self, request):
        if id(request) in self.index:
            self.answered.add(self.index[id(request)])

    def waves(self, keep=lambda request: True) -> list[list[dict]]:
        waves, current = [], []
        for position, (request, answered_before) in enumerate(self.entries):
            if not keep(request):
                continue
            if any(earlier in answered_before for earlier, _ in current):
                waves.append([entry for _, entry in current])
                current = []
            current.append((position, as_replayable(request)))
        if current:
            waves.append([entry for _, entry in current])
        return waves


def as_replayable(request) -> dict:
    parts = urlsplit(request.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {name: value for name, value in request.headers.items() if name.lower() in KEPT_HEADERS}
    return {
        "method": request.method,
        "path": path,
        "headers": headers,
        "body": request.post_data,
        "static": parts.path.startswith(STATIC_PREFIXES),
        "redirect": request.redirected_to is not None,  # the browser followed it: the next request asks there
    }


def readable(answer: bytes) -> str:
    """A callback's answer with its text as shown (Dash escapes every non-ASCII character)."""
    return json.dumps(json.loads(answer), ensure_ascii=False)


def _not_heartbeat(request) -> bool:
    return urlsplit(request.url).path != "/session"


@contextmanager
def _opened(browser, base: str, path: str, viewport: dict, drawn: str):
    """(page, its recorder) of `path` opened as a user opens it: until `drawn` is on the page and the
    network is quiet."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(PATIENCE_MS)
    try:
        page = context.new_page()
        recorder = _Recorder(page, base)
        page.goto(f"{base}{path}")
        page.wait_for_selector(drawn)
        page.wait_for_load_state("networkidle")
        yield page, recorder
    finally:
        context.close()


def _record(browser, base: str, path: str) -> dict:
    """One view opened as a user opens it."""
    drawn = "[data-period-start], [data-commitment-id], .problem"
    with _opened(browser, base, path, {"width": 1366, "height": 768}, drawn) as (page, recorder):
        return {"path": path, "waves": recorder.waves(_not_heartbeat), "ids": page.evaluate(IDS)}


def _record_wall(browser, base: str) -> dict:
    """The wall as a screen opens it, then its first refresh callback and one heartbeat, as sent."""
    with _opened(browser, base, WALL_PATH, {"width": 1920, "height": 1080}, ".wall-slide") as (
        page,
        recorder,
    ):
        view = {"path": WALL_PATH, "waves": recorder.waves(_not_heartbeat)}
        with page.expect_request(
            lambda r: "_dash-update-component" in r.url and REFRESH_INPUT in (r.post_data or "")
        ) as refresh:
            pass  # the refresh interval fires by itself, every 30 s
        with page.expect_request(lambda r: not _not_heartbeat(r)) as heartbeat:
            pass
        return {
            "view": view,
            "refresh": as_replayable(refresh.value),
            "heartbeat": as_replayable(heartbeat.value),
        }


def _record_save(browser, base: str, owner: str) -> dict:
    """The owner page's in-place save of the first open commitment's card (its progress moved on by 5), as
    tests/e2e/test_two_workers.py records it, and the owner page's own requests, which show every
    card's version."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(PATIENCE_MS)
    try:
        page = context.new_page()
        recorder = _Recorder(page, base)
        page.goto(f"{base}/owner/{owner}")
        page.wait_for_selector("[data-period-start]")
        page.wait_for_load_state("networkidle")
        view = {"path": f"/owner/{owner}", "waves": recorder.waves(_not_heartbeat)}
        # An open one: a done commitment's progress stays 100 whatever is typed, so nothing would be saved.
        card = page.locator(
            ".commitment-card[data-status=planned], .commitment-card[data-status=in_progress]"
        ).first
        progress = card.locator("input[inputmode=numeric]")
        progress.fill(str((int(progress.input_value()) + 5) % 100))
        with page.expect_response(
            lambda r: "_dash-update-component" in r.url and SAVE_INPUT in (r.request.post_data or "")
        ) as save:
            card.locator("button", has_text="Save").click()
        answer = save.value
        if answer.status != 200 or SAVED not in readable(answer.body()):
            raise RuntimeError(f"the recorded save was not made: {answer.status} {answer.text()[:300]}")
        return {"owner_view": view, "request": as_replayable(answer.request)}
    finally:
        context.close()
