"""The not-found handlers (pages/not_found.py) leave other errors as they are: a bad request stays a
400, and a bug answers a plain 500 without a traceback."""

import dash
from flask import request

from views import not_found


def test_a_missing_query_argument_stays_a_400_and_a_bug_is_a_plain_500():
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
