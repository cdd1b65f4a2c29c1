import pytest

from tests.browser import beacon_server, chromium


@pytest.fixture(scope="session")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def server(tiny_warehouse_path):
    """Beacon under gunicorn, as `make run` serves it, on the hand-made warehouse."""
    with beacon_server(tiny_warehouse_path) as url:
        yield url
