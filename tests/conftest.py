"""Shared fixtures: real DuckDB warehouses written to temporary files, never mocks."""

from datetime import date

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


@pytest.fixture(scope="session")
def demo_warehouse_path(tmp_path_factory):
    """A realistic demo warehouse (data/demo.py): 20 000 responses to 2026-11-23, built once per session."""
    from data.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "cx.duckdb"
    build_demo(path, responses=20_000, end=date(2026, 11, 23), seed=7)
    return path


@pytest.fixture
def demo_warehouse(demo_warehouse_path, monkeypatch):
    """Point the query layer at the session's demo warehouse."""
    monkeypatch.setattr(config, "WAREHOUSE", demo_warehouse_path)
    return demo_warehouse_path
