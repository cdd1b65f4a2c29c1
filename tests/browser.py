"""A real Beacon server and a real headless Chromium, shared by the end-to-end tests and screenshots.

The server is gunicorn with Beacon's own config, as `make run` starts it; the browser is Debian's
Chromium driven by Playwright (never a downloaded browser).
"""

import os
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

from data.review_pack import CHROMIUM, CHROMIUM_FLAGS, ServerError, beacon

ROOT = Path(__file__).resolve().parent.parent
# How long a test waits for a condition (a server up, a page drawn, a message shown) before calling it a
# failure. A ceiling, never a pause: a condition met sooner ends the wait sooner. On a machine whose two
# cores other jobs keep busy a callback can take tens of seconds, so it is generous.
PATIENCE_SECONDS = 90
PATIENCE_MS = PATIENCE_SECONDS * 1000


@contextmanager
def beacon_server(
    warehouse: Path,
    workers: int = 1,
    extra_env: dict | None = None,
    port: int | None = None,
    root: Path = ROOT,
    config: str = "gunicorn.conf.py",
):
    """gunicorn serving Beacon on `warehouse` at `port` (default: a free loopback port), as `make run`
    serves it; yields the base URL. Its whole log is in the error when it does not start."""
    settings = {"BEACON_WAREHOUSE": str(warehouse), "BEACON_AUTH": os.environ.get("BEACON_AUTH", "none")}
    try:
        with beacon({**settings, **(extra_env or {})}, workers, port, root, config) as url:
            yield url
    except ServerError as error:
        raise RuntimeError(f"Beacon did not start:\n{error.log}") from None


@contextmanager
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def _own_404(page, message) -> bool:
    """Chromium's note that the page itself answered 404: what a page for an unknown id should do."""
    return message.location.get("url") == page.url and message.text.endswith("status of 404 (NOT FOUND)")


def open_page(browser, url: str, width: int = 1366, height: int = 768, colour_mode: str | None = None):
    """A new page at `url`, in a browser context of its own, with console errors and failed requests
    collected on `page.problems`. Every wait on it lasts up to PATIENCE_MS (tests/e2e/conftest.py gives
    `expect` the same), and the context records a Playwright trace, which that conftest keeps when the
    test fails."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(PATIENCE_MS)
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda m: m.type == "error" and not _own_404(page, m) and page.problems.append(f"console: {m.text}"),
    )
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    # A request the page itself cancels (a callback made moot by navigating on) is not a failure.
    page.on(
        "requestfailed",
        lambda r: r.failure != "net::ERR_ABORTED" and page.problems.append(f"request failed: {r.url}"),
    )
    if colour_mode:
        # Only the first load: a reload must show what the page itself stored.
        page.add_init_script(
            f"if (!localStorage.getItem('shell-theme')) localStorage.setItem('shell-theme', '\"{colour_mode}\"')"
        )
    page.goto(url)
    page.wait_for_selector("._dash-loading", state="detached")
    return page


def expect_clear_message(page, *named: str) -> None:
    """The page shows a `.problem` box naming each of `named`, with a link back and no traceback,
    and the browser logged no error."""
    from playwright.sync_api import expect

    problem = page.locator(".problem")
    expect(problem).to_contain_text("This view cannot be shown")
    for text in named:
        expect(problem).to_contain_text(text)
    expect(problem.locator("a[href='/']")).to_have_count(1)
    assert "Traceback" not in problem.inner_text()
    assert page.problems == []
