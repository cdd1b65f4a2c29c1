"""Bad input never takes a page down: a period outside the data, an odd but valid first day in the
warehouse, callbacks asked by hand for what no page draws. Each gets a clear message or a plain
status, never a 500 or a traceback."""

import json
import urllib.error
import urllib.request
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser import beacon_server, open_page
from tests.tiny_warehouse import build_tiny_warehouse

#: Every page with a period in its URL, by a path the tiny warehouse has.
DATA_PAGES = [
    "/",
    "/journey",
    "/segments",
    "/owners",
    "/wall",
    "/metric/nps",
    "/touchpoint/web",
    "/segment/smb",
    "/owner/ana",
]


@pytest.mark.parametrize("path", DATA_PAGES)
def test_a_period_after_the_data_is_a_message_on_every_data_page(browser, server, path):
    """?period=9999-Q4 (the calendar's last quarter) says the period starts after the latest data."""
    # Regression: every one of these answered 500 ("year 10000 is out of range").
    page = open_page(browser, f"{server}{path}?period=9999-Q4")
    expect(page.get_by_text("Q4 9999 starts after the latest data (2026-11-20).")).to_be_visible()
    assert "Traceback" not in page.content()
    assert page.problems == []
    page.context.close()


@pytest.fixture(scope="module")
def odd_first_day_server(tmp_path_factory):
    """Beacon on the tiny warehouse plus one first-contact-resolution day dated 0001-01-01: a valid
    date, as a mistyped year in a customer's extract would give."""
    folder = tmp_path_factory.mktemp("odd-day")
    warehouse = build_tiny_warehouse(folder / "cx.duckdb", [("fcr", date(1, 1, 1), "shop", "smb", 1.0, 2.0)])
    with beacon_server(warehouse, extra_env={"BEACON_STATE_URL": f"sqlite:///{folder / 'state.db'}"}) as url:
        yield url


@pytest.mark.parametrize("path", [*DATA_PAGES, "/data", "/commitments", "/commitment/new"])
def test_a_first_day_in_year_one_takes_no_page_down(browser, odd_first_day_server, path):
    """Every page draws with its data; the period selectors offer periods back to 1900, the first a
    URL may ask for, and nothing older."""
    # Regression: every page with a period selector answered 500 in period_choices.
    page = open_page(browser, odd_first_day_server + path)
    expect(page.locator("[id$='-root']").first).to_be_attached()
    assert page.locator(".problem").count() == 0
    selector = page.locator("select[id$='-period']")
    if selector.count():
        options = selector.locator("option").evaluate_all("options => options.map(o => o.value)")
        assert options[-1] == "1900" and "1900-Q1" in options and "1899" not in options
    assert page.problems == []
    page.context.close()


def _callback(server: str, body: dict) -> urllib.request.Request:
    return urllib.request.Request(
        server + "/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": server},
    )


def _verbatims_request(server: str, metric_id: str) -> urllib.request.Request:
    """The metric page's verbatims callback, as the browser posts it, for `metric_id`."""
    outputs = [
        {"id": "metric-verbatim-list", "property": "children"},
        {"id": "metric-verbatim-count", "property": "children"},
        {"id": "metric-verbatim-pages", "property": "max_value"},
        {"id": "metric-verbatim-pages", "property": "active_page"},
    ]
    filters = [
        {"id": f"metric-verbatim-{name}", "property": "value", "value": "all"}
        for name in ("touchpoint", "segment", "band")
    ]
    params = {"metric_id": metric_id, "period": None, "compare": None, "segment": None, "touchpoint": None}
    return _callback(
        server,
        {
            "output": "...".join(f"{o['id']}.{o['property']}" for o in outputs).join(["..", ".."]),
            "outputs": outputs,
            "inputs": [*filters, {"id": "metric-verbatim-pages", "property": "active_page", "value": 1}],
            "state": [{"id": "metric-params", "property": "data", "value": params}],
            "changedPropIds": ["metric-verbatim-band.value"],
        },
    )


def test_verbatims_asked_by_hand_for_an_unknown_metric_say_so(server):
    """Posted by hand (no page draws verbatims for an unknown metric): the list says there is no such
    metric, in the page's words, with HTTP 200 and no traceback."""
    with urllib.request.urlopen(_verbatims_request(server, "nps")) as answer:
        known = json.load(answer)["response"]
    assert known["metric-verbatim-count"]["children"] == "1 comment, newest first"
    with urllib.request.urlopen(_verbatims_request(server, "nope")) as answer:
        text = json.dumps(json.load(answer), ensure_ascii=False)
    assert "There is no metric “nope”. Pick one from the scorecard." in text
    assert "Traceback" not in text


def test_the_register_csv_for_an_unknown_owner_changes_nothing(browser, server):
    """/commitments?owner=nobody says there is no such owner; its CSV, asked for all the same, answers
    "no update" (204), not a 500."""
    page = open_page(browser, server + "/commitments?owner=nobody")
    expect(page.get_by_text("There is no owner “nobody” to filter by.")).to_be_visible()
    assert page.problems == []
    page.context.close()
    body = {
        "output": "commitments-csv-download.data",
        "outputs": {"id": "commitments-csv-download", "property": "data"},
        "inputs": [{"id": "commitments-csv-button", "property": "n_clicks", "value": 1}],
        "state": [{"id": "_pages_location", "property": "search", "value": "?owner=nobody"}],
        "changedPropIds": ["commitments-csv-button.n_clicks"],
    }
    with urllib.request.urlopen(_callback(server, body)) as answer:
        assert answer.status == 204
    body["state"][0]["value"] = "?owner=ana"
    with urllib.request.urlopen(_callback(server, body)) as answer:
        assert json.load(answer)["response"]["commitments-csv-download"]["data"]["type"] == "text/csv"


def test_a_callback_no_page_has_answers_404(server):
    body = {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []}
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(_callback(server, {**body, "changedPropIds": []}))
    assert answer.value.code == 404
    assert "Traceback" not in answer.value.read().decode()
