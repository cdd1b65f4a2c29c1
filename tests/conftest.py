"""Shared fixtures: real DuckDB warehouses written to temporary files, never mocks."""

import pytest

import config
from tests.tiny_warehouse import build_tiny_warehouse


@pytest.fixture(scope="session")
def tiny_warehouse_path(tmp_path_factory):
    return build_tiny_warehouse(tmp_path_factory.mktemp("tiny") / "cx.duckdb")


@pytest.fixture
def tiny_warehouse(tiny_warehouse_path, monkeypatch):
    """Point the query layer at the hand-made warehouse of tests/tiny_warehouse.py."""
    monkeypatch.setattr(config, "WAREHOUSE", tiny_warehouse_path)
    return tiny_warehouse_path
