"""The end-to-end tests' fixtures: real gunicorn servers and one headless Chromium for the session, each
test's pages in browser contexts of their own, and a Playwright trace of each failing test under
tests/artifacts/ (pytest-playwright's `--tracing retain-on-failure`, with Debian's Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import PATIENCE_MS, ROOT, beacon_server, chromium, open_page

# Assertions wait on their condition as long as every other wait does (tests/browser.py says why).
expect.set_options(timeout=PATIENCE_MS)

ARTIFACTS = ROOT / "tests" / "artifacts"
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Note on the test whether its set-up, body or tear-down failed, for `browser` to keep its traces."""
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def session_browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(session_browser, request):
    """The session's Chromium for one test. Every browser context the test opened is closed after it;
    when the test failed, each one's trace is kept as tests/artifacts/<test>/trace-<n>.zip (open it with
    `.venv/bin/playwright show-trace PATH`)."""
    before = session_browser.contexts
    yield session_browser
    opened = [context for context in session_browser.contexts if context not in before]
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "-", request.node.nodeid).strip("-")
    for number, context in enumerate(opened, start=1):
        kept = folder / f"trace-{number}.zip" if request.node.stash.get(FAILED, False) else None
        context.tracing.stop(path=kept)
        context.close()


def _state(tmp_path_factory) -> dict:
    """A state database of the server's own, empty at the start of the session."""
    return {"BEACON_STATE_URL": f"sqlite:///{tmp_path_factory.mktemp('state') / 'state.db'}"}


@pytest.fixture(scope="session")
def server_state(tmp_path_factory):
    return _state(tmp_path_factory)


@pytest.fixture(scope="session")
def server(tiny_warehouse_path, server_state):
    """Beacon under gunicorn, as `make run` serves it, on the hand-made warehouse."""
    with beacon_server(tiny_warehouse_path, extra_env=server_state) as url:
        yield url


@pytest.fixture(scope="session")
def demo_server(demo_warehouse_path, tmp_path_factory):
    """Beacon under gunicorn on the 20 000-response demo warehouse."""
    with beacon_server(demo_warehouse_path, extra_env=_state(tmp_path_factory)) as url:
        yield url


@pytest.fixture(params=["tiny", "demo"])
def site(request):
    """The base URL of a server on the tiny or the demo warehouse, with the query layer pointed at
    the same file, so a test can compare the screen with what `queries` computes."""
    if request.param == "tiny":
        request.getfixturevalue("tiny_warehouse")
        return request.getfixturevalue("server")
    request.getfixturevalue("demo_warehouse")
    return request.getfixturevalue("demo_server")


@pytest.fixture
def visit(browser):
    """open_page(browser, url, ...): a page whose browser context `browser` closes after the test."""

    def visit(url: str, **options):
        return open_page(browser, url, **options)

    return visit
