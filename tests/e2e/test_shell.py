"""The app shell in headless Chromium: navbar, colour modes, 404, and messages for a bad warehouse."""

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from data.state import database
from tests.browser import beacon_server, open_page
from tests.e2e.test_commitments import seed


def test_root_serves_the_shell_without_console_errors(browser, server):
    """`/` shows the navbar with every page to come and the scorecard, with no browser errors."""
    page = open_page(browser, server + "/")
    expect(page.locator(".kpi-tile[data-metric-id]")).to_have_count(6)
    nav = page.locator(".shell-navbar")
    for label in ["Scorecard", "Journey", "Segments", "Owners", "Commitments", "Data", "Wall"]:
        assert nav.get_by_text(label, exact=True).count() == 1
    root = page.locator("#scorecard-root")
    assert root.get_attribute("data-period-start") == "2026-10-01"
    assert root.get_attribute("data-as-of") == "2026-11-20"
    assert page.locator(".kpi-tile[data-metric-id=fcr]").get_attribute("data-value").startswith("89.215686")
    assert page.problems == []


def test_colour_mode_toggle_persists_across_reloads(browser, server):
    page = open_page(browser, server + "/", colour_mode="light")
    html = page.locator("html")
    assert html.get_attribute("data-bs-theme") == "light"
    page.locator("#shell-theme-toggle").click()
    page.wait_for_function("document.documentElement.dataset.bsTheme === 'dark'")
    page.reload()
    page.wait_for_selector("#scorecard-root")
    assert html.get_attribute("data-bs-theme") == "dark"
    assert page.problems == []


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/nope", "This page does not exist"),
        ("/metric/nope", "There is no metric “nope”"),
        ("/touchpoint/nope", "There is no touchpoint “nope”"),
        ("/segment/nope", "There is no customer segment “nope”"),
        ("/owner/nope", "There is no owner “nope”"),
        ("/commitment/999999", "There is no commitment “999999”"),
    ],
)
def test_unknown_page_or_id_answers_404_with_the_friendly_page(browser, server, path, shown):
    """A path no page has, or an id nobody has, answers HTTP 404; the browser still shows the friendly
    page: the not-found page, or the page's own message naming the id, with a way back."""
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(server + path)
    assert answer.value.code == 404
    assert "_dash-config" in answer.value.read().decode()  # Beacon's page, drawn in the browser
    page = open_page(browser, server + path)
    expect(page.get_by_text(shown)).to_be_visible()
    expect(page.locator("main a[href]").first).to_be_visible()
    assert page.problems == []
    page.context.close()


@pytest.mark.parametrize(
    "path", ["/", "/metric/nps", "/touchpoint/web", "/segment/smb", "/owner/ana", "/commitment/new"]
)
def test_known_pages_and_ids_answer_200(server, path):
    with urllib.request.urlopen(server + path) as answer:
        assert answer.status == 200


def test_unknown_dash_file_answers_404_not_500(server):
    """A file of Dash's that does not exist (an unknown package, or a path it does not serve): 404."""
    for path in ("/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.v1.2.3m4.js"):
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(server + path)
        assert answer.value.code == 404, path
        assert "Traceback" not in answer.value.read().decode()


def test_the_page_says_its_language_and_direction(browser, server):
    """<html lang="en" dir="ltr"> (the interface is in English), from the first byte."""
    with urllib.request.urlopen(server + "/") as answer:
        assert '<html lang="en" dir="ltr">' in answer.read().decode()
    page = open_page(browser, server + "/")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
    page.context.close()


@pytest.mark.parametrize("damage", ["missing", "corrupt", "missing_table"])
def test_bad_warehouse_shows_what_is_wrong_and_the_fix(browser, tmp_path, tiny_warehouse_path, damage):
    """No file, a file that is not DuckDB, or one missing a table: the app starts and says so."""
    import shutil

    import duckdb

    path = tmp_path / "cx.duckdb"
    if damage == "corrupt":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "missing_table":
        shutil.copy(tiny_warehouse_path, path)
        with duckdb.connect(str(path)) as con:
            con.execute("DROP TABLE targets")
    expected = {"missing": "No warehouse file", "corrupt": "cannot be read", "missing_table": "targets"}
    with beacon_server(path) as url:
        for page_path in ("/", "/metric/nps"):
            page = open_page(browser, url + page_path)
            message = page.locator(".problem").inner_text()
            assert expected[damage] in message, page_path
            assert "python -m data.demo" in message
            assert "Traceback" not in message


def _served_ids(node, found: set) -> set:
    """The ids in a layout as Dash serves it (JSON): strings as they are, dict ids by their type."""
    if isinstance(node, list):
        for item in node:
            _served_ids(item, found)
    elif isinstance(node, dict) and "props" in node:
        component_id = node["props"].get("id")
        if component_id is not None:
            found.add(component_id["type"] if isinstance(component_id, dict) else component_id)
        _served_ids(node["props"].get("children"), found)
    return found


def _callback_ids(callback: dict) -> set:
    """The ids of a callback's outputs, inputs and states, as /_dash-dependencies lists them (several
    outputs are written "..a.prop...b.prop..", a duplicate-allowed one "a.prop@hash")."""
    output = callback["output"]
    outputs = output[2:-2].split("...") if output.startswith("..") else [output]
    named = [item.split("@")[0].rsplit(".", 1)[0] for item in outputs]
    named += [item["id"] for item in callback["inputs"] + callback["state"]]
    return {json.loads(name)["type"] if name.startswith("{") else name for name in named}


def test_every_callback_s_ids_are_in_the_validation_layout(tiny_warehouse_path, tmp_path):
    """Callback mistakes are not hidden: Dash checks each callback against a validation layout made of
    every page, and every id any callback names (inputs, outputs, states; pattern-matching ids by their
    type) is in it, the owner page's in-place editor included."""
    url = f"sqlite:///{tmp_path / 'database.db'}"
    database.migrate(url)
    seed({"BEACON_STATE_URL": url}, owner_id="ana")  # an owner page with an editor to draw
    with beacon_server(tiny_warehouse_path, extra_env={"BEACON_STATE_URL": url}) as server:
        with urllib.request.urlopen(server + "/metric/nps") as response:
            page = response.read().decode()
        with urllib.request.urlopen(server + "/_dash-dependencies") as response:
            callbacks = json.load(response)
    served = json.loads(
        re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page)[1]
    )
    assert served["suppress_callback_exceptions"] is False
    in_layout = _served_ids(served["validation_layout"], set())
    named = set().union(*(_callback_ids(callback) for callback in callbacks))
    assert {"metric-verbatim-csv-button", "owner-edit-save", "commitment-save", "wall-deck"} <= named
    assert named - in_layout == set()
