"""Shared fixtures: real DuckDB warehouses written to temporary files, never mocks."""

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
    """A throwaway PostgreSQL server on a Unix socket, when this machine has PostgreSQL installed
    (`initdb` on the PATH); yields a function making a fresh database's SQLAlchemy URL. Skips otherwise:
    SQLite is the default state database, PostgreSQL the scale-out one."""
    import os
    import shutil
    import subprocess
    import tempfile
    import uuid

    import sqlalchemy as sa

    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        pytest.skip("PostgreSQL is not installed (no initdb): the state store runs on SQLite here")
    # PostgreSQL refuses to run as root; then it runs as the `postgres` user, in a folder it can enter.
    as_root = os.geteuid() == 0
    folder = tempfile.mkdtemp(prefix="beacon-pg-")
    os.chmod(folder, 0o755)
    if as_root:
        shutil.chown(folder, "postgres")

    def command(*args):
        line = " ".join(args)
        full = ["su", "postgres", "-s", "/bin/sh", "-c", line] if as_root else ["sh", "-c", line]
        subprocess.run(full, check=True, capture_output=True, timeout=120)

    data = f"{folder}/data"
    command("initdb", "-D", data, "-A", "trust", "-U", "beacon")
    command(
        "pg_ctl",
        "-D",
        data,
        "-w",
        "-l",
        f"{folder}/log",
        "-o",
        f"\"-k {folder} -c listen_addresses=''\"",
        "start",
    )
    admin = sa.create_engine(
        f"postgresql+psycopg://beacon@/postgres?host={folder}", isolation_level="AUTOCOMMIT"
    )

    def fresh_database() -> str:
        name = f"beacon_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        return f"postgresql+psycopg://beacon@/{name}?host={folder}"

    try:
        yield fresh_database
    finally:
        admin.dispose()
        command("pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
