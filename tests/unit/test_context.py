"""The page context of a URL on the hand-made tiny warehouse: what a good URL resolves to, and the one
wording of each thing a URL can get wrong."""

import importlib
from datetime import date

import pytest

from tests import tiny_warehouse as tiny
from views.context import resolve

pytestmark = pytest.mark.usefixtures("tiny_warehouse")


def test_a_good_url_resolves_to_its_view_ids_and_names():
    context = resolve(
        {"period": "2026-10", "compare": "yoy", "segment": "smb", "other": "x"},
        "segment",
        "touchpoint",
        metric_id="nps",
    )
    assert context.problem is None
    assert (context.view.period.start, context.view.period.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert context.view.compare == "yoy"
    assert context.view.as_of == tiny.AS_OF
    assert (context.metric_id, context.segment_id, context.touchpoint_id) == ("nps", "smb", None)
    assert context.names == {
        "metric": "Net promoter score",
        "segment": "Small business",
        "touchpoint": "All touchpoints",
    }
    assert context.filters == {"period": "2026-10", "compare": "yoy", "segment": "smb", "touchpoint": None}
    assert context.shown == {"period": "2026-10", "compare": "yoy", "segment": "smb", "touchpoint": None}


def test_an_empty_url_is_the_default_view_on_everything():
    context = resolve({})
    assert context.problem is None
    assert (context.view.period.start, context.view.period.end) == (date(2026, 10, 1), tiny.AS_OF)
    assert context.shown == {"period": "2026-Q4", "compare": "prev", "segment": None, "touchpoint": None}
    assert context.view_filters == {"period": None, "compare": None}
    assert context.names == {"touchpoint": "All touchpoints", "segment": "All customers"}


def test_ids_in_the_path_name_the_page_and_the_query_string_filters_it():
    context = resolve({"segment": "ent"}, "segment", touchpoint_id="shop")
    assert (context.touchpoint_id, context.segment_id) == ("shop", "ent")
    assert context.names["touchpoint"] == "Shop"
    owner = resolve({}, owner_id="ben")
    assert (owner.owner_id, owner.names["owner"]) == ("ben", "Ben Okafor")


@pytest.mark.parametrize(
    ("params", "path_ids", "message"),
    [
        ({}, {"metric_id": "nps2"}, "There is no metric “nps2”. Pick one from the scorecard."),
        ({}, {"metric_id": None}, "There is no metric “None”. Pick one from the scorecard."),
        ({"metric": "nope"}, {}, "There is no metric “nope”. Pick one from the scorecard."),
        ({}, {"touchpoint_id": "moon"}, "There is no touchpoint “moon”. Pick one on the journey map."),
        (
            {"touchpoint": "moon"},
            {"metric_id": "nps"},
            "There is no touchpoint “moon”. Pick one on the journey map.",
        ),
        ({}, {"segment_id": "pets"}, "There is no customer segment “pets”. Pick one from the Segment list."),
        ({"segment": "pets"}, {}, "There is no customer segment “pets”. Pick one from the Segment list."),
        ({}, {"owner_id": "nobody"}, "There is no owner “nobody”. Pick one on the owners board."),
    ],
)
def test_each_unknown_id_is_named_in_one_wording(params, path_ids, message):
    context = resolve(params, "segment", "touchpoint", "metric", **path_ids)
    assert context.problem == message
    assert context.view is None


def test_filters_a_page_does_not_read_are_not_checked():
    context = resolve({"touchpoint": "moon", "metric": "nope", "segment": "smb"}, "segment")
    assert context.problem is None
    assert (context.segment_id, context.touchpoint_id, context.metric_id) == ("smb", None, None)


def test_a_bad_period_says_what_is_wrong_with_it():
    context = resolve({"period": "2026-Q5"}, metric_id="nps")
    assert context.view is None
    assert "2026-Q5" in context.problem
    assert context.view_filters == {"period": "2026-Q5", "compare": None}


def test_the_commitments_page_says_the_state_database_is_away(tiny_warehouse, monkeypatch, tmp_path):
    """PostgreSQL restarting: the register page says so instead of failing (a 500)."""
    import dash
    from flask import Flask

    import config
    from tests.components_tree import text

    monkeypatch.setattr(config, "STATE_URL", f"postgresql+psycopg://beacon@/beacon?host={tmp_path}")
    dash.Dash(__name__, use_pages=True, pages_folder="", server=Flask(__name__))
    page = importlib.import_module("pages.commitments")
    assert "The commitments cannot be read just now" in text(page.layout())
