"""Shared fixtures: real DuckDB warehouses written to temporary files, never mocks."""

import shutil
from datetime import date
from pathlib import Path

import pytest

import config
from tests.tiny_warehouse import build_tiny_warehouse

TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Each test is marked by its folder: `unit` under tests/unit/ (no browser, no server: `make
    test-unit`, or `pytest -m unit`), `e2e` under tests/e2e/ (real gunicorn and headless Chromium)."""
    for item in items:
        folder = item.path.relative_to(TESTS).parts[0]
        if folder in ("unit", "e2e"):
            item.add_marker(folder)


@pytest.fixture(scope="session")
def tiny_warehouse_path(tmp_path_factory):
    return build_tiny_warehouse(tmp_path_factory.mktemp("tiny") / "cx.duckdb")


@pytest.fixture
def tiny_warehouse(tiny_warehouse_path, monkeypatch):
    """Point the query layer at the hand-made warehouse of tests/tiny_warehouse.py."""
    monkeypatch.setattr(config, "WAREHOUSE", tiny_warehouse_path)
    return tiny_warehouse_path


@pytest.fixture(scope="session")
def demo_warehouse_path(tmp_path_factory):
    """A realistic demo warehouse (data/demo/generator.py): 20 000 responses to 2026-11-23, built once per session."""
    from data.demo.generator import build_demo

    path = tmp_path_factory.mktemp("demo") / "cx.duckdb"
    build_demo(path, responses=20_000, end=date(2026, 11, 23), seed=7)
    return path


@pytest.fixture
def demo_warehouse(demo_warehouse_path, monkeypatch):
    """Point the query layer at the session's demo warehouse."""
    monkeypatch.setattr(config, "WAREHOUSE", demo_warehouse_path)
    return demo_warehouse_path


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory):
    """A throwaway PostgreSQL server on a Unix socket (deploy/postgres.py), when this machine has
    PostgreSQL installed (`make services`); yields a function making a fresh database's SQLAlchemy URL.
    Skips otherwise: SQLite is the default state database, PostgreSQL the scale-out one."""
    import tempfile
    import uuid

    from deploy.postgres import Cluster, programs

    if programs() is None:
        pytest.skip("PostgreSQL is not installed (make services): the state store runs on SQLite here")
    # Not under pytest's tmp folder: as root, the server runs as `postgres`, which must enter the folder.
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="beacon-pg-")))
    cluster.start()

    def fresh_database() -> str:
        name = f"beacon_{uuid.uuid4().hex[:12]}"
        cluster.create_database(name)
        return cluster.url(name)

    try:
        yield fresh_database
    finally:
        cluster.stop("immediate")
        shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture
def mail(monkeypatch):
    """A real SMTP server on loopback (aiosmtpd), set as BEACON_SMTP_URL; it collects what arrives."""
    from tests.smtp_server import SmtpServer

    server = SmtpServer().start()
    monkeypatch.setattr(config, "SMTP_URL", server.url)
    yield server
    if server.running:
        server.stop()


@pytest.fixture
def receiver():
    """A real webhook receiver on loopback (tests/webhook_receiver.py): `.posts`, `.arrived`."""
    from tests.webhook_receiver import webhook_receiver

    with webhook_receiver() as server:
        yield server
