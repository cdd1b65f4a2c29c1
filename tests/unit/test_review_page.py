"""/review built directly on the demo warehouse: a page per metric off track or at risk, worst first, with
the scorecard's own numbers; a bad `public=` is named."""

import importlib

import pytest

import config
import queries
from components.attributes import raw


def _walk(component):
    """Every component in a layout, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


@pytest.fixture
def review_page(demo_warehouse, tmp_path, monkeypatch):
    import dash
    from flask import Flask

    from data.state import database
    from queries import runner

    monkeypatch.setattr(config, "STATE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    database.migrate()
    app = dash.Dash(__name__, use_pages=True, pages_folder="", server=Flask(__name__))
    runner.init_cache(app.server)
    page = importlib.import_module("pages.review")
    with app.server.test_request_context():
        yield page


def _sections(layout, kind):
    return [c for c in _walk(layout) if f"review-{kind}" in (getattr(c, "className", "") or "").split()]


def test_a_page_per_metric_off_track_or_at_risk_with_the_scorecards_numbers(review_page):
    layout = review_page.layout(period="2026-Q4")
    root = layout if getattr(layout, "id", None) == review_page.ROOT else layout[-1]
    card = queries.scorecard(queries.view("2026-Q4", None)).set_index("metric_id")
    expected = [m for status in ("off_track", "at_risk") for m in card.index[card["status"].eq(status)]]
    assert expected, "the demo has metrics short of target in Q4 2026"
    pages = _sections(root, "metric")
    assert [page.to_plotly_json()["props"]["data-metric-id"] for page in pages] == expected
    assert root.to_plotly_json()["props"]["data-reviewed-count"] == str(len(expected))
    for page in pages:
        headline = _sections(page, "metric-headline")[0].to_plotly_json()["props"]
        row = card.loc[headline["data-metric-id"]]
        assert headline["data-value"] == raw(row["value"]) and headline["data-status"] == row["status"]
    rows = [
        c.to_plotly_json()["props"]
        for c in _walk(_sections(root, "scorecard")[0])
        if "kpi-row" in (getattr(c, "className", "") or "")
    ]
    assert {r["data-metric-id"]: r["data-value"] for r in rows} == {
        m: raw(v) for m, v in card["value"].items()
    }
    assert len(_sections(root, "register")) == len(_sections(root, "cover")) == 1


def test_a_bad_public_value_is_named(review_page):
    message = review_page.layout(period="2026-Q4", public="yes")
    assert "public='yes' must be 1" in str(message.to_plotly_json())
