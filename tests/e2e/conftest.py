import pytest
from playwright.sync_api import expect

from tests.browser import beacon_server, chromium, open_page

# Assertions wait on conditions; on a machine whose two cores another job keeps busy a callback can take
# several seconds, so they wait longer than Playwright's 5 s before calling it a failure.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser():
    with chromium() as browser:
        yield browser


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
    """open_page(browser, url) whose pages are closed after the test."""
    pages = []

    def visit(url: str, **options):
        page = open_page(browser, url, **options)
        pages.append(page)
        return page

    yield visit
    for page in pages:
        page.context.close()
