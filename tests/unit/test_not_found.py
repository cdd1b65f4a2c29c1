"""The not-found handlers (pages/not_found.py) leave other errors as they are: a bad request stays a
400, and a bug answers a plain 500 without a traceback."""

import dash
from flask import request

from views import not_found


def test_a_missing_query_argument_stays_a_400_and_a_bug_is_a_plain_500(caplog):
    app = dash.Dash(__name__)
    app.layout = dash.html.Div()
    not_found.install(app)

    @app.server.route("/needs-token")
    def needs_token():
        return request.args["token"]  # werkzeug answers a missing one with its BadRequestKeyError

    @app.server.route("/bug")
    def bug():
        return {}["missing"]

    client = app.server.test_client()
    assert client.get("/needs-token").status_code == 400
    answer = client.get("/bug")
    assert answer.status_code == 500
    assert "Traceback" not in answer.get_data(as_text=True)
    [logged] = [r for r in caplog.records if r.name == "views.not_found"]
    assert (logged.levelname, logged.getMessage()) == ("ERROR", "Unhandled KeyError on /bug")
    assert logged.exc_info[0] is KeyError


def test_a_callback_no_one_has_is_a_404_and_logged(caplog):
    """A callback request naming outputs no callback has answers 404 with Beacon's words and is logged,
    at INFO, in Dash's words naming the outputs."""
    app = dash.Dash(__name__)
    app.layout = dash.html.Div()
    not_found.install(app)
    body = {"output": "nothing.children", "outputs": {"id": "nothing", "property": "children"}, "inputs": []}
    caplog.set_level("INFO", logger="views.not_found")
    answer = app.server.test_client().post("/_dash-update-component", json=body)
    assert (answer.status_code, answer.get_json()) == (
        404,
        {"message": "Not found: no callback has these outputs."},
    )
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "views.not_found"] == [
        ("INFO", "Not found: Callback function not found for output 'nothing.children'.")
    ]
